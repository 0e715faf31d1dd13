"""The SMTP intake, driven by smtplib over loopback: recipients, size, SMTPUTF8, durable storage before 250."""

from __future__ import annotations

import smtplib
import ssl
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.clock import FixedClock
from core.messages import InboundMessage, Signal
from core.settings import EmailSettings
from core.unit_of_work import AbstractUnitOfWork
from mailroom.inbound import EmailReader
from mailroom.safety import SafetyPolicy
from mailroom.service import store_with
from mailroom.smtp_server import SmtpIntake, SmtpServer
from tests.mailroom.servers import free_port, self_signed

FIXTURES = Path(__file__).parent / "fixtures"
MONTVAL = "cantine@montval.example"
CLAIRE = "claire.dupont@example.ch"
AT = datetime(2026, 11, 23, 6, 40, tzinfo=UTC)
Store = Callable[[InboundMessage], tuple[int, bool]]


def mail(text: str = "Basile mange jeudi.", message_id: str = "<m1@example.ch>", sender: str = CLAIRE) -> bytes:
    return (
        f"From: Claire Dupont <{sender}>\r\nTo: {MONTVAL}\r\nSubject: Repas\r\nMessage-ID: {message_id}\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{text}\r\n"
    ).encode()


class Intake:
    """An SMTP server on a free port with a replaceable store."""

    def __init__(self, store: Store, **settings: object) -> None:
        self.store = store
        self.settings = EmailSettings(smtp_port=free_port(), **settings)  # type: ignore[arg-type]  # test overrides
        reader = EmailReader(SafetyPolicy(frozenset({MONTVAL})))
        handler = SmtpIntake(reader, lambda m: self.store(m), [MONTVAL, "refectoire@leysin.example"], FixedClock(AT))
        self.server = SmtpServer(handler, self.settings)

    def client(self) -> smtplib.SMTP:
        return smtplib.SMTP("127.0.0.1", self.settings.smtp_port, timeout=10)


@pytest.fixture
def intake(uow_factory: Callable[[], AbstractUnitOfWork]) -> Iterator[Intake]:
    server = Intake(store_with(uow_factory), smtp_max_bytes=50_000)
    server.server.start()
    yield server
    server.server.stop()


def stored(uow_factory: Callable[[], AbstractUnitOfWork], external_id: str) -> InboundMessage | None:
    with uow_factory() as uow:
        found = uow.inbox.by_external_id("email", external_id)
    return found.message if found else None


def test_a_message_is_stored_and_then_accepted(intake: Intake, uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    with intake.client() as client:
        assert client.sendmail(CLAIRE, [MONTVAL], mail()) == {}
    message = stored(uow_factory, "<m1@example.ch>")
    assert message is not None
    assert message.sender == CLAIRE
    assert message.recipient == MONTVAL
    assert message.text == "Basile mange jeudi."
    assert message.received_at == AT
    assert message.raw == mail()


def test_the_250_waits_for_the_database(intake: Intake) -> None:
    release = threading.Event()
    entered = threading.Event()
    answered = threading.Event()

    def slow_store(message: InboundMessage) -> tuple[int, bool]:
        entered.set()
        assert release.wait(10)
        return 1, True

    intake.store = slow_store

    def send() -> None:
        with intake.client() as client:
            client.sendmail(CLAIRE, [MONTVAL], mail())
        answered.set()

    sending = threading.Thread(target=send)
    sending.start()
    assert entered.wait(10)
    assert not answered.wait(0.5)  # storing: no answer yet
    release.set()
    sending.join(10)
    assert answered.is_set()


def test_an_unknown_recipient_is_refused_at_rcpt(intake: Intake) -> None:
    with intake.client() as client, pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        client.sendmail(CLAIRE, ["someone@montval.example"], mail())
    code, text = refused.value.recipients["someone@montval.example"]
    assert code == 550
    assert b"5.1.1" in text


def test_one_good_recipient_among_unknown_ones_is_delivered(
    intake: Intake, uow_factory: Callable[[], AbstractUnitOfWork]
) -> None:
    with intake.client() as client:
        refused = client.sendmail(CLAIRE, ["nobody@montval.example", MONTVAL.upper()], mail())
    assert set(refused) == {"nobody@montval.example"}
    message = stored(uow_factory, "<m1@example.ch>")
    assert message is not None
    assert message.recipient == MONTVAL


def test_a_message_above_the_size_limit_is_refused_with_552(intake: Intake) -> None:
    big = mail(("x" * 70 + "\r\n") * 900)
    with intake.client() as client, pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as error:
        client.sendmail(CLAIRE, [MONTVAL], big)
    assert error.value.smtp_code == 552


def test_a_message_above_the_limit_without_size_declared_is_refused_at_data(intake: Intake) -> None:
    with intake.client() as client:
        client.ehlo()
        client.esmtp_features.pop("size", None)  # do not announce SIZE= in MAIL FROM
        with pytest.raises(smtplib.SMTPDataError) as error:
            client.sendmail(CLAIRE, [MONTVAL], mail(("x" * 70 + "\r\n") * 900))
    assert error.value.smtp_code == 552


def test_ehlo_offers_smtputf8_8bitmime_and_size(intake: Intake) -> None:
    with intake.client() as client:
        client.ehlo()
        assert client.has_extn("smtputf8")
        assert client.has_extn("8bitmime")
        assert client.esmtp_features["size"] == "50000"
        assert not client.has_extn("starttls")


def test_an_smtputf8_sender_is_stored(intake: Intake, uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    raw = (FIXTURES / "smtputf8_address.eml").read_bytes()
    with intake.client() as client:
        client.sendmail("zoë.müller@exämple.ch", [MONTVAL], raw, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    message = stored(uow_factory, "<utf8-0001@exämple.ch>")
    assert message is not None
    assert message.sender == "zoë.müller@exämple.ch"
    assert message.text == "Zoë mange jeudi."


def test_a_redelivery_is_accepted_and_stored_once(
    intake: Intake, uow_factory: Callable[[], AbstractUnitOfWork]
) -> None:
    with intake.client() as client:
        client.sendmail(CLAIRE, [MONTVAL], mail())
        client.sendmail(CLAIRE, [MONTVAL], mail())
    with uow_factory() as uow:
        assert uow.inbox.pending_count() == 1


def test_a_storage_failure_answers_451_and_the_retry_is_stored(
    intake: Intake, uow_factory: Callable[[], AbstractUnitOfWork]
) -> None:
    working = intake.store

    def broken(message: InboundMessage) -> tuple[int, bool]:
        raise OSError("database unreachable")

    intake.store = broken
    with intake.client() as client, pytest.raises(smtplib.SMTPDataError) as error:
        client.sendmail(CLAIRE, [MONTVAL], mail())
    assert error.value.smtp_code == 451
    assert stored(uow_factory, "<m1@example.ch>") is None
    intake.store = working
    with intake.client() as client:
        client.sendmail(CLAIRE, [MONTVAL], mail())
    assert stored(uow_factory, "<m1@example.ch>") is not None


def test_a_null_envelope_sender_marks_a_bounce(intake: Intake, uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    with intake.client() as client:
        client.sendmail("", [MONTVAL], mail(message_id="<b1@example.ch>"))
    message = stored(uow_factory, "<b1@example.ch>")
    assert message is not None
    assert Signal.BOUNCE in message.signals


def test_an_envelope_sender_of_another_domain_marks_a_mismatch(
    intake: Intake, uow_factory: Callable[[], AbstractUnitOfWork]
) -> None:
    with intake.client() as client:
        client.sendmail("attacker@evil.example", [MONTVAL], mail(message_id="<e1@example.ch>"))
    message = stored(uow_factory, "<e1@example.ch>")
    assert message is not None
    assert message.signals == {Signal.ENVELOPE_MISMATCH}


def test_starttls_is_offered_with_a_certificate(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    received: list[InboundMessage] = []

    def keep(message: InboundMessage) -> tuple[int, bool]:
        received.append(message)
        return len(received), True

    server = Intake(keep, smtp_tls_cert=cert, smtp_tls_key=key)
    server.server.start()
    try:
        context = ssl.create_default_context(cafile=cert)
        with server.client() as client:
            client.ehlo()
            assert client.has_extn("starttls")
            client.starttls(context=context)
            client.ehlo()
            client.sendmail(CLAIRE, [MONTVAL], mail())
    finally:
        server.server.stop()
    assert [m.external_id for m in received] == ["<m1@example.ch>"]
