"""The IMAP poller against a real IMAP server (pymap on loopback): store first, then \\Seen; IDLE; restarts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from imapclient import IMAPClient  # type: ignore[import-untyped]  # imapclient ships no type information

from core.clock import FixedClock
from core.messages import InboundMessage
from core.settings import EmailSettings
from mailroom.imap_poller import ImapPoller, PollerTiming
from mailroom.inbound import EmailReader
from mailroom.safety import SafetyPolicy
from tests.mailroom.servers import IMAP_PASSWORD, IMAP_USER, PYMAP, PymapServer

pytestmark = pytest.mark.skipif(not PYMAP.exists(), reason="pymap is not installed (pip install pymap)")

MONTVAL = "cantine@montval.example"
AT = datetime(2026, 11, 23, 6, 40, tzinfo=UTC)
FAST = PollerTiming(poll_interval=0.3, idle_renew=2.0, idle_check=0.2, backoff_start=0.2, backoff_max=1.0,
                    socket_timeout=5.0)  # fmt: skip


def mail(number: int) -> bytes:
    return (
        f"From: Claire Dupont <claire.dupont@example.ch>\r\nTo: {MONTVAL}\r\nSubject: Repas {number}\r\n"
        f"Message-ID: <imap-{number}@example.ch>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Basile mange jeudi ({number}).\r\n"
    ).encode()


class Mailbox:
    """A second IMAP client: the parent's side (APPEND) and the observer's (flags)."""

    def __init__(self, server: PymapServer) -> None:
        self.client = IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=5)
        self.client.login(IMAP_USER, IMAP_PASSWORD)

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        self.client.append(folder, raw)

    def flags(self, folder: str = "INBOX") -> dict[bytes, tuple[bytes, ...]]:
        """Message-ID → flags, read without touching \\Seen."""
        self.client.select_folder(folder, readonly=True)
        uids = self.client.search(["ALL"])
        found: dict[bytes, tuple[bytes, ...]] = {}
        for data in self.client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]).values():
            header = data[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].split(b":", 1)[1].strip()
            found[header] = data[b"FLAGS"]
        return found

    def close(self) -> None:
        self.client.logout()


class Recorder:
    """A store that keeps messages (unique by Message-ID, like the inbox) and can be told to fail."""

    def __init__(self) -> None:
        self.messages: dict[str, InboundMessage] = {}
        self.calls = 0
        self.failing = False
        self.before: Callable[[InboundMessage], None] | None = None
        self.stored = threading.Event()

    def __call__(self, message: InboundMessage) -> tuple[int, bool]:
        self.calls += 1
        if self.failing:
            raise OSError("database unreachable")
        if self.before is not None:
            self.before(message)
        new = message.external_id not in self.messages
        self.messages.setdefault(message.external_id, message)
        self.stored.set()
        return list(self.messages).index(message.external_id) + 1, new


@pytest.fixture
def server() -> Iterator[PymapServer]:
    started = PymapServer().start()
    yield started
    started.stop()


def poller_for(server: PymapServer, store: Recorder, **settings: object) -> ImapPoller:
    values: dict[str, object] = {"imap_host": "127.0.0.1", "imap_port": server.port, "imap_tls": False,
                                 "imap_user": IMAP_USER, "imap_password": IMAP_PASSWORD} | settings  # fmt: skip
    email = EmailSettings(**values)  # type: ignore[arg-type]  # test overrides of typed fields
    reader = EmailReader(SafetyPolicy(frozenset({MONTVAL})))
    return ImapPoller(email, reader, store, FixedClock(AT), FAST)


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise TimeoutError("condition not met")
        time.sleep(0.05)
    return time.monotonic() - started


def test_unseen_mail_is_stored_then_marked_seen(server: PymapServer) -> None:
    box = Mailbox(server)
    observer = Mailbox(server)
    box.append(mail(1))
    box.append(mail(2))
    store = Recorder()
    flags_while_storing: list[tuple[bytes, ...]] = []
    store.before = lambda message: flags_while_storing.append(observer.flags()[message.external_id.encode()])
    poller = poller_for(server, store)
    try:
        assert poller.poll_once() == 2
        assert all(b"\\Seen" not in flags for flags in flags_while_storing)
        assert len(flags_while_storing) == 2
        assert all(b"\\Seen" in flags for flags in box.flags().values())
        message = store.messages["<imap-1@example.ch>"]
        assert message.sender == "claire.dupont@example.ch"
        assert message.recipient == MONTVAL
        assert message.text == "Basile mange jeudi (1)."
        assert message.received_at == AT
        assert poller.poll_once() == 0  # nothing unseen is left
        assert store.calls == 2
    finally:
        poller.disconnect()
        box.close()
        observer.close()


def test_a_storage_failure_leaves_the_mail_unseen_for_the_next_pass(server: PymapServer) -> None:
    box = Mailbox(server)
    box.append(mail(1))
    store = Recorder()
    store.failing = True
    poller = poller_for(server, store)
    try:
        with pytest.raises(OSError, match="database unreachable"):
            poller.poll_once()
        assert box.flags() == {b"<imap-1@example.ch>": ()}
        store.failing = False
        assert poller.poll_once() == 1
        assert b"\\Seen" in box.flags()[b"<imap-1@example.ch>"]
    finally:
        poller.disconnect()
        box.close()


def test_processed_mail_moves_to_the_processed_folder(server: PymapServer) -> None:
    box = Mailbox(server)
    box.append(mail(1))
    store = Recorder()
    poller = poller_for(server, store, imap_processed_folder="Traités")
    try:
        assert poller.poll_once() == 1
        assert box.flags() == {}
        assert box.flags("Traités") == {b"<imap-1@example.ch>": (b"\\Seen",)}
    finally:
        poller.disconnect()
        box.close()


def test_idle_wakes_the_poller_when_mail_arrives(server: PymapServer) -> None:
    store = Recorder()
    poller = poller_for(server, store)
    poller.timing = PollerTiming(poll_interval=60, idle_renew=60, idle_check=0.2, socket_timeout=5)
    stop = threading.Event()
    running = threading.Thread(target=poller.run, args=(stop,))
    running.start()
    box = Mailbox(server)
    try:
        wait_until(lambda: poller.client is not None and poller.uidvalidity is not None)
        time.sleep(0.5)  # the poller is idling now
        box.append(mail(7))
        took = wait_until(lambda: "<imap-7@example.ch>" in store.messages, timeout=15)
        assert took < 10  # far below the 60 s poll interval: IDLE woke it
    finally:
        stop.set()
        running.join(10)
        box.close()
    assert not running.is_alive()


def test_idle_is_renewed_before_the_server_drops_it(server: PymapServer) -> None:
    store = Recorder()
    poller = poller_for(server, store)
    poller.timing = PollerTiming(idle_renew=0.5, idle_check=0.1, socket_timeout=5)
    renewals: list[float] = []
    original = poller.poll_once

    def counting() -> int:
        renewals.append(time.monotonic())
        return original()

    poller.poll_once = counting  # type: ignore[method-assign]  # spy
    stop = threading.Event()
    running = threading.Thread(target=poller.run, args=(stop,))
    running.start()
    try:
        wait_until(lambda: len(renewals) >= 4, timeout=10)
    finally:
        stop.set()
        running.join(10)
    assert poller.reconnects == 0


def test_without_idle_the_poller_polls(server: PymapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Recorder()
    poller = poller_for(server, store)
    poller.connect()
    monkeypatch.setattr(poller.client, "has_capability", lambda name: name != "IDLE")
    stop = threading.Event()
    running = threading.Thread(target=poller.run, args=(stop,))
    running.start()
    box = Mailbox(server)
    try:
        box.append(mail(3))
        wait_until(lambda: "<imap-3@example.ch>" in store.messages)
    finally:
        stop.set()
        running.join(10)
        box.close()


def test_the_poller_reconnects_after_a_server_restart(server: PymapServer) -> None:
    store = Recorder()
    poller = poller_for(server, store)
    stop = threading.Event()
    running = threading.Thread(target=poller.run, args=(stop,))
    running.start()
    try:
        box = Mailbox(server)
        box.append(mail(1))
        wait_until(lambda: "<imap-1@example.ch>" in store.messages)
        box.close()
        server.stop()
        time.sleep(0.5)
        server.start()  # same port, empty mailbox, a new UIDVALIDITY
        box = Mailbox(server)
        box.append(mail(2))
        wait_until(lambda: "<imap-2@example.ch>" in store.messages, timeout=20)
        wait_until(lambda: b"\\Seen" in box.flags().get(b"<imap-2@example.ch>", ()))
        box.close()
    finally:
        stop.set()
        running.join(10)
    assert poller.reconnects >= 1
    assert poller.rescans == 1


def test_a_uidvalidity_change_rescans_and_stores_nothing_twice(server: PymapServer) -> None:
    store = Recorder()
    poller = poller_for(server, store)
    box = Mailbox(server)
    box.append(mail(1))
    assert poller.poll_once() == 1
    first_validity = poller.uidvalidity
    poller.disconnect()
    box.close()
    server.stop()
    server.start()  # the folder is rebuilt: same mail again, unseen, under a new UIDVALIDITY
    box = Mailbox(server)
    box.append(mail(1))
    box.append(mail(2))
    try:
        assert poller.poll_once() == 1  # mail 1 is recognised, only mail 2 is new
        assert poller.uidvalidity != first_validity
        assert poller.rescans == 1
        assert sorted(store.messages) == ["<imap-1@example.ch>", "<imap-2@example.ch>"]
        assert all(b"\\Seen" in flags for flags in box.flags().values())
    finally:
        poller.disconnect()
        box.close()


def test_a_wrong_password_is_retried_with_growing_delays(server: PymapServer) -> None:
    store = Recorder()
    poller = poller_for(server, store, imap_password="wrong")
    stop = threading.Event()
    running = threading.Thread(target=poller.run, args=(stop,))
    running.start()
    try:
        wait_until(lambda: poller.reconnects >= 3, timeout=10)
    finally:
        stop.set()
        running.join(10)
    assert store.calls == 0
