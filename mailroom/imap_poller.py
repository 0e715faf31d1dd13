"""The IMAP mailbox reader: unseen mail fetched by UID, stored, then marked seen (or moved); IDLE or polling."""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from imapclient import IMAPClient  # type: ignore[import-untyped]  # imapclient ships no type information

from core.clock import Clock
from core.messages import InboundMessage
from core.settings import EmailSettings
from mailroom.inbound import EmailReader

log = logging.getLogger(__name__)

Store = Callable[[InboundMessage], tuple[int, bool]]
SEEN = b"\\Seen"
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
FETCH_BATCH = 20


@dataclass(frozen=True)
class PollerTiming:
    """How patient the poller is; tests shorten these."""

    poll_interval: float = 60.0  # without IDLE
    idle_renew: float = 25 * 60.0  # re-issue IDLE before servers drop it (RFC 2177: 29 minutes at most)
    idle_check: float = 5.0  # how often an IDLE wait looks at the stop event
    backoff_start: float = 1.0  # reconnect delays double from here…
    backoff_max: float = 300.0  # …up to this
    socket_timeout: float = 60.0


class ImapPoller:
    """Reads one mailbox folder; every message is stored with receive() before it is marked \\Seen or moved."""

    def __init__(
        self,
        settings: EmailSettings,
        reader: EmailReader,
        store: Store,
        clock: Clock,
        timing: PollerTiming | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.settings = settings
        self.reader = reader
        self.store = store
        self.clock = clock
        self.timing = timing or PollerTiming()
        self.ssl_context = ssl_context
        self.client: IMAPClient | None = None
        self.uidvalidity: int | None = None
        self.rescans = 0  # UIDVALIDITY changes seen (the folder was rebuilt: everything unseen is read again)
        self.reconnects = 0

    # connection -------------------------------------------------------------------------------------------

    def connect(self) -> IMAPClient:
        """Log in: implicit TLS when imap_tls, else STARTTLS — plain text only on the loopback interface."""
        settings = self.settings
        context = self.ssl_context or ssl.create_default_context()
        client = IMAPClient(
            settings.imap_host,
            port=settings.imap_port,
            ssl=settings.imap_tls,
            ssl_context=context if settings.imap_tls else None,
            timeout=self.timing.socket_timeout,
        )
        try:
            if not settings.imap_tls and settings.imap_host not in LOOPBACK:
                client.starttls(context)
            client.login(settings.imap_user, settings.imap_password)
            if settings.imap_processed_folder and not client.folder_exists(settings.imap_processed_folder):
                client.create_folder(settings.imap_processed_folder)
        except BaseException:
            _quietly(client.shutdown)
            raise
        self.client = client
        log.info("IMAP: logged in to %s:%s as %s", settings.imap_host, settings.imap_port, settings.imap_user)
        return client

    def disconnect(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            _quietly(client.logout)
            _quietly(client.shutdown)

    # one pass ---------------------------------------------------------------------------------------------

    def poll_once(self) -> int:
        """Store every unseen message of the folder; returns how many were newly stored."""
        client = self.client or self.connect()
        selected = client.select_folder(self.settings.imap_folder)
        validity = _int(selected.get(b"UIDVALIDITY"))
        if self.uidvalidity is not None and validity != self.uidvalidity:
            self.rescans += 1
            log.warning("IMAP: UIDVALIDITY of %s changed (%s → %s): scanning the folder again",
                        self.settings.imap_folder, self.uidvalidity, validity)  # fmt: skip
        self.uidvalidity = validity
        uids = sorted(client.search(["UNSEEN"]))
        stored = 0
        for start in range(0, len(uids), FETCH_BATCH):
            batch = uids[start : start + FETCH_BATCH]
            fetched = client.fetch(batch, ["BODY.PEEK[]"])
            done: list[int] = []
            for uid in batch:
                data = fetched.get(uid, {})
                raw = data.get(b"BODY[]")
                if not isinstance(raw, bytes):
                    continue  # expunged meanwhile
                message = self.reader.read(raw, self.clock.now())
                _inbox_id, new = self.store(message)  # durable first; a failure leaves the mail unseen
                stored += int(new)
                done.append(uid)
            self._mark_processed(client, done)
        return stored

    def _mark_processed(self, client: IMAPClient, uids: list[int]) -> None:
        if not uids:
            return
        client.add_flags(uids, [SEEN])
        folder = self.settings.imap_processed_folder
        if not folder:
            return
        if client.has_capability("MOVE"):
            client.move(uids, folder)
        else:
            client.copy(uids, folder)
            client.delete_messages(uids)
            if client.has_capability("UIDPLUS"):
                client.uid_expunge(uids)
            else:
                client.expunge()

    # waiting ----------------------------------------------------------------------------------------------

    def wait_for_mail(self, stop: threading.Event) -> None:
        """Until new mail may be there: IDLE (re-issued before it expires) when offered, else the poll interval."""
        client = self.client
        if client is None or not client.has_capability("IDLE"):
            stop.wait(self.timing.poll_interval)
            return
        client.idle()
        started = time.monotonic()
        try:
            while not stop.is_set():
                remaining = self.timing.idle_renew - (time.monotonic() - started)
                if remaining <= 0:
                    return  # idle_done, then the loop polls and idles again
                if client.idle_check(timeout=min(self.timing.idle_check, remaining)):
                    return
        finally:
            client.idle_done()

    def run(self, stop: threading.Event) -> None:
        """Poll and wait until `stop` is set; reconnect with exponential back-off after any failure."""
        delay = self.timing.backoff_start
        while not stop.is_set():
            try:
                self.poll_once()
                delay = self.timing.backoff_start
                self.wait_for_mail(stop)
            except Exception as error:  # network, server, or storage trouble: nothing was marked seen
                log.warning("IMAP: %s: %s; reconnecting in %.0f s", type(error).__name__, error, delay)
                self.disconnect()
                self.reconnects += 1
                stop.wait(delay)
                delay = min(delay * 2, self.timing.backoff_max)
        self.disconnect()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _quietly(action: Callable[[], object]) -> None:
    try:
        action()
    except Exception:  # closing a connection that is already broken
        log.debug("IMAP: ignored error while closing", exc_info=True)
