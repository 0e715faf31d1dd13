"""GSM-7 alphabet and SMS segment counting, table-driven."""

from __future__ import annotations

import pytest

from core.gsm7 import is_gsm7, segments, septets, sms_safe


@pytest.mark.parametrize(
    ("text", "gsm7"),
    [
        ("Basile : repas annulé mardi 24.11.", True),
        ("é è ù à É Ç Ä Ö Ü ä ö ü ß ñ", True),
        ("€ [ ] { } \\ ~ ^ |", True),
        ("ç", False),
        ("ê", False),
        ("Noël", False),
        ("l’école", False),
        ("« oui »", False),
        ("227,50\u00a0CHF", False),
        ("😀", False),
    ],
)
def test_alphabet(text: str, gsm7: bool) -> None:
    assert is_gsm7(text) is gsm7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("ç" * 70, 1),
        ("ç" * 71, 2),
        ("ç" * 134, 2),
        ("ç" * 135, 3),
        ("", 1),
    ],
)
def test_segments(text: str, expected: int) -> None:
    assert segments(text) == expected


def test_extension_characters_count_two_septets() -> None:
    assert septets("a€") == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vacances de Noël", "Vacances de Noel"),
        ("Ça reste dû, l’équipe « cantine »", 'Ça reste du, l\'équipe " cantine "'),
        ("227,50\u00a0CHF", "227,50 CHF"),
        ("cœur", "coeur"),
        ("Grüße", "Grüße"),
        ("ok 😀", "ok ?"),
    ],
)
def test_sms_safe_keeps_gsm7_and_replaces_the_rest(text: str, expected: str) -> None:
    assert sms_safe(text) == expected
    assert is_gsm7(sms_safe(text))
