"""Replies by email, captured by an aiosmtpd sink and checked header by header; delivery failures classified."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from core.clock import FixedClock
from core.messages import OutgoingMessage
from core.pipeline.delivery import DeliveryError
from core.settings import EmailSettings
from mailroom.sender import SmtpReplySender, stable_message_id, text_to_html
from tests.mailroom.servers import Sink, free_port, self_signed

MONTVAL = "cantine@montval.example"
CLAIRE = "claire.dupont@example.ch"
NOW = datetime(2026, 11, 23, 6, 41, tzinfo=UTC)


def reply(**fields: Any) -> OutgoingMessage:
    values: dict[str, Any] = {
        "channel": "email",
        "recipient": CLAIRE,
        "text": "Bonjour Claire,\n\nBasile : repas annulé je 26.11.\nSolde : 400,00 CHF.\n\n<Cantine> & co",
        "created_at": NOW,
        "subject": "Re: Repas de Basile",
        "in_reply_to": "<CAF1cancel0002@mail.gmail.com>",
        "references": ("<CAF1reserve0001@mail.gmail.com>", "<CAF1cancel0002@mail.gmail.com>"),
        "reply_from": MONTVAL,
        "id": 42,
    }
    values.update(fields)
    return OutgoingMessage(**values)


class Relay:
    """A sink SMTP server with optional STARTTLS and login, and a sender configured for it."""

    def __init__(self, **kwargs: Any) -> None:
        self.sink = Sink()
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=True, **kwargs)

    def sender(self, security: str = "none", context: ssl.SSLContext | None = None, **settings: Any) -> SmtpReplySender:
        email = EmailSettings(relay_host="127.0.0.1", relay_port=self.port, relay_security=security, **settings)
        return SmtpReplySender(email, "cantine@montval.example", clock=FixedClock(NOW), timeout=5, tls_context=context)

    def parsed(self, index: int = -1) -> EmailMessage:
        message = BytesParser(policy=policy.default).parsebytes(self.sink.received[index].original_content or b"")
        assert isinstance(message, EmailMessage)
        return message


@pytest.fixture
def relay() -> Iterator[Relay]:
    server = Relay()
    server.controller.start()
    yield server
    server.controller.stop()


def test_the_reply_carries_every_header_a_threaded_auto_reply_needs(relay: Relay) -> None:
    provider_id = relay.sender().send(reply())
    [envelope] = relay.sink.received
    assert envelope.mail_from == MONTVAL
    assert envelope.rcpt_tos == [CLAIRE]
    mail = relay.parsed()
    assert mail["From"] == MONTVAL
    assert mail["To"] == CLAIRE
    assert mail["Subject"] == "Re: Repas de Basile"
    assert mail["In-Reply-To"] == "<CAF1cancel0002@mail.gmail.com>"
    assert mail["References"] == "<CAF1reserve0001@mail.gmail.com> <CAF1cancel0002@mail.gmail.com>"
    assert mail["Message-ID"] == provider_id
    assert provider_id is not None
    assert provider_id.startswith("<cantine.42.")
    assert provider_id.endswith("@montval.example>")
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["Date"] == "Mon, 23 Nov 2026 06:41:00 +0000"
    assert mail.get_content_type() == "multipart/alternative"
    text, html = mail.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert text.get_content_charset() == "utf-8"
    assert text.get_content().replace("\r\n", "\n") == reply().text + "\n"
    assert html.get_content_type() == "text/html"
    assert html.get_content_charset() == "utf-8"
    assert "<p>Bonjour Claire,</p>" in html.get_content()
    assert "Basile : repas annulé je 26.11.<br>Solde : 400,00 CHF.</p>" in html.get_content()
    assert "&lt;Cantine&gt; &amp; co" in html.get_content()


def test_a_retry_reuses_the_message_id() -> None:
    assert stable_message_id(reply(), MONTVAL) == stable_message_id(reply(attempts=3), MONTVAL)
    assert stable_message_id(reply(), MONTVAL) != stable_message_id(reply(id=43), MONTVAL)


def test_replies_come_from_the_address_written_to_else_the_default(relay: Relay) -> None:
    relay.sender().send(reply(reply_from="refectoire@leysin.example"))
    assert relay.parsed()["From"] == "refectoire@leysin.example"
    relay.sender().send(reply(reply_from=None, subject=None, in_reply_to=None, references=()))
    mail = relay.parsed()
    assert mail["From"] == MONTVAL
    assert mail["Subject"] == "Cantine"
    assert mail["In-Reply-To"] is None
    assert mail["References"] is None


def test_an_attachment_travels_after_the_text_and_html(relay: Relay) -> None:
    pdf = b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n"
    relay.sender().send_with_attachments(reply(), [("relevé novembre.pdf", "application/pdf", pdf)])
    mail = relay.parsed()
    assert mail.get_content_type() == "multipart/mixed"
    body = mail.get_body(("plain",))
    assert body is not None
    assert "Basile : repas annulé" in body.get_content()
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "relevé novembre.pdf"
    assert attachment.get_content() == pdf


def test_an_html_given_by_the_composer_is_used(relay: Relay) -> None:
    relay.sender().send(reply(html="<p>Déjà écrit</p>"))
    html = relay.parsed().get_body(("html",))
    assert html is not None
    assert html.get_content().strip() == "<p>Déjà écrit</p>"


def test_text_to_html_escapes_and_keeps_paragraphs() -> None:
    assert "<p>a &lt;b&gt;<br>c</p>\n<p>d</p>" in text_to_html("a <b>\nc\n\n\nd")


def test_a_refused_recipient_is_a_permanent_failure(relay: Relay) -> None:
    relay.sink.refuse[CLAIRE] = "550 5.1.1 no such user"
    with pytest.raises(DeliveryError) as error:
        relay.sender().send(reply())
    assert error.value.permanent
    assert "550" in str(error.value)


def test_a_greylisted_recipient_is_a_temporary_failure(relay: Relay) -> None:
    relay.sink.refuse[CLAIRE] = "450 4.2.0 greylisted, try again later"
    with pytest.raises(DeliveryError) as error:
        relay.sender().send(reply())
    assert not error.value.permanent


def test_a_relay_that_is_down_is_a_temporary_failure() -> None:
    settings = EmailSettings(relay_host="127.0.0.1", relay_port=free_port(), relay_security="none")
    with pytest.raises(DeliveryError) as error:
        SmtpReplySender(settings, MONTVAL, timeout=2).send(reply())
    assert not error.value.permanent
    assert "unreachable" in str(error.value)


def test_starttls_when_the_relay_requires_it_fails_softly_without(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    secured = Relay(tls_context=server_context, require_starttls=True)
    secured.controller.start()
    try:
        trusting = ssl.create_default_context(cafile=cert)
        secured.sender("starttls", trusting).send(reply())
        assert len(secured.sink.received) == 1
        with pytest.raises(DeliveryError) as error:
            secured.sender("none").send(reply())
        assert not error.value.permanent
        with pytest.raises(DeliveryError) as untrusted:
            secured.sender("starttls", ssl.create_default_context()).send(reply())
        assert not untrusted.value.permanent
    finally:
        secured.controller.stop()


def test_login_after_starttls(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"cantine", b"s3cret")
        return AuthResult(success=ok)

    guarded = Relay(tls_context=server_context, auth_required=True, authenticator=authenticator)
    guarded.controller.start()
    try:
        trusting = ssl.create_default_context(cafile=cert)
        guarded.sender("starttls", trusting, relay_user="cantine", relay_password="s3cret").send(reply())
        assert len(guarded.sink.received) == 1
        with pytest.raises(DeliveryError) as error:
            guarded.sender("starttls", trusting, relay_user="cantine", relay_password="wrong").send(reply())
        assert not error.value.permanent  # a configuration problem: fixed settings make the retry succeed
    finally:
        guarded.controller.stop()


def test_implicit_tls(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    wrapped = Relay(ssl_context=server_context)
    wrapped.controller.start()
    try:
        wrapped.sender("tls", ssl.create_default_context(cafile=cert)).send(reply())
        assert len(wrapped.sink.received) == 1
    finally:
        wrapped.controller.stop()


def test_an_unknown_security_setting_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="relay_security"):
        SmtpReplySender(EmailSettings(relay_host="x", relay_security="ssl3"), MONTVAL)


def test_an_address_no_mail_can_carry_is_a_permanent_failure(relay: Relay) -> None:
    with pytest.raises(DeliveryError) as error:
        relay.sender().send(reply(recipient="claire\r\nBcc: everyone@example.ch"))
    assert error.value.permanent
