"""Rules: service day, DST-safe same-day cut-off, special-meal notice, never-negative balance, amounts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from core.calendar import NoServiceReason
from core.canteen import MealType
from core.commands import Refusal
from core.rules import change_deadline, check_amount, check_balance, check_cutoff, check_service_day
from tests.core.unit.builders import ZURICH, montval

CANTEEN = montval()

# Days both sides of both DST changes, with the UTC offset in force on that day in Zurich.
DST_DAYS = [
    pytest.param(date(2026, 10, 23), 2, id="fri-before-autumn-change-CEST"),
    pytest.param(date(2026, 10, 26), 1, id="mon-after-autumn-change-CET"),
    pytest.param(date(2027, 3, 26), 1, id="fri-before-spring-change-CET"),
    pytest.param(date(2027, 3, 29), 2, id="mon-after-spring-change-CEST"),
]
CLOCK = [
    pytest.param((8, 14, 0), True, id="08:14-ok"),
    pytest.param((8, 15, 0), True, id="08:15:00-ok"),
    pytest.param((8, 15, 1), False, id="08:15:01-late"),
    pytest.param((8, 16, 0), False, id="08:16-late"),
]


def _instants(day: date, offset_hours: int, hms: tuple[int, int, int]) -> dict[str, datetime]:
    """The same Zurich wall-clock instant written in the zone, in UTC and as a fixed offset."""
    local = datetime(day.year, day.month, day.day, *hms, tzinfo=ZURICH)
    fixed = timezone(timedelta(hours=offset_hours))
    return {"zoneinfo": local, "utc": local.astimezone(UTC), "fixed-offset": local.astimezone(fixed)}


@pytest.mark.parametrize(("day", "offset_hours"), DST_DAYS)
@pytest.mark.parametrize(("hms", "allowed"), CLOCK)
@pytest.mark.parametrize("meal", [MealType.NORMAL, MealType.VEGETARIAN])
def test_same_day_cutoff_across_dst(
    day: date, offset_hours: int, hms: tuple[int, int, int], allowed: bool, meal: MealType
) -> None:
    instants = _instants(day, offset_hours, hms)
    assert instants["utc"].hour == hms[0] - offset_hours  # the test itself knows the offset of that day
    for form, now in instants.items():
        violation = check_cutoff(CANTEEN, day, meal, now)
        assert (violation is None) is allowed, form
        if violation is not None:
            assert violation.refusal is Refusal.TOO_LATE
            assert violation.details["meal"] is meal
            assert violation.details["deadline"] == datetime(day.year, day.month, day.day, 8, 15, tzinfo=ZURICH)


@pytest.mark.parametrize(("day", "offset_hours"), DST_DAYS)
def test_deadline_is_0815_local_with_that_days_offset(day: date, offset_hours: int) -> None:
    deadline = change_deadline(CANTEEN, day, MealType.NORMAL)
    assert deadline.utcoffset() == timedelta(hours=offset_hours)
    assert deadline.astimezone(UTC).hour == 8 - offset_hours
    assert deadline.astimezone(UTC).minute == 15


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        pytest.param(datetime(2026, 10, 26, 7, 14, tzinfo=UTC), True, id="07:14Z-is-08:14-CET-ok"),
        pytest.param(datetime(2026, 10, 26, 7, 15, tzinfo=UTC), True, id="07:15Z-is-08:15-CET-ok"),
        pytest.param(datetime(2026, 10, 26, 7, 16, tzinfo=UTC), False, id="07:16Z-is-08:16-CET-late"),
        pytest.param(
            datetime(2026, 10, 26, 9, 0, tzinfo=timezone(timedelta(hours=2))), True, id="09:00+02-is-08:00-CET-ok"
        ),
        pytest.param(
            datetime(2026, 10, 26, 8, 16, tzinfo=timezone(timedelta(hours=2))), True, id="08:16+02-is-07:16-CET-ok"
        ),
    ],
)
def test_utc_and_offset_forms_on_the_monday_after_autumn_change(now: datetime, allowed: bool) -> None:
    assert (check_cutoff(CANTEEN, date(2026, 10, 26), MealType.NORMAL, now) is None) is allowed


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        pytest.param(datetime(2026, 11, 1, 20, 0, tzinfo=ZURICH), True, id="evening-before"),
        pytest.param(datetime(2026, 11, 3, 7, 0, tzinfo=ZURICH), False, id="next-day-past"),
        pytest.param(datetime(2026, 12, 1, 7, 0, tzinfo=ZURICH), False, id="month-later-past"),
    ],
)
def test_past_days_are_too_late(now: datetime, allowed: bool) -> None:
    assert (check_cutoff(CANTEEN, date(2026, 11, 2), MealType.NORMAL, now) is None) is allowed


# Special meal on Monday 2026-11-02, 3 days' notice: deadline Friday 2026-10-30 08:15.
@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        pytest.param(datetime(2026, 10, 29, 18, 0, tzinfo=ZURICH), True, id="thu-evening-ok"),
        pytest.param(datetime(2026, 10, 30, 8, 15, tzinfo=ZURICH), True, id="fri-08:15-ok"),
        pytest.param(datetime(2026, 10, 30, 8, 15, 1, tzinfo=ZURICH), False, id="fri-08:15:01-late"),
        pytest.param(datetime(2026, 10, 30, 8, 16, tzinfo=ZURICH), False, id="fri-08:16-late"),
        pytest.param(datetime(2026, 10, 31, 7, 0, tzinfo=ZURICH), False, id="sat-late"),
        pytest.param(datetime(2026, 11, 2, 7, 0, tzinfo=ZURICH), False, id="same-day-late"),
    ],
)
def test_special_meal_needs_three_days_notice(now: datetime, allowed: bool) -> None:
    violation = check_cutoff(CANTEEN, date(2026, 11, 2), MealType.SPECIAL, now)
    assert (violation is None) is allowed
    assert change_deadline(CANTEEN, date(2026, 11, 2), MealType.SPECIAL) == datetime(2026, 10, 30, 8, 15, tzinfo=ZURICH)
    if violation:
        assert violation.details["meal"] is MealType.SPECIAL


def test_special_deadline_across_autumn_change_keeps_local_time() -> None:
    # Monday 2026-10-26 (CET): deadline Friday 2026-10-23 08:15 CEST = 06:15 UTC.
    deadline = change_deadline(CANTEEN, date(2026, 10, 26), MealType.SPECIAL)
    assert deadline.astimezone(UTC) == datetime(2026, 10, 23, 6, 15, tzinfo=UTC)
    assert (
        check_cutoff(CANTEEN, date(2026, 10, 26), MealType.SPECIAL, datetime(2026, 10, 23, 6, 15, tzinfo=UTC)) is None
    )
    assert (
        check_cutoff(CANTEEN, date(2026, 10, 26), MealType.SPECIAL, datetime(2026, 10, 23, 6, 16, tzinfo=UTC))
        is not None
    )


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check_cutoff(CANTEEN, date(2026, 11, 2), MealType.NORMAL, datetime(2026, 11, 2, 7, 0))


@pytest.mark.parametrize(
    ("day", "reason", "closure"),
    [
        pytest.param(date(2026, 11, 4), NoServiceReason.WEEKDAY, None, id="wednesday"),
        pytest.param(date(2026, 12, 21), NoServiceReason.CLOSURE, "Vacances de Noël", id="closure"),
        pytest.param(date(2027, 7, 5), NoServiceReason.OUTSIDE_SCHOOL_YEAR, None, id="outside-year"),
    ],
)
def test_not_a_service_day(day: date, reason: NoServiceReason, closure: str | None) -> None:
    violation = check_service_day(CANTEEN, day)
    assert violation is not None
    assert violation.refusal is Refusal.NOT_SERVICE_DAY
    assert violation.details["reason"] == reason.value
    assert violation.details["closure"] == closure


def test_service_day_allowed() -> None:
    assert check_service_day(CANTEEN, date(2026, 11, 2)) is None


@pytest.mark.parametrize(
    ("balance", "price", "missing"),
    [
        pytest.param("7.50", "7.50", None, id="exact-balance-ok"),
        pytest.param("20.00", "7.50", None, id="plenty-ok"),
        pytest.param("7.49", "7.50", "0.01", id="one-cent-short"),
        pytest.param("0.00", "9.00", "9.00", id="empty-account"),
    ],
)
def test_balance_never_negative(balance: str, price: str, missing: str | None) -> None:
    violation = check_balance(Decimal(balance), Decimal(price))
    if missing is None:
        assert violation is None
    else:
        assert violation is not None
        assert violation.refusal is Refusal.INSUFFICIENT_BALANCE
        assert violation.details == {"balance": Decimal(balance), "price": Decimal(price), "missing": Decimal(missing)}


@pytest.mark.parametrize(
    ("amount", "valid"),
    [
        pytest.param("50", True, id="integer"),
        pytest.param("0.01", True, id="one-cent"),
        pytest.param("12.5", True, id="one-decimal"),
        pytest.param("12.500", True, id="trailing-zero"),
        pytest.param("0", False, id="zero"),
        pytest.param("-5", False, id="negative"),
        pytest.param("1.005", False, id="three-decimals"),
        pytest.param("NaN", False, id="nan"),
        pytest.param("Infinity", False, id="infinity"),
    ],
)
def test_amount(amount: str, valid: bool) -> None:
    violation = check_amount(Decimal(amount))
    assert (violation is None) is valid
    if violation:
        assert violation.refusal is Refusal.INVALID_AMOUNT
