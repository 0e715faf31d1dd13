"""The SMS channel through Twilio: webhook messages read and signature-checked, replies sent by the REST API."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from twilio.base.exceptions import TwilioException, TwilioRestException  # type: ignore[import-untyped]  # twilio ships no type hints
from twilio.http import HttpClient  # type: ignore[import-untyped]  # twilio ships no type hints
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]  # twilio ships no type hints
from twilio.rest import Client  # type: ignore[import-untyped]  # twilio ships no type hints

from core.messages import Channel, InboundMessage, OutgoingMessage
from core.pipeline.delivery import DeliveryError
from core.settings import SmsSettings
from core.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)

INBOUND_PATH = "/sms/inbound"
STATUS_PATH = "/sms/status"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def is_configured(settings: SmsSettings) -> bool:
    return bool(settings.account_sid and settings.auth_token)


def public_url(settings: SmsSettings, path_and_query: str, headers: Mapping[str, str], request_url: str) -> str:
    """The URL Twilio called: the configured public base, else the request's as a proxy forwarded it."""
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/") + path_and_query
    scheme, netloc, _, _, _ = urlsplit(request_url)
    scheme = headers.get("x-forwarded-proto", scheme).split(",")[0].strip() or scheme
    netloc = headers.get("x-forwarded-host", headers.get("host", netloc)).split(",")[0].strip() or netloc
    path, _, query = path_and_query.partition("?")
    return urlunsplit((scheme, netloc, path, query, ""))


def signature_valid(settings: SmsSettings, url: str, form: Mapping[str, str], signature: str | None) -> bool:
    """True when `X-Twilio-Signature` signs this URL and form with our auth token."""
    if not signature or not settings.auth_token:
        return False
    return bool(RequestValidator(settings.auth_token).validate(url, dict(form), signature))


def inbound_message(form: Mapping[str, str], raw: bytes, received_at: datetime) -> InboundMessage:
    """A Twilio webhook form as an inbox message keyed by its MessageSid (a retry has the same one)."""
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    if not sid:
        raise ValueError("no MessageSid in the webhook form")
    return InboundMessage(
        channel=Channel.SMS,
        external_id=sid,
        sender=form.get("From", "").strip(),
        text=form.get("Body", ""),
        received_at=received_at,
        raw=raw,
        recipient=form.get("To", "").strip() or None,
    )


class TwilioSmsSender:
    """Delivers SMS replies with the Twilio REST API; opted-out numbers are refused before sending."""

    def __init__(self, settings: SmsSettings, http_client: HttpClient | None = None) -> None:
        self.settings = settings
        self.client = Client(settings.account_sid, settings.auth_token, http_client=http_client)
        self.client.api.base_url = settings.api_base_url.rstrip("/")

    @property
    def status_callback(self) -> str | None:
        base = self.settings.public_base_url
        return base.rstrip("/") + STATUS_PATH if base else None

    def refusal(self, message: OutgoingMessage, uow: AbstractUnitOfWork) -> str | None:
        if uow.channels.is_opted_out(message.recipient):
            return "suppressed: the number opted out of SMS (STOP)"
        return None

    def send(self, message: OutgoingMessage) -> str | None:
        sender = message.reply_from or self.settings.from_number
        options: dict[str, str] = {}
        if self.status_callback:
            options["status_callback"] = self.status_callback
        try:
            sent = self.client.messages.create(to=message.recipient, from_=sender, body=message.text, **options)
        except TwilioRestException as error:
            permanent = 400 <= error.status < 500 and error.status != 429
            raise DeliveryError(f"Twilio {error.status} (code {error.code}): {error.msg}", permanent) from error
        except TwilioException as error:
            raise DeliveryError(f"Twilio: {error}") from error
        return str(sent.sid) if sent.sid else None
