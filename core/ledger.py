"""The prepaid account: append-only ledger entries with signed Decimal amounts, balance = their sum."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from core.canteen import MealType
from core.model import DomainError, EntryKind, LedgerEntry, PaymentMethod, Source
from core.rules import amount_problem, require_aware

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(amount: Decimal) -> Decimal:
    """`amount` quantized to the cent (the only precision the ledger stores)."""
    return amount.quantize(CENT)


def positive_amount(amount: Decimal, what: str = "amount") -> Decimal:
    """A valid top-up/refund amount (> 0, at most 2 decimals) quantized to the cent; DomainError otherwise."""
    problem = amount_problem(amount)
    if problem is not None:
        raise DomainError(f"{what} {problem}")
    return money(amount)


def balance(entries: Iterable[LedgerEntry]) -> Decimal:
    """The balance of an account: the sum of its entries' signed amounts (never stored)."""
    total = ZERO
    for entry in entries:
        total += entry.amount
    return money(total)


def meal_charge(
    household_id: int, child_id: int, day: date, meal: MealType, price: Decimal, at: datetime, source: Source
) -> LedgerEntry:
    """The entry for a booked meal: minus its price."""
    if price < 0:
        raise DomainError(f"a meal price cannot be negative, got {price}")
    return LedgerEntry(
        household_id=household_id,
        kind=EntryKind.MEAL_CHARGE,
        amount=-money(price),
        at=require_aware(at),
        source=source,
        child_id=child_id,
        day=day,
        meal=meal,
    )


def meal_credit(
    household_id: int, child_id: int, day: date, meal: MealType, price: Decimal, at: datetime, source: Source
) -> LedgerEntry:
    """The entry for a meal cancelled in time: plus the price that was charged."""
    if price < 0:
        raise DomainError(f"a meal price cannot be negative, got {price}")
    return LedgerEntry(
        household_id=household_id,
        kind=EntryKind.MEAL_CREDIT,
        amount=money(price),
        at=require_aware(at),
        source=source,
        child_id=child_id,
        day=day,
        meal=meal,
    )


def top_up(
    household_id: int,
    amount: Decimal,
    method: PaymentMethod,
    at: datetime,
    source: Source,
    reference: str | None = None,
    memo: str = "",
) -> LedgerEntry:
    """The entry for money received: plus `amount` (> 0, at most 2 decimals)."""
    return LedgerEntry(
        household_id=household_id,
        kind=EntryKind.TOPUP,
        amount=positive_amount(amount, "top-up amount"),
        at=require_aware(at),
        source=source,
        method=method,
        reference=reference or None,
        memo=memo,
    )


def refund(
    household_id: int,
    amount: Decimal,
    at: datetime,
    source: Source,
    iban: str | None = None,
    memo: str = "",
    method: PaymentMethod | None = None,
) -> LedgerEntry:
    """The entry for money paid back: minus `amount` (> 0, at most 2 decimals); by transfer when an IBAN is given."""
    if method is None and iban:
        method = PaymentMethod.BANK_TRANSFER
    return LedgerEntry(
        household_id=household_id,
        kind=EntryKind.REFUND,
        amount=-positive_amount(amount, "refund amount"),
        at=require_aware(at),
        source=source,
        method=method,
        iban=iban or None,
        memo=memo,
    )


def correction(entry: LedgerEntry, at: datetime, source: Source, memo: str = "") -> LedgerEntry:
    """The entry reversing a stored `entry`: the opposite amount, `reverses` pointing at it."""
    if entry.id is None:
        raise DomainError("only a stored ledger entry (with an id) can be corrected")
    return LedgerEntry(
        household_id=entry.household_id,
        kind=EntryKind.CORRECTION,
        amount=-entry.amount,
        at=require_aware(at),
        source=source,
        child_id=entry.child_id,
        day=entry.day,
        meal=entry.meal,
        reverses=entry.id,
        memo=memo or f"correction of entry {entry.id}",
    )
