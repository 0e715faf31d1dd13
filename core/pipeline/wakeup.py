"""How an idle worker learns that a message was stored: PostgreSQL LISTEN/NOTIFY, or a bell rung in this process.

Without it a worker polls the inbox every `interval` seconds, and a message stored just after a poll
waits that long (a second by default) before anyone reads it. With it the worker sleeps until a message
arrives and wakes at once; the interval remains as a safety net (a message left pending by a crashed
worker notifies nobody).

- PostgreSQL: a trigger on `inbound_messages` (migration 0008) sends `NOTIFY cantine_inbox` for every
  new row, when its transaction commits, whichever process stored it. Each worker listens on a
  connection of its own.
- SQLite (one process: `cantine run`): `receive` rings `LOCAL_BELL` after its commit.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Protocol

from sqlalchemy import Engine

log = logging.getLogger(__name__)

INBOX_CHANNEL = "cantine_inbox"  # the NOTIFY channel of migration 0008's trigger


class InboxWaiter(Protocol):
    """Waits for a newly stored message, at most `timeout` seconds."""

    def wait(self, timeout: float) -> bool:
        """True when woken by a new message, False when the time ran out."""
        ...

    def close(self) -> None: ...


class InboxBell:
    """Rung after a message is stored in this process; a worker of the same process waits on it."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def ring(self) -> None:
        self._event.set()

    def wait(self, timeout: float) -> bool:
        # Cleared after waking and before the caller drains the inbox: a message stored during that drain
        # rings again, so its wake-up is never lost (at worst the next drain finds it already processed).
        rung = self._event.wait(timeout)
        self._event.clear()
        return rung

    def close(self) -> None:
        """Nothing to release: the bell belongs to the process."""


LOCAL_BELL = InboxBell()


class PostgresListener:
    """`LISTEN cantine_inbox` on a connection of its own (taken from the engine, so with its settings).

    When listening fails (database down, connection lost) that is logged once, the wait sleeps instead,
    and the next wait reconnects: the worker polls at its interval until the database answers again.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Any = None
        self._failing = False

    def _listening(self) -> Any:
        if self._connection is None:
            pooled = self._engine.raw_connection()
            connection: Any = pooled.driver_connection
            pooled.detach()  # ours until closed; never handed back to the pool in LISTEN state
            connection.autocommit = True
            connection.execute(f"LISTEN {INBOX_CHANNEL}")
            self._connection = connection
            if self._failing:
                log.info("inbox listener: listening again")
                self._failing = False
        return self._connection

    def wait(self, timeout: float) -> bool:
        try:
            connection = self._listening()
            woken = False
            for _ in connection.notifies(timeout=timeout, stop_after=1):
                woken = True
            if woken:  # several messages may have been stored meanwhile: one drain reads them all
                for _ in connection.notifies(timeout=0.0):
                    pass
            return woken
        except Exception as error:
            if not self._failing:
                log.warning("inbox listener: cannot listen (%s); polling every %.1f s until it can", error, timeout)
                self._failing = True
            self.close()
            time.sleep(timeout)
            return False

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken: nothing more to release
                log.debug("closing the inbox listener's connection failed", exc_info=True)


def inbox_waiter(engine: Engine) -> InboxWaiter:
    """The way this engine's workers are woken: LISTEN on PostgreSQL, this process's bell otherwise."""
    if engine.dialect.name == "postgresql":
        return PostgresListener(engine)
    return LOCAL_BELL
