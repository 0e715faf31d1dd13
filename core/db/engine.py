"""Engines for SQLite (WAL, foreign keys, BEGIN IMMEDIATE) and PostgreSQL (psycopg 3, pooled)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str | URL) -> URL:
    """`postgresql://` and `postgres://` become `postgresql+psycopg://`; other URLs are left alone."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL, *, echo: bool = False, pool_size: int = 10, pool_pre_ping: bool = False) -> Engine:
    """An engine for the canteen database.

    SQLite: WAL journal, foreign keys on, a busy timeout, and every transaction started with
    `BEGIN IMMEDIATE` so writers queue on the database lock at their first statement instead of failing
    later with "database is locked" when a reader upgrades to a writer (this also makes DDL transactional).
    PostgreSQL: psycopg 3 with a connection pool (`pool_size` kept, twice as many overflow connections).
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, echo=echo)
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        options = {
            "pool_size": pool_size,
            "max_overflow": pool_size * 2,
            "pool_recycle": 1800,  # below typical server / proxy idle timeouts
            "pool_pre_ping": pool_pre_ping,  # off by default: it costs one round trip per transaction
        }
    return create_engine(parsed, echo=echo, **options)


def _sqlite_engine(url: URL, *, echo: bool) -> Engine:
    engine = create_engine(url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    in_memory = url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the sqlite3 module, emit BEGIN (SQLAlchemy docs, pysqlite "Serializable
        # isolation / Savepoints / Transactional DDL"): sqlite3's own handling defers BEGIN and skips DDL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")  # durable across crashes of the app in WAL mode
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to `engine` that keep loaded values after commit (the unit of work uses Core statements)."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
