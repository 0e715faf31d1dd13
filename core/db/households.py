"""The SQL household repository: households, guardians (emails, phones) and children in a fixed number of queries."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Join, Select, bindparam, delete, func, insert, select, union, update

from core.canteen import MealType
from core.db.rows import ConnectionGetter, TransactionCache
from core.db.statements import run
from core.db.tables import children, guardian_emails, guardian_phones, guardians, households
from core.messages import Channel
from core.model import Child, Guardian, Household

_CHILD_BY_ID = select(children).where(children.c.id == bindparam("child_id"))

# Guardian columns (table order) followed by one email (id, address) and one phone (id, e164), outer-joined:
# a guardian has one or two of each, so the cross product stays tiny; `_regroup` folds it back.
_GUARDIAN_ROWS = (
    guardians.c.id,
    guardians.c.household_id,
    guardians.c.name,
    guardians.c.language,
    guardians.c.telegram_chat_id,
    guardian_emails.c.id,
    guardian_emails.c.address,
    guardian_phones.c.id,
    guardian_phones.c.e164,
)
_WITH_ADDRESSES = guardians.outerjoin(guardian_emails, guardian_emails.c.guardian_id == guardians.c.id).outerjoin(
    guardian_phones, guardian_phones.c.guardian_id == guardians.c.id
)
_GUARDIAN_ORDER = (guardians.c.id, guardian_emails.c.id, guardian_phones.c.id)
_EMAIL_OWNER = guardian_emails.alias("email_owner")
_PHONE_OWNER = guardian_phones.alias("phone_owner")


def _guardian_rows(condition: ColumnElement[bool]) -> Select[Any]:
    return select(*_GUARDIAN_ROWS).select_from(_WITH_ADDRESSES).where(condition).order_by(*_GUARDIAN_ORDER)


_GUARDIAN_BY_EMAIL = _guardian_rows(
    guardians.c.id.in_(select(_EMAIL_OWNER.c.guardian_id).where(_EMAIL_OWNER.c.address == bindparam("address")))
)
_GUARDIAN_BY_PHONE = _guardian_rows(
    guardians.c.id.in_(select(_PHONE_OWNER.c.guardian_id).where(_PHONE_OWNER.c.e164 == bindparam("e164")))
)
_GUARDIAN_BY_TELEGRAM = _guardian_rows(guardians.c.telegram_chat_id == bindparam("chat_id"))
# One household with its guardians, their addresses and its children, in one query: the household's
# columns, then `_GUARDIAN_ROWS`, then the child's columns (table order), each part NULL when missing.
# Children times guardian rows: a handful of rows, regrouped by `get`.
_HOUSEHOLD_COLUMNS = 2
_CHILD_COLUMNS_AT = _HOUSEHOLD_COLUMNS + len(_GUARDIAN_ROWS)
_WHOLE_HOUSEHOLD_COLUMNS = (households.c.id, households.c.name, *_GUARDIAN_ROWS, *children.c)
_WHOLE_HOUSEHOLD_ORDER = (*_GUARDIAN_ORDER, children.c.id)


def _with_members(start: FromClause) -> Join:
    """`start` (the households, or a guardian's row joined to its household) with the household's guardians,
    their addresses and its children; joins chained, not nested: SQLite would scan every guardian for a nested join."""
    return (
        start.outerjoin(guardians, guardians.c.household_id == households.c.id)
        .outerjoin(guardian_emails, guardian_emails.c.guardian_id == guardians.c.id)
        .outerjoin(guardian_phones, guardian_phones.c.guardian_id == guardians.c.id)
        .outerjoin(children, children.c.household_id == households.c.id)
    )


_WHOLE_HOUSEHOLD = (
    select(*_WHOLE_HOUSEHOLD_COLUMNS)
    .select_from(_with_members(households))
    .where(households.c.id == bindparam("household_id"))
    .order_by(*_WHOLE_HOUSEHOLD_ORDER)
)


def normalise_email(address: str) -> str:
    return address.strip().lower()


# The sender of a message and their whole household in one query: the sender's guardian id, then the
# columns of `_WHOLE_HOUSEHOLD`. No row: no guardian has this address, number or chat.
_SENDER = guardians.alias("sender")
_SENDER_EMAIL = guardian_emails.alias("sender_email")
_SENDER_PHONE = guardian_phones.alias("sender_phone")


def _sender_household(start: FromClause, condition: ColumnElement[bool]) -> Select[Any]:
    return (
        select(_SENDER.c.id, *_WHOLE_HOUSEHOLD_COLUMNS)
        .select_from(_with_members(start.join(households, households.c.id == _SENDER.c.household_id)))
        .where(condition)
        .order_by(*_WHOLE_HOUSEHOLD_ORDER)
    )


@dataclass(frozen=True)
class SenderLookup:
    """How to find a sender of one kind: the statement (the sender's guardian id, then the columns of
    `_WHOLE_HOUSEHOLD`), the sender's guardian id alone (a scalar subquery on the same parameter), and
    that parameter's name and value."""

    statement: Select[Any]
    guardian_id: ColumnElement[Any]
    parameter: str
    value: Callable[[str], str]


_BY_EMAIL = SenderLookup(
    _sender_household(
        _SENDER_EMAIL.join(_SENDER, _SENDER.c.id == _SENDER_EMAIL.c.guardian_id),
        _SENDER_EMAIL.c.address == bindparam("address"),
    ),
    select(_EMAIL_OWNER.c.guardian_id).where(_EMAIL_OWNER.c.address == bindparam("address")).scalar_subquery(),
    "address",
    normalise_email,
)
_BY_PHONE = SenderLookup(
    _sender_household(
        _SENDER_PHONE.join(_SENDER, _SENDER.c.id == _SENDER_PHONE.c.guardian_id),
        _SENDER_PHONE.c.e164 == bindparam("e164"),
    ),
    select(_PHONE_OWNER.c.guardian_id).where(_PHONE_OWNER.c.e164 == bindparam("e164")).scalar_subquery(),
    "e164",
    str.strip,
)
_CHAT_OWNER = guardians.alias("chat_owner")
_BY_TELEGRAM = SenderLookup(
    _sender_household(_SENDER, _SENDER.c.telegram_chat_id == bindparam("chat_id")),
    select(_CHAT_OWNER.c.id).where(_CHAT_OWNER.c.telegram_chat_id == bindparam("chat_id")).scalar_subquery(),
    "chat_id",
    str.strip,
)
_LOOKUPS: dict[str, tuple[SenderLookup, ...]] = {
    Channel.EMAIL: (_BY_EMAIL,),
    Channel.SMS: (_BY_PHONE,),
    Channel.TELEGRAM: (_BY_TELEGRAM,),
}


def sender_lookups(channel: str) -> tuple[SenderLookup, ...]:
    """The lookups to try in order for a sender on `channel` (another channel than email, SMS and
    Telegram: as an email address, then as a phone number)."""
    return _LOOKUPS.get(channel, (_BY_EMAIL, _BY_PHONE))


def _regroup(rows: Sequence[Sequence[Any]], offset: int = 0) -> list[Guardian]:
    """Guardians from rows holding `_GUARDIAN_ROWS` from column `offset`, in id order, addresses too."""
    found: dict[int, Guardian] = {}
    emails: dict[int, dict[int, str]] = {}
    phones: dict[int, dict[int, str]] = {}
    for row in rows:
        guardian_id, household_id, name, language, chat_id, email_id, address, phone_id, e164 = row[
            offset : offset + len(_GUARDIAN_ROWS)
        ]
        if guardian_id is None:
            continue
        if guardian_id not in found:
            found[guardian_id] = Guardian(
                name=name, language=language, telegram_chat_id=chat_id, id=guardian_id, household_id=household_id
            )
        if email_id is not None:
            emails.setdefault(guardian_id, {})[email_id] = address
        if phone_id is not None:
            phones.setdefault(guardian_id, {})[phone_id] = e164
    for guardian_id, guardian in found.items():
        guardian.emails = [emails[guardian_id][k] for k in sorted(emails.get(guardian_id, {}))]
        guardian.phones = [phones[guardian_id][k] for k in sorted(phones.get(guardian_id, {}))]
    return list(found.values())


def household_of_rows(rows: Sequence[Sequence[Any]], cache: TransactionCache, offset: int = 0) -> Household:
    """The household in rows holding the columns of `_WHOLE_HOUSEHOLD` from column `offset`; its children's
    rows are cached for the transaction."""
    household = Household(name=rows[0][offset + 1], id=rows[0][offset])
    household.guardians.extend(_regroup(rows, offset=offset + _HOUSEHOLD_COLUMNS))
    at = offset + _CHILD_COLUMNS_AT
    child_rows = {row[at]: tuple(row[at : at + len(children.c)]) for row in rows}
    for child_id in sorted(k for k in child_rows if k is not None):
        cache.children[child_id] = child_rows[child_id]
        household.children.append(_child(child_rows[child_id]))
    return household


def sender_of_rows(rows: Sequence[Sequence[Any]], cache: TransactionCache) -> tuple[Guardian, Household]:
    """The sender's guardian and household from the rows of a `SenderLookup` statement."""
    household = household_of_rows(rows, cache, offset=1)
    return next(g for g in household.guardians if g.id == rows[0][0]), household


def _child(row: Sequence[Any]) -> Child:
    """A child from a row of `select(children)` (columns in table order)."""
    id_, household_id, first_name, canteen_id, default_meal, allergy_note = row
    return Child(
        first_name=first_name,
        canteen_id=canteen_id,
        default_meal=MealType(default_meal),
        allergy_note=allergy_note,
        id=id_,
        household_id=household_id,
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


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlHouseholdRepository:
    """Households with guardians (emails, phones) and children; loads in a fixed number of queries."""

    def __init__(self, connection: ConnectionGetter, cache: TransactionCache) -> None:
        self._c = connection
        self._cache = cache

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
        self._cache.children.clear()
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
        """One household in one query: itself, its guardians with their addresses, and its children."""
        rows = run(self._c(), _WHOLE_HOUSEHOLD, {"household_id": household_id})
        return household_of_rows(rows, self._cache) if rows else None

    def registered_sender(self, channel: str, sender: str) -> tuple[Guardian, Household] | None:
        """`AbstractUnitOfWork.registered_sender`: one query (two for a channel other than email, SMS and
        Telegram, looked up as an email address, then as a phone number)."""
        for lookup in sender_lookups(channel):
            rows = run(self._c(), lookup.statement, {lookup.parameter: lookup.value(sender)})
            if rows:
                return sender_of_rows(rows, self._cache)
        return None

    def update(self, household: Household) -> None:
        """Save the household as given: guardians no longer listed are deleted (children never are,
        their reservations and ledger lines refer to them); new guardians and children are added."""
        if household.id is None:
            raise KeyError("household has no id: add it first")
        conn = self._c()
        if (
            conn.execute(update(households).where(households.c.id == household.id).values(name=household.name)).rowcount
            != 1
        ):
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
        row = self._cache.children.get(child_id)
        if row is None:
            rows = run(self._c(), _CHILD_BY_ID, {"child_id": child_id})
            if not rows:
                return None
            row = self._cache.children[child_id] = rows[0]
        return _child(row)

    def list(self) -> Sequence[Household]:
        return self._load(None)

    def search(self, text: str) -> Sequence[Household]:
        pattern = _like(text.strip())
        matching = union(
            select(households.c.id).where(households.c.name.ilike(pattern, escape="\\")),
            select(guardians.c.household_id).where(guardians.c.name.ilike(pattern, escape="\\")),
            select(guardians.c.household_id)
            .join(guardian_emails)
            .where(guardian_emails.c.address.ilike(pattern, escape="\\")),
            select(guardians.c.household_id)
            .join(guardian_phones)
            .where(guardian_phones.c.e164.ilike(pattern, escape="\\")),
            select(children.c.household_id).where(children.c.first_name.ilike(pattern, escape="\\")),
        ).subquery()
        return self._load(households.c.id.in_(select(matching.c[0])))

    def guardian_by_email(self, address: str) -> Guardian | None:
        return self._guardian(_GUARDIAN_BY_EMAIL, {"address": normalise_email(address)})

    def guardian_by_phone(self, e164: str) -> Guardian | None:
        return self._guardian(_GUARDIAN_BY_PHONE, {"e164": e164.strip()})

    def guardian_by_telegram(self, chat_id: str) -> Guardian | None:
        return self._guardian(_GUARDIAN_BY_TELEGRAM, {"chat_id": chat_id})

    def children_of_canteen(self, canteen_id: str) -> Sequence[Child]:
        rows = self._c().execute(select(children).where(children.c.canteen_id == canteen_id).order_by(children.c.id))
        return [_child(row) for row in rows]

    def _guardian(self, statement: Select[Any], params: dict[str, Any]) -> Guardian | None:
        found = _regroup(run(self._c(), statement, params))
        return found[0] if found else None

    def _guardians(self, query: Select[Any]) -> builtins.list[Guardian]:
        """Guardians selected by `query` (rows of the guardians table), each with its emails and phones.

        One round trip: the guardians outer-joined with their addresses and numbers (a guardian has one
        or two of each, so the cross product stays tiny), regrouped here in their stored order.
        """
        chosen = query.subquery()
        rows = (
            self._c()
            .execute(
                select(
                    chosen,
                    guardian_emails.c.id.label("email_id"),
                    guardian_emails.c.address,
                    guardian_phones.c.id.label("phone_id"),
                    guardian_phones.c.e164,
                )
                .outerjoin(guardian_emails, guardian_emails.c.guardian_id == chosen.c.id)
                .outerjoin(guardian_phones, guardian_phones.c.guardian_id == chosen.c.id)
                .order_by(chosen.c.id, guardian_emails.c.id, guardian_phones.c.id)
            )
            .all()
        )
        found: dict[int, Guardian] = {}
        emails: dict[int, dict[int, str]] = {}
        phones: dict[int, dict[int, str]] = {}
        for row in rows:
            if row.id not in found:
                found[row.id] = Guardian(
                    name=row.name,
                    language=row.language,
                    telegram_chat_id=row.telegram_chat_id,
                    id=row.id,
                    household_id=row.household_id,
                )
            if row.email_id is not None:
                emails.setdefault(row.id, {})[row.email_id] = row.address
            if row.phone_id is not None:
                phones.setdefault(row.id, {})[row.phone_id] = row.e164
        for guardian_id, guardian in found.items():
            guardian.emails = [emails[guardian_id][k] for k in sorted(emails.get(guardian_id, {}))]
            guardian.phones = [phones[guardian_id][k] for k in sorted(phones.get(guardian_id, {}))]
        return list(found.values())

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
        for child_row in conn.execute(select(children).where(children.c.household_id.in_(ids)).order_by(children.c.id)):
            by_id[child_row.household_id].children.append(_child(child_row))
        return [by_id[row.id] for row in rows]
