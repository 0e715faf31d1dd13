"""Table-driven tests of nlu.answer: a clarify question, the pending commands and the sender's reply (FR/EN/DE)."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.canteen import Canteen
from nlu import Message, PendingCommand, Question, answer, parse

FR = ("Alban", "Arielle", "Basile")
TWO_FR = ("Inès", "Yanis")
EN = ("Henry", "Grace", "Leo")
DE = ("Lukas", "Mia")
MON = "2026-11-23T07:40:00+01:00"
MON_LATER = "2026-11-23T07:55:00+01:00"

# message, household, reply, expected commands as (action, child, date) or None when the reply does not answer
CASES = [
    ("Annulez demain svp", FR, "Basile", [("cancel", "Basile", "2026-11-24")]),
    ("Annulez demain svp", FR, "c'est pour basile", [("cancel", "Basile", "2026-11-24")]),
    ("Annulez demain svp", FR, "basil", [("cancel", "Basile", "2026-11-24")]),
    (
        "Annulez demain svp",
        FR,
        "Basile et Alban",
        [("cancel", "Basile", "2026-11-24"), ("cancel", "Alban", "2026-11-24")],
    ),
    ("Annulez demain svp", FR, "tous les enfants", [("cancel", c, "2026-11-24") for c in FR]),
    ("Annulez demain svp", FR, "les deux", None),
    ("Annulez demain svp", FR, "Julien", None),
    ("Annulez demain svp", FR, "je ne sais pas", None),
    ("Annulez demain svp", FR, "oui", None),
    ("Annulez demain svp", FR, "le deuxième", [("cancel", "Arielle", "2026-11-24")]),
    (
        "Mon fils ne mangera pas jeudi ni vendredi",
        FR,
        "Alban",
        [("cancel", "Alban", "2026-11-26"), ("cancel", "Alban", "2026-11-27")],
    ),
    ("Annulez jeudi", TWO_FR, "les deux", [("cancel", "Inès", "2026-11-26"), ("cancel", "Yanis", "2026-11-26")]),
    ("Annuler lundi pour Basile", FR, "aujourd'hui", [("cancel", "Basile", "2026-11-23")]),
    ("Annuler lundi pour Basile", FR, "lundi 30", [("cancel", "Basile", "2026-11-30")]),
    ("Annuler lundi pour Basile", FR, "le 30", [("cancel", "Basile", "2026-11-30")]),
    ("Annuler lundi pour Basile", FR, "30.11.", [("cancel", "Basile", "2026-11-30")]),
    ("Annuler lundi pour Basile", FR, "lundi", None),
    ("Annuler lundi pour Basile", FR, "mardi", None),
    ("jeudi prochain pas de cantine pour Alban", FR, "le 3 décembre", [("cancel", "Alban", "2026-12-03")]),
    ("jeudi prochain pas de cantine pour Alban", FR, "le 10 décembre", None),
    ("Please book Leo on Monday", EN, "today", [("reserve", "Leo", "2026-11-23")]),
    ("Please book Leo on Monday", EN, "the second one", [("reserve", "Leo", "2026-11-30")]),
    ("Please book Leo on Monday", EN, "Monday 30th", [("reserve", "Leo", "2026-11-30")]),
    ("Cancel tomorrow please", EN, "Grace", [("cancel", "Grace", "2026-11-24")]),
    ("Cancel tomorrow please", EN, "the kids", [("cancel", c, "2026-11-24") for c in EN]),
    ("Cancel tomorrow please", EN, "both", None),
    ("Cancel tomorrow please", EN, "maybe Grace", None),
    ("Bitte morgen abmelden", DE, "Mia", [("cancel", "Mia", "2026-11-24")]),
    ("Bitte morgen abmelden", DE, "beide", [("cancel", "Lukas", "2026-11-24"), ("cancel", "Mia", "2026-11-24")]),
    ("Bitte morgen abmelden", DE, "Paul", None),
    ("Lukas isst am Montag nicht", DE, "heute", [("cancel", "Lukas", "2026-11-23")]),
    ("Lukas isst am Montag nicht", DE, "am 30.11.", [("cancel", "Lukas", "2026-11-30")]),
    ("Lukas isst am Montag nicht", DE, "nächste Woche", None),
]


def _msg(text: str, children: tuple[str, ...], at: str) -> Message:
    return Message(text=text, channel="sms", at=datetime.fromisoformat(at), children=children)


@pytest.mark.parametrize(("text", "children", "reply", "expected"), CASES)
def test_answer(
    text: str, children: tuple[str, ...], reply: str, expected: list[tuple[str, str, str]] | None, montval: Canteen
) -> None:
    first = parse(_msg(text, children, MON), montval)
    assert first.route == "clarify"
    assert first.question is not None
    assert first.pending
    got = answer(first.question, first.pending, _msg(reply, children, MON_LATER), canteen=montval)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        assert sorted((c.action, c.child, c.date.isoformat()) for c in got) == sorted(expected)


def test_pending_and_options_in_json(montval: Canteen) -> None:
    got = parse(_msg("Annuler lundi pour Basile", FR, MON), montval).to_json()
    assert got["question"] == {"kind": "date", "options": ["2026-11-23", "2026-11-30"]}
    assert got["pending"] == [{"action": "cancel", "child": "Basile", "date": None, "meal": None}]
    assert parse(_msg("Annuler demain pour Basile", FR, MON), montval).to_json()["pending"] is None


def test_no_pending_no_answer() -> None:
    question = Question("child", FR)
    assert answer(question, (), _msg("Basile", FR, MON)) is None
    assert answer(Question("iban"), (PendingCommand("cancel", None, None),), _msg("Basile", FR, MON)) is None
