"""Reservations and ledger entries through the SQL repositories: constraints, sums, aware timestamps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from core.canteen import MealType
from core.db.unit_of_work import SqlAlchemyUnitOfWork
from core.model import EntryKind, Household, LedgerEntry, PaymentMethod
from tests.core.db.builders import NOW, SRC, STAFF, charge, household, reservation, topup

UowFactory = Callable[[], SqlAlchemyUnitOfWork]
MONDAY = date(2026, 11, 23)


@pytest.fixture
def family(uow_factory: UowFactory) -> Household:
    with uow_factory() as uow:
        added = uow.households.add(household())
        uow.commit()
    return added


def _ids(family: Household) -> tuple[int, int, int]:
    assert family.id
    assert family.children[0].id
    assert family.children[1].id
    return family.id, family.children[0].id, family.children[1].id


def test_reservation_round_trip(uow_factory: UowFactory, family: Household) -> None:
    household_id, lea, _ = _ids(family)
    with uow_factory() as uow:
        added = uow.reservations.add(reservation(lea, MONDAY, household_id))
        uow.commit()
    assert added.id is not None
    with uow_factory() as uow:
        assert uow.reservations.get(lea, MONDAY) == added
        assert uow.reservations.get(lea, MONDAY + timedelta(days=1)) is None


def test_reservation_takes_the_household_of_its_child(uow_factory: UowFactory, family: Household) -> None:
    household_id, lea, _ = _ids(family)
    with uow_factory() as uow:
        added = uow.reservations.add(reservation(lea, MONDAY))
        uow.commit()
    assert added.household_id == household_id


def test_a_child_cannot_be_booked_twice_on_a_day(uow_factory: UowFactory, family: Household) -> None:
    _, lea, tom = _ids(family)
    with uow_factory() as uow:
        uow.reservations.add(reservation(lea, MONDAY))
        uow.reservations.add(reservation(tom, MONDAY))  # another child, same day: fine
        uow.commit()
    with uow_factory() as uow, pytest.raises(IntegrityError):
        uow.reservations.add(replace(reservation(lea, MONDAY), meal=MealType.VEGETARIAN))


def test_reservation_queries_and_removal(uow_factory: UowFactory, family: Household) -> None:
    _, lea, tom = _ids(family)
    days = [MONDAY + timedelta(days=n) for n in (0, 1, 3)]
    with uow_factory() as uow:
        for day in reversed(days):
            uow.reservations.add(reservation(tom, day))
            uow.reservations.add(reservation(lea, day))
        uow.commit()
    with uow_factory() as uow:
        found = uow.reservations.for_children([lea, tom], days[0], days[1])
        assert [(r.day, r.child_id) for r in found] == [(days[0], lea), (days[0], tom), (days[1], lea), (days[1], tom)]
        assert uow.reservations.for_children([], days[0], days[2]) == []
        assert [r.child_id for r in uow.reservations.for_day("montval", days[2])] == [lea, tom]
        assert uow.reservations.for_day("leysin", days[2]) == []
        uow.reservations.remove(lea, days[2])
        uow.reservations.remove(lea, days[2])  # nothing left to remove: no error
        uow.commit()
    with uow_factory() as uow:
        assert [r.child_id for r in uow.reservations.for_day("montval", days[2])] == [tom]


def test_balance_is_the_exact_sum_of_entries(uow_factory: UowFactory, family: Household) -> None:
    household_id, lea, _ = _ids(family)
    with uow_factory() as uow:
        assert uow.ledger.balance(household_id) == Decimal("0.00")
        for _ in range(30):
            uow.ledger.add(topup(household_id, "0.10"))
        uow.ledger.add(topup(household_id, "100.05"))
        uow.ledger.add(charge(household_id, lea, MONDAY, "7.50"))
        uow.ledger.add(charge(household_id, lea, MONDAY + timedelta(days=1), "95.55"))
        uow.commit()
    with uow_factory() as uow:
        balance = uow.ledger.balance(household_id)
        assert balance == Decimal("0.00")
        assert str(balance) == "0.00"
        assert uow.ledger.balance(household_id + 1000) == Decimal("0.00")


def test_entries_round_trip_in_order(uow_factory: UowFactory, family: Household) -> None:
    household_id, lea, _ = _ids(family)
    refund = LedgerEntry(
        household_id=household_id,
        kind=EntryKind.REFUND,
        amount=Decimal("-5.00"),
        at=NOW,
        source=STAFF,
        method=PaymentMethod.BANK_TRANSFER,
        iban="CH9300762011623852957",
        memo="départ",
    )
    with uow_factory() as uow:
        added = [
            uow.ledger.add(topup(household_id, "20.00", reference="REF-1")),
            uow.ledger.add(charge(household_id, lea, MONDAY)),
            uow.ledger.add(refund),
        ]
        uow.commit()
    assert all(e.id is not None for e in added)
    with uow_factory() as uow:
        assert list(uow.ledger.entries(household_id)) == added
        assert uow.ledger.get(added[2].id or 0) == added[2]
        assert uow.ledger.by_reference("REF-1") == added[0]
        assert uow.ledger.by_reference("REF-2") is None
        assert uow.ledger.get(9999) is None


def test_a_bank_reference_is_booked_once(uow_factory: UowFactory, family: Household) -> None:
    household_id, _, _ = _ids(family)
    with uow_factory() as uow:
        uow.ledger.add(topup(household_id, "20.00", reference="AcctSvcrRef-1"))
        uow.ledger.add(topup(household_id, "20.00"))  # no reference: as many as needed
        uow.ledger.add(topup(household_id, "20.00"))
        uow.commit()
    with uow_factory() as uow, pytest.raises(IntegrityError):
        uow.ledger.add(topup(household_id, "20.00", reference="AcctSvcrRef-1"))


def test_an_entry_is_corrected_at_most_once(uow_factory: UowFactory, family: Household) -> None:
    household_id, _, _ = _ids(family)
    with uow_factory() as uow:
        wrong = uow.ledger.add(topup(household_id, "50.00"))
        fix = LedgerEntry(
            household_id=household_id,
            kind=EntryKind.CORRECTION,
            amount=Decimal("-50.00"),
            at=NOW,
            source=STAFF,
            reverses=wrong.id,
        )
        corrected = uow.ledger.add(fix)
        uow.commit()
    with uow_factory() as uow:
        assert uow.ledger.correction_of(wrong.id or 0) == corrected
        assert uow.ledger.correction_of(corrected.id or 0) is None
        assert uow.ledger.balance(household_id) == Decimal("0.00")
    with uow_factory() as uow, pytest.raises(IntegrityError):
        uow.ledger.add(fix)


def test_timestamps_come_back_aware_in_utc(uow_factory: UowFactory, family: Household) -> None:
    household_id, lea, _ = _ids(family)
    summer = datetime(2026, 6, 30, 23, 59, 59, 123456, tzinfo=timezone(timedelta(hours=2)))
    with uow_factory() as uow:
        entry = uow.ledger.add(topup(household_id, "1.00", at=summer))
        uow.reservations.add(reservation(lea, MONDAY, booked_at=NOW))
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.ledger.get(entry.id or 0)
        booked = uow.reservations.get(lea, MONDAY)
    assert loaded is not None
    assert booked is not None
    assert loaded.at == summer
    assert loaded.at.tzinfo is UTC
    assert loaded.at.hour == 21
    assert booked.booked_at == NOW
    assert booked.booked_at.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused(uow_factory: UowFactory, family: Household) -> None:
    household_id, _, _ = _ids(family)
    with uow_factory() as uow, pytest.raises(Exception, match="naive"):
        uow.ledger.add(topup(household_id, "1.00", at=datetime(2026, 11, 20, 10, 0)))


def test_foreign_keys_are_enforced(uow_factory: UowFactory) -> None:
    with uow_factory() as uow, pytest.raises(IntegrityError):
        uow.reservations.add(reservation(12345, MONDAY, household_id=None))
    with uow_factory() as uow, pytest.raises(IntegrityError):
        uow.ledger.add(topup(12345, "1.00"))


def test_entry_fields_survive(uow_factory: UowFactory, family: Household) -> None:
    household_id, lea, _ = _ids(family)
    credit = LedgerEntry(
        household_id=household_id,
        kind=EntryKind.MEAL_CREDIT,
        amount=Decimal("9.00"),
        at=NOW,
        source=SRC,
        child_id=lea,
        day=MONDAY,
        meal=MealType.SPECIAL,
        memo="annulé à temps",
    )
    with uow_factory() as uow:
        stored = uow.ledger.add(credit)
        uow.commit()
    with uow_factory() as uow:
        assert uow.ledger.get(stored.id or 0) == replace(credit, id=stored.id)
