"""Service calendar: served days, weekdays without service, named closures, outside the school year."""

from __future__ import annotations

from datetime import date

import pytest

from core.calendar import NoServiceReason, ServiceCalendar
from tests.core.unit.builders import montval


@pytest.mark.parametrize(
    ("day", "served", "reason", "closure"),
    [
        pytest.param(date(2026, 11, 2), True, None, None, id="monday-served"),
        pytest.param(date(2026, 11, 3), True, None, None, id="tuesday-served"),
        pytest.param(date(2026, 11, 4), False, NoServiceReason.WEEKDAY, None, id="wednesday-no-service"),
        pytest.param(date(2026, 11, 7), False, NoServiceReason.WEEKDAY, None, id="saturday-no-service"),
        pytest.param(date(2026, 12, 21), False, NoServiceReason.CLOSURE, "Vacances de Noël", id="christmas-closure"),
        pytest.param(date(2026, 10, 10), False, NoServiceReason.CLOSURE, "Vacances d'automne", id="closure-first-day"),
        pytest.param(date(2026, 10, 25), False, NoServiceReason.CLOSURE, "Vacances d'automne", id="closure-last-day"),
        pytest.param(date(2026, 10, 26), True, None, None, id="day-after-closure"),
        pytest.param(date(2026, 8, 21), False, NoServiceReason.OUTSIDE_SCHOOL_YEAR, None, id="before-year"),
        pytest.param(date(2026, 8, 24), True, None, None, id="first-day-of-year"),
        pytest.param(date(2027, 7, 2), True, None, None, id="last-day-of-year"),
        pytest.param(date(2027, 7, 5), False, NoServiceReason.OUTSIDE_SCHOOL_YEAR, None, id="after-year"),
    ],
)
def test_status(day: date, served: bool, reason: NoServiceReason | None, closure: str | None) -> None:
    status = ServiceCalendar(montval()).status(day)
    assert status.served is served
    assert status.reason == reason
    assert (status.closure.name if status.closure else None) == closure


def test_service_days_skip_wednesday_and_closures() -> None:
    calendar = ServiceCalendar(montval())
    assert calendar.service_days(date(2026, 10, 19), date(2026, 10, 30)) == [
        date(2026, 10, 26),
        date(2026, 10, 27),
        date(2026, 10, 29),
        date(2026, 10, 30),
    ]


def test_next_service_day_crosses_a_closure() -> None:
    assert ServiceCalendar(montval()).next_service_day(date(2026, 12, 18)) == date(2027, 1, 4)
