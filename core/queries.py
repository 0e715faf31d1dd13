"""Read-side queries: a household's balance, its week agenda, the kitchen's day sheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from core import ledger, rules
from core.calendar import NoServiceReason, ServiceCalendar
from core.canteen import Canteen, MealType
from core.model import Child, DomainError, Household
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
