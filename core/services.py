"""Command handlers (one per command) and the batch entry point `apply_commands`; re-exports the queries."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core import ledger, rules
from core.canteen import Canteen
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
from core.model import Child, DomainError, Reservation
from core.queries import AgendaDay, DaySheet, DayState, SheetLine, balance, day_sheet, week_agenda
from core.rules import Violation
from core.unit_of_work import AbstractUnitOfWork

__all__ = [
    "HANDLERS",
    "AgendaDay",
    "Context",
    "DaySheet",
    "DayState",
    "SheetLine",
    "application_order",
    "apply_command",
    "apply_commands",
    "balance",
    "cancel",
    "day_sheet",
    "handle_cancel",
    "handle_correct",
    "handle_refund",
    "handle_reserve",
    "handle_top_up",
    "household_of",
    "reserve",
    "week_agenda",
]


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

    def balance(self, household_id: int) -> Decimal:
        return ledger.money(self.uow.ledger.balance(household_id))


def _done(command: Command, ctx: Context, household_id: int, **details: Any) -> CommandResult:
    return CommandResult(command, Outcome.DONE, details=details, balance_after=ctx.balance(household_id))


def _refused(
    command: Command, ctx: Context, household_id: int | None, refusal: Refusal, details: Mapping[str, Any] | None = None
) -> CommandResult:
    balance = ctx.balance(household_id) if household_id is not None else None
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
    violation = violation or rules.check_balance(ctx.balance(household_id), price)
    if violation:
        return _refused_by(command, ctx, household_id, violation)
    ctx.uow.add_reservation(
        Reservation(
            child_id=command.child_id,
            day=command.day,
            meal=meal,
            price=price,
            booked_at=ctx.now,
            source=command.source,
            household_id=household_id,
        ),
        ledger.meal_charge(household_id, command.child_id, command.day, meal, price, ctx.now, command.source),
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
    ctx.uow.remove_reservation(
        command.child_id,
        command.day,
        ledger.meal_credit(
            household_id, command.child_id, command.day, booked.meal, booked.price, ctx.now, command.source
        ),
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
    violation = rules.check_balance(ctx.balance(household_id), command.amount)
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
        violation = rules.check_balance(ctx.balance(household_id), entry.amount)
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
    with uow:
        results = execute_commands(commands, uow, canteens, now)
        uow.commit()
    return results


def execute_commands(
    commands: Sequence[Command], uow: AbstractUnitOfWork, canteens: Mapping[str, Canteen], now: datetime
) -> list[CommandResult]:
    """Apply commands inside the caller's open transaction (the caller commits, with whatever else it wrote)."""
    rules.require_aware(now)
    results: list[CommandResult | None] = [None] * len(commands)
    ctx = Context(uow, canteens, now)
    child_ids = [command.child_id for command in commands if isinstance(command, ReserveMeal | CancelMeal)]
    if len(child_ids) == len(commands):
        # Only children's accounts: find the children and lock their households together.
        uow.lock_households_of_children(sorted(set(child_ids)))
    else:
        concerned = {household_of(command, uow) for command in commands}
        for household_id in sorted(h for h in concerned if h is not None):
            uow.lock_household(household_id)
    for index in application_order(commands):
        command = commands[index]
        results[index] = HANDLERS[type(command)](command, ctx)
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
