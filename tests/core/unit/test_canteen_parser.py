"""Canteen TOML parser: a valid file parses; each broken one names the key and the line at fault."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from core.canteen import CanteenConfigError, MealType, parse_canteen
from tests.core.unit.builders import MONTVAL_TOML


def line_of(text: str, fragment: str) -> int:
    """1-based number of the first line of `text` containing `fragment`."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_montval_parses() -> None:
    canteen = parse_canteen(MONTVAL_TOML)
    assert canteen.id == "montval"
    assert canteen.service_weekdays == frozenset({0, 1, 3, 4})
    assert canteen.cutoff_same_day == time(8, 15)
    assert canteen.special_days_before == 3
    assert canteen.prices == {
        MealType.NORMAL: Decimal("7.50"),
        MealType.VEGETARIAN: Decimal("7.50"),
        MealType.SPECIAL: Decimal("9.00"),
    }
    assert canteen.closures[0].name == "Vacances d'automne"
    assert canteen.closures[0].start == date(2026, 10, 10)


# (old text, new text, expected key, fragment locating the expected line in the broken text or None)
BROKEN = [
    pytest.param('timezone = "Europe/Zurich"\n', "", "canteen.timezone", "[canteen]", id="missing-key"),
    pytest.param(
        "special_days_before = 3",
        'special_days_before = "3"',
        "cutoff.special_days_before",
        "special_days_before",
        id="wrong-type-string-for-int",
    ),
    pytest.param(
        'name = "Réfectoire scolaire de Montval"',
        "name = 12",
        "canteen.name",
        "name = 12",
        id="wrong-type-int-for-string",
    ),
    pytest.param(
        'service_days = ["mon"',
        "service_days = true #",
        "canteen.service_days",
        "service_days",
        id="wrong-type-boolean",
    ),
    pytest.param('"Europe/Zurich"', '"Europe/Zurik"', "canteen.timezone", "timezone", id="bad-time-zone"),
    pytest.param("normal = 7.50", 'normal = "seven"', "prices.normal", "normal =", id="bad-price-text"),
    pytest.param("normal = 7.50", "normal = 7.505", "prices.normal", "normal =", id="bad-price-3-decimals"),
    pytest.param("special = 9.00", "special = -9.00", "prices.special", "special =", id="bad-price-negative"),
    pytest.param(
        "special = 9.00", "special = 9.00\ndessert = 2.00", "prices.dessert", "dessert", id="unknown-price-key"
    ),
    pytest.param(
        "to = 2027-01-03", "to = 2026-12-01", "closures[2].to", "to = 2026-12-01", id="closure-to-before-from"
    ),
    pytest.param('same_day = "08:15"', 'same_day = "8h15"', "cutoff.same_day", "same_day", id="bad-cutoff-time"),
    pytest.param('currency = "CHF"', 'currency = "chf"', "canteen.currency", "currency", id="bad-currency"),
    pytest.param('["fr", "en", "de"]', '["fr", "it"]', "canteen.languages", "languages", id="unsupported-language"),
    pytest.param(
        "end = 2027-07-02", "end = 2026-08-01", "school_year.end", "end = 2026-08-01", id="school-year-end-before-start"
    ),
    pytest.param("[cutoff]", "[cutoff", "(syntax)", "[cutoff", id="syntax-error"),
]


@pytest.mark.parametrize(("old", "new", "key", "fragment"), BROKEN)
def test_broken_file_names_key_and_line(old: str, new: str, key: str, fragment: str) -> None:
    assert old in MONTVAL_TOML
    text = MONTVAL_TOML.replace(old, new, 1)
    with pytest.raises(CanteenConfigError) as caught:
        parse_canteen(text, "montval.toml")
    error = caught.value
    assert error.key == key
    assert error.line == line_of(text, fragment)
    assert f"line {error.line}" in str(error)
    assert key in str(error)
    assert "montval.toml" in str(error)


def test_missing_table_is_named() -> None:
    text = MONTVAL_TOML.replace("[prices]\n", "[tarifs]\n")
    with pytest.raises(CanteenConfigError, match=r"missing table \[prices\]") as caught:
        parse_canteen(text)
    assert caught.value.key == "prices"


def test_missing_closure_name_names_its_index() -> None:
    text = MONTVAL_TOML.replace('name = "Vacances de Noël"\n', "")
    with pytest.raises(CanteenConfigError) as caught:
        parse_canteen(text)
    assert caught.value.key == "closures[2].name"
    assert caught.value.line == line_of(text, "from = 2026-12-19") - 1  # the [[closures]] header
