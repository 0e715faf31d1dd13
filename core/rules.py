"""Booking rules (service day, cut-offs, never-negative balance): pure functions of an explicit `now`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from core.calendar import ServiceCalendar
from core.canteen import Canteen, MealType
from core.commands import Refusal

CENT = Decimal("0.01")


class Violation(NamedTuple):
    """Why a rule says no: the refusal code and what a reply needs to explain it."""

    refusal: Refusal
    details: Mapping[str, Any]


def require_aware(now: datetime) -> datetime:
    """Return `now` unchanged; a naive datetime is a programming error (its zone would be a guess)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"`now` must be timezone-aware, got naive {now.isoformat()}")
    return now


def check_service_day(canteen: Canteen, day: date) -> Violation | None:
    """None when the canteen serves on `day`; else NOT_SERVICE_DAY with the reason and closure name."""
    status = ServiceCalendar(canteen).status(day)
    if status.served:
        return None
    closure = status.closure
    return Violation(
        Refusal.NOT_SERVICE_DAY,
        {
            "day": day,
            "reason": status.reason,
            "closure": closure.name if closure else None,
            "closure_from": closure.start if closure else None,
            "closure_to": closure.end if closure else None,
        },
    )


def days_notice(canteen: Canteen, meal: MealType) -> int:
    """How many days before the meal the cut-off falls: 0 for normal/vegetarian, N for special."""
    return canteen.special_days_before if meal is MealType.SPECIAL else 0


def change_deadline(canteen: Canteen, day: date, meal: MealType) -> datetime:
    """Last moment (inclusive, aware, in the canteen's zone) to book or cancel `meal` on `day`.

    Normal and vegetarian meals: the same-day cut-off time on the day itself. Special meals: that
    time `special_days_before` days earlier. The local wall time is kept across DST changes.
    """
    cutoff_day = day - timedelta(days=days_notice(canteen, meal))
    return datetime.combine(cutoff_day, canteen.cutoff_same_day, tzinfo=canteen.zone)


def is_before_deadline(canteen: Canteen, day: date, meal: MealType, now: datetime) -> bool:
    """True while `meal` on `day` may still be changed (the deadline instant itself included)."""
    deadline = change_deadline(canteen, day, meal)
    # Compare instants in UTC: comparing two datetimes sharing one tzinfo would compare wall clocks.
    return require_aware(now).astimezone(UTC) <= deadline.astimezone(UTC)


def check_cutoff(canteen: Canteen, day: date, meal: MealType, now: datetime) -> Violation | None:
    """None while `meal` on `day` may be booked or cancelled; else TOO_LATE with deadline and meal."""
    if is_before_deadline(canteen, day, meal, now):
        return None
    return Violation(Refusal.TOO_LATE, {"day": day, "deadline": change_deadline(canteen, day, meal), "meal": meal})


def check_balance(balance: Decimal, price: Decimal) -> Violation | None:
    """None when paying `price` leaves the prepaid balance at zero or more; else INSUFFICIENT_BALANCE."""
    if balance - price >= 0:
        return None
    return Violation(
        Refusal.INSUFFICIENT_BALANCE,
        {"balance": balance, "price": price, "missing": (price - balance).quantize(CENT)},
    )


def check_amount(amount: Decimal) -> Violation | None:
    """None for a positive amount with at most two decimals; else INVALID_AMOUNT."""
    if amount_problem(amount) is None:
        return None
    return Violation(Refusal.INVALID_AMOUNT, {"amount": amount})


def amount_problem(amount: Decimal) -> str | None:
    """Why `amount` is not a valid top-up/refund amount (positive, finite, at most 2 decimals), or None."""
    if not isinstance(amount, Decimal):
        return f"must be a Decimal, got {type(amount).__name__}"
    if not amount.is_finite():
        return f"must be a finite amount, got {amount}"
    if amount <= 0:
        return f"must be more than zero, got {amount}"
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and amount != round(amount, 2):
        return f"must have at most 2 decimals, got {amount}"
    return None
