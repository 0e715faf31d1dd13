"""Queries: balance, a household's week agenda, the kitchen's day sheet; and the fake unit of work itself."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.calendar import NoServiceReason
from core.canteen import MealType
from core.commands import ReserveMeal
from core.model import DomainError, Guardian, Household
from core.services import DayState, apply_commands, balance, day_sheet, week_agenda
from tests.core.unit.builders import SRC, child_id, dupont, montval, seeded, zurich
from tests.fakes import FakeUnitOfWork

CANTEENS = {"montval": montval()}
MON = date(2026, 11, 2)


def test_balance_query() -> None:
    uow, family = seeded(Decimal("12.34"))
    assert balance(uow, family.id or 0) == Decimal("12.34")


def test_week_agenda() -> None:
    uow, family = seeded(Decimal("50"))
    lea, tom = child_id(family, "Léa"), child_id(family, "Tom")
    apply_commands(
        [ReserveMeal(lea, MON, SRC), ReserveMeal(tom, date(2026, 11, 5), SRC)],
        uow,
        CANTEENS,
        zurich(2026, 11, 1, 20, 0),
    )
    agenda = week_agenda(uow, family, CANTEENS, MON, now=zurich(2026, 11, 2, 9, 0))
    lea_week, tom_week = agenda[lea], agenda[tom]
    assert [d.state for d in lea_week] == [
        DayState.BOOKED,
        DayState.FREE,
        DayState.NO_SERVICE,
        DayState.FREE,
        DayState.FREE,
    ]
    assert lea_week[0].meal is MealType.NORMAL
    assert lea_week[0].changeable is False  # Monday 09:00: past 08:15
    assert lea_week[1].changeable is True
    assert lea_week[2].reason is NoServiceReason.WEEKDAY
    assert tom_week[3].state is DayState.BOOKED
    assert tom_week[3].deadline == zurich(2026, 11, 2, 8, 15)  # special: three days before
    assert tom_week[3].changeable is False


def test_week_agenda_names_the_closure_and_needs_a_monday() -> None:
    uow, family = seeded()
    agenda = week_agenda(uow, family, CANTEENS, date(2026, 12, 21))
    assert {d.closure for d in agenda[child_id(family, "Léa")]} == {"Vacances de Noël"}
    with pytest.raises(DomainError, match="not a Monday"):
        week_agenda(uow, family, CANTEENS, date(2026, 12, 22))


def test_day_sheet_counts_and_lists_allergies() -> None:
    uow, duponts = seeded(Decimal("50"))
    _, martins = seeded(Decimal("50"), Household("Martin", [Guardian("Luc Martin")], dupont().children[:1]), uow)
    apply_commands(
        [
            ReserveMeal(child_id(duponts, "Léa"), MON, SRC, meal=MealType.VEGETARIAN),
            ReserveMeal(child_id(duponts, "Tom"), MON, SRC, meal=MealType.SPECIAL),
            ReserveMeal(child_id(martins, "Léa"), MON, SRC),
        ],
        uow,
        CANTEENS,
        zurich(2026, 10, 26, 7, 0),
    )
    sheet = day_sheet(uow, CANTEENS["montval"], MON)
    assert sheet.counts == {MealType.NORMAL: 1, MealType.VEGETARIAN: 1, MealType.SPECIAL: 1}
    assert sheet.total == 3
    assert [(line.child.first_name, line.household.name, line.meal, line.allergy_note) for line in sheet.lines] == [
        ("Tom", "Dupont", MealType.SPECIAL, "peanuts"),
        ("Léa", "Dupont", MealType.VEGETARIAN, ""),
        ("Léa", "Martin", MealType.NORMAL, ""),
    ]


def test_fake_unit_of_work_rolls_back_without_commit() -> None:
    uow, _ = seeded()
    with uow:
        uow.households.add(Household("Ghost", [Guardian("G")]))
        assert len(uow.households.list()) == 2
    with uow:
        assert [h.name for h in uow.households.list()] == ["Dupont"]
        uow.households.add(Household("Kept", [Guardian("K")]))
        uow.commit()
    with uow:
        assert [h.name for h in uow.households.list()] == ["Dupont", "Kept"]
        assert uow.households.guardian_by_email("CLAIRE@example.ch") is not None
        assert uow.households.guardian_by_phone("+41791234567") is not None
        assert [h.name for h in uow.households.search("tom")] == ["Dupont"]
    assert isinstance(uow, FakeUnitOfWork)
