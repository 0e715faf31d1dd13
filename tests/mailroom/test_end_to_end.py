"""Corpus mail through the whole road with the demo families: SMTP in, pipeline, reply out through a relay."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from core.messages import MessageStatus, StoredMessage
from core.pipeline.delivery import Dispatcher
from core.pipeline.worker import Worker
from core.settings import EmailSettings, Settings
from core.unit_of_work import AbstractUnitOfWork
from mailroom.service import email_sender, start_email
from tests.mailroom.servers import Sink, free_port
from tests.pipeline.road import Road, matched

FIXTURES = Path(__file__).parent / "fixtures"
MONDAY = "2026-11-23T07:40:00+01:00"
MONTVAL = "cantine@montval.example"


class Site:
    """The demo road with the email channel started by start_email and replies sent by email_sender."""

    def __init__(self, road: Road, smtp_port: int, relay: Sink, relay_port: int) -> None:
        self.road = road
        self.relay = relay
        email = EmailSettings(smtp_port=smtp_port, relay_host="127.0.0.1", relay_port=relay_port,
                              relay_security="none", trusted_authserv_id="mx.montval.example")  # fmt: skip
        self.settings = Settings(email=email)
        sender = email_sender(self.settings, road.canteens)
        assert sender is not None
        self.dispatcher = Dispatcher(road.uow_factory, {"email": sender}, road.clock)

    def deliver(self, name: str, envelope_from: str = "claire.dupont@example.ch") -> StoredMessage:
        raw = (FIXTURES / f"{name}.eml").read_bytes()
        with smtplib.SMTP("127.0.0.1", self.settings.email.smtp_port, timeout=10) as client:
            client.sendmail(envelope_from, [MONTVAL], raw)
        Worker(self.road.uow_factory, self.road.canteens, self.road.clock).drain()
        self.dispatcher.deliver_due()
        with self.road.uow_factory() as uow:
            message_id = BytesParser(policy=policy.default).parsebytes(raw)["Message-ID"]
            stored = uow.inbox.by_external_id("email", str(message_id))
        assert stored is not None
        return stored

    def replies(self) -> list[EmailMessage]:
        parsed = [BytesParser(policy=policy.default).parsebytes(e.original_content or b"") for e in self.relay.received]
        return [m for m in parsed if isinstance(m, EmailMessage)]


@pytest.fixture
def site(uow_factory: Callable[[], AbstractUnitOfWork]) -> Iterator[Site]:
    import threading

    road = Road.with_demo_families(uow_factory, MONDAY)
    relay = Sink()
    relay_port = free_port()
    relay_server = Controller(relay, hostname="127.0.0.1", port=relay_port)
    relay_server.start()
    smtp_port = free_port()
    built = Site(road, smtp_port, relay, relay_port)
    stop = threading.Event()
    lines = start_email(built.settings, uow_factory, road.canteens, stop, road.clock)
    [line] = lines
    assert line.startswith(f"SMTP server on 127.0.0.1:{smtp_port} for ")
    assert "cantine@montval.example" in line
    yield built
    stop.set()
    relay_server.stop()


def body(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def test_claire_books_then_cancels_basile_and_gets_threaded_replies(site: Site) -> None:
    booked = site.deliver("gmail_fr_reserve")
    assert booked.status is MessageStatus.DONE
    assert site.road.booked("Dupont", "Basile", "2026-11-26")
    cancelled = site.deliver("gmail_fr_cancel")
    assert cancelled.status is MessageStatus.DONE, cancelled.hits
    assert not site.road.booked("Dupont", "Basile", "2026-11-26")
    first, second = site.replies()
    assert first["To"] == "claire.dupont@example.ch"
    assert first["From"] == MONTVAL
    assert first["Subject"] == "Re: Repas de Basile"
    assert first["In-Reply-To"] == "<CAF1reserve0001@mail.gmail.com>"
    assert first["Auto-Submitted"] == "auto-replied"
    assert "Basile : repas réservé" in body(first)
    assert second["Subject"] == "Re: Repas de Basile"
    assert second["In-Reply-To"] == "<CAF1cancel0002@mail.gmail.com>"
    assert second["References"] == (
        "<CAF1reserve0001@mail.gmail.com> <cantine.1.abcdef0123456789@montval.example> <CAF1cancel0002@mail.gmail.com>"
    )
    assert "Basile : repas annulé" in body(second)
    assert "Solde : 400,00 CHF." in body(second)


def test_an_out_of_office_is_kept_and_never_answered(site: Site) -> None:
    stored = site.deliver("auto_reply_rfc3834")
    assert stored.status is MessageStatus.DROPPED
    assert matched(stored) == ["auto_generated"]
    assert site.replies() == []


def test_a_bounce_is_kept_and_never_answered(site: Site) -> None:
    stored = site.deliver("bounce_dsn", envelope_from="")
    assert stored.status is MessageStatus.DROPPED
    assert site.replies() == []


def test_forged_mail_goes_to_staff_without_changing_anything(site: Site) -> None:
    stored = site.deliver("dkim_spf_fail")
    assert stored.status is MessageStatus.STAFF
    assert matched(stored) == ["unauthenticated"]
    assert site.replies() == []
    assert site.road.balance("Dupont") == "400.00"


def test_an_html_only_message_is_understood(site: Site) -> None:
    stored = site.deliver("html_only_base64")
    assert stored.status is MessageStatus.DONE, stored.hits
    assert site.road.booked("Dupont", "Basile", "2026-11-27")
    [answer] = site.replies()
    assert answer["Subject"] == "Re: Réservation"
