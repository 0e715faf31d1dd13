"""One received email made into the InboundMessage the pipeline stores: parsed, then its signals weighed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import Message

from core.canteen import Canteen
from core.messages import InboundMessage
from core.settings import EmailSettings
from mailroom.parse import MALFORMED, addresses, load, parse_email
from mailroom.safety import SafetyPolicy, assess, own_addresses


@dataclass(frozen=True)
class EmailReader:
    """Reads raw mail for the SMTP server and the IMAP poller alike; never raises."""

    policy: SafetyPolicy

    @classmethod
    def for_settings(cls, settings: EmailSettings, canteens: Mapping[str, Canteen]) -> EmailReader:
        policy = SafetyPolicy(
            own_addresses=own_addresses(c.email for c in canteens.values()),
            authentication=settings.authentication,
            trusted_authserv_id=settings.trusted_authserv_id,
        )
        return cls(policy)

    def canteen_written_to(self, message: Message) -> str | None:
        """Mail read from a mailbox: the canteen address in Delivered-To, X-Original-To, To or Cc."""
        for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
            for address in addresses(message, name):
                if address in self.policy.own_addresses:
                    return address
        return None

    def read(
        self, raw: bytes, received_at: datetime, *, recipient: str | None = None, envelope_sender: str | None = None
    ) -> InboundMessage:
        """The message with its signals; `envelope_sender` is MAIL FROM ('' for <>), None when unknown (IMAP)."""
        try:
            message = load(raw)
        except Exception:
            return parse_email(raw, received_at, recipient=recipient, envelope_sender=envelope_sender)
        if recipient is None:
            recipient = self.canteen_written_to(message)
        inbound = parse_email(raw, received_at, recipient=recipient, envelope_sender=envelope_sender, message=message)
        try:
            signals, notes = assess(
                message, sender=inbound.sender or None, envelope_sender=envelope_sender, policy=self.policy
            )
        except Exception as error:  # defensive: a header shape nobody foresaw; staff will read it
            signals, notes = frozenset({MALFORMED}), {MALFORMED: f"headers unreadable ({type(error).__name__})"}
        if not signals:
            return inbound
        merged = dict(inbound.signal_notes)
        for signal, note in notes.items():
            merged[signal] = f"{merged[signal]}; {note}" if signal in merged else note
        return replace(inbound, signals=inbound.signals | signals, signal_notes=merged)
