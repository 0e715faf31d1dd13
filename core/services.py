"""Command handlers (one per command), the batch entry point `apply_commands`, and read-side queries."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from core import ledger, rules
from core.calendar import NoServiceReason, ServiceCalendar
from core.canteen import Canteen, MealType
from core.commands import (
    CancelMeal,
    Command,
    CommandResult,
    CorrectEntry,
    Outcome,
    RecordRefund,
    RecordTopUp,
    Refusal,
    ReserveMeal,
)
from core.model import Child, DomainError, Household, Reservation
from core.rules import Violation
from core.unit_of_work import AbstractUnitOfWork


@dataclass(frozen=True)
class Context:
    """What every handler needs: the open unit of work, the canteens by id and the current instant."""

    uow: AbstractUnitOfWork
    canteens: Mapping[str, Canteen]
    now: datetime

    def canteen_of(self, child: Child) -> Canteen:
        try:
            return self.canteens[child.canteen_id]
        except KeyError:
            raise DomainError(f"child {child.id}'s canteen {child.canteen_id!r} is not configured") from None


def _done(command: Command, ctx: Context, household_id: int, **details: Any) -> CommandResult:
    return CommandResult(command, Outcome.DONE, details=details, balance_after=ctx.uow.ledger.balance(household_id))


def _refused(
    command: Command, ctx: Context, household_id: int | None, refusal: Refusal, details: Mapping[str, Any] | None = None
) -> CommandResult:
    balance = ctx.uow.ledger.balance(household_id) if household_id is not None else None
    return CommandResult(command, Outcome.REFUSED, refusal, dict(details or {}), balance)


def _refused_by(command: Command, ctx: Context, household_id: int | None, violation: Violation) -> CommandResult:
    return _refused(command, ctx, household_id, violation.refusal, violation.details)


def handle_reserve(command: ReserveMeal, ctx: Context) -> CommandResult:
    """Book a meal: service day, not already booked, cut-off (unless override), enough balance; then charge it."""
    child = ctx.uow.households.child(command.child_id)
    if child is None or child.household_id is None:
        return _refused(command, ctx, None, Refusal.UNKNOWN_CHILD, {"child_id": command.child_id})
    household_id = child.household_id
    canteen = ctx.canteen_of(child)
    meal = command.meal or child.default_meal
    price = canteen.price(meal)
    violation = rules.check_service_day(canteen, command.day)
    if violation:
        return _refused_by(command, ctx, household_id, violation)
    existing = ctx.uow.reservations.get(command.child_id, command.day)
    if existing is not None:
        return _refused(command, ctx, household_id, Refusal.ALREADY_BOOKED, {"meal": existing.meal, "day": command.day})
    violation = None if command.override else rules.check_cutoff(canteen, command.day, meal, ctx.now)
    violation = violation or rules.check_balance(ctx.uow.ledger.balance(household_id), price)
    if violation:
        return _refused_by(command, ctx, household_id, violation)
    ctx.uow.reservations.add(
        Reservation(
            child_id=command.child_id,
            day=command.day,
            meal=meal,
            price=price,
            booked_at=ctx.now,
            source=command.source,
            household_id=household_id,
        )
    )
    ctx.uow.ledger.add(
        ledger.meal_charge(household_id, command.child_id, command.day, meal, price, ctx.now, command.source)
    )
    return _done(command, ctx, household_id, meal=meal, price=price, day=command.day)


def handle_cancel(command: CancelMeal, ctx: Context) -> CommandResult:
    """Cancel a booked meal before its cut-off (unless override) and credit back the price charged."""
    child = ctx.uow.households.child(command.child_id)
    if child is None or child.household_id is None:
        return _refused(command, ctx, None, Refusal.UNKNOWN_CHILD, {"child_id": command.child_id})
    household_id = child.household_id
    canteen = ctx.canteen_of(child)
    booked = ctx.uow.reservations.get(command.child_id, command.day)
    if booked is None:
        # Nothing to cancel; on a day without service, say why rather than just "not booked".
        violation = rules.check_service_day(canteen, command.day)
        if violation:
            return _refused_by(command, ctx, household_id, violation)
        return _refused(command, ctx, household_id, Refusal.NOT_BOOKED, {"day": command.day})
    violation = None if command.override else rules.check_cutoff(canteen, command.day, booked.meal, ctx.now)
    if violation:
        return _refused_by(command, ctx, household_id, violation)
    ctx.uow.reservations.remove(command.child_id, command.day)
    ctx.uow.ledger.add(
        ledger.meal_credit(
            household_id, command.child_id, command.day, booked.meal, booked.price, ctx.now, command.source
        )
    )
    return _done(command, ctx, household_id, meal=booked.meal, price=booked.price, day=command.day)


def handle_top_up(command: RecordTopUp, ctx: Context) -> CommandResult:
    """Record money received; a bank reference is never booked twice."""
    household_id = command.household_id
    if ctx.uow.households.get(household_id) is None:
        return _refused(command, ctx, None, Refusal.UNKNOWN_HOUSEHOLD, {"household_id": household_id})
    violation = rules.check_amount(command.amount)
    if violation:
        return _refused_by(command, ctx, household_id, violation)
    if command.reference and ctx.uow.ledger.by_reference(command.reference) is not None:
        return _refused(command, ctx, household_id, Refusal.DUPLICATE_REFERENCE, {"reference": command.reference})
    ctx.uow.ledger.add(
        ledger.top_up(
            household_id,
            command.amount,
            command.method,
            ctx.now,
            command.source,
            reference=command.reference,
            memo=command.memo,
        )
    )
    return _done(command, ctx, household_id, amount=ledger.money(command.amount))


def handle_refund(command: RecordRefund, ctx: Context) -> CommandResult:
    """Record money paid back to a household: more than zero and at most its balance."""
    household_id = command.household_id
    if ctx.uow.households.get(household_id) is None:
        return _refused(command, ctx, None, Refusal.UNKNOWN_HOUSEHOLD, {"household_id": household_id})
    violation = rules.check_amount(command.amount)
    if violation:
        return _refused_by(command, ctx, household_id, violation)
    violation = rules.check_balance(ctx.uow.ledger.balance(household_id), command.amount)
    if violation:
        return _refused(command, ctx, household_id, violation.refusal, {**violation.details, "amount": command.amount})
    ctx.uow.ledger.add(
        ledger.refund(household_id, command.amount, ctx.now, command.source, iban=command.iban, memo=command.memo)
    )
    return _done(command, ctx, household_id, amount=ledger.money(command.amount))


def handle_correct(command: CorrectEntry, ctx: Context) -> CommandResult:
    """Reverse a ledger entry once, by an entry of the opposite amount, if the balance stays at zero or more.

    Only money moves: correcting a meal charge does not remove the reservation.
    """
    entry = ctx.uow.ledger.get(command.entry_id)
    if entry is None:
        return _refused(command, ctx, None, Refusal.UNKNOWN_ENTRY, {"entry_id": command.entry_id})
    household_id = entry.household_id
    earlier = ctx.uow.ledger.correction_of(command.entry_id)
    if earlier is not None:
        return _refused(
            command,
            ctx,
            household_id,
            Refusal.ALREADY_CORRECTED,
            {"entry_id": command.entry_id, "correction_id": earlier.id},
        )
    if entry.amount > 0:
        violation = rules.check_balance(ctx.uow.ledger.balance(household_id), entry.amount)
        if violation:
            return _refused_by(command, ctx, household_id, violation)
    added = ctx.uow.ledger.add(ledger.correction(entry, ctx.now, command.source, command.memo))
    return _done(command, ctx, household_id, amount=added.amount, entry_id=added.id)


Handler = Callable[[Any, Context], CommandResult]

HANDLERS: Mapping[type[Any], Handler] = {
    ReserveMeal: handle_reserve,
    CancelMeal: handle_cancel,
    RecordTopUp: handle_top_up,
    RecordRefund: handle_refund,
    CorrectEntry: handle_correct,
}


def household_of(command: Command, uow: AbstractUnitOfWork) -> int | None:
    """The household whose account `command` touches (None when its child or entry is unknown)."""
    if isinstance(command, ReserveMeal | CancelMeal):
        child = uow.households.child(command.child_id)
        return child.household_id if child else None
    if isinstance(command, CorrectEntry):
        entry = uow.ledger.get(command.entry_id)
        return entry.household_id if entry else None
    return command.household_id


def application_order(commands: Sequence[Command]) -> list[int]:
    """Indexes of `commands` in the order they are applied: money in first, then the rest as given.

    Cancellations and top-ups go first so the money they free can pay for a booking of the same
    message; a cancellation that follows a booking of the same child and day in the message keeps
    its place (book-then-cancel means cancel it).
    """
    booked_before: set[tuple[int, date]] = set()
    early: list[int] = []
    late: list[int] = []
    for index, command in enumerate(commands):
        if isinstance(command, ReserveMeal):
            booked_before.add((command.child_id, command.day))
        is_cancel_first = isinstance(command, CancelMeal) and (command.child_id, command.day) not in booked_before
        (early if is_cancel_first or isinstance(command, RecordTopUp) else late).append(index)
    return early + late


def apply_commands(
    commands: Sequence[Command], uow: AbstractUnitOfWork, canteens: Mapping[str, Canteen], now: datetime
) -> list[CommandResult]:
    """Apply a message's commands in one transaction; one result per command, in the order given.

    Households concerned are locked (sorted ids) before any balance is read. A refused command does
    not stop the others; everything is committed once at the end. `now` must be timezone-aware.
    """
    rules.require_aware(now)
    results: list[CommandResult | None] = [None] * len(commands)
    with uow:
        ctx = Context(uow, canteens, now)
        concerned = {household_of(command, uow) for command in commands}
        for household_id in sorted(h for h in concerned if h is not None):
            uow.lock_household(household_id)
        for index in application_order(commands):
            command = commands[index]
            results[index] = HANDLERS[type(command)](command, ctx)
        uow.commit()
    return [result for result in results if result is not None]


def apply_command(
    command: Command, uow: AbstractUnitOfWork, canteens: Mapping[str, Canteen], now: datetime
) -> CommandResult:
    """Apply a single command in its own transaction."""
    return apply_commands([command], uow, canteens, now)[0]


def reserve(
    command: ReserveMeal, uow: AbstractUnitOfWork, canteens: Mapping[str, Canteen], now: datetime
) -> CommandResult:
    """Book one meal (see `handle_reserve`) in its own transaction."""
    return apply_command(command, uow, canteens, now)


def cancel(
    command: CancelMeal, uow: AbstractUnitOfWork, canteens: Mapping[str, Canteen], now: datetime
) -> CommandResult:
    """Cancel one meal (see `handle_cancel`) in its own transaction."""
    return apply_command(command, uow, canteens, now)


# ---- queries -------------------------------------------------------------------------------------------


def balance(uow: AbstractUnitOfWork, household_id: int) -> Decimal:
    """The household's current balance."""
    with uow:
        return ledger.money(uow.ledger.balance(household_id))


class DayState(StrEnum):
    """A child's day in the agenda."""

    BOOKED = "booked"
    FREE = "free"  # served, not booked
    NO_SERVICE = "no_service"


@dataclass(frozen=True)
class AgendaDay:
    """One child on one day: booked meal, free, or no service (with reason/closure); deadline when served."""

    day: date
    state: DayState
    meal: MealType | None = None
    reason: NoServiceReason | None = None
    closure: str | None = None
    deadline: datetime | None = None  # cut-off for the booked meal, or for the child's default meal
    changeable: bool | None = None  # deadline not passed yet (None when `now` was not given)


def week_agenda(
    uow: AbstractUnitOfWork,
    household: Household,
    canteens: Mapping[str, Canteen],
    monday: date,
    now: datetime | None = None,
    days: int = 5,
) -> dict[int, list[AgendaDay]]:
    """Per child id, the `days` days from `monday`: booked meal / free / no service (reason)."""
    if monday.weekday() != 0:
        raise DomainError(f"{monday} is not a Monday")
    children = [c for c in household.children if c.id is not None]
    last = monday + timedelta(days=days - 1)
    with uow:
        booked = {
            (r.child_id, r.day): r
            for r in uow.reservations.for_children([c.id for c in children if c.id is not None], monday, last)
        }
    agenda: dict[int, list[AgendaDay]] = {}
    for child in children:
        assert child.id is not None
        canteen = canteens[child.canteen_id]
        calendar = ServiceCalendar(canteen)
        row: list[AgendaDay] = []
        for offset in range(days):
            day = monday + timedelta(days=offset)
            status = calendar.status(day)
            reservation = booked.get((child.id, day))
            if not status.served and reservation is None:
                row.append(
                    AgendaDay(
                        day,
                        DayState.NO_SERVICE,
                        reason=status.reason,
                        closure=status.closure.name if status.closure else None,
                    )
                )
                continue
            meal = reservation.meal if reservation else child.default_meal
            deadline = rules.change_deadline(canteen, day, meal)
            changeable = None if now is None else rules.is_before_deadline(canteen, day, meal, now)
            state = DayState.BOOKED if reservation else DayState.FREE
            row.append(
                AgendaDay(
                    day, state, meal=reservation.meal if reservation else None, deadline=deadline, changeable=changeable
                )
            )
        agenda[child.id] = row
    return agenda


@dataclass(frozen=True)
class SheetLine:
    """One plate on the kitchen's day sheet."""

    child: Child
    household: Household
    meal: MealType
    allergy_note: str


@dataclass(frozen=True)
class DaySheet:
    """The kitchen's sheet for one canteen and day: counts by meal type and one line per child."""

    canteen_id: str
    day: date
    counts: Mapping[MealType, int]
    lines: Sequence[SheetLine]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def day_sheet(uow: AbstractUnitOfWork, canteen: Canteen, day: date) -> DaySheet:
    """Reservations of `canteen` on `day`, counted by meal type (every type present, zero included)."""
    counts = dict.fromkeys(MealType, 0)
    lines: list[SheetLine] = []
    with uow:
        households: dict[int, Household | None] = {}
        for reservation in uow.reservations.for_day(canteen.id, day):
            child = uow.households.child(reservation.child_id)
            if child is None or child.household_id is None:
                continue
            if child.household_id not in households:
                households[child.household_id] = uow.households.get(child.household_id)
            household = households[child.household_id]
            if household is None:
                continue
            counts[reservation.meal] += 1
            lines.append(SheetLine(child, household, reservation.meal, child.allergy_note))
    lines.sort(
        key=lambda line: (
            line.meal != MealType.SPECIAL,
            line.child.first_name.casefold(),
            line.household.name.casefold(),
        )
    )
    return DaySheet(canteen.id, day, counts, lines)
