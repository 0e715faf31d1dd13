"""Files attached to outbox replies: stored with the row, read back when due, delivered intact over SMTP."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from reportlab.pdfgen import canvas

from core.clock import FixedClock
from core.messages import Attachment, DeliveryStatus, OutgoingMessage
from core.pipeline.delivery import Dispatcher
from core.settings import EmailSettings
from core.unit_of_work import AbstractUnitOfWork
from mailroom.sender import SmtpReplySender
from tests.fakes import FakeUnitOfWork
from tests.mailroom.servers import Sink, free_port

NOW = datetime(2026, 11, 23, 6, 41, tzinfo=UTC)
CLAIRE = "claire.dupont@example.ch"


def small_pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Décompte — solde 123,45 CHF")
    page.save()
    return out.getvalue()


PDF = small_pdf()
FILES = (
    Attachment("décompte 2026.pdf", "application/pdf", PDF),
    Attachment("bulletin.svg", "image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
)


def reply(
    channel: str = "email", recipient: str = CLAIRE, *, subject: str = "Décompte", attachments: object = ()
) -> OutgoingMessage:
    return OutgoingMessage(
        channel=channel,
        recipient=recipient,
        text="Bonjour Claire,\n\nVotre décompte est en pièce jointe.",
        created_at=NOW,
        subject=subject,
        reply_from="cantine@montval.example",
        attachments=attachments,  # type: ignore[arg-type]  # lists too, to check they are stored as tuples
    )


@pytest.fixture
def relay() -> Iterator[tuple[Sink, int]]:
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def parsed(sink: Sink, index: int = -1) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(sink.received[index].original_content or b"")
    assert isinstance(message, EmailMessage)
    return message


class TextOnlySender:
    """A chat sender: keeps the texts it was given (attachments are not its business)."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> str | None:
        self.sent.append(message)
        return f"SM{len(self.sent)}"


def test_the_sql_outbox_keeps_the_files_of_a_reply_and_reads_them_back(
    uow_factory: Callable[[], AbstractUnitOfWork],
) -> None:
    with uow_factory() as uow:
        plain = uow.outbox.add(reply(subject="Sans pièce jointe"))
        with_files = uow.outbox.add(reply(attachments=FILES))
        uow.commit()
    with uow_factory() as uow:
        due = {m.id: m for m in uow.outbox.claim_due(NOW, 10)}
        assert due[plain.id].attachments == ()
        assert due[with_files.id].attachments == FILES
        assert isinstance(due[with_files.id].attachments[0], Attachment)


def test_the_fake_outbox_keeps_the_files_too() -> None:
    uow = FakeUnitOfWork()
    with uow:
        uow.outbox.add(reply(attachments=[*FILES]))
        uow.commit()
    with uow:
        [due] = uow.outbox.claim_due(NOW, 10)
    assert due.attachments == FILES


def test_an_email_reply_with_a_pdf_arrives_intact_and_a_chat_reply_goes_without_files(
    uow_factory: Callable[[], AbstractUnitOfWork], relay: tuple[Sink, int]
) -> None:
    sink, port = relay
    with uow_factory() as uow:
        email_id = uow.outbox.add(reply(attachments=FILES)).id
        sms_id = uow.outbox.add(reply("sms", "+41791234567", attachments=FILES[:1])).id
        uow.commit()
    email = SmtpReplySender(
        EmailSettings(relay_host="127.0.0.1", relay_port=port, relay_security="none"),
        "cantine@montval.example",
        clock=FixedClock(NOW),
        timeout=5,
    )
    sms = TextOnlySender()
    assert Dispatcher(uow_factory, {"email": email, "sms": sms}, FixedClock(NOW)).deliver_due() == 2

    [mail] = [parsed(sink, i) for i in range(len(sink.received))]
    assert mail.get_content_type() == "multipart/mixed"
    body = mail.get_body(("plain",))
    assert body is not None
    assert "pièce jointe" in body.get_content()
    pdf, svg = mail.iter_attachments()
    assert (pdf.get_filename(), pdf.get_content_type()) == ("décompte 2026.pdf", "application/pdf")
    assert pdf.get_content() == PDF
    assert svg.get_content_type() == "image/svg+xml"
    assert [m.text for m in sms.sent] == ["Bonjour Claire,\n\nVotre décompte est en pièce jointe."]
    with uow_factory() as uow:
        assert email_id is not None
        assert sms_id is not None
        assert uow.outbox.status(email_id) == DeliveryStatus.SENT
        assert uow.outbox.status(sms_id) == DeliveryStatus.SENT


def test_each_row_gets_back_its_own_files(
    uow_factory: Callable[[], AbstractUnitOfWork],
) -> None:
    with uow_factory() as uow:
        first = uow.outbox.add(reply(attachments=FILES[:1]))
        second = uow.outbox.add(reply(attachments=FILES[1:]))
        uow.commit()
    with uow_factory() as uow:
        due = {m.id: m.attachments for m in uow.outbox.claim_due(NOW, 10)}
    assert due == {first.id: FILES[:1], second.id: FILES[1:]}
