"""start_email and email_sender: what `cantine run` starts from the settings."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from imapclient import IMAPClient  # type: ignore[import-untyped]  # imapclient ships no type information

from core.canteen_files import load_canteens
from core.clock import FixedClock
from core.settings import EmailSettings, Settings
from core.unit_of_work import AbstractUnitOfWork
from mailroom.sender import SmtpReplySender
from mailroom.service import email_sender, start_email
from tests.mailroom.servers import IMAP_PASSWORD, IMAP_USER, PymapServer
from tests.pipeline.road import ROOT

CANTEENS = load_canteens(ROOT / "config" / "canteens")
CLOCK = FixedClock(datetime.fromisoformat("2026-11-23T07:40:00+01:00"))


def test_no_relay_means_no_email_sender() -> None:
    assert email_sender(Settings(), CANTEENS) is None


def test_a_relay_gives_a_sender_from_a_canteen_address() -> None:
    sender = email_sender(Settings(email=EmailSettings(relay_host="smtp.example.ch")), CANTEENS)
    assert isinstance(sender, SmtpReplySender)
    assert sender.default_from in {c.email for c in CANTEENS.values()}


def test_nothing_is_started_when_nothing_is_configured(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    settings = Settings(email=EmailSettings(smtp_listen=False))
    assert start_email(settings, uow_factory, CANTEENS, threading.Event(), CLOCK) == []


def test_the_imap_poller_stores_mail_into_the_inbox(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    server = PymapServer().start()
    stop = threading.Event()
    try:
        email = EmailSettings(smtp_listen=False, imap_host="127.0.0.1", imap_port=server.port, imap_tls=False,
                              imap_user=IMAP_USER, imap_password=IMAP_PASSWORD)  # fmt: skip
        lines = start_email(Settings(email=email), uow_factory, CANTEENS, stop, CLOCK)
        assert lines == [f"IMAP poller for {IMAP_USER}@127.0.0.1:{server.port}, folder INBOX"]
        box = IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=5)
        box.login(IMAP_USER, IMAP_PASSWORD)
        box.append("INBOX", b"From: claire.dupont@example.ch\r\nTo: cantine@montval.example\r\n"
                            b"Message-ID: <svc-1@example.ch>\r\n\r\nsolde ?\r\n")  # fmt: skip
        box.logout()
        deadline = time.monotonic() + 15
        found = None
        while found is None and time.monotonic() < deadline:
            with uow_factory() as uow:
                found = uow.inbox.by_external_id("email", "<svc-1@example.ch>")
            time.sleep(0.1)
        assert found is not None
        assert found.message.recipient == "cantine@montval.example"
        assert found.message.received_at == CLOCK.now()
    finally:
        stop.set()
        server.stop()
