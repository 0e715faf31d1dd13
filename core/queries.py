"""Read-side queries: a household's balance, its week agenda, the kitchen's day sheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from core import ledger, rules
from core.calendar import NoServiceReason, ServiceCalendar
from core.canteen import Canteen, MealType
from core.model import Child, DomainError, EntryKind, Household, Source
from core.unit_of_work import AbstractUnitOfWork


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
class LateCancellation:
    """A meal cancelled after its cut-off (only staff can, with the override): the kitchen may have cooked it."""

    child: Child
    household: Household
    meal: MealType
    at: datetime
    deadline: datetime
    source: Source


@dataclass(frozen=True)
class DaySheet:
    """The kitchen's sheet for one canteen and day: counts by meal type, one line per child, late cancellations.

    `warnings` maps a child id to allergen warnings about the day's dishes (filled by the menus, when known).
    """

    canteen_id: str
    day: date
    counts: Mapping[MealType, int]
    lines: Sequence[SheetLine]
    late_cancellations: Sequence[LateCancellation] = ()
    warnings: Mapping[int, Sequence[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def warnings_for(self, child: Child) -> Sequence[str]:
        return self.warnings.get(child.id, ()) if child.id is not None else ()

    @property
    def warned(self) -> bool:
        """Whether a plate of the sheet carries a menu warning."""
        return any(self.warnings_for(line.child) for line in self.lines)


class _Families:
    """Children and their households read once each within one transaction."""

    def __init__(self, uow: AbstractUnitOfWork) -> None:
        self.uow = uow
        self.households: dict[int, Household | None] = {}

    def of(self, child_id: int) -> tuple[Child, Household] | None:
        child = self.uow.households.child(child_id)
        if child is None or child.household_id is None:
            return None
        if child.household_id not in self.households:
            self.households[child.household_id] = self.uow.households.get(child.household_id)
        household = self.households[child.household_id]
        return None if household is None else (child, household)


def day_sheet(
    uow: AbstractUnitOfWork, canteen: Canteen, day: date, warnings: Mapping[int, Sequence[str]] | None = None
) -> DaySheet:
    """Reservations of `canteen` on `day`, counted by meal type (every type present, zero included).

    Also the meals cancelled after their cut-off (a credit entry made later than the deadline), and
    the allergen `warnings` given per child id (kept as they are).
    """
    counts = dict.fromkeys(MealType, 0)
    lines: list[SheetLine] = []
    late: list[LateCancellation] = []
    with uow:
        families = _Families(uow)
        for reservation in uow.reservations.for_day(canteen.id, day):
            found = families.of(reservation.child_id)
            if found is None:
                continue
            child, household = found
            counts[reservation.meal] += 1
            lines.append(SheetLine(child, household, reservation.meal, child.allergy_note))
        for entry in uow.ledger.meal_entries_on(canteen.id, day):
            if entry.kind is not EntryKind.MEAL_CREDIT or entry.meal is None or entry.child_id is None:
                continue
            deadline = rules.change_deadline(canteen, day, entry.meal)
            if entry.at.astimezone(UTC) <= deadline.astimezone(UTC):
                continue
            found = families.of(entry.child_id)
            if found is not None:
                late.append(LateCancellation(found[0], found[1], entry.meal, entry.at, deadline, entry.source))
    lines.sort(
        key=lambda line: (
            line.meal != MealType.SPECIAL,
            line.child.first_name.casefold(),
            line.household.name.casefold(),
        )
    )
    return DaySheet(canteen.id, day, counts, lines, late, dict(warnings or {}))
