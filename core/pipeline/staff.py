"""Staff hand-off services: list what waits for a person, and resolve it (apply, reply or dismiss)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.canteen import Canteen, MealType
from core.commands import CancelMeal, Command, CommandResult, ReserveMeal
from core.messages import StaffItem, StoredMessage
from core.model import Guardian, Household, Source
from core.pipeline.addressing import audience_for, canteen_of, reply_to
from core.replies import ReplyComposer
from core.services import execute_commands
from core.unit_of_work import AbstractUnitOfWork


class StaffError(ValueError):
    """A resolution that cannot be carried out (unknown item, already resolved, unknown child…)."""


@dataclass(frozen=True)
class StaffView:
    """One open item as staff see it: the message, who sent it, why it is here, what the machine suggests."""

    item: StaffItem
    message: StoredMessage
    household: Household | None
    follow_ups: Sequence[StoredMessage]

    @property
    def suggestion(self) -> list[dict[str, Any]]:
        """The booking commands the understanding layer read, if any (staff may apply them as they are)."""
        interpretation = self.message.interpretation or {}
        return [dict(command) for command in interpretation.get("commands") or []]


@dataclass(frozen=True)
class BookingChange:
    """A booking command as staff write it: action, child's first name, day, optional meal."""

    action: str  # "reserve" or "cancel"
    child: str
    day: date
    meal: MealType | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BookingChange:
        meal = data.get("meal")
        return cls(
            str(data["action"]),
            str(data["child"]),
            date.fromisoformat(str(data["date"])),
            MealType(meal) if meal else None,
        )


def open_items(uow: AbstractUnitOfWork) -> list[StaffView]:
    """Open items, oldest first, with their messages."""
    with uow:
        views = []
        for item in uow.staff.open_items():
            view = _view(uow, item)
            if view is not None:
                views.append(view)
        return views


def get_item(uow: AbstractUnitOfWork, item_id: int) -> StaffView:
    with uow:
        item = uow.staff.get(item_id)
        view = _view(uow, item) if item is not None else None
    if view is None:
        raise StaffError(f"no staff item {item_id}")
    return view


def _view(uow: AbstractUnitOfWork, item: StaffItem) -> StaffView | None:
    message = uow.inbox.get(item.inbound_id)
    if message is None:
        return None
    household = uow.households.get(message.household_id) if message.household_id else None
    follow_ups = [m for m in (uow.inbox.get(i) for i in item.attached) if m is not None]
    return StaffView(item, message, household, follow_ups)


def resolve(
    uow: AbstractUnitOfWork,
    item_id: int,
    staff_user: str,
    now: datetime,
    canteens: Mapping[str, Canteen],
    *,
    changes: Sequence[BookingChange] = (),
    reply_text: str | None = None,
    dismiss_reason: str | None = None,
    override: bool = False,
) -> list[CommandResult]:
    """Resolve an item: apply booking changes (answered to the parent), send a reply, or dismiss with a reason.

    Everything happens in one transaction; the item is closed and its conversation released.
    """
    if not changes and reply_text is None and not dismiss_reason:
        raise StaffError("say what to do: booking changes, a reply, or a reason to dismiss")
    with uow:
        item = uow.staff.get(item_id)
        if item is None or item.id is None:
            raise StaffError(f"no staff item {item_id}")
        if item.status != "open":
            raise StaffError(f"staff item {item_id} is already resolved ({item.resolution})")
        stored = uow.inbox.get(item.inbound_id)
        if stored is None:
            raise StaffError(f"the message of staff item {item_id} is missing")
        household = uow.households.get(stored.household_id) if stored.household_id else None
        guardian = _guardian(uow, stored)
        results: list[CommandResult] = []
        parts: list[str] = []
        if changes:
            if household is None or household.id is None:
                raise StaffError("the sender is not a registered guardian: no booking can be applied")
            source = Source(channel="staff", message_id=str(stored.id), staff_user=staff_user)
            results = execute_commands(_commands(household, changes, source, override), uow, canteens, now)
            parts.append(f"applied {sum(r.done for r in results)}/{len(results)} change(s)")
            audience = audience_for(stored, guardian, canteen_of(household, canteens))
            names = {c.id: c.first_name for c in household.children if c.id is not None}
            reply = ReplyComposer().booking(audience, results, names, now, uow.ledger.balance(household.id))
            uow.outbox.add(reply_to(stored, reply, now))
        if reply_text:
            audience = audience_for(stored, guardian, canteen_of(household, canteens))
            uow.outbox.add(reply_to(stored, ReplyComposer().free_text(audience, reply_text), now))
            parts.append("replied")
        if dismiss_reason:
            parts.append(f"dismissed: {dismiss_reason}")
        uow.staff.resolve(item.id, staff_user, now, "; ".join(parts))
        uow.commit()
    return results


def _guardian(uow: AbstractUnitOfWork, stored: StoredMessage) -> Guardian | None:
    household = uow.households.get(stored.household_id) if stored.household_id else None
    if household is None:
        return None
    return next((g for g in household.guardians if g.id == stored.guardian_id), None)


def _commands(household: Household, changes: Sequence[BookingChange], source: Source, override: bool) -> list[Command]:
    commands: list[Command] = []
    for change in changes:
        child = household.child_named(change.child)
        if child is None or child.id is None:
            known = ", ".join(c.first_name for c in household.children)
            raise StaffError(f"{household.name} has no child named {change.child!r} (children: {known})")
        if change.action == "reserve":
            commands.append(ReserveMeal(child.id, change.day, source, change.meal, override))
        elif change.action == "cancel":
            commands.append(CancelMeal(child.id, change.day, source, override))
        else:
            raise StaffError(f"unknown action {change.action!r}: reserve or cancel")
    return commands
