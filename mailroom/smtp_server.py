"""The SMTP server (aiosmtpd): canteen addresses only, each message stored durably before 250 is answered."""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable, Iterable
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from core.clock import Clock
from core.messages import InboundMessage
from core.settings import EmailSettings
from mailroom.inbound import EmailReader

log = logging.getLogger(__name__)

Store = Callable[[InboundMessage], tuple[int, bool]]  # core.pipeline.worker.receive with its unit of work


class SmtpIntake:
    """aiosmtpd handler: refuses unknown recipients at RCPT, stores at DATA, 451 when storing fails."""

    def __init__(self, reader: EmailReader, store: Store, accepted: Iterable[str], clock: Clock) -> None:
        self.reader = reader
        self.store = store
        self.accepted = frozenset(a.strip().lower() for a in accepted if a.strip())
        self.clock = clock

    async def handle_RCPT(  # noqa: N802  (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.strip().lower() not in self.accepted:
            return f"550 5.1.1 <{address}>: no such canteen address here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):  # only with decode_data=True, which this server does not use
            raw = raw.encode("utf-8", "surrogateescape")
        recipient = envelope.rcpt_tos[0].lower() if envelope.rcpt_tos else None
        mail_from = envelope.mail_from
        try:
            inbox_id, new = await asyncio.get_running_loop().run_in_executor(
                None, self._receive, raw or b"", recipient, mail_from
            )
        except Exception:
            log.exception("mail from %s could not be stored; the sender will retry", mail_from)
            return "451 4.3.0 Temporarily unable to store the message, please try again later"
        log.info("mail from %s stored as inbox %s%s", mail_from, inbox_id, "" if new else " (already received)")
        return f"250 2.0.0 Message accepted ({inbox_id})"

    def _receive(self, raw: bytes, recipient: str | None, mail_from: str | None) -> tuple[int, bool]:
        """Parse and store (in a worker thread: parsing a large mail and the database call block)."""
        envelope_sender = "" if mail_from in (None, "", "<>") else mail_from
        message = self.reader.read(raw, self.clock.now(), recipient=recipient, envelope_sender=envelope_sender)
        return self.store(message)


def tls_context(cert: str, key: str) -> ssl.SSLContext | None:
    """A server context for STARTTLS when a certificate and key are configured."""
    if not (cert and key):
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


class SmtpServer:
    """Starts and stops the SMTP intake on the configured address (a thread with its own event loop)."""

    def __init__(self, handler: SmtpIntake, settings: EmailSettings) -> None:
        self.settings = settings
        kwargs: dict[str, Any] = {
            "enable_SMTPUTF8": True,
            "data_size_limit": settings.smtp_max_bytes,
            "ident": "cantine ESMTP",
        }
        context = tls_context(settings.smtp_tls_cert, settings.smtp_tls_key)
        if context is not None:
            kwargs["tls_context"] = context
        self.controller = Controller(handler, hostname=settings.smtp_host, port=settings.smtp_port, **kwargs)

    @property
    def address(self) -> str:
        return f"{self.settings.smtp_host}:{self.settings.smtp_port}"

    def start(self) -> None:
        self.controller.start()
        log.info("SMTP server listening on %s", self.address)

    def stop(self) -> None:
        self.controller.stop()
