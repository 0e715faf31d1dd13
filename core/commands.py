"""Commands the core accepts and the result each one yields: frozen dataclasses, no behaviour."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from core.canteen import MealType
from core.model import PaymentMethod, Source


@dataclass(frozen=True)
class ReserveMeal:
    """Book a meal for a child on a day (meal None: the child's default meal type)."""

    child_id: int
    day: date
    source: Source
    meal: MealType | None = None
    override: bool = False  # staff only: ignore the cut-off (never the balance or the calendar)


@dataclass(frozen=True)
class CancelMeal:
    """Cancel a child's meal on a day; in time, the price is credited back."""

    child_id: int
    day: date
    source: Source
    override: bool = False  # staff only: cancel after the cut-off, still crediting the price


@dataclass(frozen=True)
class RecordTopUp:
    """Money received for a household's account (cash at the desk, bank transfer, online)."""

    household_id: int
    amount: Decimal
    method: PaymentMethod
    source: Source
    reference: str | None = None  # bank reference: a second top-up with it is refused
    memo: str = ""


@dataclass(frozen=True)
class RecordRefund:
    """Money paid back to a household (at most its balance)."""

    household_id: int
    amount: Decimal
    iban: str | None
    source: Source
    memo: str = ""


@dataclass(frozen=True)
class CorrectEntry:
    """Reverse a ledger entry by a new entry of the opposite amount (entries are never edited)."""

    entry_id: int
    source: Source
    memo: str = ""


Command = ReserveMeal | CancelMeal | RecordTopUp | RecordRefund | CorrectEntry


class Outcome(StrEnum):
    """Whether a command took effect."""

    DONE = "done"
    REFUSED = "refused"


class Refusal(StrEnum):
    """Why a command was refused; `CommandResult.details` carries what a reply needs to explain it."""

    NOT_SERVICE_DAY = "not_service_day"  # details: reason ("weekday"|"closure"|"outside_school_year"), closure
    TOO_LATE = "too_late"  # details: deadline (aware datetime), meal
    ALREADY_BOOKED = "already_booked"  # details: meal
    NOT_BOOKED = "not_booked"
    INSUFFICIENT_BALANCE = "insufficient_balance"  # details: balance, price, missing
    UNKNOWN_CHILD = "unknown_child"
    UNKNOWN_HOUSEHOLD = "unknown_household"
    UNKNOWN_ENTRY = "unknown_entry"
    INVALID_AMOUNT = "invalid_amount"  # details: amount
    DUPLICATE_REFERENCE = "duplicate_reference"  # details: reference
    ALREADY_CORRECTED = "already_corrected"


@dataclass(frozen=True)
class CommandResult:
    """One command's result, in the order the commands were given."""

    command: Command
    outcome: Outcome
    refusal: Refusal | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    balance_after: Decimal | None = None  # the household's balance once this command is applied

    @property
    def done(self) -> bool:
        return self.outcome is Outcome.DONE
