"""Households, guardians, children, reservations and ledger entries: plain domain objects, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from core.canteen import MealType

LANGUAGES: tuple[str, ...] = ("fr", "en", "de")


class DomainError(ValueError):
    """A value the domain cannot accept (the message says which and why)."""


@dataclass(frozen=True)
class Source:
    """Where a change came from, kept on every ledger entry and reservation for the audit trail."""

    channel: str  # "email", "sms", "telegram", "staff", "cli", "bank", "demo", "system"
    message_id: str | None = None  # inbox message id / external id when it came from a message
    staff_user: str | None = None  # the staff account that did it, when a person did it

    def describe(self) -> str:
        parts = [self.channel]
        if self.message_id:
            parts.append(f"message {self.message_id}")
        if self.staff_user:
            parts.append(f"by {self.staff_user}")
        return ", ".join(parts)


@dataclass
class Guardian:
    """A parent or other adult who may write to the canteen for a household."""

    name: str
    language: str = "fr"
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)  # E.164, e.g. +41791234567
    telegram_chat_id: str | None = None
    id: int | None = None
    household_id: int | None = None


@dataclass
class Child:
    """A pupil who eats (or not) at one canteen."""

    first_name: str
    canteen_id: str
    default_meal: MealType = MealType.NORMAL
    allergy_note: str = ""
    id: int | None = None
    household_id: int | None = None


@dataclass
class Household:
    """A family: one or two guardians, its children and (implicitly) one prepaid account."""

    name: str
    guardians: list[Guardian] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    id: int | None = None

    def child_named(self, first_name: str) -> Child | None:
        wanted = first_name.casefold()
        return next((c for c in self.children if c.first_name.casefold() == wanted), None)

    def language(self, fallback: str) -> str:
        """The family's language for its papers (statements, receipts): the first guardian's, else `fallback`."""
        return self.guardians[0].language if self.guardians else fallback


@dataclass(frozen=True)
class Reservation:
    """One child booked for one meal on one day, at the price charged when booked."""

    child_id: int
    day: date
    meal: MealType
    price: Decimal
    booked_at: datetime
    source: Source
    household_id: int | None = None
    id: int | None = None


class EntryKind(StrEnum):
    """What a ledger entry records."""

    TOPUP = "topup"  # money in: cash, bank transfer, online
    MEAL_CHARGE = "meal_charge"  # a meal booked (negative)
    MEAL_CREDIT = "meal_credit"  # a meal cancelled in time (positive)
    REFUND = "refund"  # money paid back to the family (negative)
    CORRECTION = "correction"  # reverses an earlier entry (opposite sign)


class PaymentMethod(StrEnum):
    """How a top-up or refund moved money."""

    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    ONLINE = "online"


@dataclass(frozen=True)
class LedgerEntry:
    """An immutable line of a household's prepaid account; `amount` is signed (+ in, - out)."""

    household_id: int
    kind: EntryKind
    amount: Decimal
    at: datetime
    source: Source
    child_id: int | None = None
    day: date | None = None
    meal: MealType | None = None
    method: PaymentMethod | None = None
    reference: str | None = None  # the bank's own reference (AcctSvcrRef): never booked twice
    iban: str | None = None  # where a refund is paid to
    memo: str = ""
    reverses: int | None = None  # id of the entry a correction reverses
    id: int | None = None
