"""The fault test's worker process: `cantine worker --no-delivery --once`, optionally killed at a SQL statement."""

from __future__ import annotations

import json
import os
import signal
import sys
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.pool import ConnectionPoolEntry, Pool

KILL_AT = "CANTINE_CRASH_AT_STATEMENT"  # SIGKILL this process before its N-th SQL statement (1-based)
KILL_ON = "CANTINE_CRASH_ON"  # only at a statement starting so (e.g. COMMIT), the first from the N-th on
KILL_LOG = "CANTINE_CRASH_LOG"  # where the statement kill appends one JSON line saying where it landed
READY = "crash-worker ready"
_CLAIM = "UPDATE INBOUND_MESSAGES SET ATTEMPTS"


class StatementTrap:
    """Counts the SQL statements the driver runs (COMMIT and ROLLBACK included); kills the process at the chosen
    one: the N-th, or the first from the N-th on that starts with a given text.

    Where the kill lands: "between transactions" (BEGIN, or before any claim), "at claim" (the statement
    claiming the next message), or "mid-transaction" (a message is claimed and its transaction not yet
    ended: any routing statement, or the COMMIT itself).
    """

    def __init__(self, kill_at: int, log_path: str, kill_on: str = "") -> None:
        self.kill_at = kill_at
        self.kill_on = kill_on.upper()
        self.log_path = log_path
        self.count = 0
        self.holding = False  # a claim ran in the open transaction

    def seen(self, sql: str) -> None:
        self.count += 1
        head = " ".join(sql.split())[:72].upper()
        is_claim = head.startswith(_CLAIM)
        ends = head.startswith(("COMMIT", "ROLLBACK"))
        if self.count >= self.kill_at and head.startswith(self.kill_on):
            if is_claim:
                where = "at claim"
            elif self.holding and not head.startswith("BEGIN"):
                where = "mid-transaction"
            else:
                where = "between transactions"
            line = json.dumps({"statement": self.count, "sql": head, "where": where}) + "\n"
            fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line.encode())
            finally:
                os.close(fd)
            os.kill(os.getpid(), signal.SIGKILL)
        if is_claim:
            self.holding = True
        elif ends:
            self.holding = False


def install(trap: StatementTrap) -> None:
    """Watch every connection: psycopg through a counting cursor class and the commit/rollback events,
    SQLite through its trace callback (which also sees BEGIN, COMMIT and ROLLBACK)."""
    import psycopg

    class TrappingCursor(psycopg.Cursor[Any]):
        def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
            trap.seen(query if isinstance(query, str) else str(query))
            return super().execute(query, *args, **kwargs)

        def executemany(self, query: Any, *args: Any, **kwargs: Any) -> Any:
            trap.seen(query if isinstance(query, str) else str(query))
            return super().executemany(query, *args, **kwargs)

    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        if isinstance(dbapi_connection, psycopg.Connection):
            dbapi_connection.cursor_factory = TrappingCursor
        else:
            dbapi_connection.set_trace_callback(trap.seen)

    def on_end(what: str) -> Any:
        def listener(connection: Any) -> None:
            if connection.dialect.name != "sqlite":
                trap.seen(what)

        return listener

    event.listen(Pool, "connect", on_connect)
    event.listen(Engine, "commit", on_end("COMMIT"))
    event.listen(Engine, "rollback", on_end("ROLLBACK"))


def main() -> None:
    kill_at = os.environ.get(KILL_AT)
    if kill_at:
        install(StatementTrap(int(kill_at), os.environ[KILL_LOG], os.environ.get(KILL_ON, "")))
    # Everything a worker loads before its first message, so a timed kill lands in the work itself.
    import core.db.unit_of_work
    import nlu.clarify
    import nlu.parser
    from core.cli.main import cli

    del core.db.unit_of_work, nlu.clarify, nlu.parser
    print(READY, flush=True)
    cli.main(["worker", "--no-delivery", "--once", *sys.argv[1:]], prog_name="cantine")


if __name__ == "__main__":
    main()
