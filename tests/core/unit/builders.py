"""Test data for the core unit tests: the Montval canteen, households, aware instants, a seeded fake UoW."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.canteen import Canteen, MealType, parse_canteen
from core.commands import RecordTopUp
from core.model import Child, Guardian, Household, PaymentMethod, Source
from core.services import apply_command
from tests.fakes import FakeUnitOfWork

ZURICH = ZoneInfo("Europe/Zurich")
SRC = Source("email", message_id="<m1@example.org>")
STAFF = Source("staff", staff_user="alice")

MONTVAL_TOML = """\
[canteen]
id = "montval"
name = "Réfectoire scolaire de Montval"
timezone = "Europe/Zurich"
currency = "CHF"
languages = ["fr", "en", "de"]
service_days = ["mon", "tue", "thu", "fri"]

[school_year]
start = 2026-08-24
end = 2027-07-02

[cutoff]
same_day = "08:15"
special_days_before = 3

[prices]
normal = 7.50
vegetarian = 7.50
special = 9.00

[[closures]]
name = "Vacances d'automne"
from = 2026-10-10
to = 2026-10-25

[[closures]]
name = "Vacances de Noël"
from = 2026-12-19
to = 2027-01-03

[[closures]]
name = "Vacances de printemps"
from = 2027-03-26
to = 2027-04-11
"""


def montval() -> Canteen:
    return parse_canteen(MONTVAL_TOML, "montval.toml")


def zurich(year: int, month: int, day: int, hour: int = 7, minute: int = 0, second: int = 0) -> datetime:
    """An aware instant, given as Zurich wall-clock time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=ZURICH)


def dupont(canteen_id: str = "montval") -> Household:
    """Two children: Léa eats the normal menu, Tom the special (allergy) menu."""
    return Household(
        name="Dupont",
        guardians=[Guardian("Claire Dupont", "fr", ["claire@example.ch"], ["+41791234567"])],
        children=[
            Child("Léa", canteen_id),
            Child("Tom", canteen_id, default_meal=MealType.SPECIAL, allergy_note="peanuts"),
        ],
    )


def seeded(
    balance: Decimal = Decimal("0"), household: Household | None = None, uow: FakeUnitOfWork | None = None
) -> tuple[FakeUnitOfWork, Household]:
    """A fake unit of work holding one committed household with `balance` topped up (if > 0)."""
    uow = uow or FakeUnitOfWork()
    with uow:
        stored = uow.households.add(household or dupont())
        uow.commit()
    assert stored.id is not None
    if balance > 0:
        result = apply_command(
            RecordTopUp(stored.id, balance, PaymentMethod.CASH, STAFF), uow, {"montval": montval()}, zurich(2026, 8, 20)
        )
        assert result.done
    uow.commits = 0
    uow.committed = False
    return uow, stored


def child_id(household: Household, first_name: str) -> int:
    child = household.child_named(first_name)
    assert child is not None
    assert child.id is not None
    return child.id
