"""Issue 9 acceptance, end to end on a real database: staff enter next week's menus and the rules in the console;
parents ask by SMS and email and get the right days; the weekly PDF renders with accents; an allergy warning is
in a booking confirmation; the rules asked by email arrive as a PDF attachment through a real SMTP server."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from core.messages import Channel, MessageStatus
from core.pipeline.delivery import ChannelSender, Dispatcher
from core.pipeline.worker import Worker, receive
from core.settings import EmailSettings
from core.unit_of_work import AbstractUnitOfWork
from mailroom.sender import SmtpReplySender
from statements.menu_pdf import text_document_pdf
from tests.console.pages_client import PagesClient, logged_in
from tests.mailroom.servers import Sink, free_port
from tests.pipeline.road import RecordingSender, Road

THURSDAY = "2026-11-26T10:00:00+01:00"
CLAIRE_SMS = "+41791234567"
CLAIRE_MAIL = "claire.dupont@example.ch"
JANE_MAIL = "jane.smith@example.com"
NEXT_WEEK_CSV = """\
date,meal,dish,allergens,note
30.11.2026,normal,Émincé de volaille à la crème,lait; céleri,
30.11.2026,végétarien,Gratin dauphinois,lait,
30.11.2026,,,,Produits locaux
01.12.2026,normal,Poulet satay,arachides; soja,
01.12.2026,végétarien,Tofu satay,arachides; soja,
03.12.2026,normal,Filet de perche meunière,poisson; gluten; lait,lac Léman
04.12.2026,normal,Röstis et œuf au plat,oeufs,
"""
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture
def relay() -> Iterator[tuple[Sink, int]]:
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def _mail(sink: Sink, index: int) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(sink.received[index].original_content or b"")
    assert isinstance(message, EmailMessage)
    return message


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "attached.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page.png").stat().st_size > 1000
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _staff_enters_the_week_and_the_rules(pages: PagesClient) -> None:
    token = pages.csrf("/console/menus")
    imported = pages.client.post(
        "/console/menus/import",
        data={"csrf_token": token, "canteen": "montval", "week": "2026-11-30"},
        files={"menu_file": ("semaine.csv", NEXT_WEEK_CSV.encode(), "text/csv")},
        follow_redirects=True,
    )
    assert "4 jour(s) importé(s)." in imported.text
    rules = text_document_pdf(
        pages.canteens["montval"], "Règlement de la cantine", "Les repas se réservent à l'avance."
    )
    added = pages.client.post(
        "/console/documents",
        data={"csrf_token": token, "canteen": "montval", "key": "rules", "title_fr": "Règlement de la cantine",
              "title_en": "Canteen rules", "title_de": "Kantinenreglement"},
        files={"document_file": ("règlement.pdf", rules, "application/pdf")},
        follow_redirects=True,
    )  # fmt: skip
    assert "Document ajouté." in added.text


def test_issue_9_acceptance(
    uow_factory: Callable[[], AbstractUnitOfWork], relay: tuple[Sink, int], tmp_path: Path
) -> None:
    sink, port = relay
    pages = logged_in(uow_factory, THURSDAY)
    _staff_enters_the_week_and_the_rules(pages)

    road = Road(uow_factory, pages.canteens, pages.clock)
    chats = RecordingSender()
    smtp = SmtpReplySender(
        EmailSettings(relay_host="127.0.0.1", relay_port=port, relay_security="none"),
        "cantine@montval.example",
        clock=pages.clock,
        timeout=5,
    )
    senders: dict[str, ChannelSender] = {
        Channel.EMAIL.value: smtp,
        Channel.SMS.value: chats,
        Channel.TELEGRAM.value: chats,
    }

    def send(sender: str, text: str, channel: str = Channel.SMS, **fields: object) -> MessageStatus:
        inbox_id, _ = receive(road.message(sender, text, channel, **fields), uow_factory())
        Worker(uow_factory, road.canteens, pages.clock, road.config).drain()
        Dispatcher(uow_factory, senders, pages.clock).deliver_due()
        return road.stored(inbox_id).status

    # A parent asks by SMS: one line per service day of next week, the day not entered yet says when it will be.
    assert send(CLAIRE_SMS, "Menu de la semaine prochaine ?") is MessageStatus.DONE
    assert chats.sent[-1].text == (
        "Lu 30.11: Émincé de volaille à la crème\n"
        "Ma 1.12: Poulet satay\n"
        "Je 3.12: Filet de perche meunière\n"
        "Ve 4.12: Röstis et oeuf au plat"
    )

    # By email: the full week with allergens, and the printable PDF attached, rendered with its accents.
    assert send(JANE_MAIL, "Hello, what's on the menu next week?", "email", subject="Menu") is MessageStatus.DONE
    mail = _mail(sink, -1)
    assert mail["To"] == JANE_MAIL
    body = mail.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Menus from Monday 30.11 to Friday 4.12:" in text
    assert "Standard menu: Émincé de volaille à la crème - contains: milk, celery" in text
    assert "Filet de perche meunière (lac Léman) - contains: gluten, fish, milk" in text
    [pdf] = mail.iter_attachments()
    assert (pdf.get_filename(), pdf.get_content_type()) == ("menus-2026-11-30.pdf", "application/pdf")
    rendered = _pdf_text(pdf.get_content(), tmp_path)
    for expected in (
        "Réfectoire scolaire de Montval",
        "Émincé de volaille à la crème",
        "Röstis et œuf au plat",
        "Gratin dauphinois",
    ):
        assert expected in rendered, expected

    # A booking on a day whose dish declares the child's allergen: the confirmation says so.
    assert send(CLAIRE_SMS, "Arielle mange mardi 1er décembre") is MessageStatus.DONE
    assert chats.sent[-1].text.endswith("Attention Arielle: arachides au menu ma 1.12 (Poulet satay).")
    assert "arachides: Poulet satay" in pages.client.get("/console/day", params={"date": "2026-12-01"}).text
    pages.client.cookies.set("console_lang", "de")  # staff who read German get the warning in German
    assert "Erdnüsse: Poulet satay" in pages.client.get("/console/day", params={"date": "2026-12-01"}).text
    csv_text = pages.client.get("/console/day.csv", params={"date": "2026-12-01"}).text
    assert "Erdnüsse: Poulet satay" in csv_text
    pages.client.cookies.delete("console_lang")

    # The rules asked by email come back attached, through the SMTP server.
    asked = send(
        CLAIRE_MAIL, "Bonjour, pouvez-vous m'envoyer le règlement de la cantine ?", "email", subject="Règlement"
    )
    assert asked is MessageStatus.DONE
    mail = _mail(sink, -1)
    assert mail["To"] == CLAIRE_MAIL
    assert mail["Subject"] == "Re: Règlement"
    body = mail.get_body(("plain",))
    assert body is not None
    assert "Vous trouverez en pièce jointe : Règlement de la cantine." in body.get_content()
    [rules] = mail.iter_attachments()
    assert rules.get_content_type() == "application/pdf"
    assert "Les repas se réservent à l'avance." in _pdf_text(rules.get_content(), tmp_path)
