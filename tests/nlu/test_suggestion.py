"""A booking sent to staff because of a question for a person still carries the booking reading as a suggestion."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.canteen import Canteen
from nlu import Message, parse

AT = "2026-11-23T07:40:00+01:00"  # a Monday
KIDS = ("Alban", "Arielle", "Basile")

# text, subject, expected intent, expected route, expected commands as (action, child, date, meal)
CASES: list[tuple[str, str | None, str, str, list[tuple[str, str, str, str | None]]]] = [
    (
        "Basile mange jeudi. Au fait, combien coûte un repas spécial ?",
        None,
        "reserve",
        "staff",
        [("reserve", "Basile", "2026-11-26", None)],
    ),
    (
        "Basile ne mange pas demain. Au fait, combien coûte un repas ?",
        None,
        "cancel",
        "staff",
        [("cancel", "Basile", "2026-11-24", None)],
    ),
    (
        "Alban ne mange pas jeudi, et il a une allergie aux noix maintenant",
        None,
        "cancel",
        "staff",
        [("cancel", "Alban", "2026-11-26", None)],
    ),
    (
        "Le repas d'hier était froid, c'est inadmissible. Basile ne mangera pas demain.",
        None,
        "cancel",
        "staff",
        [("cancel", "Basile", "2026-11-24", None)],
    ),
    (
        "Cancel Friday for Alban. Also, the soup yesterday was cold, please pass it on.",
        None,
        "cancel",
        "staff",
        [("cancel", "Alban", "2026-11-27", None)],
    ),
    (
        "Arielle isst am Donnerstag nicht. Ausserdem: was kostet das Spezialmenü?",
        None,
        "cancel",
        "staff",
        [("cancel", "Arielle", "2026-11-26", None)],
    ),
    (
        "Basile mange jeudi menu végétarien. Combien coûte un repas spécial ?",
        None,
        "reserve",
        "staff",
        [("reserve", "Basile", "2026-11-26", "vegetarian")],
    ),
    (
        "Alban mange jeudi mais pas vendredi. Combien coûte un repas ?",
        None,
        "booking",
        "staff",
        [("reserve", "Alban", "2026-11-26", None), ("cancel", "Alban", "2026-11-27", None)],
    ),
    (
        "Pouvez-vous annuler demain pour Basile ? Qui est le nouveau cuisinier ?",
        None,
        "cancel",
        "staff",
        [("cancel", "Basile", "2026-11-24", None)],
    ),
    # Without the staff part the booking would not be acted on: no suggestion.
    ("Annuler demain. Combien coûte un repas ?", None, "cancel", "staff", []),  # which child?
    ("Basile mange mardi ou jeudi. Combien coûte un repas ?", None, "reserve", "staff", []),  # alternatives
    # The staff part names a day too: it cannot be told apart from the booking.
    ("Basile ne mange pas demain, il a une allergie depuis jeudi", None, "cancel", "staff", []),
    ("Basile mange jeudi. Au fait, combien coûte un repas spécial le 3 décembre ?", None, "reserve", "staff", []),
    # A name that matches no child: staff, and no reading.
    ("Annuler demain pour Julien", None, "cancel", "staff", []),
    ("Julien et Basile absents demain", None, "cancel", "staff", []),
    # Clarify routes never carry commands (their partial reading is in `pending`).
    ("Basile ne mange peut-être pas demain. Combien coûte un repas ?", None, "cancel", "clarify", []),
    ("Annulez demain svp", None, "cancel", "clarify", []),
    # Not a booking: nothing to suggest.
    ("Combien coûte un repas ?", None, "other", "staff", []),
    # Auto readings are unchanged.
    ("Basile ne mange pas demain", "Question", "cancel", "auto", [("cancel", "Basile", "2026-11-24", None)]),
]


@pytest.mark.parametrize(("text", "subject", "intent", "route", "commands"), CASES)
def test_staff_suggestion(
    montval: Canteen,
    text: str,
    subject: str | None,
    intent: str,
    route: str,
    commands: list[tuple[str, str, str, str | None]],
) -> None:
    message = Message(text=text, subject=subject, channel="email", at=datetime.fromisoformat(AT), children=KIDS)
    got = parse(message, montval)
    assert (got.intent, got.route) == (intent, route)
    assert [(c.action, c.child, c.date.isoformat(), c.meal) for c in got.commands] == commands
    if route == "clarify":
        assert not got.commands
    suggested = [e for e in got.evidence if e.startswith("suggested")]
    assert bool(suggested) == (route == "staff" and bool(commands))


def test_suggestion_is_not_scored(montval: Canteen) -> None:
    """A staff route with commands is a deferral for the scorer, like one without (commands are ignored)."""
    message = Message(
        text="Basile mange jeudi. Au fait, combien coûte un repas spécial ?",
        at=datetime.fromisoformat(AT),
        children=KIDS,
    )
    got = parse(message, montval).to_json()
    assert got["route"] == "staff"
    assert got["commands"]
    assert got["reason"]
