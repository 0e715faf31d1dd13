"""Reading families from CSV: good files, and every kind of bad row reported with its line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.canteen import MealType
from core.family_import import read_families

HEADER = (
    "household,guardian1_name,guardian1_language,guardian1_email,guardian1_phone,"
    "guardian2_name,guardian2_language,guardian2_email,guardian2_phone,child,canteen,meal,allergy_note,opening_balance"
)


def csv(*rows: str) -> str:
    return "\n".join((HEADER, *rows)) + "\n"


def test_reads_households_with_children_on_following_rows() -> None:
    result = read_families(
        csv(
            "Dupont,Claire Dupont,fr,Claire@Example.ch;c2@example.ch,+41791234567,"
            "Marc Dupont,,,,Alban,montval,,,150.00",
            "Dupont,,,,,,,,,Arielle,montval,vegetarian,arachides,",
            "Smith,Jane Smith,en,jane@example.com,,,,,,Emma,leysin,special,gluten,",
        )
    )
    assert result.errors == []
    dupont, smith = result.households
    assert dupont.line == 2
    assert dupont.opening_balance == Decimal("150.00")
    assert [g.name for g in dupont.household.guardians] == ["Claire Dupont", "Marc Dupont"]
    assert dupont.household.guardians[0].emails == ["claire@example.ch", "c2@example.ch"]
    assert dupont.household.guardians[1].language == "fr"
    assert [(c.first_name, c.default_meal, c.allergy_note) for c in dupont.household.children] == [
        ("Alban", MealType.NORMAL, ""),
        ("Arielle", MealType.VEGETARIAN, "arachides"),
    ]
    assert smith.household.children[0].canteen_id == "leysin"
    assert smith.opening_balance is None


def test_byte_order_mark_and_blank_lines_are_tolerated() -> None:
    result = read_families("\ufeff" + csv("Martin,Sophie,fr,s@example.ch,,,,,,Léa,montval,,,", ",,,,,,,,,,,,,"))
    assert result.errors == []
    assert result.households[0].household.children[0].first_name == "Léa"


@pytest.mark.parametrize(
    ("rows", "line", "fragment"),
    [
        pytest.param(("Dupont,,,,,,,,,Alban,montval,,,",), 2, "needs guardian1_name", id="first-row-without-guardian"),
        pytest.param((",Claire,fr,,,,,,,Alban,montval,,,",), 2, "household is empty", id="no-household"),
        pytest.param(("Dupont,Claire,fr,,,,,,,,montval,,,",), 2, "child and canteen", id="no-child"),
        pytest.param(("Dupont,Claire,fr,,,,,,,Alban,,,,",), 2, "child and canteen", id="no-canteen"),
        pytest.param(("Dupont,Claire,fr,,,,,,,Alban,montval,halal,,",), 2, "meal must be", id="unknown-meal"),
        pytest.param(("Dupont,Claire,fr,,,,,,,Alban,montval,,,douze",), 2, "not an amount", id="bad-balance"),
        pytest.param(
            ("Dupont,Claire,fr,,,,,,,Alban,montval,,,", "Dupont,,,,,,,,,alban,montval,,,"),
            3,
            "already has a child named alban",
            id="same-child-twice",
        ),
        pytest.param(
            ("Dupont,Claire,fr,,,,,,,Alban,montval,,,", "Dupont,Marc,fr,,,,,,,Basile,montval,,,"),
            3,
            "started on line 2",
            id="guardians-repeated-later",
        ),
        pytest.param(("Dupont,Claire,fr,,,,,,,Alban,montval,,,,extra",), 2, "more fields", id="too-many-fields"),
    ],
)
def test_bad_rows_are_reported_with_their_line(rows: tuple[str, ...], line: int, fragment: str) -> None:
    result = read_families(csv(*rows))
    assert [(e.line, fragment in e.message) for e in result.errors] == [(line, True)], result.errors


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("household,child\nDupont,Alban\n", "missing column(s): guardian1_name, canteen", id="missing"),
        pytest.param(HEADER + ",shoe_size\n", "unknown column(s): shoe_size", id="unknown"),
        pytest.param("", "missing column(s)", id="empty-file"),
    ],
)
def test_bad_header_is_reported_on_line_one(text: str, fragment: str) -> None:
    result = read_families(text)
    assert len(result.errors) == 1
    assert result.errors[0].line == 1
    assert fragment in result.errors[0].message
