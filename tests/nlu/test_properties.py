"""Property tests: whatever the text and the reception time, no command in the past or outside the school year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.canteen import Canteen
from nlu import Message, parse

CHILDREN = ("Alban", "Arielle", "Basile")
TEMPLATES = (
    "Annuler {d} pour Basile",
    "Basile ne mange pas {d}",
    "Arielle mangera {d}",
    "Alban absent {d}",
    "Les enfants ne mangent pas {d}",
    "Basile est malade, il reprend {d}",
    "Annuler {d} et {d2} pour Alban",
    "Please cancel Basile {d}",
    "Basile isst {d} nicht",
    "Arielle mange tous les {w}s jusqu'à {d}",
    "Menu de {d} ?",
    "Est-ce que Basile est inscrit {d} ?",
    "Basile ne mange pas du {n} au {n2} {m}",
)
DAYS = (
    "demain",
    "aujourd'hui",
    "après-demain",
    "lundi",
    "mardi",
    "jeudi",
    "vendredi",
    "mercredi",
    "mardi prochain",
    "lundi prochain",
    "le 1er",
    "le 17",
    "lundi 30",
    "le 3 décembre",
    "3.12",
    "03/12",
    "le 29 février",
    "la semaine prochaine",
    "cette semaine",
    "jusqu'aux vacances",
    "tomorrow",
    "next Friday",
    "morgen",
    "übermorgen",
    "nächsten Dienstag",
    "le 10 juillet",
    "le 2 novembre",
    "jusqu'à Noël",
    "la semaine du 7 décembre",
    "en janvier",
    "vacances de Pâques",
    "31.6.",
    "vendredi 26 mars",
)
MONTHS = ("janvier", "mars", "juin", "juillet", "août", "septembre", "décembre")
START = datetime(2026, 7, 1, tzinfo=UTC)


@st.composite
def messages(draw: st.DrawFn) -> Message:
    template = draw(st.sampled_from(TEMPLATES))
    text = template.format(
        d=draw(st.sampled_from(DAYS)),
        d2=draw(st.sampled_from(DAYS)),
        w=draw(st.sampled_from(("lundi", "jeudi", "mardi"))),
        n=draw(st.integers(1, 31)),
        n2=draw(st.integers(1, 31)),
        m=draw(st.sampled_from(MONTHS)),
    )
    at = START + timedelta(minutes=draw(st.integers(0, 400 * 24 * 60)))
    return Message(text=text, channel="sms", at=at, children=draw(st.sampled_from((CHILDREN, ("Léa",)))))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=messages())
def test_no_command_in_the_past_or_outside_the_year(message: Message, montval: Canteen) -> None:
    result = parse(message, montval)
    today = message.at.astimezone(montval.zone).date()
    for command in result.commands:
        assert command.date >= today, (message.text, message.at, command)
        assert montval.school_year_start <= command.date <= montval.school_year_end
    if result.intent in ("cancel", "reserve", "booking") and result.route == "auto":
        assert result.commands
    if result.route != "auto":
        assert not result.commands
        assert result.reason


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(max_size=300),
    subject=st.none() | st.text(max_size=60),
    channel=st.sampled_from(("email", "sms", "telegram")),
    minutes=st.integers(0, 400 * 24 * 60),
    children=st.lists(st.text(min_size=1, max_size=12), max_size=4),
)
def test_parse_never_raises(
    text: str, subject: str | None, channel: str, minutes: int, children: list[str], montval: Canteen
) -> None:
    message = Message(
        text=text, subject=subject, channel=channel, at=START + timedelta(minutes=minutes), children=tuple(children)
    )
    result = parse(message, montval).to_json()
    assert result["route"] in ("auto", "clarify", "staff")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    words=st.lists(
        st.sampled_from(
            (
                "annuler",
                "Basile",
                "demain",
                "lundi",
                "pas",
                "mange",
                "du",
                "au",
                "décembre",
                "7",
                "11",
                "1er",
                "sauf",
                "tous",
                "les",
                "jeudis",
                "jusqu'à",
                "vacances",
                "Noël",
                "prochain",
                "semaine",
                ",",
                "et",
                "mais",
                "?",
                "peut-être",
                "Arielle",
                "inclus",
                "à",
                "partir",
                "de",
                "janvier",
                "Julien",
                "les",
                "enfants",
                "cancel",
                "next",
                "bis",
                "vom",
                "Freitag",
                "nicht",
                "3.12.",
                "IBAN",
                "CH93",
                "0076",
                "solde",
                "menu",
                "végétarien",
            )
        ),
        max_size=14,
    ),
    minutes=st.integers(0, 400 * 24 * 60),
)
def test_word_salad_is_safe(words: list[str], minutes: int, montval: Canteen) -> None:
    message = Message(text=" ".join(words), channel="sms", at=START + timedelta(minutes=minutes), children=CHILDREN)
    result = parse(message, montval)
    today = message.at.astimezone(montval.zone).date()
    assert all(today <= c.date <= montval.school_year_end for c in result.commands)
    assert not (result.route == "auto" and result.intent in ("cancel", "reserve", "booking") and not result.commands)
