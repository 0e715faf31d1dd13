"""The SQLAlchemy unit of work: one session and one database transaction per `with uow:` block."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine, Integer, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from core.db.attachment_tables import outbox_attachments as _outbox_attachments  # noqa: F401  (on metadata)
from core.db.channel_state import SqlChannelStateRepository
from core.db.console_accounts import SqlStaffAccountRepository
from core.db.conversations import SqlConversationRepository
from core.db.engine import make_engine
from core.db.inbox import SqlInboxRepository
from core.db.menus import SqlDocumentRepository, SqlMenuRepository
from core.db.money import SqlMoneyRepository
from core.db.outbox import SqlOutboxRepository
from core.db.repositories import (
    BOOK,
    UNBOOK,
    SqlHouseholdRepository,
    SqlLedgerRepository,
    SqlReservationRepository,
    entry_values,
    reservation_values,
)
from core.db.rows import CHILD_HOUSEHOLD, TransactionCache
from core.db.senders import load_sender_context
from core.db.staff import SqlStaffRepository
from core.db.statements import run
from core.db.tables import children, households
from core.model import Guardian, Household, LedgerEntry, Reservation
from core.unit_of_work import AbstractUnitOfWork, ConversationState

_LOCK_HOUSEHOLD = select(households.c.id).where(households.c.id == bindparam("household_id")).with_for_update()
# PostgreSQL: the children, their households locked in ascending id order (the rows are locked as sorted).
_LOCK_HOUSEHOLDS_OF_CHILDREN = (
    select(children)
    .join(households, households.c.id == children.c.household_id)
    .where(children.c.id == any_(bindparam("child_ids", type_=ARRAY(Integer))))
    .order_by(households.c.id)
    .with_for_update(of=households)
)


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    """`with uow: … uow.commit()`; leaving the block without commit rolls back, then the connection is released.

    Built on a session factory (a `sessionmaker`, for callers that also want ORM sessions) or directly on
    an engine (`from_engine`: a bare connection per block, about 0.1 ms cheaper per transaction).
    Repositories run SQLAlchemy Core statements on that connection (no identity map, so no stale objects
    and no N+1 loading). Nested `with uow:` blocks join the outer transaction, as in the fake unit of
    work. Not thread-safe: give each thread its own unit of work (share the engine / session factory).
    """

    def __init__(self, session_factory: Callable[[], Session] | Engine) -> None:
        self._engine = session_factory if isinstance(session_factory, Engine) else None
        self._session_factory = None if isinstance(session_factory, Engine) else session_factory
        self._session: Session | None = None
        self._connection: Connection | None = None
        self._depth = 0
        self._active = False
        self._dialect = ""
        self._cache = TransactionCache()
        self._households = SqlHouseholdRepository(self._current_connection, self._cache)
        self.households = self._households
        self.reservations = SqlReservationRepository(self._current_connection, self._cache)
        self._ledger = SqlLedgerRepository(self._current_connection, self._cache)
        self.ledger = self._ledger
        self.inbox = SqlInboxRepository(self._current_connection, self._cache)
        self.outbox = SqlOutboxRepository(self._current_connection)
        self._conversations = SqlConversationRepository(self._current_connection)
        self.conversations = self._conversations
        self.staff = SqlStaffRepository(self._current_connection)
        self.channels = SqlChannelStateRepository(self._current_connection)
        self.accounts = SqlStaffAccountRepository(self._current_connection)
        self.menus = SqlMenuRepository(self._current_connection)
        self.documents = SqlDocumentRepository(self._current_connection)
        self.money = SqlMoneyRepository(self._current_connection)

    @classmethod
    def from_engine(cls, engine: Engine) -> SqlAlchemyUnitOfWork:
        """A unit of work on connections of `engine` (share the engine: it holds the connection pool)."""
        return cls(engine)

    @classmethod
    def from_url(cls, database_url: str) -> SqlAlchemyUnitOfWork:
        """A unit of work on a new engine (for scripts; long-running programs share one engine)."""
        return cls.from_engine(make_engine(database_url))

    def __enter__(self) -> Self:
        if self._depth == 0:
            self._connection = None
            if self._session_factory is not None:
                self._session = self._session_factory()
                self._dialect = self._session.get_bind().dialect.name
            else:
                assert self._engine is not None
                self._dialect = self._engine.dialect.name
            self._cache.whole_database_locked = self._dialect == "sqlite"  # BEGIN IMMEDIATE, see core.db.engine
            self._cache.clear()
            self._active = True
        self._depth += 1
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        session, connection = self._session, self._connection
        self._session, self._connection, self._active = None, None, False
        self._cache.clear()
        if session is not None:
            try:
                session.rollback()
            finally:
                session.close()
        elif connection is not None:
            try:
                connection.rollback()
            finally:
                connection.close()

    @property
    def session(self) -> Session:
        """The session of the current `with` block (only for a unit of work built on a session factory)."""
        if self._session is None:
            if self._active:
                raise RuntimeError("this unit of work was built on an engine: use `connection`")
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._session

    @property
    def connection(self) -> Connection:
        """The connection of the current transaction (for ad-hoc Core queries)."""
        return self._current_connection()

    def _current_connection(self) -> Connection:
        # The transaction begins on first use (SQLite: BEGIN IMMEDIATE, see core.db.engine), explicitly:
        # hot statements go to the driver directly (core.db.statements) and would not autobegin it.
        connection = self._connection
        if connection is None:
            if not self._active:
                raise RuntimeError("the unit of work is used outside its `with` block")
            if self._session is not None:
                connection = self._connection = self.session.connection()
            else:
                assert self._engine is not None
                connection = self._connection = self._engine.connect()
        if not connection.in_transaction():
            connection.begin()
        return connection

    def commit(self) -> None:
        if self._session is not None:
            self._session.commit()
            self._connection = None  # the session hands its connection back; the next statement begins anew
        elif self._connection is not None:
            self._connection.commit()  # the connection stays ours; the next statement begins a transaction
        elif not self._active:
            raise RuntimeError("the unit of work is used outside its `with` block")
        self._cache.clear()

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()
            self._connection = None
        elif self._connection is not None:
            self._connection.rollback()
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
            run(connection, _LOCK_HOUSEHOLD, {"household_id": household_id})
            self._cache.locked.add(household_id)

    def lock_households_of_children(self, child_ids: Iterable[int]) -> None:
        """PostgreSQL: one statement finds the children and locks their households (ascending ids, like
        `lock_household` one by one); the child rows are kept for the transaction. SQLite: the children
        are looked up, the write lock is already held (see `lock_household`)."""
        if self._dialect == "sqlite":
            super().lock_households_of_children(child_ids)
            return
        cache = self._cache
        rows = run(self._current_connection(), _LOCK_HOUSEHOLDS_OF_CHILDREN, {"child_ids": list(child_ids)})
        for row in rows:
            cache.children[row[0]] = row
            cache.locked.add(row[CHILD_HOUSEHOLD])

    def add_reservation(self, reservation: Reservation, charge: LedgerEntry) -> tuple[Reservation, LedgerEntry]:
        """PostgreSQL: both rows in one statement (two INSERTs as CTEs)."""
        if self._dialect == "sqlite" or reservation.household_id is None:
            return super().add_reservation(reservation, charge)
        params = reservation_values(reservation) | entry_values(charge)
        reservation_id, household_id, entry_id = run(self._current_connection(), BOOK, params)[0]
        return replace(reservation, id=reservation_id, household_id=household_id), self._ledger.added(charge, entry_id)

    def remove_reservation(self, child_id: int, day: date, credit: LedgerEntry) -> LedgerEntry:
        """PostgreSQL: the DELETE (as a CTE) and the INSERT in one statement."""
        if self._dialect == "sqlite":
            return super().remove_reservation(child_id, day, credit)
        params = {"child_id": child_id, "day": day} | entry_values(credit)
        entry_id = run(self._current_connection(), UNBOOK, params)[0][0]
        return self._ledger.added(credit, entry_id)

    def registered_sender(self, channel: str, sender: str) -> tuple[Guardian, Household] | None:
        """The guardian and their whole household in one query (see SqlHouseholdRepository)."""
        return self._households.registered_sender(channel, sender)

    def sender_context(
        self, channel: str, sender: str, thread_keys: Sequence[str], now: datetime, recent_since: datetime
    ) -> tuple[Guardian, Household, ConversationState] | None:
        """Sender, household, conversation state and recent message count in one query (core.db.senders)."""
        args = (channel, sender, thread_keys, now, recent_since)
        return load_sender_context(self._current_connection(), self._cache, *args)

    def conversation_state(
        self, guardian_id: int | None, channel: str, thread_keys: Sequence[str], now: datetime
    ) -> ConversationState:
        """Question, last request and holding staff item in one query (see SqlConversationRepository)."""
        return self._conversations.state(guardian_id, channel, thread_keys, now)
