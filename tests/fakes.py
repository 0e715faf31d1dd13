"""In-memory repositories and unit of work implementing the core Protocols, for unit tests (no mocks)."""

from __future__ import annotations

import builtins
import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Self

from core.model import Child, Guardian, Household, LedgerEntry, Reservation
from core.unit_of_work import AbstractUnitOfWork
from tests.fake_menus import FakeDocumentRepository, FakeMenuRepository, MenuState
from tests.fake_money import FakeMoneyRepository, MoneyState
from tests.fake_pipeline import (
    FakeChannelStateRepository,
    FakeConversationRepository,
    FakeInboxRepository,
    FakeOutboxRepository,
    FakeStaffRepository,
    PipelineState,
)


@dataclass
class _State:
    """Everything stored; the unit of work keeps a committed copy and a working copy."""

    households: dict[int, Household] = field(default_factory=dict)
    reservations: dict[tuple[int, date], Reservation] = field(default_factory=dict)
    entries: list[LedgerEntry] = field(default_factory=list)
    pipeline: PipelineState = field(default_factory=PipelineState)
    menus: MenuState = field(default_factory=MenuState)
    money: MoneyState = field(default_factory=MoneyState)
    next_id: int = 1

    def new_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value


class FakeHouseholdRepository:
    """Households in a dict; returns copies, so changes count only through `update` (like a detached ORM)."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _data(self) -> dict[int, Household]:
        return self._uow.state.households

    def add(self, household: Household) -> Household:
        stored = copy.deepcopy(household)
        stored.id = stored.id if stored.id is not None else self._uow.state.new_id()
        self._set_ids(stored)
        self._data[stored.id] = stored
        return copy.deepcopy(stored)

    def _set_ids(self, household: Household) -> None:
        for guardian in household.guardians:
            guardian.id = guardian.id if guardian.id is not None else self._uow.state.new_id()
            guardian.household_id = household.id
        for child in household.children:
            child.id = child.id if child.id is not None else self._uow.state.new_id()
            child.household_id = household.id

    def get(self, household_id: int) -> Household | None:
        found = self._data.get(household_id)
        return copy.deepcopy(found) if found else None

    def update(self, household: Household) -> None:
        if household.id is None or household.id not in self._data:
            raise KeyError(f"household {household.id} is not stored")
        stored = copy.deepcopy(household)
        self._set_ids(stored)
        self._data[household.id] = stored
        household.guardians, household.children = copy.deepcopy(stored.guardians), copy.deepcopy(stored.children)

    def child(self, child_id: int) -> Child | None:
        for household in self._data.values():
            for child in household.children:
                if child.id == child_id:
                    return copy.deepcopy(child)
        return None

    def list(self) -> Sequence[Household]:
        return [copy.deepcopy(h) for h in sorted(self._data.values(), key=lambda h: h.name.casefold())]

    def search(self, text: str) -> Sequence[Household]:
        wanted = text.casefold()

        def matches(h: Household) -> bool:
            words = [h.name, *(c.first_name for c in h.children)]
            for g in h.guardians:
                words += [g.name, *g.emails, *g.phones]
            return any(wanted in word.casefold() for word in words)

        return [h for h in self.list() if matches(h)]

    def _guardians(self) -> builtins.list[Guardian]:
        return [g for h in self._data.values() for g in h.guardians]

    def guardian_by_email(self, address: str) -> Guardian | None:
        wanted = address.casefold()
        found = next((g for g in self._guardians() if wanted in (e.casefold() for e in g.emails)), None)
        return copy.deepcopy(found)

    def guardian_by_phone(self, e164: str) -> Guardian | None:
        return copy.deepcopy(next((g for g in self._guardians() if e164 in g.phones), None))

    def guardian_by_telegram(self, chat_id: str) -> Guardian | None:
        return copy.deepcopy(next((g for g in self._guardians() if g.telegram_chat_id == chat_id), None))

    def children_of_canteen(self, canteen_id: str) -> Sequence[Child]:
        children = [c for h in self._data.values() for c in h.children if c.canteen_id == canteen_id]
        return copy.deepcopy(sorted(children, key=lambda c: c.id or 0))


class FakeReservationRepository:
    """At most one reservation per (child, day), like the database's unique constraint."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _data(self) -> dict[tuple[int, date], Reservation]:
        return self._uow.state.reservations

    def get(self, child_id: int, day: date) -> Reservation | None:
        return self._data.get((child_id, day))

    def add(self, reservation: Reservation) -> Reservation:
        key = (reservation.child_id, reservation.day)
        if key in self._data:
            raise ValueError(f"child {key[0]} already has a reservation on {key[1]}")
        stored = replace(reservation, id=self._uow.state.new_id())
        self._data[key] = stored
        return stored

    def remove(self, child_id: int, day: date) -> None:
        self._data.pop((child_id, day), None)

    def for_children(self, child_ids: Sequence[int], start: date, end: date) -> Sequence[Reservation]:
        wanted = set(child_ids)
        found = [r for (child, day), r in self._data.items() if child in wanted and start <= day <= end]
        return sorted(found, key=lambda r: (r.day, r.child_id))

    def for_day(self, canteen_id: str, day: date) -> Sequence[Reservation]:
        children = {c.id for c in self._uow.households.children_of_canteen(canteen_id)}
        return sorted(
            (r for r in self._data.values() if r.day == day and r.child_id in children), key=lambda r: r.child_id
        )


class FakeLedgerRepository:
    """Append-only entries in a list; the balance is their sum."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _data(self) -> list[LedgerEntry]:
        return self._uow.state.entries

    def add(self, entry: LedgerEntry) -> LedgerEntry:
        if entry.reference is not None and self.by_reference(entry.reference) is not None:
            raise ValueError(f"reference {entry.reference!r} is already booked")
        stored = replace(entry, id=self._uow.state.new_id())
        self._data.append(stored)
        return stored

    def get(self, entry_id: int) -> LedgerEntry | None:
        return next((e for e in self._data if e.id == entry_id), None)

    def balance(self, household_id: int) -> Decimal:
        return sum((e.amount for e in self._data if e.household_id == household_id), Decimal("0.00"))

    def entries(self, household_id: int) -> Sequence[LedgerEntry]:
        return [e for e in self._data if e.household_id == household_id]

    def by_reference(self, reference: str) -> LedgerEntry | None:
        return next((e for e in self._data if e.reference == reference), None)

    def correction_of(self, entry_id: int) -> LedgerEntry | None:
        return next((e for e in self._data if e.reverses == entry_id), None)

    def meal_entries_on(self, canteen_id: str, day: date) -> Sequence[LedgerEntry]:
        children = {c.id for c in self._uow.households.children_of_canteen(canteen_id)}
        return [e for e in self._data if e.day == day and e.child_id is not None and e.child_id in children]


class FakeUnitOfWork(AbstractUnitOfWork):
    """Copy-on-enter: work happens on a copy of the committed state; commit keeps it, rollback drops it."""

    def __init__(self) -> None:
        self.committed_state = _State()
        self.state = _State()
        self.committed = False
        self.commits = 0
        self.locked: list[int] = []
        self.depth = 0
        self.households = FakeHouseholdRepository(self)
        self.reservations = FakeReservationRepository(self)
        self.ledger = FakeLedgerRepository(self)
        pipeline, new_id = (lambda: self.state.pipeline), (lambda: self.state.new_id())
        self.inbox = FakeInboxRepository(pipeline, new_id)
        self.outbox = FakeOutboxRepository(pipeline, new_id)
        self.conversations = FakeConversationRepository(pipeline, new_id)
        self.staff = FakeStaffRepository(pipeline, new_id)
        self.channels = FakeChannelStateRepository(pipeline)
        self.menus = FakeMenuRepository(lambda: self.state.menus)
        self.documents = FakeDocumentRepository(lambda: self.state.menus, new_id)
        self.money = FakeMoneyRepository(lambda: self.state.money, new_id)

    def __enter__(self) -> Self:
        if self.depth == 0:
            self.state = copy.deepcopy(self.committed_state)
            self.locked = []
        self.depth += 1
        return self

    def __exit__(self, *args: object) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.rollback()

    def commit(self) -> None:
        self.committed_state = copy.deepcopy(self.state)
        self.committed = True
        self.commits += 1

    def rollback(self) -> None:
        self.state = copy.deepcopy(self.committed_state)

    def lock_household(self, household_id: int) -> None:
        self.locked.append(household_id)
