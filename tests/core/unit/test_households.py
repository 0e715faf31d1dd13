"""Household validation: guardians, languages, e-mails, phones (E.164), children and canteens."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from core.households import normalise_email, normalise_phone, validate_household
from core.model import Child, DomainError, Guardian, Household
from tests.core.unit.builders import dupont

CANTEEN_IDS = {"montval", "leysin"}


def test_valid_household_is_normalised_and_input_untouched() -> None:
    raw = Household(
        " Muller ",
        guardians=[
            Guardian(" Anna Muller ", "de", [" Anna.Muller@Example.CH "], ["079 123 45 67"], telegram_chat_id=" "),
            Guardian("Peter Muller", "en", [], ["+33 6 12 34 56 78"]),
        ],
        children=[Child(" Jonas ", "leysin", allergy_note=" gluten ")],
    )
    household = validate_household(raw, CANTEEN_IDS)
    anna, peter = household.guardians
    assert household.name == "Muller"
    assert (anna.name, anna.emails, anna.phones, anna.telegram_chat_id) == (
        "Anna Muller",
        ["anna.muller@example.ch"],
        ["+41791234567"],
        None,
    )
    assert peter.phones == ["+33612345678"]
    assert (household.children[0].first_name, household.children[0].allergy_note) == ("Jonas", "gluten")
    assert raw.guardians[0].emails == [" Anna.Muller@Example.CH "]


def _with(**changes: Any) -> Household:
    return dataclasses.replace(dupont(), **changes)


def _guardian(**changes: Any) -> Guardian:
    return dataclasses.replace(dupont().guardians[0], **changes)


@pytest.mark.parametrize(
    ("household", "message"),
    [
        pytest.param(_with(name=" "), "household: a name is required", id="no-name"),
        pytest.param(_with(guardians=[]), "needs 1 or 2 guardians, got 0", id="no-guardian"),
        pytest.param(
            _with(guardians=[_guardian(), _guardian(emails=[]), _guardian(emails=[])]),
            "needs 1 or 2 guardians, got 3",
            id="three-guardians",
        ),
        pytest.param(_with(guardians=[_guardian(name="")]), "guardian 1: a name is required", id="guardian-no-name"),
        pytest.param(
            _with(guardians=[_guardian(language="it")]),
            "language must be one of fr, en, de, got 'it'",
            id="language-it",
        ),
        pytest.param(_with(guardians=[_guardian(emails=["claire.example.ch"])]), "exactly one '@'", id="email-no-at"),
        pytest.param(_with(guardians=[_guardian(emails=["a@b@example.ch"])]), "exactly one '@'", id="email-two-at"),
        pytest.param(
            _with(guardians=[_guardian(emails=["claire@localhost"])]), "needs a dot in the domain", id="email-no-dot"
        ),
        pytest.param(
            _with(guardians=[_guardian(emails=["claire dupont@example.ch"])]), "contains a space", id="email-space"
        ),
        pytest.param(
            _with(guardians=[_guardian(emails=["@example.ch"])]), "nothing before the '@'", id="email-empty-local"
        ),
        pytest.param(_with(guardians=[_guardian(emails=["claire@example."])]), "misplaced dot", id="email-dot-end"),
        pytest.param(
            _with(guardians=[_guardian(phones=["hello"])]), "phone number 'hello' cannot be read", id="phone-text"
        ),
        pytest.param(_with(guardians=[_guardian(phones=["079 123"])]), "is not a valid number", id="phone-short"),
        pytest.param(
            _with(guardians=[_guardian(), _guardian(name="Marc Dupont", phones=[])]),
            "e-mail address 'claire@example.ch' appears twice",
            id="shared-email",
        ),
        pytest.param(_with(children=[]), "needs at least one child", id="no-child"),
        pytest.param(_with(children=[Child(" ", "montval")]), "child 1: a first name is required", id="child-no-name"),
        pytest.param(
            _with(children=[Child("Léa", "paris")]), "child 1 (Léa): unknown canteen 'paris'", id="unknown-canteen"
        ),
        pytest.param(
            _with(children=[Child("Léa", "montval"), Child("léa", "montval")]),
            "child first name 'léa' appears twice",
            id="same-first-name",
        ),
    ],
)
def test_invalid_household(household: Household, message: str) -> None:
    with pytest.raises(DomainError) as caught:
        validate_household(household, CANTEEN_IDS)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        pytest.param("079 123 45 67", "CH", "+41791234567", id="swiss-national"),
        pytest.param("+41 79 123 45 67", "CH", "+41791234567", id="swiss-international"),
        pytest.param("0041791234567", "CH", "+41791234567", id="swiss-00-prefix"),
        pytest.param("06 12 34 56 78", "FR", "+33612345678", id="french-with-fr-region"),
    ],
)
def test_phone_normalisation(raw: str, region: str, e164: str) -> None:
    assert normalise_phone(raw, region) == e164


def test_email_is_lower_cased() -> None:
    assert normalise_email("Claire.Dupont@Example.CH") == "claire.dupont@example.ch"
