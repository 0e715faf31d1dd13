"""Messages in and out, and the conversation state around them: plain records, channel-neutral, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from core.keyed import Keyed


class Channel(StrEnum):
    """Where a message came from and where its reply goes."""

    EMAIL = "email"
    SMS = "sms"
    TELEGRAM = "telegram"
    CONSOLE = "console"  # `cantine simulate` and the try-it console


class Signal(StrEnum):
    """Facts a channel adapter noticed about a message, for the routing rules to weigh."""

    AUTO_SUBMITTED = "auto_submitted"  # Auto-Submitted other than "no", X-Auto-Response-Suppress
    BULK = "bulk"  # Precedence: bulk / junk / list
    MAILING_LIST = "mailing_list"  # List-Id and other List-* headers
    BOUNCE = "bounce"  # multipart/report, empty Return-Path, MAILER-DAEMON
    OWN_ADDRESS = "own_address"  # sent by one of our own addresses
    AUTH_FAILED = "auth_failed"  # DKIM and SPF both failed, or no authentication under a "require" policy
    ENVELOPE_MISMATCH = "envelope_mismatch"  # From is a guardian's, the envelope sender a stranger's
    MALFORMED = "malformed"  # the message could only be read in part: a person should look at it


@dataclass(frozen=True)
class InboundMessage:
    """One message as a channel adapter hands it over, before anything is decided."""

    channel: str
    external_id: str  # Message-ID, MessageSid, Telegram update id: unique per channel
    sender: str  # email address, E.164 number or Telegram chat id
    text: str
    received_at: datetime
    subject: str | None = None
    raw: bytes = b""  # the bytes as received, kept for staff
    thread_ids: tuple[str, ...] = ()  # email: In-Reply-To and References; chats: empty
    signals: frozenset[str] = frozenset()
    signal_notes: Mapping[str, str] = field(default_factory=dict)  # why a signal was raised
    recipient: str | None = None  # the canteen address or number written to (tells the canteen of a stranger)


class MessageStatus(StrEnum):
    """Where a stored message is on its road."""

    PENDING = "pending"  # stored, not yet processed (or processing crashed: claimable again)
    DONE = "done"  # answered by the machine
    STAFF = "staff"  # a person must handle it
    DROPPED = "dropped"  # auto-reply, bounce, list mail: kept, not answered


@dataclass(frozen=True)
class RuleHit:
    """One routing decision recorded on a message: which rule, whether it matched, and why."""

    rule: str
    matched: bool
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        found = {"rule": self.rule, "matched": self.matched, "note": str(self.note)}
        if isinstance(self.note, Keyed):  # staff read it in their language
            found |= self.note.to_json()
        return found


@dataclass(frozen=True)
class StoredMessage:
    """An inbox row: the message, its status and what was decided about it."""

    id: int
    message: InboundMessage
    status: MessageStatus
    attempts: int = 0
    guardian_id: int | None = None
    household_id: int | None = None
    interpretation: Mapping[str, Any] | None = None
    hits: Sequence[RuleHit] = ()
    processed_at: datetime | None = None


class Attachment(NamedTuple):
    """A file sent with an email reply (statement, QR-bill, menu); chat channels leave it out."""

    filename: str
    content_type: str  # MIME type, "application/pdf"
    data: bytes


@dataclass(frozen=True)
class OutgoingMessage:
    """A reply waiting in the outbox, written in the same transaction as the changes it reports."""

    channel: str
    recipient: str
    text: str
    created_at: datetime
    language: str = "fr"
    subject: str | None = None
    in_reply_to: str | None = None  # the external id answered (email threading)
    reply_from: str | None = None  # the address the parent wrote to: replies come from it
    references: tuple[str, ...] = ()
    html: str | None = None
    inbound_id: int | None = None
    buttons: tuple[tuple[str, str], ...] = ()  # chat choices: (label, answer text sent back when tapped)
    attachments: tuple[Attachment, ...] = ()  # email only: SMS and Telegram replies say they were emailed
    attempts: int = 0  # delivery attempts already made (filled when read from the outbox)
    id: int | None = None


class DeliveryStatus(StrEnum):
    """An outbox row's state."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry; shown to staff


@dataclass(frozen=True)
class PendingQuestion:
    """A clarification asked and not yet answered: what was asked and what the answer completes."""

    guardian_id: int
    channel: str
    inbound_id: int  # the message that raised the question
    asked_at: datetime
    expires_at: datetime
    kind: str  # "child", "date", …
    options: tuple[str, ...]
    pending: tuple[Mapping[str, Any], ...]  # commands with the unknown left null (JSON form)
    intent: str
    questions_asked: int = 1
    id: int | None = None


@dataclass(frozen=True)
class AppliedRequest:
    """What one message changed, so that "ANNULER" / "undo" can reverse it while the cut-off allows."""

    guardian_id: int
    inbound_id: int
    applied_at: datetime
    commands: tuple[Mapping[str, Any], ...]  # done commands: {"action", "child_id", "day", "meal"}
    undone: bool = False
    id: int | None = None


class StaffItemStatus(StrEnum):
    """A staff item is open until a person resolves it."""

    OPEN = "open"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class StaffItem:
    """A message a person must handle, with the reasons it was flagged and its follow-ups."""

    inbound_id: int
    reason: str
    opened_at: datetime
    thread_key: str  # the conversation it holds: email thread root, or channel:sender for chats
    hold_until: datetime | None = None  # chats: follow-ups until then are attached here
    attached: tuple[int, ...] = ()  # later messages attached to this item
    status: StaffItemStatus = StaffItemStatus.OPEN
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class SenderNotice:
    """A courtesy reply already sent to a sender on a day (unknown-sender replies: once a day)."""

    sender: str
    kind: str
    day: date
