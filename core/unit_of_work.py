"""The unit of work and repository interfaces the services depend on (implementations live elsewhere)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from types import TracebackType
from typing import Protocol, Self

from core.model import Child, Guardian, Household, LedgerEntry, Reservation


class HouseholdRepository(Protocol):
    """Households with their guardians and children."""

    def add(self, household: Household) -> Household:
        """Store a new household; returns it with ids set on it, its guardians and children."""
        ...

    def get(self, household_id: int) -> Household | None: ...

    def update(self, household: Household) -> None:
        """Save changed fields of an existing household, its guardians and children (new ones are added)."""
        ...

    def child(self, child_id: int) -> Child | None: ...

    def list(self) -> Sequence[Household]: ...

    def search(self, text: str) -> Sequence[Household]:
        """Households whose name, a guardian's name/address or a child's first name contains `text`."""
        ...

    def guardian_by_email(self, address: str) -> Guardian | None:
        """Case-insensitive on the whole address."""
        ...

    def guardian_by_phone(self, e164: str) -> Guardian | None: ...

    def guardian_by_telegram(self, chat_id: str) -> Guardian | None: ...

    def children_of_canteen(self, canteen_id: str) -> Sequence[Child]: ...


class ReservationRepository(Protocol):
    """At most one reservation per child and day."""

    def get(self, child_id: int, day: date) -> Reservation | None: ...

    def add(self, reservation: Reservation) -> Reservation: ...

    def remove(self, child_id: int, day: date) -> None: ...

    def for_children(self, child_ids: Sequence[int], start: date, end: date) -> Sequence[Reservation]:
        """Reservations of these children from start to end, both included, ordered by day then child."""
        ...

    def for_day(self, canteen_id: str, day: date) -> Sequence[Reservation]: ...


class LedgerRepository(Protocol):
    """Append-only prepaid-account entries."""

    def add(self, entry: LedgerEntry) -> LedgerEntry: ...

    def get(self, entry_id: int) -> LedgerEntry | None: ...

    def balance(self, household_id: int) -> Decimal:
        """Sum of the household's entries (computed, never stored)."""
        ...

    def entries(self, household_id: int) -> Sequence[LedgerEntry]:
        """All entries of a household in the order they were made."""
        ...

    def by_reference(self, reference: str) -> LedgerEntry | None: ...

    def correction_of(self, entry_id: int) -> LedgerEntry | None: ...


class AbstractUnitOfWork(ABC):
    """One transaction: `with uow: … uow.commit()`; leaving without commit rolls back."""

    households: HouseholdRepository
    reservations: ReservationRepository
    ledger: LedgerRepository

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.rollback()

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None: ...

    @abstractmethod
    def lock_household(self, household_id: int) -> None:
        """Serialise writers on one household's account until the transaction ends."""
