"""Statements from the ledger: which entries fall in the period, running balances, totals per kind and per child."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import ledger
from core.model import EntryKind
from statements.ledger_report import StatementError, build_statement, local_day, tax_year_statement
from tests.statements.ledger_builders import LEA, TOM, ZURICH, Book, dupont, school_year, zurich


def november() -> Book:
    book = Book()
    book.top_up(zurich(2026, 10, 30), "100.00")  # before the period: opening balance
    book.top_up(zurich(2026, 11, 2, 6), "50.00", "BANK-1")
    book.charge(zurich(2026, 11, 2), LEA, date(2026, 11, 3))
    book.charge(zurich(2026, 11, 2), TOM, date(2026, 11, 3), "9.00")
    book.credit(zurich(2026, 11, 3, 7, 30), TOM, date(2026, 11, 3), "9.00")
    wrong = book.charge(zurich(2026, 11, 5), LEA, date(2026, 11, 6))
    book.correct(wrong, zurich(2026, 11, 6, 10))
    book.refund(zurich(2026, 11, 30, 23, 30), "20.00")  # 23:30 Zurich on the last day: still in the period
    book.top_up(zurich(2026, 12, 1, 0, 10), "10.00")  # after the period
    return book


def test_opening_lines_and_closing_of_a_month() -> None:
    statement = build_statement(dupont(), november().entries, date(2026, 11, 1), date(2026, 11, 30), ZURICH)
    assert statement.opening == Decimal("100.00")
    assert [(line.kind, line.amount) for line in statement.lines] == [
        (EntryKind.TOPUP, Decimal("50.00")),
        (EntryKind.MEAL_CHARGE, Decimal("-7.50")),
        (EntryKind.MEAL_CHARGE, Decimal("-9.00")),
        (EntryKind.MEAL_CREDIT, Decimal("9.00")),
        (EntryKind.MEAL_CHARGE, Decimal("-7.50")),
        (EntryKind.CORRECTION, Decimal("7.50")),
        (EntryKind.REFUND, Decimal("-20.00")),
    ]
    assert [line.balance for line in statement.lines] == [
        Decimal(v) for v in ("150.00", "142.50", "133.50", "142.50", "135.00", "142.50", "122.50")
    ]
    assert statement.closing == Decimal("122.50")
    assert statement.lines[1].child_name == "Léa"
    assert statement.lines[2].child_name == "Tom"
    assert statement.lines[0].reference == "BANK-1"


def test_totals_by_kind_and_meals_per_child() -> None:
    statement = build_statement(dupont(), november().entries, date(2026, 11, 1), date(2026, 11, 30), ZURICH)
    totals = statement.totals
    assert (totals.charged, totals.recredited, totals.topped_up, totals.refunded, totals.corrected) == (
        Decimal("-24.00"),
        Decimal("9.00"),
        Decimal("50.00"),
        Decimal("-20.00"),
        Decimal("7.50"),
    )
    assert totals.meals_net == Decimal("-15.00")
    assert statement.opening + totals.net == statement.closing
    by_child = {(c.name, c.meals, c.paid) for c in statement.children}
    assert by_child == {("Léa", 1, Decimal("7.50")), ("Tom", 0, Decimal("0.00"))}
    assert statement.meals_paid == Decimal("7.50")


@pytest.mark.parametrize(
    ("start", "end", "opening", "lines", "closing"),
    [
        (date(2026, 10, 1), date(2026, 10, 29), "0.00", 0, "0.00"),  # before anything
        (date(2026, 10, 30), date(2026, 10, 30), "0.00", 1, "100.00"),  # the first day only
        (date(2026, 11, 2), date(2026, 11, 2), "100.00", 3, "133.50"),  # one day
        (date(2026, 12, 1), date(2026, 12, 31), "122.50", 1, "132.50"),  # after midnight Zurich: December
        (date(2027, 1, 1), date(2027, 1, 31), "132.50", 0, "132.50"),  # nothing since
    ],
)
def test_periods_take_the_entries_recorded_on_their_days(
    start: date, end: date, opening: str, lines: int, closing: str
) -> None:
    statement = build_statement(dupont(), november().entries, start, end, ZURICH)
    assert (statement.opening, len(statement.lines), statement.closing) == (Decimal(opening), lines, Decimal(closing))


def test_entries_given_out_of_order_are_sorted_by_time() -> None:
    entries = list(reversed(november().entries))
    statement = build_statement(dupont(), entries, date(2026, 11, 1), date(2026, 11, 30), ZURICH)
    assert statement.closing == Decimal("122.50")
    assert statement.lines[0].kind is EntryKind.TOPUP


def test_a_tax_year_runs_from_january_to_december_with_meals_per_child() -> None:
    book = school_year(180)
    statement = tax_year_statement(dupont(), book.entries, 2026, ZURICH)
    assert (statement.start, statement.end, statement.year) == (date(2026, 1, 1), date(2026, 12, 31), 2026)
    assert statement.opening == Decimal("0.00")
    assert statement.closing == ledger.balance(book.entries)
    meals = {child.name: (child.meals, child.paid) for child in statement.children}
    # 180 charged, every 30th re-credited (6 of them, all Tom's: odd positions)
    assert meals == {"Léa": (90, Decimal("675.00")), "Tom": (84, Decimal("630.00"))}
    assert statement.meals_paid == -statement.totals.meals_net


def test_a_child_no_longer_in_the_household_is_still_named() -> None:
    book = Book()
    book.charge(zurich(2026, 3, 2), 99, date(2026, 3, 3))
    statement = build_statement(dupont(), book.entries, date(2026, 3, 1), date(2026, 3, 31), ZURICH)
    assert statement.lines[0].child_name == "#99"
    assert ("#99", 1, Decimal("7.50")) in {(c.name, c.meals, c.paid) for c in statement.children}


def test_a_corrected_re_credit_counts_the_meal_again() -> None:
    book = Book()
    book.charge(zurich(2026, 3, 2), TOM, date(2026, 3, 3))
    credit = book.credit(zurich(2026, 3, 2, 8), TOM, date(2026, 3, 3))
    book.correct(credit, zurich(2026, 3, 4))
    statement = build_statement(dupont(), book.entries, date(2026, 3, 1), date(2026, 3, 31), ZURICH)
    [tom] = [c for c in statement.children if c.child_id == TOM]
    assert (tom.meals, tom.paid) == (1, Decimal("7.50"))


@pytest.mark.parametrize(
    ("start", "end", "household_id", "problem"),
    [
        (date(2026, 11, 30), date(2026, 11, 1), 7, "before it starts"),
        (date(2026, 11, 1), date(2026, 11, 30), None, "stored household"),
        (date(2026, 11, 1), date(2026, 11, 30), 8, "entries of households [7]"),
    ],
)
def test_bad_requests_are_refused_clearly(start: date, end: date, household_id: int | None, problem: str) -> None:
    household = dupont()
    household.id = household_id
    with pytest.raises(StatementError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        build_statement(household, november().entries, start, end, ZURICH)


def test_local_day_is_the_canteen_day() -> None:
    assert local_day(zurich(2026, 11, 30, 23, 30), ZURICH) == date(2026, 11, 30)


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["top_up", "charge", "credit", "refund", "correct"]),
        st.integers(min_value=0, max_value=120),  # day offset from 1 October 2026
        st.integers(min_value=0, max_value=23),  # hour
        st.decimals(min_value=Decimal("0.05"), max_value=Decimal("300"), places=2),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(OPERATIONS, st.integers(min_value=0, max_value=120), st.integers(min_value=0, max_value=60))
def test_every_statement_reconciles_with_the_ledger(
    operations: list[tuple[str, int, int, Decimal]], first: int, length: int
) -> None:
    book = Book()
    origin = date(2026, 10, 1)
    for name, offset, hour, amount in operations:
        day = origin + timedelta(days=offset)
        at = zurich(day.year, day.month, day.day, hour)
        if name == "top_up":
            book.top_up(at, str(amount))
        elif name == "refund":
            book.refund(at, str(amount))
        elif name == "charge":
            book.charge(at, LEA if hour % 2 else TOM, day, str(amount))
        elif name == "credit":
            book.credit(at, TOM, day, str(amount))
        elif book.entries:
            book.correct(book.entries[hour % len(book.entries)], at)
    start = origin + timedelta(days=first)
    end = start + timedelta(days=length)
    statement = build_statement(dupont(), book.entries, start, end, ZURICH)
    recorded_by_end = [e for e in book.entries if local_day(e.at, ZURICH) <= end]
    recorded_before = [e for e in book.entries if local_day(e.at, ZURICH) < start]
    assert statement.opening == ledger.balance(recorded_before)
    assert statement.closing == ledger.balance(recorded_by_end)
    assert statement.opening + sum((line.amount for line in statement.lines), Decimal(0)) == statement.closing
    assert statement.opening + statement.totals.net == statement.closing
    assert (statement.lines[-1].balance if statement.lines else statement.opening) == statement.closing
    meal_lines = sum((line.amount for line in statement.lines if line.is_meal), Decimal(0))
    assert statement.meals_paid == -meal_lines
