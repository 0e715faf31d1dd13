"""Ledger entry factories set kind and sign; balance is the sum; amounts are checked and quantized."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core import ledger
from core.canteen import MealType
from core.model import DomainError, EntryKind, LedgerEntry, PaymentMethod
from tests.core.unit.builders import SRC, STAFF, zurich

AT = zurich(2026, 11, 1, 20, 0)


@pytest.mark.parametrize(
    ("entry", "kind", "amount"),
    [
        pytest.param(
            ledger.meal_charge(1, 2, date(2026, 11, 2), MealType.NORMAL, Decimal("7.5"), AT, SRC),
            EntryKind.MEAL_CHARGE,
            "-7.50",
            id="meal-charge-negative",
        ),
        pytest.param(
            ledger.meal_credit(1, 2, date(2026, 11, 2), MealType.NORMAL, Decimal("7.5"), AT, SRC),
            EntryKind.MEAL_CREDIT,
            "7.50",
            id="meal-credit-positive",
        ),
        pytest.param(
            ledger.top_up(1, Decimal("50"), PaymentMethod.CASH, AT, STAFF),
            EntryKind.TOPUP,
            "50.00",
            id="top-up-positive",
        ),
        pytest.param(
            ledger.refund(1, Decimal("12.3"), AT, STAFF, iban="CH93"), EntryKind.REFUND, "-12.30", id="refund-negative"
        ),
    ],
)
def test_factories_set_kind_and_sign(entry: LedgerEntry, kind: EntryKind, amount: str) -> None:
    assert entry.kind is kind
    assert entry.amount == Decimal(amount)
    assert entry.amount.as_tuple().exponent == -2
    assert entry.household_id == 1
    assert entry.at == AT


def test_correction_is_the_opposite_and_points_back() -> None:
    charge = ledger.meal_charge(1, 2, date(2026, 11, 2), MealType.SPECIAL, Decimal("9"), AT, SRC)
    stored = LedgerEntry(**{**charge.__dict__, "id": 17})
    correction = ledger.correction(stored, AT, STAFF)
    assert (correction.kind, correction.amount, correction.reverses, correction.child_id, correction.meal) == (
        EntryKind.CORRECTION,
        Decimal("9.00"),
        17,
        2,
        MealType.SPECIAL,
    )
    assert correction.source == STAFF
    with pytest.raises(DomainError, match="stored"):
        ledger.correction(charge, AT, STAFF)


@pytest.mark.parametrize(
    "amount",
    [
        pytest.param("0", id="zero"),
        pytest.param("-1", id="negative"),
        pytest.param("0.001", id="three-decimals"),
        pytest.param("NaN", id="nan"),
    ],
)
def test_top_up_and_refund_amounts_must_be_positive_with_two_decimals(amount: str) -> None:
    with pytest.raises(DomainError, match="top-up amount"):
        ledger.top_up(1, Decimal(amount), PaymentMethod.CASH, AT, STAFF)
    with pytest.raises(DomainError, match="refund amount"):
        ledger.refund(1, Decimal(amount), AT, STAFF)


def test_balance_is_the_sum() -> None:
    entries = [
        ledger.top_up(1, Decimal("20"), PaymentMethod.CASH, AT, STAFF),
        ledger.meal_charge(1, 2, date(2026, 11, 2), MealType.NORMAL, Decimal("7.50"), AT, SRC),
        ledger.meal_credit(1, 2, date(2026, 11, 2), MealType.NORMAL, Decimal("7.50"), AT, SRC),
        ledger.meal_charge(1, 2, date(2026, 11, 3), MealType.SPECIAL, Decimal("9.00"), AT, SRC),
        ledger.refund(1, Decimal("1"), AT, STAFF),
    ]
    assert ledger.balance(entries) == Decimal("10.00")
    assert ledger.balance([]) == Decimal("0.00")
