"""The service calendar: whether a canteen serves on a day, and if not, why."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from core.canteen import Canteen, Closure


class NoServiceReason(StrEnum):
    """Why a day has no meal."""

    WEEKDAY = "weekday"  # a weekday on which the canteen never serves (e.g. Wednesday)
    CLOSURE = "closure"  # a named closure (holidays)
    OUTSIDE_SCHOOL_YEAR = "outside_school_year"


@dataclass(frozen=True)
class DayStatus:
    """The answer for one day: served, or the reason (and closure) why not."""

    day: date
    served: bool
    reason: NoServiceReason | None = None
    closure: Closure | None = None


class ServiceCalendar:
    """Service days of one canteen: service weekdays inside the school year, minus closures."""

    def __init__(self, canteen: Canteen) -> None:
        self.canteen = canteen

    @property
    def year_start(self) -> date:
        return self.canteen.school_year_start

    @property
    def year_end(self) -> date:
        return self.canteen.school_year_end

    def in_school_year(self, day: date) -> bool:
        return self.year_start <= day <= self.year_end

    def closure_on(self, day: date) -> Closure | None:
        for closure in self.canteen.closures:
            if closure.contains(day):
                return closure
        return None

    def status(self, day: date) -> DayStatus:
        if not self.in_school_year(day):
            return DayStatus(day, False, NoServiceReason.OUTSIDE_SCHOOL_YEAR)
        closure = self.closure_on(day)
        if closure is not None:
            return DayStatus(day, False, NoServiceReason.CLOSURE, closure)
        if day.weekday() not in self.canteen.service_weekdays:
            return DayStatus(day, False, NoServiceReason.WEEKDAY)
        return DayStatus(day, True)

    def is_service_day(self, day: date) -> bool:
        return self.status(day).served

    def service_days(self, start: date, end: date) -> list[date]:
        """Service days from start to end, both included (empty when end < start)."""
        return [day for day in _days(start, end) if self.is_service_day(day)]

    def service_days_on_weekdays(self, start: date, end: date, weekdays: frozenset[int]) -> list[date]:
        """Service days from start to end (inclusive) falling on the given weekdays (0 = Monday)."""
        return [day for day in self.service_days(start, end) if day.weekday() in weekdays]

    def next_service_day(self, after: date) -> date | None:
        """The first service day strictly after `after`, or None past the school year."""
        for day in _days(after + timedelta(days=1), self.year_end):
            if self.is_service_day(day):
                return day
        return None

    def closure_named_for(self, day: date) -> Closure | None:
        """The closure containing `day` (e.g. Easter Sunday, 25 December), if any."""
        return self.closure_on(day)

    def next_closure(self, on_or_after: date) -> Closure | None:
        """The first closure that ends on or after the given day."""
        for closure in self.canteen.closures:
            if closure.end >= on_or_after:
                return closure
        return None


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)
