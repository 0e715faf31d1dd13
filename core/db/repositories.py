"""SQL repositories: Core statements on the tables, translating rows to and from the domain dataclasses."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    union,
    update,
)

from core.canteen import MealType
from core.db.tables import (
    children,
    guardian_emails,
    guardian_phones,
    guardians,
    households,
    ledger_entries,
    reservations,
)
from core.model import Child, EntryKind, Guardian, Household, LedgerEntry, PaymentMethod, Reservation, Source

ConnectionGetter = Callable[[], Connection]
CENT = Decimal("0.01")


def to_money(value: Any) -> Decimal:
    """A database number (Decimal on PostgreSQL, float or int from SQLite's SUM) as Decimal to the cent."""
    if value is None:
        return Decimal("0.00")
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(CENT)


def _source(row: Row[Any]) -> Source:
    return Source(row.source_channel, row.source_message_id, row.source_staff_user)


def _source_values(source: Source) -> dict[str, str | None]:
    return {
        "source_channel": source.channel,
        "source_message_id": source.message_id,
        "source_staff_user": source.staff_user,
    }


def _child(row: Row[Any]) -> Child:
    return Child(
        first_name=row.first_name,
        canteen_id=row.canteen_id,
        default_meal=MealType(row.default_meal),
        allergy_note=row.allergy_note,
        id=row.id,
        household_id=row.household_id,
    )


def _child_values(child: Child, household_id: int) -> dict[str, Any]:
    return {
        "household_id": household_id,
        "first_name": child.first_name,
        "canteen_id": child.canteen_id,
        "default_meal": MealType(child.default_meal).value,
        "allergy_note": child.allergy_note,
    }


def _guardian_values(guardian: Guardian, household_id: int) -> dict[str, Any]:
    return {
        "household_id": household_id,
        "name": guardian.name,
        "language": guardian.language,
        "telegram_chat_id": guardian.telegram_chat_id,
    }


def normalise_email(address: str) -> str:
    return address.strip().lower()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlHouseholdRepository:
    """Households with guardians (emails, phones) and children; loads in a fixed number of queries."""

    def __init__(self, connection: ConnectionGetter) -> None:
        self._c = connection

    def add(self, household: Household) -> Household:
        conn = self._c()
        household.id = conn.execute(
            insert(households).values(name=household.name).returning(households.c.id)
        ).scalar_one()
        self._save_members(household.id, household)
        return household

    def _save_members(self, household_id: int, household: Household) -> None:
        """Insert new guardians/children, update stored ones, and write every guardian's addresses anew."""
        conn = self._c()
        for guardian in household.guardians:
            values = _guardian_values(guardian, household_id)
            if guardian.id is None:
                guardian.id = conn.execute(insert(guardians).values(values).returning(guardians.c.id)).scalar_one()
            else:
                conn.execute(update(guardians).where(guardians.c.id == guardian.id).values(values))
            guardian.household_id = household_id
        emails = [{"guardian_id": g.id, "address": normalise_email(a)} for g in household.guardians for a in g.emails]
        phones = [{"guardian_id": g.id, "e164": p.strip()} for g in household.guardians for p in g.phones]
        if emails:
            conn.execute(insert(guardian_emails), emails)
        if phones:
            conn.execute(insert(guardian_phones), phones)
        for guardian in household.guardians:
            guardian.emails = [normalise_email(a) for a in guardian.emails]
        for child in household.children:
            values = _child_values(child, household_id)
            if child.id is None:
                child.id = conn.execute(insert(children).values(values).returning(children.c.id)).scalar_one()
            else:
                conn.execute(update(children).where(children.c.id == child.id).values(values))
            child.household_id = household_id

    def get(self, household_id: int) -> Household | None:
        found = self._load(households.c.id == household_id)
        return found[0] if found else None

    def update(self, household: Household) -> None:
        """Save the household as given: guardians no longer listed are deleted (children never are,
        their reservations and ledger lines refer to them); new guardians and children are added."""
        if household.id is None:
            raise KeyError("household has no id: add it first")
        conn = self._c()
        if conn.execute(update(households).where(households.c.id == household.id).values(name=household.name)
                        ).rowcount != 1:
            raise KeyError(f"household {household.id} is not stored")
        kept = [g.id for g in household.guardians if g.id is not None]
        stored = guardians.c.household_id == household.id
        ids_of_household = select(guardians.c.id).where(stored).scalar_subquery()
        # Addresses are rewritten as a whole, so one can move from a guardian to another in the same update.
        conn.execute(delete(guardian_emails).where(guardian_emails.c.guardian_id.in_(ids_of_household)))
        conn.execute(delete(guardian_phones).where(guardian_phones.c.guardian_id.in_(ids_of_household)))
        conn.execute(delete(guardians).where(stored, guardians.c.id.not_in(kept)))
        self._save_members(household.id, household)

    def child(self, child_id: int) -> Child | None:
        row = self._c().execute(_CHILD_BY_ID, {"child_id": child_id}).first()
        return _child(row) if row else None

    def list(self) -> Sequence[Household]:
        return self._load(None)

    def search(self, text: str) -> Sequence[Household]:
        pattern = _like(text.strip())
        matching = union(
            select(households.c.id).where(households.c.name.ilike(pattern, escape="\\")),
            select(guardians.c.household_id).where(guardians.c.name.ilike(pattern, escape="\\")),
            select(guardians.c.household_id).join(guardian_emails).where(
                guardian_emails.c.address.ilike(pattern, escape="\\")),
            select(guardians.c.household_id).join(guardian_phones).where(
                guardian_phones.c.e164.ilike(pattern, escape="\\")),
            select(children.c.household_id).where(children.c.first_name.ilike(pattern, escape="\\")),
        ).subquery()
        return self._load(households.c.id.in_(select(matching.c[0])))

    def guardian_by_email(self, address: str) -> Guardian | None:
        owner = select(guardian_emails.c.guardian_id).where(guardian_emails.c.address == normalise_email(address))
        return self._guardian(guardians.c.id.in_(owner))

    def guardian_by_phone(self, e164: str) -> Guardian | None:
        owner = select(guardian_phones.c.guardian_id).where(guardian_phones.c.e164 == e164.strip())
        return self._guardian(guardians.c.id.in_(owner))

    def guardian_by_telegram(self, chat_id: str) -> Guardian | None:
        return self._guardian(guardians.c.telegram_chat_id == chat_id)

    def children_of_canteen(self, canteen_id: str) -> Sequence[Child]:
        rows = self._c().execute(select(children).where(children.c.canteen_id == canteen_id).order_by(children.c.id))
        return [_child(row) for row in rows]

    def _guardian(self, condition: ColumnElement[bool]) -> Guardian | None:
        found = self._guardians(select(guardians).where(condition))
        return found[0] if found else None

    def _guardians(self, query: Select[Any]) -> builtins.list[Guardian]:
        """Guardians selected by `query` (rows of the guardians table), each with its emails and phones."""
        conn = self._c()
        rows = conn.execute(query.order_by(guardians.c.id)).all()
        if not rows:
            return []
        ids = [row.id for row in rows]
        emails: dict[int, builtins.list[str]] = {}
        for guardian_id, address in conn.execute(
            select(guardian_emails.c.guardian_id, guardian_emails.c.address)
            .where(guardian_emails.c.guardian_id.in_(ids)).order_by(guardian_emails.c.id)
        ):
            emails.setdefault(guardian_id, []).append(address)
        phones: dict[int, builtins.list[str]] = {}
        for guardian_id, e164 in conn.execute(
            select(guardian_phones.c.guardian_id, guardian_phones.c.e164)
            .where(guardian_phones.c.guardian_id.in_(ids)).order_by(guardian_phones.c.id)
        ):
            phones.setdefault(guardian_id, []).append(e164)
        return [
            Guardian(name=row.name, language=row.language, emails=emails.get(row.id, []), phones=phones.get(row.id, []),
                     telegram_chat_id=row.telegram_chat_id, id=row.id, household_id=row.household_id)
            for row in rows
        ]

    def _load(self, condition: ColumnElement[bool] | None) -> builtins.list[Household]:
        """Households matching `condition` (all when None), ordered by name, in five queries whatever their number."""
        conn = self._c()
        query = select(households)
        if condition is not None:
            query = query.where(condition)
        rows = conn.execute(query.order_by(func.lower(households.c.name), households.c.id)).all()
        if not rows:
            return []
        ids = select(households.c.id) if condition is None else select(households.c.id).where(condition)
        by_id = {row.id: Household(name=row.name, id=row.id) for row in rows}
        for guardian in self._guardians(select(guardians).where(guardians.c.household_id.in_(ids))):
            by_id[guardian.household_id or 0].guardians.append(guardian)
        for child_row in conn.execute(
            select(children).where(children.c.household_id.in_(ids)).order_by(children.c.id)
        ):
            by_id[child_row.household_id].children.append(_child(child_row))
        return [by_id[row.id] for row in rows]


_CHILD_BY_ID = select(children).where(children.c.id == bindparam("child_id"))
_RESERVATION = select(reservations).where(
    reservations.c.child_id == bindparam("child_id"), reservations.c.day == bindparam("day")
)
_HOUSEHOLD_OF_CHILD = select(children.c.household_id).where(children.c.id == bindparam("of_child")).scalar_subquery()
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
        source=_source(row),
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
            **_source_values(reservation.source),
        }
        statement = insert(reservations).returning(reservations.c.id, reservations.c.household_id)
        if reservation.household_id is None:  # taken from the child, in the same statement
            statement = statement.values(household_id=_HOUSEHOLD_OF_CHILD)
            values["of_child"] = reservation.child_id
        else:
            values["household_id"] = reservation.household_id
        row = self._c().execute(statement, values).one()
        return replace(reservation, id=row.id, household_id=row.household_id)

    def remove(self, child_id: int, day: date) -> None:
        self._c().execute(delete(reservations).where(reservations.c.child_id == child_id, reservations.c.day == day))

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
        source=_source(row),
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
        **_source_values(entry.source),
    }


_INSERT_ENTRY = insert(ledger_entries).returning(ledger_entries.c.id)


class SqlLedgerRepository:
    """Append-only entries; the balance is a SUM in the database, never stored."""

    def __init__(self, connection: ConnectionGetter) -> None:
        self._c = connection

    def add(self, entry: LedgerEntry) -> LedgerEntry:
        entry_id = self._c().execute(_INSERT_ENTRY, _entry_values(entry)).scalar_one()
        return replace(entry, id=entry_id)

    def get(self, entry_id: int) -> LedgerEntry | None:
        return self._one(ledger_entries.c.id == entry_id)

    def balance(self, household_id: int) -> Decimal:
        return to_money(self._c().execute(_BALANCE, {"household_id": household_id}).scalar_one())

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

