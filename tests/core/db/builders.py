"""Test data for the database tests: households, entries, reservations and aware instants."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.canteen import MealType
from core.model import Child, EntryKind, Guardian, Household, LedgerEntry, PaymentMethod, Reservation, Source

ZURICH = ZoneInfo("Europe/Zurich")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZURICH)
SRC = Source("email", message_id="<m1@example.org>")
STAFF = Source("staff", staff_user="alice")


def household(
    name: str = "Dupont",
    email: str = "Anne.Dupont@Example.ORG",
    phone: str = "+41791234567",
    telegram: str | None = None,
    children: tuple[str, ...] = ("Léa", "Tom"),
) -> Household:
    return Household(
        name=name,
        guardians=[
            Guardian(name=f"Anne {name}", language="fr", emails=[email], phones=[phone], telegram_chat_id=telegram)
        ],
        children=[Child(first_name=first, canteen_id="montval") for first in children],
    )


def topup(household_id: int, amount: str, reference: str | None = None, at: datetime = NOW) -> LedgerEntry:
    return LedgerEntry(
        household_id=household_id,
        kind=EntryKind.TOPUP,
        amount=Decimal(amount),
        at=at,
        source=STAFF,
        method=PaymentMethod.CASH,
        reference=reference,
    )


def charge(household_id: int, child_id: int, day: date, amount: str = "7.50") -> LedgerEntry:
    return LedgerEntry(
        household_id=household_id,
        kind=EntryKind.MEAL_CHARGE,
        amount=-Decimal(amount),
        at=NOW,
        source=SRC,
        child_id=child_id,
        day=day,
        meal=MealType.NORMAL,
    )


def reservation(
    child_id: int, day: date, household_id: int | None = None, price: str = "7.50", booked_at: datetime = NOW
) -> Reservation:
    return Reservation(
        child_id=child_id,
        day=day,
        meal=MealType.NORMAL,
        price=Decimal(price),
        booked_at=booked_at,
        source=SRC,
        household_id=household_id,
    )


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)
