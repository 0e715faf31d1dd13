"""Property: after any sequence of batches the balance is the ledger's sum, never negative, bookings match charges."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import ledger
from core.canteen import MealType
from core.commands import CancelMeal, Command, CorrectEntry, RecordRefund, RecordTopUp, ReserveMeal
from core.model import EntryKind, PaymentMethod
from core.services import apply_commands
from tests.core.unit.builders import SRC, STAFF, child_id, montval, seeded, zurich
from tests.fakes import FakeUnitOfWork

CANTEENS = {"montval": montval()}
DAYS = [date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9)] + [date(2026, 12, 21)]
NOWS = [zurich(2026, 11, 1, 20, 0), zurich(2026, 11, 2, 8, 15), zurich(2026, 11, 3, 9, 0), zurich(2026, 11, 5, 7, 0)]
AMOUNTS = st.decimals(min_value=Decimal("-1"), max_value=Decimal("40"), places=2, allow_nan=False)


def commands(children: list[int], household_id: int) -> st.SearchStrategy[Command]:
    child = st.sampled_from(children)
    day = st.sampled_from(DAYS)
    meal = st.none() | st.sampled_from(list(MealType))
    return st.one_of(
        st.builds(ReserveMeal, child, day, st.just(SRC), meal, st.booleans()),
        st.builds(CancelMeal, child, day, st.just(SRC), st.booleans()),
        st.builds(
            RecordTopUp,
            st.just(household_id),
            AMOUNTS,
            st.just(PaymentMethod.CASH),
            st.just(STAFF),
            st.none() | st.sampled_from(["R1", "R2", "R3"]),
        ),
        st.builds(RecordRefund, st.just(household_id), AMOUNTS, st.none(), st.just(STAFF)),
        st.builds(CorrectEntry, st.integers(min_value=1, max_value=40), st.just(STAFF)),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_batches_keep_the_books_straight(data: st.DataObject) -> None:
    uow, family = seeded()
    assert family.id is not None
    hid = family.id
    children = [child_id(family, "Léa"), child_id(family, "Tom")]
    batches = data.draw(
        st.lists(st.tuples(st.lists(commands(children, hid), max_size=6), st.sampled_from(NOWS)), max_size=6)
    )
    for batch, now in sorted(batches, key=lambda pair: pair[1]):
        results = apply_commands(batch, uow, CANTEENS, now)
        assert [r.command for r in results] == batch
        assert all(r.balance_after is None or r.balance_after >= 0 for r in results)
        check_books(uow, hid, children)


def check_books(uow: FakeUnitOfWork, hid: int, children: list[int]) -> None:
    with uow:
        entries = list(uow.ledger.entries(hid))
        reservations = list(uow.reservations.for_children(children, DAYS[0], DAYS[-1]))
        assert uow.ledger.balance(hid) == ledger.balance(entries) == sum((e.amount for e in entries), Decimal(0))
        assert ledger.balance(entries) >= 0
    assert all(entry.source in (SRC, STAFF) for entry in entries)
    net: Counter[tuple[int | None, date | None]] = Counter()
    for entry in entries:
        if entry.kind is EntryKind.MEAL_CHARGE:
            net[(entry.child_id, entry.day)] += 1
        elif entry.kind is EntryKind.MEAL_CREDIT:
            net[(entry.child_id, entry.day)] -= 1
    assert {key for key, count in net.items() if count} == {(r.child_id, r.day) for r in reservations}
    assert all(count in (0, 1) for count in net.values())
