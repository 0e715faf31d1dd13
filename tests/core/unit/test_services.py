"""Services: reserve, cancel, top-up, refund and correction handlers, batches, through a FakeUnitOfWork."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal

import pytest

from core.calendar import NoServiceReason
from core.canteen import Canteen, MealType
from core.commands import (
    CancelMeal,
    Command,
    CommandResult,
    CorrectEntry,
    Outcome,
    RecordRefund,
    RecordTopUp,
    Refusal,
    ReserveMeal,
)
from core.model import DomainError, EntryKind, LedgerEntry, PaymentMethod, Reservation, Source
from core.services import apply_command, apply_commands, cancel, reserve
from tests.core.unit.builders import SRC, STAFF, child_id, montval, seeded, zurich
from tests.fakes import FakeUnitOfWork

CANTEENS = {"montval": montval()}
BANK = Source("bank", message_id="camt-1")
SUNDAY_EVENING = zurich(2026, 11, 1, 20, 0)
MON, TUE, WED, THU, FRI = (date(2026, 11, d) for d in (2, 3, 4, 5, 6))


def run(uow: FakeUnitOfWork, *commands: Command, now: datetime = SUNDAY_EVENING) -> list[CommandResult]:
    return apply_commands(list(commands), uow, CANTEENS, now)


def entries(uow: FakeUnitOfWork, household_id: int) -> list[LedgerEntry]:
    with uow:
        return list(uow.ledger.entries(household_id))


def booking(uow: FakeUnitOfWork, child: int, day: date) -> Reservation | None:
    with uow:
        return uow.reservations.get(child, day)


def balance_of(uow: FakeUnitOfWork, household_id: int) -> Decimal:
    with uow:
        return uow.ledger.balance(household_id)


def test_reserve_charges_the_price_and_keeps_the_source() -> None:
    uow, family = seeded(Decimal("50"))
    lea = child_id(family, "Léa")
    [result] = run(uow, ReserveMeal(lea, MON, SRC))
    assert result.outcome is Outcome.DONE
    assert result.balance_after == Decimal("42.50")
    assert uow.commits == 1
    stored = booking(uow, lea, MON)
    assert stored is not None
    assert (stored.meal, stored.price, stored.source, stored.household_id) == (
        MealType.NORMAL,
        Decimal("7.50"),
        SRC,
        family.id,
    )
    charge = entries(uow, family.id or 0)[-1]
    assert (charge.kind, charge.amount, charge.child_id, charge.day, charge.meal, charge.source) == (
        EntryKind.MEAL_CHARGE,
        Decimal("-7.50"),
        lea,
        MON,
        MealType.NORMAL,
        SRC,
    )


@pytest.mark.parametrize(
    ("first_name", "meal", "expected_meal", "price"),
    [
        pytest.param("Léa", None, MealType.NORMAL, "7.50", id="default-normal"),
        pytest.param("Tom", None, MealType.SPECIAL, "9.00", id="default-special"),
        pytest.param("Léa", MealType.VEGETARIAN, MealType.VEGETARIAN, "7.50", id="explicit-vegetarian"),
    ],
)
def test_reserve_meal_type_and_price(
    first_name: str, meal: MealType | None, expected_meal: MealType, price: str
) -> None:
    uow, family = seeded(Decimal("50"))
    [result] = run(uow, ReserveMeal(child_id(family, first_name), THU, SRC, meal=meal))
    assert result.done
    assert result.details["meal"] is expected_meal
    assert result.balance_after == Decimal(50) - Decimal(price)


@pytest.mark.parametrize(
    ("day", "reason", "closure"),
    [
        pytest.param(WED, NoServiceReason.WEEKDAY, None, id="wednesday"),
        pytest.param(date(2026, 12, 21), NoServiceReason.CLOSURE, "Vacances de Noël", id="closure"),
        pytest.param(date(2027, 7, 5), NoServiceReason.OUTSIDE_SCHOOL_YEAR, None, id="after-school-year"),
    ],
)
def test_reserve_refused_without_service(day: date, reason: NoServiceReason, closure: str | None) -> None:
    uow, family = seeded(Decimal("50"))
    [result] = run(uow, ReserveMeal(child_id(family, "Léa"), day, SRC, override=True))
    assert result.refusal is Refusal.NOT_SERVICE_DAY
    assert result.details["reason"] == reason
    assert result.details["closure"] == closure
    assert result.balance_after == Decimal("50")


def test_unknown_child() -> None:
    uow, _ = seeded(Decimal("50"))
    [reserved, cancelled] = run(uow, ReserveMeal(999, MON, SRC), CancelMeal(999, MON, SRC))
    assert reserved.refusal is Refusal.UNKNOWN_CHILD
    assert cancelled.refusal is Refusal.UNKNOWN_CHILD
    assert reserved.balance_after is None


def test_already_booked_names_the_booked_meal() -> None:
    uow, family = seeded(Decimal("50"))
    lea = child_id(family, "Léa")
    run(uow, ReserveMeal(lea, MON, SRC, meal=MealType.VEGETARIAN))
    [again] = run(uow, ReserveMeal(lea, MON, SRC))
    assert again.refusal is Refusal.ALREADY_BOOKED
    assert again.details["meal"] is MealType.VEGETARIAN
    assert again.balance_after == Decimal("42.50")


@pytest.mark.parametrize(
    ("now", "outcome"),
    [
        pytest.param(zurich(2026, 11, 2, 8, 14), Outcome.DONE, id="08:14"),
        pytest.param(zurich(2026, 11, 2, 8, 15), Outcome.DONE, id="08:15"),
        pytest.param(zurich(2026, 11, 2, 8, 16), Outcome.REFUSED, id="08:16"),
    ],
)
def test_reserve_same_day_cutoff(now: datetime, outcome: Outcome) -> None:
    uow, family = seeded(Decimal("50"))
    [result] = run(uow, ReserveMeal(child_id(family, "Léa"), MON, SRC), now=now)
    assert result.outcome is outcome
    if outcome is Outcome.REFUSED:
        assert result.refusal is Refusal.TOO_LATE
        assert result.details["deadline"] == zurich(2026, 11, 2, 8, 15)
        assert result.details["meal"] is MealType.NORMAL


def test_special_meal_three_days_before() -> None:
    uow, family = seeded(Decimal("50"))
    tom = child_id(family, "Tom")
    # Sunday evening: Thursday's special meal (deadline Monday 08:15) yes, Tuesday's (Saturday 08:15) no.
    thursday, tuesday = run(uow, ReserveMeal(tom, THU, SRC), ReserveMeal(tom, TUE, SRC))
    assert thursday.done
    assert tuesday.refusal is Refusal.TOO_LATE
    assert tuesday.details["deadline"] == zurich(2026, 10, 31, 8, 15)
    # ...but Tom can still have Tuesday's normal meal.
    [normal] = run(uow, ReserveMeal(tom, TUE, SRC, meal=MealType.NORMAL))
    assert normal.done


@pytest.mark.parametrize(
    ("topped_up", "outcome", "missing"),
    [
        pytest.param("7.50", Outcome.DONE, None, id="exact-balance-allowed"),
        pytest.param("7.49", Outcome.REFUSED, "0.01", id="one-cent-short"),
        pytest.param("0", Outcome.REFUSED, "7.50", id="empty"),
    ],
)
def test_balance_never_goes_negative(topped_up: str, outcome: Outcome, missing: str | None) -> None:
    uow, family = seeded(Decimal(topped_up))
    [result] = run(uow, ReserveMeal(child_id(family, "Léa"), MON, SRC))
    assert result.outcome is outcome
    assert result.balance_after is not None
    assert result.balance_after >= 0
    if missing is not None:
        assert result.refusal is Refusal.INSUFFICIENT_BALANCE
        assert result.details == {"balance": Decimal(topped_up), "price": Decimal("7.50"), "missing": Decimal(missing)}
        assert booking(uow, child_id(family, "Léa"), MON) is None


def test_override_ignores_cutoff_but_not_balance() -> None:
    uow, family = seeded(Decimal("8"))
    lea, tom = child_id(family, "Léa"), child_id(family, "Tom")
    late = zurich(2026, 11, 2, 11, 0)
    plain, staff, broke = run(
        uow,
        ReserveMeal(lea, MON, SRC),
        ReserveMeal(lea, MON, STAFF, override=True),
        ReserveMeal(tom, MON, STAFF, override=True),
        now=late,
    )
    assert plain.refusal is Refusal.TOO_LATE
    assert staff.done
    assert broke.refusal is Refusal.INSUFFICIENT_BALANCE


def test_in_time_cancel_credits_the_price_that_was_charged() -> None:
    uow, family = seeded(Decimal("20"))
    lea = child_id(family, "Léa")
    run(uow, ReserveMeal(lea, MON, SRC))
    dearer = {"montval": dataclasses.replace(CANTEENS["montval"], prices={m: Decimal("8.00") for m in MealType})}
    result = cancel(CancelMeal(lea, MON, SRC), uow, dearer, zurich(2026, 11, 2, 8, 0))
    assert result.done
    assert result.balance_after == Decimal("20.00")
    assert booking(uow, lea, MON) is None
    credit = entries(uow, family.id or 0)[-1]
    assert (credit.kind, credit.amount, credit.child_id, credit.day, credit.meal) == (
        EntryKind.MEAL_CREDIT,
        Decimal("7.50"),
        lea,
        MON,
        MealType.NORMAL,
    )


def test_late_cancel_is_refused_and_nothing_changes() -> None:
    uow, family = seeded(Decimal("20"))
    lea = child_id(family, "Léa")
    run(uow, ReserveMeal(lea, MON, SRC))
    before = (entries(uow, family.id or 0), booking(uow, lea, MON))
    [result] = run(uow, CancelMeal(lea, MON, SRC), now=zurich(2026, 11, 2, 8, 16))
    assert result.refusal is Refusal.TOO_LATE
    assert result.balance_after == Decimal("12.50")
    assert (entries(uow, family.id or 0), booking(uow, lea, MON)) == before


def test_staff_override_cancels_late_with_credit() -> None:
    uow, family = seeded(Decimal("20"))
    lea = child_id(family, "Léa")
    run(uow, ReserveMeal(lea, MON, SRC))
    [result] = run(uow, CancelMeal(lea, MON, STAFF, override=True), now=zurich(2026, 11, 2, 10, 0))
    assert result.done
    assert result.balance_after == Decimal("20.00")
    assert entries(uow, family.id or 0)[-1].source == STAFF


def test_cancel_uses_the_booked_meals_cutoff() -> None:
    uow, family = seeded(Decimal("50"))
    tom, lea = child_id(family, "Tom"), child_id(family, "Léa")
    run(uow, ReserveMeal(tom, THU, SRC), ReserveMeal(lea, THU, SRC, meal=MealType.VEGETARIAN))
    tuesday_morning = zurich(2026, 11, 3, 7, 0)  # past the special deadline (Mon 08:15), not the same-day one
    special, vegetarian = run(uow, CancelMeal(tom, THU, SRC), CancelMeal(lea, THU, SRC), now=tuesday_morning)
    assert special.refusal is Refusal.TOO_LATE
    assert special.details["meal"] is MealType.SPECIAL
    assert special.details["deadline"] == zurich(2026, 11, 2, 8, 15)
    assert vegetarian.done


@pytest.mark.parametrize(
    ("day", "refusal"),
    [pytest.param(MON, Refusal.NOT_BOOKED, id="service-day"), pytest.param(WED, Refusal.NOT_SERVICE_DAY, id="wed")],
)
def test_cancel_what_is_not_booked(day: date, refusal: Refusal) -> None:
    uow, family = seeded(Decimal("20"))
    [result] = run(uow, CancelMeal(child_id(family, "Léa"), day, SRC))
    assert result.refusal is refusal


def test_batch_gives_mixed_results_in_the_order_given() -> None:
    uow, family = seeded(Decimal("20"))
    other_uow, other = seeded(Decimal("0"), uow=uow)
    assert other_uow is uow
    lea, tom = child_id(family, "Léa"), child_id(family, "Tom")
    commands: list[Command] = [
        ReserveMeal(lea, MON, SRC),
        ReserveMeal(lea, WED, SRC),
        ReserveMeal(lea, date(2026, 12, 21), SRC),
        CancelMeal(tom, FRI, SRC),
        ReserveMeal(child_id(other, "Léa"), MON, SRC),
        RecordTopUp(other.id or 0, Decimal("10"), PaymentMethod.CASH, STAFF),
        ReserveMeal(lea, TUE, SRC),
        ReserveMeal(lea, THU, SRC),
    ]
    results = run(uow, *commands)
    assert [r.command for r in results] == commands
    assert [r.refusal for r in results] == [
        None,
        Refusal.NOT_SERVICE_DAY,
        Refusal.NOT_SERVICE_DAY,
        Refusal.NOT_BOOKED,
        None,  # the other family's top-up is applied first and pays for it
        None,
        None,
        Refusal.INSUFFICIENT_BALANCE,
    ]
    assert results[1].details["reason"] == NoServiceReason.WEEKDAY
    assert results[2].details["closure"] == "Vacances de Noël"
    assert results[7].details["missing"] == Decimal("2.50")
    assert uow.commits == 1
    assert uow.locked == sorted({family.id or 0, other.id or 0})


def test_cancel_frees_money_for_a_booking_in_the_same_message() -> None:
    uow, family = seeded(Decimal("7.50"))
    lea, tom = child_id(family, "Léa"), child_id(family, "Tom")
    run(uow, ReserveMeal(lea, MON, SRC))
    book, drop = run(uow, ReserveMeal(tom, MON, SRC, meal=MealType.NORMAL), CancelMeal(lea, MON, SRC))
    assert book.done
    assert drop.done
    assert drop.balance_after == Decimal("7.50")  # the cancel was applied first
    assert book.balance_after == Decimal("0.00")


def test_book_then_cancel_same_day_keeps_the_order() -> None:
    uow, family = seeded(Decimal("20"))
    lea = child_id(family, "Léa")
    book, drop = run(uow, ReserveMeal(lea, MON, SRC), CancelMeal(lea, MON, SRC))
    assert book.done
    assert drop.done
    assert booking(uow, lea, MON) is None
    assert balance_of(uow, family.id or 0) == Decimal("20")


@pytest.mark.parametrize(
    ("amount", "reference", "refusal"),
    [
        pytest.param("25.00", "NEW-REF", None, id="ok"),
        pytest.param("25.00", None, None, id="cash-without-reference"),
        pytest.param("25.00", "BANK-1", Refusal.DUPLICATE_REFERENCE, id="duplicate-reference"),
        pytest.param("0", None, Refusal.INVALID_AMOUNT, id="zero"),
        pytest.param("-5", None, Refusal.INVALID_AMOUNT, id="negative"),
        pytest.param("10.001", None, Refusal.INVALID_AMOUNT, id="three-decimals"),
    ],
)
def test_top_up(amount: str, reference: str | None, refusal: Refusal | None) -> None:
    uow, family = seeded()
    hid = family.id or 0
    run(uow, RecordTopUp(hid, Decimal("10"), PaymentMethod.BANK_TRANSFER, BANK, reference="BANK-1"))
    [result] = run(uow, RecordTopUp(hid, Decimal(amount), PaymentMethod.BANK_TRANSFER, BANK, reference=reference))
    assert result.refusal is refusal
    assert result.balance_after == (Decimal("35.00") if refusal is None else Decimal("10.00"))
    if refusal is Refusal.DUPLICATE_REFERENCE:
        assert result.details == {"reference": "BANK-1"}


def test_duplicate_reference_inside_one_batch_and_unknown_household() -> None:
    uow, family = seeded()
    hid = family.id or 0
    first, second, unknown = run(
        uow,
        RecordTopUp(hid, Decimal("10"), PaymentMethod.BANK_TRANSFER, STAFF, reference="R1"),
        RecordTopUp(hid, Decimal("10"), PaymentMethod.BANK_TRANSFER, STAFF, reference="R1"),
        RecordTopUp(4242, Decimal("10"), PaymentMethod.CASH, STAFF),
    )
    assert first.done
    assert second.refusal is Refusal.DUPLICATE_REFERENCE
    assert unknown.refusal is Refusal.UNKNOWN_HOUSEHOLD
    assert balance_of(uow, hid) == Decimal("10")


@pytest.mark.parametrize(
    ("amount", "refusal", "after"),
    [
        pytest.param("5.00", None, "15.00", id="part"),
        pytest.param("20.00", None, "0.00", id="whole-balance"),
        pytest.param("20.01", Refusal.INSUFFICIENT_BALANCE, "20.00", id="above-balance"),
        pytest.param("0", Refusal.INVALID_AMOUNT, "20.00", id="zero"),
        pytest.param("-1", Refusal.INVALID_AMOUNT, "20.00", id="negative"),
    ],
)
def test_refund_bounds(amount: str, refusal: Refusal | None, after: str) -> None:
    uow, family = seeded(Decimal("20"))
    [result] = run(uow, RecordRefund(family.id or 0, Decimal(amount), "CH9300762011623852957", STAFF))
    assert result.refusal is refusal
    assert result.balance_after == Decimal(after)
    if refusal is Refusal.INSUFFICIENT_BALANCE:
        assert result.details["missing"] == Decimal("0.01")
    if refusal is None:
        entry = entries(uow, family.id or 0)[-1]
        assert (entry.kind, entry.amount, entry.iban, entry.method) == (
            EntryKind.REFUND,
            -Decimal(amount),
            "CH9300762011623852957",
            PaymentMethod.BANK_TRANSFER,
        )


def test_correction_reverses_once() -> None:
    uow, family = seeded(Decimal("20"))
    hid = family.id or 0
    topup = entries(uow, hid)[0]
    assert topup.id is not None
    [first] = run(uow, CorrectEntry(topup.id, STAFF, memo="typed 20 instead of 2"))
    [again] = run(uow, CorrectEntry(topup.id, STAFF))
    [unknown] = run(uow, CorrectEntry(987654, STAFF))
    assert first.done
    assert first.balance_after == Decimal("0.00")
    correction = entries(uow, hid)[-1]
    assert (correction.kind, correction.amount, correction.reverses, correction.memo) == (
        EntryKind.CORRECTION,
        Decimal("-20.00"),
        topup.id,
        "typed 20 instead of 2",
    )
    assert again.refusal is Refusal.ALREADY_CORRECTED
    assert unknown.refusal is Refusal.UNKNOWN_ENTRY


def test_correction_never_makes_the_balance_negative() -> None:
    uow, family = seeded(Decimal("20"))
    hid = family.id or 0
    run(uow, ReserveMeal(child_id(family, "Léa"), MON, SRC))
    topup, charge = entries(uow, hid)
    assert topup.id is not None
    assert charge.id is not None
    [refused] = run(uow, CorrectEntry(topup.id, STAFF))
    assert refused.refusal is Refusal.INSUFFICIENT_BALANCE
    assert refused.details["missing"] == Decimal("7.50")
    [charge_reversed] = run(uow, CorrectEntry(charge.id, STAFF))
    assert charge_reversed.balance_after == Decimal("20.00")


def test_single_command_helpers() -> None:
    uow, family = seeded(Decimal("20"))
    lea = child_id(family, "Léa")
    assert reserve(ReserveMeal(lea, MON, SRC), uow, CANTEENS, SUNDAY_EVENING).done
    assert apply_command(CancelMeal(lea, MON, SRC), uow, CANTEENS, SUNDAY_EVENING).done


def test_a_system_error_rolls_everything_back() -> None:
    uow, family = seeded(Decimal("20"))
    lea = child_id(family, "Léa")
    canteens: dict[str, Canteen] = {}
    with pytest.raises(DomainError, match="not configured"):
        apply_commands(
            [RecordTopUp(family.id or 0, Decimal(5), PaymentMethod.CASH, STAFF), ReserveMeal(lea, MON, SRC)],
            uow,
            canteens,
            SUNDAY_EVENING,
        )
    assert uow.commits == 0
    assert balance_of(uow, family.id or 0) == Decimal("20")


def test_naive_now_is_refused() -> None:
    uow, family = seeded(Decimal("20"))
    with pytest.raises(ValueError, match="timezone-aware"):
        run(uow, ReserveMeal(child_id(family, "Léa"), MON, SRC), now=datetime(2026, 11, 1, 20, 0))
