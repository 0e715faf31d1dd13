"""A household's statement from its ledger alone: opening balance, each entry of the period, closing balance, totals.

Pure and Decimal-only. An entry belongs to the day it was recorded on (`at` in the canteen's time zone): the
opening balance is the sum of the entries recorded before the first day, the closing balance that of the
entries recorded up to the last day, so that opening + sum(lines) == closing == the ledger's balance then.
Meal totals per child (what a tax declaration asks for) are the meal charges less the re-credits and the
corrections of meals recorded in the period: they add up to the period's meal lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.canteen import MealType
from core.ledger import ZERO, money
from core.model import EntryKind, Household, LedgerEntry, PaymentMethod


class StatementError(ValueError):
    """A statement that cannot be made: a period ending before it starts, entries of another household."""


@dataclass(frozen=True)
class StatementLine:
    """One ledger entry as a statement shows it, with the running balance after it."""

    recorded_on: date  # the day the entry was made, in the canteen's time zone
    at: datetime
    kind: EntryKind
    amount: Decimal  # signed: + in, - out
    balance: Decimal  # the balance once this entry is counted
    child_id: int | None = None
    child_name: str | None = None
    meal_day: date | None = None
    meal: MealType | None = None
    method: PaymentMethod | None = None
    reference: str | None = None
    memo: str = ""

    @property
    def is_meal(self) -> bool:
        """A meal charge or re-credit, or the correction of one (it names a child)."""
        return self.kind in (EntryKind.MEAL_CHARGE, EntryKind.MEAL_CREDIT) or (
            self.kind is EntryKind.CORRECTION and self.child_id is not None
        )


@dataclass(frozen=True)
class ChildMeals:
    """What one child's meals cost over the period: meals counted and the net amount paid for them."""

    child_id: int
    name: str
    meals: int  # charged less re-credited (a corrected charge counts off, a corrected credit on)
    paid: Decimal  # positive: charges less re-credits and meal corrections


@dataclass(frozen=True)
class Totals:
    """The period's movements by kind (signed); their sum is closing - opening."""

    charged: Decimal = ZERO  # meal charges (negative)
    recredited: Decimal = ZERO  # meals cancelled in time (positive)
    topped_up: Decimal = ZERO  # money in
    refunded: Decimal = ZERO  # money paid back (negative)
    corrected: Decimal = ZERO  # corrections, either sign

    @property
    def net(self) -> Decimal:
        return money(self.charged + self.recredited + self.topped_up + self.refunded + self.corrected)

    @property
    def meals_net(self) -> Decimal:
        """Charges less re-credits (negative when meals cost money), corrections of meals left out."""
        return money(self.charged + self.recredited)


@dataclass(frozen=True)
class Statement:
    """A household's account between two days, both included."""

    household_id: int
    household_name: str
    start: date
    end: date
    opening: Decimal
    lines: tuple[StatementLine, ...]
    closing: Decimal
    totals: Totals
    children: tuple[ChildMeals, ...]
    year: int | None = None  # set for a tax-year statement

    @property
    def meals_paid(self) -> Decimal:
        """All children's meals together (positive: what was paid)."""
        return money(sum((child.paid for child in self.children), ZERO))


def local_day(at: datetime, zone: ZoneInfo) -> date:
    """The day an entry was recorded on, in the canteen's time zone."""
    return at.astimezone(zone).date()


def build_statement(
    household: Household,
    entries: Iterable[LedgerEntry],
    start: date,
    end: date,
    zone: ZoneInfo,
    *,
    year: int | None = None,
) -> Statement:
    """The statement of `household` from `start` to `end` (both included) made from all its ledger entries."""
    if end < start:
        raise StatementError(f"a statement period cannot end ({end}) before it starts ({start})")
    if household.id is None:
        raise StatementError("only a stored household (with an id) has a statement")
    ordered = sorted(entries, key=lambda entry: (entry.at, entry.id or 0))
    strangers = {entry.household_id for entry in ordered} - {household.id}
    if strangers:
        raise StatementError(f"entries of households {sorted(strangers)} given for household {household.id}")
    names = {child.id: child.first_name for child in household.children if child.id is not None}
    opening = ZERO
    running = ZERO
    lines: list[StatementLine] = []
    for entry in ordered:
        day = local_day(entry.at, zone)
        if day > end:
            break
        running += entry.amount
        if day < start:
            opening = running
            continue
        lines.append(_line(entry, day, money(running), names))
    totals = _totals(lines)
    statement = Statement(
        household_id=household.id,
        household_name=household.name,
        start=start,
        end=end,
        opening=money(opening),
        lines=tuple(lines),
        closing=money(running),
        totals=totals,
        children=_children(lines, names),
        year=year,
    )
    if money(statement.opening + totals.net) != statement.closing:  # pragma: no cover  (by construction)
        raise AssertionError(f"statement of household {household.id} does not reconcile")
    return statement


def tax_year_statement(household: Household, entries: Iterable[LedgerEntry], year: int, zone: ZoneInfo) -> Statement:
    """The calendar year's statement (1 January to 31 December) with the meals paid per child."""
    return build_statement(household, entries, date(year, 1, 1), date(year, 12, 31), zone, year=year)


def _line(entry: LedgerEntry, day: date, running: Decimal, names: Mapping[int, str]) -> StatementLine:
    child_name = None
    if entry.child_id is not None:
        child_name = names.get(entry.child_id, f"#{entry.child_id}")
    return StatementLine(
        recorded_on=day,
        at=entry.at,
        kind=entry.kind,
        amount=money(entry.amount),
        balance=running,
        child_id=entry.child_id,
        child_name=child_name,
        meal_day=entry.day,
        meal=entry.meal,
        method=entry.method,
        reference=entry.reference,
        memo=entry.memo,
    )


def _totals(lines: Sequence[StatementLine]) -> Totals:
    sums = dict.fromkeys(EntryKind, ZERO)
    for line in lines:
        sums[line.kind] += line.amount
    return Totals(
        charged=money(sums[EntryKind.MEAL_CHARGE]),
        recredited=money(sums[EntryKind.MEAL_CREDIT]),
        topped_up=money(sums[EntryKind.TOPUP]),
        refunded=money(sums[EntryKind.REFUND]),
        corrected=money(sums[EntryKind.CORRECTION]),
    )


def _meal_count(line: StatementLine) -> int:
    if line.kind is EntryKind.MEAL_CHARGE:
        return 1
    if line.kind is EntryKind.MEAL_CREDIT:
        return -1
    return -1 if line.amount > 0 else 1  # a corrected charge gives the money back, a corrected credit takes it


def _children(lines: Sequence[StatementLine], names: Mapping[int, str]) -> tuple[ChildMeals, ...]:
    counts: dict[int, int] = dict.fromkeys(names, 0)
    paid: dict[int, Decimal] = dict.fromkeys(names, ZERO)
    for line in lines:
        if not line.is_meal or line.child_id is None:
            continue
        counts[line.child_id] = counts.get(line.child_id, 0) + _meal_count(line)
        paid[line.child_id] = paid.get(line.child_id, ZERO) - line.amount
    return tuple(
        ChildMeals(child_id, names.get(child_id, f"#{child_id}"), counts[child_id], money(paid[child_id]))
        for child_id in sorted(counts, key=lambda child_id: (names.get(child_id, "~"), child_id))
    )
