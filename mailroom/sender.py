"""Replies by email: a threaded, auto-submitted text+HTML message submitted to the relay with smtplib."""

from __future__ import annotations

import hashlib
import html
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime

from core.clock import Clock, SystemClock
from core.messages import Attachment as Attachment  # re-exported for mailroom users
from core.messages import OutgoingMessage
from core.pipeline.delivery import DeliveryError
from core.settings import EmailSettings
from mailroom.parse import address_domain

FileTuple = tuple[str, str, bytes]  # file name, MIME type, content: an Attachment or a plain tuple
REFERENCES_KEPT = 20  # the thread's root and its most recent ids are enough for every mail client
SECURITY = ("starttls", "tls", "none")


def stable_message_id(message: OutgoingMessage, sender: str) -> str:
    """A Message-ID fixed by the outbox row, so a retried delivery carries the same id (receivers de-duplicate)."""
    seed = f"{message.id}|{message.recipient}|{message.created_at.isoformat()}|{message.in_reply_to}"
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16]
    domain = address_domain(sender) or "cantine.invalid"
    return f"<cantine.{message.id if message.id is not None else 'x'}.{digest}@{domain}>"


def text_to_html(text: str) -> str:
    """The reply text as simple HTML: escaped, paragraphs at blank lines, line breaks kept."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    body = "\n".join(f"<p>{html.escape(p.strip()).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n{body}\n</body></html>\n'


def _is_permanent(code: int) -> bool:
    return 500 <= code < 600


class SmtpReplySender:
    """ChannelSender for email: builds the reply and submits it to the configured relay."""

    def __init__(
        self,
        settings: EmailSettings,
        default_from: str,
        *,
        clock: Clock | None = None,
        timeout: float = 30.0,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        if settings.relay_security not in SECURITY:
            raise ValueError(f"relay_security must be one of {', '.join(SECURITY)}, got {settings.relay_security!r}")
        self.settings = settings
        self.default_from = default_from
        self.clock = clock or SystemClock()
        self.timeout = timeout
        self.tls_context = tls_context or ssl.create_default_context()

    def build(self, message: OutgoingMessage, attachments: Sequence[FileTuple] = ()) -> EmailMessage:
        """The reply as it will be sent: headers for threading and RFC 3834, text and HTML, attachments.

        The files are the message's own (`OutgoingMessage.attachments`, kept with the outbox row) then `attachments`.
        """
        sender = message.reply_from or self.default_from
        mail = EmailMessage()
        mail["From"] = sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject or "Cantine"
        mail["Date"] = format_datetime(self.clock.now())
        mail["Message-ID"] = stable_message_id(message, sender)
        if message.in_reply_to:
            mail["In-Reply-To"] = message.in_reply_to
        references = [r for r in message.references if r]
        if message.in_reply_to and message.in_reply_to not in references:
            references.append(message.in_reply_to)
        if references:
            kept = references if len(references) <= REFERENCES_KEPT else [references[0], *references[-19:]]
            mail["References"] = " ".join(kept)
        mail["Auto-Submitted"] = "auto-replied"
        mail["X-Auto-Response-Suppress"] = "All"  # asks Exchange not to answer our answer with an out-of-office
        mail["Content-Language"] = message.language
        mail.set_content(message.text, charset="utf-8")
        mail.add_alternative(message.html or text_to_html(message.text), subtype="html", charset="utf-8")
        for filename, mime_type, content in (*message.attachments, *attachments):
            maintype, _, subtype = mime_type.partition("/")
            mail.add_attachment(
                content, maintype=maintype or "application", subtype=subtype or "octet-stream", filename=filename
            )
        return mail

    def send(self, message: OutgoingMessage) -> str | None:
        """Deliver one reply with its files; returns its Message-ID. DeliveryError(permanent) if refused for good."""
        return self.send_with_attachments(message, ())

    def send_with_attachments(self, message: OutgoingMessage, attachments: Sequence[FileTuple]) -> str | None:
        """As send, with files attached (statements, invoices)."""
        try:
            mail = self.build(message, attachments)
        except (ValueError, TypeError, IndexError) as error:  # an address or attachment no message can carry
            raise DeliveryError(f"reply cannot be built: {type(error).__name__}: {error}", True) from error
        envelope_from = str(mail["From"].addresses[0].addr_spec) if mail["From"].addresses else self.default_from
        try:
            with self._connect() as smtp:
                smtp.send_message(mail, from_addr=envelope_from, to_addrs=[message.recipient])
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            detail = "; ".join(f"{a}: {c} {t.decode(errors='replace')}" for a, (c, t) in error.recipients.items())
            raise DeliveryError(f"recipient refused: {detail}", all(_is_permanent(c) for c in codes)) from error
        except smtplib.SMTPResponseException as error:  # sender refused, data refused, authentication failed
            text = (
                error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
            )
            # Only a refusal of this very message is final; a refused login or sender is the relay's
            # configuration, the same for every reply: retried, so that fixing the settings delivers them.
            permanent = _is_permanent(error.smtp_code) and isinstance(error, smtplib.SMTPDataError)
            raise DeliveryError(f"relay answered {error.smtp_code} {text}", permanent) from error
        except (smtplib.SMTPException, OSError) as error:  # refused connection, timeout, TLS, disconnect
            raise DeliveryError(f"relay unreachable: {type(error).__name__}: {error}", False) from error
        return str(mail["Message-ID"])

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        smtp: smtplib.SMTP
        if settings.relay_security == "tls":
            smtp = smtplib.SMTP_SSL(
                settings.relay_host, settings.relay_port, timeout=self.timeout, context=self.tls_context
            )
        else:
            smtp = smtplib.SMTP(settings.relay_host, settings.relay_port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if settings.relay_security == "starttls":
                smtp.starttls(context=self.tls_context)
                smtp.ehlo()
            if settings.relay_user:
                smtp.login(settings.relay_user, settings.relay_password)
        except BaseException:
            smtp.close()
            raise
        return smtp
