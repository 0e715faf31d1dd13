"""SQL repositories: Core statements on the tables, translating rows to and from the domain dataclasses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, bindparam, delete, func, insert, literal_column, select

from core.canteen import MealType
from core.db.households import SqlHouseholdRepository
from core.db.rows import CHILD_HOUSEHOLD, ConnectionGetter, TransactionCache, source_of, to_money, value_binds
from core.db.statements import run, utc
from core.db.tables import children, ledger_entries, reservations
from core.model import EntryKind, LedgerEntry, PaymentMethod, Reservation, Source

__all__ = ["SqlHouseholdRepository", "SqlLedgerRepository", "SqlReservationRepository", "to_money"]

ENTRY_COLUMNS = tuple(column.key for column in ledger_entries.c if column.key != "id")
_RESERVATION_FIELDS = tuple(column.key for column in reservations.c if column.key != "id")

_RESERVATION = select(reservations).where(
    reservations.c.child_id == bindparam("child_id"), reservations.c.day == bindparam("day")
)
_BALANCE = select(func.coalesce(func.sum(ledger_entries.c.amount), literal_column("0"))).where(
    ledger_entries.c.household_id == bindparam("household_id")
)
# The reservation (NULLs when there is none) and the balance of a household whose writers are serialised.
_ONE_ROW = select(literal_column("1").label("one")).subquery("one_row")
_RESERVATION_AND_BALANCE = select(*reservations.c, _BALANCE.scalar_subquery().label("balance")).select_from(
    _ONE_ROW.outerjoin(
        reservations, and_(reservations.c.child_id == bindparam("child_id"), reservations.c.day == bindparam("day"))
    )
)
_HOUSEHOLD_OF_CHILD = select(children.c.household_id).where(children.c.id == bindparam("of_child")).scalar_subquery()
_INSERT_RESERVATION = (
    insert(reservations)
    .values(value_binds(reservations, _RESERVATION_FIELDS, "r_"))
    .returning(reservations.c.id, reservations.c.household_id)
)
_INSERT_RESERVATION_OF_CHILD = (
    insert(reservations)
    .values({**value_binds(reservations, _RESERVATION_FIELDS, "r_"), "household_id": _HOUSEHOLD_OF_CHILD})
    .returning(reservations.c.id, reservations.c.household_id)
)
_DELETE_RESERVATION = delete(reservations).where(
    reservations.c.child_id == bindparam("child_id"), reservations.c.day == bindparam("day")
)
_INSERT_ENTRY = (
    insert(ledger_entries).values(value_binds(ledger_entries, ENTRY_COLUMNS, "e_")).returning(ledger_entries.c.id)
)

# PostgreSQL only: a reservation and its charge, or a cancellation and its credit, in one statement.
_BOOK_CTE = _INSERT_RESERVATION.cte("booked")
_CHARGE_CTE = _INSERT_ENTRY.cte("charged")
BOOK = select(_BOOK_CTE.c.id, _BOOK_CTE.c.household_id, _CHARGE_CTE.c.id.label("entry_id"))
_UNBOOK_CTE = _DELETE_RESERVATION.returning(reservations.c.id).cte("unbooked")
UNBOOK = _INSERT_ENTRY.add_cte(_UNBOOK_CTE)


def _reservation(row: Sequence[Any]) -> Reservation:
    """A reservation from a row of `select(reservations)` (columns in table order)."""
    (id_, child_id, day, meal, price, booked_at, channel, message_id, staff_user, household_id) = row[:10]
    return Reservation(
        child_id=child_id,
        day=day,
        meal=MealType(meal),
        price=to_money(price),
        booked_at=utc(booked_at),
        source=Source(channel, message_id, staff_user),
        household_id=household_id,
        id=id_,
    )


def reservation_values(reservation: Reservation) -> dict[str, Any]:
    """Parameters of the reservation inserts (`r_` names)."""
    source = reservation.source
    return {
        "r_child_id": reservation.child_id,
        "r_day": reservation.day,
        "r_meal": MealType(reservation.meal).value,
        "r_price": reservation.price,
        "r_booked_at": utc(reservation.booked_at),
        "r_source_channel": source.channel,
        "r_source_message_id": source.message_id,
        "r_source_staff_user": source.staff_user,
        "r_household_id": reservation.household_id,
    }


class SqlReservationRepository:
    """Reservations; the (child_id, day) unique constraint refuses a second booking of a child on a day."""

    def __init__(self, connection: ConnectionGetter, cache: TransactionCache) -> None:
        self._c = connection
        self._cache = cache

    def get(self, child_id: int, day: date) -> Reservation | None:
        """The reservation; when the child's household is locked, its balance comes in the same statement.

        The statement runs after the lock was taken, so it sees every entry committed before the lock
        was granted (READ COMMITTED: a new snapshot per statement) and the balance may be cached.
        """
        params: dict[str, Any] = {"child_id": child_id, "day": day}
        child = self._cache.children.get(child_id)
        household_id = child[CHILD_HOUSEHOLD] if child is not None else None
        cache = self._cache
        if household_id is not None and household_id not in cache.balances and cache.balance_is_stable(household_id):
            params["household_id"] = household_id
            row = run(self._c(), _RESERVATION_AND_BALANCE, params)[0]
            cache.balances[household_id] = to_money(row[-1])
            return _reservation(row) if row[0] is not None else None
        rows = run(self._c(), _RESERVATION, params)
        return _reservation(rows[0]) if rows else None

    def add(self, reservation: Reservation) -> Reservation:
        values = reservation_values(reservation)
        if reservation.household_id is None:  # taken from the child, in the same statement
            statement = _INSERT_RESERVATION_OF_CHILD
            values["of_child"] = reservation.child_id
        else:
            statement = _INSERT_RESERVATION
        reservation_id, household_id = run(self._c(), statement, values)[0]
        return replace(reservation, id=reservation_id, household_id=household_id)

    def remove(self, child_id: int, day: date) -> None:
        run(self._c(), _DELETE_RESERVATION, {"child_id": child_id, "day": day})

    def for_children(self, child_ids: Sequence[int], start: date, end: date) -> Sequence[Reservation]:
        if not child_ids:
            return []
        rows = self._c().execute(
            select(reservations)
            .where(reservations.c.child_id.in_(list(child_ids)), reservations.c.day.between(start, end))
            .order_by(reservations.c.day, reservations.c.child_id)
        )
        return [_reservation(row) for row in rows]

    def for_day(self, canteen_id: str, day: date) -> Sequence[Reservation]:
        rows = self._c().execute(
            select(reservations)
            .join(children, children.c.id == reservations.c.child_id)
            .where(children.c.canteen_id == canteen_id, reservations.c.day == day)
            .order_by(reservations.c.child_id)
        )
        return [_reservation(row) for row in rows]


def _entry(row: Row[Any]) -> LedgerEntry:
    return LedgerEntry(
        household_id=row.household_id,
        kind=EntryKind(row.kind),
        amount=to_money(row.amount),
        at=row.at,
        source=source_of(row),
        child_id=row.child_id,
        day=row.day,
        meal=MealType(row.meal) if row.meal is not None else None,
        method=PaymentMethod(row.method) if row.method is not None else None,
        reference=row.reference,
        iban=row.iban,
        memo=row.memo,
        reverses=row.reverses,
        id=row.id,
    )


def entry_values(entry: LedgerEntry) -> dict[str, Any]:
    """Parameters of the ledger entry inserts (`e_` names)."""
    source = entry.source
    return {
        "e_household_id": entry.household_id,
        "e_kind": EntryKind(entry.kind).value,
        "e_amount": entry.amount,
        "e_at": utc(entry.at),
        "e_child_id": entry.child_id,
        "e_day": entry.day,
        "e_meal": MealType(entry.meal).value if entry.meal is not None else None,
        "e_method": PaymentMethod(entry.method).value if entry.method is not None else None,
        "e_reference": entry.reference,
        "e_iban": entry.iban,
        "e_memo": entry.memo,
        "e_reverses": entry.reverses,
        "e_source_channel": source.channel,
        "e_source_message_id": source.message_id,
        "e_source_staff_user": source.staff_user,
    }


class SqlLedgerRepository:
    """Append-only entries; the balance is a SUM in the database, never stored (see TransactionCache)."""

    def __init__(self, connection: ConnectionGetter, cache: TransactionCache) -> None:
        self._c = connection
        self._cache = cache

    def add(self, entry: LedgerEntry) -> LedgerEntry:
        entry_id = run(self._c(), _INSERT_ENTRY, entry_values(entry))[0][0]
        return self.added(entry, entry_id)

    def added(self, entry: LedgerEntry, entry_id: int) -> LedgerEntry:
        """`entry` as stored under `entry_id` (by `add` or a combined statement); moves a cached balance."""
        balances = self._cache.balances
        if entry.household_id in balances:
            balances[entry.household_id] = to_money(balances[entry.household_id] + entry.amount)
        return replace(entry, id=entry_id)

    def get(self, entry_id: int) -> LedgerEntry | None:
        return self._one(ledger_entries.c.id == entry_id)

    def balance(self, household_id: int) -> Decimal:
        cached = self._cache.balances.get(household_id)
        if cached is not None:
            return cached
        balance = to_money(run(self._c(), _BALANCE, {"household_id": household_id})[0][0])
        if self._cache.balance_is_stable(household_id):
            self._cache.balances[household_id] = balance
        return balance

    def entries(self, household_id: int) -> Sequence[LedgerEntry]:
        rows = self._c().execute(
            select(ledger_entries).where(ledger_entries.c.household_id == household_id).order_by(ledger_entries.c.id)
        )
        return [_entry(row) for row in rows]

    def by_reference(self, reference: str) -> LedgerEntry | None:
        return self._one(ledger_entries.c.reference == reference)

    def correction_of(self, entry_id: int) -> LedgerEntry | None:
        return self._one(ledger_entries.c.reverses == entry_id)

    def meal_entries_on(self, canteen_id: str, day: date) -> Sequence[LedgerEntry]:
        rows = self._c().execute(
            select(ledger_entries)
            .join(children, children.c.id == ledger_entries.c.child_id)
            .where(children.c.canteen_id == canteen_id, ledger_entries.c.day == day)
            .order_by(ledger_entries.c.id)
        )
        return [_entry(row) for row in rows]

    def _one(self, condition: ColumnElement[bool]) -> LedgerEntry | None:
        row = self._c().execute(select(ledger_entries).where(condition)).first()
        return _entry(row) if row else None
