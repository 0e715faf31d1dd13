"""The school calendar of one canteen, precomputed once: service days, closures, school year; Easter."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta

from core.calendar import ServiceCalendar
from core.canteen import Canteen, Closure


class CalendarData:
    """The service days and closures of one canteen, precomputed once."""

    def __init__(self, canteen: Canteen) -> None:
        self.canteen = canteen
        self.calendar = ServiceCalendar(canteen)
        self.zone = canteen.zone
        self.year_start = canteen.school_year_start
        self.year_end = canteen.school_year_end
        self.closures: tuple[Closure, ...] = canteen.closures
        days: list[date] = []
        day = self.year_start
        while day <= self.year_end:
            if self.calendar.is_service_day(day):
                days.append(day)
            day += timedelta(days=1)
        self.service: frozenset[date] = frozenset(days)
        self.ordered: tuple[date, ...] = tuple(days)

    def service_days(self, lo: date, hi: date, weekdays: frozenset[int] | None = None) -> list[date]:
        days = self.ordered[bisect_left(self.ordered, lo) : bisect_right(self.ordered, hi)]
        if weekdays is None:
            return list(days)
        return [d for d in days if d.weekday() in weekdays]


_CACHE: dict[int, CalendarData] = {}


def calendar_data(canteen: Canteen) -> CalendarData:
    """The cached calendar data of a canteen (keyed by object identity)."""
    data = _CACHE.get(id(canteen))
    if data is None or data.canteen is not canteen:
        data = CalendarData(canteen)
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[id(canteen)] = data
    return data


def easter(year: int) -> date:
    """Easter Sunday (Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month = (h + ll - 7 * m + 114) // 31
    day = (h + ll - 7 * m + 114) % 31 + 1
    return date(year, month, day)
