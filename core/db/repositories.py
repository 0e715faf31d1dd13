"""SQL repositories: Core statements on the tables, translating rows to and from the domain dataclasses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, bindparam, delete, func, insert, literal_column, select

from core.canteen import MealType
from core.db.households import SqlHouseholdRepository
from core.db.rows import ConnectionGetter, TransactionCache, source_of, source_values, to_money
from core.db.tables import children, ledger_entries, reservations
from core.model import EntryKind, LedgerEntry, PaymentMethod, Reservation

__all__ = ["SqlHouseholdRepository", "SqlLedgerRepository", "SqlReservationRepository", "to_money"]

_RESERVATION = select(reservations).where(
    reservations.c.child_id == bindparam("child_id"), reservations.c.day == bindparam("day")
)
_HOUSEHOLD_OF_CHILD = select(children.c.household_id).where(children.c.id == bindparam("of_child")).scalar_subquery()
_INSERT_RESERVATION = insert(reservations).returning(reservations.c.id, reservations.c.household_id)
_INSERT_RESERVATION_OF_CHILD = _INSERT_RESERVATION.values(household_id=_HOUSEHOLD_OF_CHILD)
_DELETE_RESERVATION = delete(reservations).where(
    reservations.c.child_id == bindparam("child_id"), reservations.c.day == bindparam("day")
)
_BALANCE = select(func.coalesce(func.sum(ledger_entries.c.amount), literal_column("0"))).where(
    ledger_entries.c.household_id == bindparam("household_id")
)


def _reservation(row: Row[Any]) -> Reservation:
    return Reservation(
        child_id=row.child_id,
        day=row.day,
        meal=MealType(row.meal),
        price=to_money(row.price),
        booked_at=row.booked_at,
        source=source_of(row),
        household_id=row.household_id,
        id=row.id,
    )


class SqlReservationRepository:
    """Reservations; the (child_id, day) unique constraint refuses a second booking of a child on a day."""

    def __init__(self, connection: ConnectionGetter) -> None:
        self._c = connection

    def get(self, child_id: int, day: date) -> Reservation | None:
        row = self._c().execute(_RESERVATION, {"child_id": child_id, "day": day}).first()
        return _reservation(row) if row else None

    def add(self, reservation: Reservation) -> Reservation:
        values: dict[str, Any] = {
            "child_id": reservation.child_id,
            "day": reservation.day,
            "meal": MealType(reservation.meal).value,
            "price": reservation.price,
            "booked_at": reservation.booked_at,
            **source_values(reservation.source),
        }
        if reservation.household_id is None:  # taken from the child, in the same statement
            statement = _INSERT_RESERVATION_OF_CHILD
            values["of_child"] = reservation.child_id
        else:
            statement = _INSERT_RESERVATION
            values["household_id"] = reservation.household_id
        row = self._c().execute(statement, values).one()
        return replace(reservation, id=row.id, household_id=row.household_id)

    def remove(self, child_id: int, day: date) -> None:
        self._c().execute(_DELETE_RESERVATION, {"child_id": child_id, "day": day})

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


def _entry_values(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "household_id": entry.household_id,
        "kind": EntryKind(entry.kind).value,
        "amount": entry.amount,
        "at": entry.at,
        "child_id": entry.child_id,
        "day": entry.day,
        "meal": MealType(entry.meal).value if entry.meal is not None else None,
        "method": PaymentMethod(entry.method).value if entry.method is not None else None,
        "reference": entry.reference,
        "iban": entry.iban,
        "memo": entry.memo,
        "reverses": entry.reverses,
        **source_values(entry.source),
    }


_INSERT_ENTRY = insert(ledger_entries).returning(ledger_entries.c.id)


class SqlLedgerRepository:
    """Append-only entries; the balance is a SUM in the database, never stored (see TransactionCache)."""

    def __init__(self, connection: ConnectionGetter, cache: TransactionCache) -> None:
        self._c = connection
        self._cache = cache

    def add(self, entry: LedgerEntry) -> LedgerEntry:
        entry_id = self._c().execute(_INSERT_ENTRY, _entry_values(entry)).scalar_one()
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
        balance = to_money(self._c().execute(_BALANCE, {"household_id": household_id}).scalar_one())
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

    def _one(self, condition: ColumnElement[bool]) -> LedgerEntry | None:
        row = self._c().execute(select(ledger_entries).where(condition)).first()
        return _entry(row) if row else None
