"""A household's week as a grid (days by children) and the staff's booking changes from it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from core.canteen import Canteen
from core.commands import CancelMeal, CommandResult, ReserveMeal
from core.model import Child, Household, Source
from core.queries import AgendaDay, DayState, week_agenda
from core.services import apply_command
from core.unit_of_work import AbstractUnitOfWork

WEEK_DAYS = 5  # Monday to Friday


class CellKind(StrEnum):
    """What a grid cell shows: a booked meal, a free service day, or no service."""

    BOOKED = "booked"
    FREE = "free"
    CLOSED = "closed"


class Change(StrEnum):
    """What staff ask of a cell."""

    RESERVE = "reserve"
    CANCEL = "cancel"


@dataclass(frozen=True)
class AgendaCell:
    """One child on one day, as the grid shows it; `locked` once the cut-off has passed (staff may override)."""

    child: Child
    agenda: AgendaDay

    @property
    def day(self) -> date:
        return self.agenda.day

    @property
    def kind(self) -> CellKind:
        return {DayState.BOOKED: CellKind.BOOKED, DayState.FREE: CellKind.FREE}.get(self.agenda.state, CellKind.CLOSED)

    @property
    def locked(self) -> bool:
        return self.agenda.changeable is False

    @property
    def change(self) -> Change | None:
        """What clicking the cell does: cancel a booked meal, book a free day; nothing on a closed day."""
        return {CellKind.BOOKED: Change.CANCEL, CellKind.FREE: Change.RESERVE}.get(self.kind)


@dataclass(frozen=True)
class WeekRow:
    """One day of the grid: its cells in the order of the grid's children."""

    day: date
    cells: Sequence[AgendaCell]

    @property
    def closure(self) -> str | None:
        """The closure's name when every child's canteen is closed for the same one that day."""
        names = {cell.agenda.closure for cell in self.cells}
        return names.pop() if len(names) == 1 and all(c.kind is CellKind.CLOSED for c in self.cells) else None


@dataclass(frozen=True)
class WeekGrid:
    """A household's week: one row per day, one column per child."""

    monday: date
    children: Sequence[Child]
    rows: Sequence[WeekRow]

    @property
    def previous_monday(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next_monday(self) -> date:
        return self.monday + timedelta(days=7)

    @property
    def last_day(self) -> date:
        return self.monday + timedelta(days=WEEK_DAYS - 1)

    def cell(self, child_id: int, day: date) -> AgendaCell | None:
        for row in self.rows:
            if row.day == day:
                return next((cell for cell in row.cells if cell.child.id == child_id), None)
        return None


def monday_of(day: date) -> date:
    """The Monday of `day`'s week (a Saturday or Sunday belongs to the week just ending)."""
    return day - timedelta(days=day.weekday())


def week_grid(
    uow: AbstractUnitOfWork,
    household: Household,
    canteens: Mapping[str, Canteen],
    day: date,
    now: datetime | None = None,
) -> WeekGrid:
    """The week holding `day`, days by children, each cell booked / free / closed and whether it is locked."""
    monday = monday_of(day)
    children = [c for c in household.children if c.id is not None]
    agenda = week_agenda(uow, household, canteens, monday, now=now, days=WEEK_DAYS)
    rows = [
        WeekRow(monday + timedelta(days=offset), [AgendaCell(c, agenda[c.id][offset]) for c in children if c.id])
        for offset in range(WEEK_DAYS)
    ]
    return WeekGrid(monday, children, rows)


def change_meal(
    uow: AbstractUnitOfWork,
    canteens: Mapping[str, Canteen],
    now: datetime,
    child_id: int,
    day: date,
    change: Change,
    source: Source,
    *,
    override: bool = False,
) -> CommandResult:
    """Book or cancel one meal with the core's rules; `override` (staff only) passes the cut-off, nothing else."""
    if change is Change.RESERVE:
        return apply_command(ReserveMeal(child_id, day, source, override=override), uow, canteens, now)
    return apply_command(CancelMeal(child_id, day, source, override=override), uow, canteens, now)
