"""The SQLAlchemy unit of work: one session and one database transaction per `with uow:` block."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine, bindparam, select
from sqlalchemy.orm import Session

from core.db.engine import make_engine, make_session_factory
from core.db.repositories import SqlHouseholdRepository, SqlLedgerRepository, SqlReservationRepository
from core.db.rows import TransactionCache
from core.db.tables import households
from core.unit_of_work import AbstractUnitOfWork

_LOCK_HOUSEHOLD = select(households.c.id).where(households.c.id == bindparam("household_id")).with_for_update()


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    """`with uow: … uow.commit()`; leaving the block without commit rolls back, then the session is closed.

    Repositories run SQLAlchemy Core statements on the session's connection (no ORM identity map, so no
    stale objects and no N+1 loading). Nested `with uow:` blocks join the outer transaction, as in the
    fake unit of work. Not thread-safe: give each thread its own unit of work (the session factory and
    the engine are shared).
    """

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None
        self._connection: Connection | None = None
        self._depth = 0
        self._dialect = ""
        self._cache = TransactionCache()
        self.households = SqlHouseholdRepository(self._current_connection, self._cache)
        self.reservations = SqlReservationRepository(self._current_connection)
        self.ledger = SqlLedgerRepository(self._current_connection, self._cache)

    @classmethod
    def from_engine(cls, engine: Engine) -> SqlAlchemyUnitOfWork:
        """A unit of work whose sessions use `engine` (share the engine: it holds the connection pool)."""
        return cls(make_session_factory(engine))

    @classmethod
    def from_url(cls, database_url: str) -> SqlAlchemyUnitOfWork:
        """A unit of work on a new engine (for scripts; long-running programs share one engine)."""
        return cls.from_engine(make_engine(database_url))

    def __enter__(self) -> Self:
        if self._depth == 0:
            self._session = self._session_factory()
            self._connection = None
            self._dialect = self._session.get_bind().dialect.name
            self._cache.whole_database_locked = self._dialect == "sqlite"  # BEGIN IMMEDIATE, see core.db.engine
            self._cache.clear()
        self._depth += 1
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        session, self._session, self._connection = self._session, None, None
        self._cache.clear()
        if session is not None:
            try:
                session.rollback()
            finally:
                session.close()

    @property
    def session(self) -> Session:
        """The session of the current `with` block (for callers that need ORM or ad-hoc queries)."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._session

    def _current_connection(self) -> Connection:
        # The session begins the transaction on first use (SQLite: BEGIN IMMEDIATE, see core.db.engine).
        if self._connection is None:
            self._connection = self.session.connection()
        return self._connection

    def commit(self) -> None:
        self.session.commit()
        self._connection = None  # the session hands its connection back; the next statement begins anew
        self._cache.clear()

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()
        self._connection = None
        self._cache.clear()

    def lock_household(self, household_id: int) -> None:
        """Serialise writers on one household until the transaction ends.

        PostgreSQL: `SELECT … FOR UPDATE` on the household row; a concurrent transaction locking the same
        household waits here until this one commits or rolls back, then reads the committed balance
        (READ COMMITTED takes a new snapshot per statement). SQLite: transactions begin with
        `BEGIN IMMEDIATE`, which takes the database's single write lock, so starting the transaction
        is all it takes: no other writer can run until this one ends (readers still read, in WAL mode).

        The balance is read by a separate statement after the lock: a sub-select in the `FOR UPDATE`
        statement would use the snapshot taken before waiting for the lock, missing the entries of the
        transaction it waited for.
        """
        connection = self._current_connection()
        if self._dialect != "sqlite" and household_id not in self._cache.locked:
            connection.execute(_LOCK_HOUSEHOLD, {"household_id": household_id})
            self._cache.locked.add(household_id)
