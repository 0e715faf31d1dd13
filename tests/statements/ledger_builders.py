"""Ledger data for the statement tests: the Dupont household (Léa, Tom) and a year of meals, top-ups and refunds."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from core import ledger
from core.canteen import MealType
from core.model import Child, Guardian, Household, LedgerEntry, PaymentMethod, Source

ZURICH = ZoneInfo("Europe/Zurich")
SRC = Source("email", message_id="<m1@example.org>")
BANK = Source("bank")
HOUSEHOLD_ID = 7
LEA, TOM = 11, 12


def zurich(year: int, month: int, day: int, hour: int = 7, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZURICH)


def dupont(language: str = "fr") -> Household:
    return Household(
        name="Dupont",
        guardians=[Guardian("Claire Dupont", language, ["claire.dupont@example.ch"], ["+41791234567"], id=3)],
        children=[Child("Léa", "montval", id=LEA, household_id=HOUSEHOLD_ID), Child("Tom", "montval", id=TOM)],
        id=HOUSEHOLD_ID,
    )


class Book:
    """Builds a household's ledger entry by entry, giving each an id in order (as the database would)."""

    def __init__(self) -> None:
        self.entries: list[LedgerEntry] = []

    def _add(self, entry: LedgerEntry) -> LedgerEntry:
        stored = LedgerEntry(**{**entry.__dict__, "id": len(self.entries) + 1})
        self.entries.append(stored)
        return stored

    def top_up(self, at: datetime, amount: str, reference: str | None = None) -> LedgerEntry:
        return self._add(ledger.top_up(HOUSEHOLD_ID, Decimal(amount), PaymentMethod.BANK_TRANSFER, at, BANK, reference))

    def charge(self, at: datetime, child: int, day: date, price: str = "7.50") -> LedgerEntry:
        return self._add(ledger.meal_charge(HOUSEHOLD_ID, child, day, MealType.NORMAL, Decimal(price), at, SRC))

    def credit(self, at: datetime, child: int, day: date, price: str = "7.50") -> LedgerEntry:
        return self._add(ledger.meal_credit(HOUSEHOLD_ID, child, day, MealType.NORMAL, Decimal(price), at, SRC))

    def refund(self, at: datetime, amount: str) -> LedgerEntry:
        return self._add(ledger.refund(HOUSEHOLD_ID, Decimal(amount), at, SRC, iban="CH9300762011623852957"))

    def correct(self, entry: LedgerEntry, at: datetime) -> LedgerEntry:
        return self._add(ledger.correction(entry, at, Source("staff", staff_user="alice")))


def school_year(meals: int = 180, year: int = 2026) -> Book:
    """A year: a top-up each month, `meals` meals charged on school days (Léa and Tom in turn), a few re-credits."""
    book = Book()
    day = date(year, 1, 5)
    for month in range(1, 13):
        book.top_up(zurich(year, month, 1, 9), "150.00", f"TOPUP-{month}")
    made = 0
    while made < meals:
        if day.weekday() < 5:
            child = LEA if made % 2 == 0 else TOM
            charge = book.charge(zurich(day.year, day.month, day.day, 7), child, day)
            if made % 30 == 29:
                book.credit(zurich(day.year, day.month, day.day, 7, 30), child, charge.day or day)
            made += 1
        day += timedelta(days=1)
    return book
