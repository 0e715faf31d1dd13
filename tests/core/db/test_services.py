"""The core services through the real SQLAlchemy unit of work, on every test database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from core.canteen import Canteen, MealType
from core.commands import CancelMeal, CorrectEntry, RecordRefund, RecordTopUp, Refusal, ReserveMeal
from core.db.unit_of_work import SqlAlchemyUnitOfWork
from core.model import EntryKind, Household, PaymentMethod
from core.services import apply_command, apply_commands
from tests.core.db.builders import NOW, SRC, STAFF, household
from tests.core.unit.builders import montval

UowFactory = Callable[[], SqlAlchemyUnitOfWork]
MONDAY, TUESDAY, THURSDAY = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 26)


@pytest.fixture
def canteens() -> dict[str, Canteen]:
    return {"montval": montval()}


@pytest.fixture
def family(uow_factory: UowFactory) -> Household:
    with uow_factory() as uow:
        added = uow.households.add(household())
        uow.commit()
    return added


def _child(family: Household, index: int) -> int:
    child_id = family.children[index].id
    assert child_id is not None
    return child_id


def test_top_up_book_cancel_refund(uow_factory: UowFactory, family: Household, canteens: dict[str, Canteen]) -> None:
    household_id = family.id or 0
    lea, tom = _child(family, 0), _child(family, 1)
    topped = apply_command(
        RecordTopUp(household_id, Decimal("20.00"), PaymentMethod.BANK_TRANSFER, STAFF, reference="BANK-1"),
        uow_factory(),
        canteens,
        NOW,
    )
    assert topped.done
    assert topped.balance_after == Decimal("20.00")
    results = apply_commands(
        [ReserveMeal(lea, MONDAY, SRC), ReserveMeal(tom, MONDAY, SRC), ReserveMeal(lea, TUESDAY, SRC)],
        uow_factory(),
        canteens,
        NOW,
    )
    assert [r.done for r in results] == [True, True, False]
    assert results[2].refusal is Refusal.INSUFFICIENT_BALANCE
    assert results[1].balance_after == Decimal("5.00")
    cancelled = apply_command(CancelMeal(tom, MONDAY, SRC), uow_factory(), canteens, NOW)
    assert cancelled.done
    assert cancelled.balance_after == Decimal("12.50")
    refund = apply_command(
        RecordRefund(household_id, Decimal("12.50"), "CH9300762011623852957", STAFF), uow_factory(), canteens, NOW
    )
    assert refund.done
    assert refund.balance_after == Decimal("0.00")
    with uow_factory() as uow:
        kinds = [e.kind for e in uow.ledger.entries(household_id)]
        assert kinds == [
            EntryKind.TOPUP,
            EntryKind.MEAL_CHARGE,
            EntryKind.MEAL_CHARGE,
            EntryKind.MEAL_CREDIT,
            EntryKind.REFUND,
        ]
        assert [(r.child_id, r.day, r.meal) for r in uow.reservations.for_children([lea, tom], MONDAY, THURSDAY)] == [
            (lea, MONDAY, MealType.NORMAL)
        ]
        assert uow.ledger.balance(household_id) == Decimal("0.00")


def test_refusals_change_nothing(uow_factory: UowFactory, family: Household, canteens: dict[str, Canteen]) -> None:
    household_id = family.id or 0
    lea = _child(family, 0)
    apply_command(
        RecordTopUp(household_id, Decimal("10.00"), PaymentMethod.CASH, STAFF, reference="R"),
        uow_factory(),
        canteens,
        NOW,
    )
    assert apply_command(ReserveMeal(lea, MONDAY, SRC), uow_factory(), canteens, NOW).done
    refused = [
        apply_command(ReserveMeal(lea, MONDAY, SRC), uow_factory(), canteens, NOW),
        apply_command(CancelMeal(lea, TUESDAY, SRC), uow_factory(), canteens, NOW),
        apply_command(
            RecordTopUp(household_id, Decimal("10.00"), PaymentMethod.CASH, STAFF, reference="R"),
            uow_factory(),
            canteens,
            NOW,
        ),
        apply_command(RecordRefund(household_id, Decimal("2.51"), None, STAFF), uow_factory(), canteens, NOW),
        apply_command(ReserveMeal(9999, MONDAY, SRC), uow_factory(), canteens, NOW),
    ]
    assert [r.refusal for r in refused] == [
        Refusal.ALREADY_BOOKED,
        Refusal.NOT_BOOKED,
        Refusal.DUPLICATE_REFERENCE,
        Refusal.INSUFFICIENT_BALANCE,
        Refusal.UNKNOWN_CHILD,
    ]
    with uow_factory() as uow:
        assert len(uow.ledger.entries(household_id)) == 2
        assert uow.ledger.balance(household_id) == Decimal("2.50")


def test_a_correction_is_applied_once(uow_factory: UowFactory, family: Household, canteens: dict[str, Canteen]) -> None:
    household_id = family.id or 0
    apply_command(RecordTopUp(household_id, Decimal("30.00"), PaymentMethod.CASH, STAFF), uow_factory(), canteens, NOW)
    with uow_factory() as uow:
        entry_id = uow.ledger.entries(household_id)[0].id or 0
    first = apply_command(CorrectEntry(entry_id, STAFF, memo="typo"), uow_factory(), canteens, NOW)
    again = apply_command(CorrectEntry(entry_id, STAFF), uow_factory(), canteens, NOW)
    assert first.done
    assert first.balance_after == Decimal("0.00")
    assert again.refusal is Refusal.ALREADY_CORRECTED
