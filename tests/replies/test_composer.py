"""Replies composed from real command results: every language, full and SMS form, every refusal explained."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.commands import CancelMeal, Command, CommandResult, ReserveMeal
from core.gsm7 import is_gsm7, segments
from core.model import Household, Source
from core.replies import Audience, ReplyComposer
from core.services import apply_commands
from tests.core.unit.builders import child_id, montval, seeded, zurich

SOURCE = Source(channel="sms", message_id="m1")
CANTEEN = montval()
TUESDAY = date(2026, 11, 24)
THURSDAY = date(2026, 11, 26)


def run(commands: list[Command], balance: str) -> tuple[list[CommandResult], dict[int, str], Decimal]:
    """Apply the commands on Monday 23.11 at 07:40 to a household with `balance`; results, names, final balance."""
    uow, household = seeded(Decimal(balance))
    prepared = [_bind(command, household) for command in commands]
    results = apply_commands(prepared, uow, {"montval": CANTEEN}, zurich(2026, 11, 23, 7, 40))
    assert household.id is not None
    final = uow.ledger.balance(household.id)
    return results, {c.id: c.first_name for c in household.children if c.id is not None}, final


def _bind(command: Command, household: Household) -> Command:
    """Test commands name children by a placeholder id: 1 is Léa, 2 is Tom."""
    assert isinstance(command, ReserveMeal | CancelMeal)
    name = "Léa" if command.child_id == 1 else "Tom"
    real = child_id(household, name)
    if isinstance(command, ReserveMeal):
        return ReserveMeal(real, command.day, command.source, command.meal)
    return CancelMeal(real, command.day, command.source)


def compose(language: str, short: bool, commands: list[Command], balance: str = "100") -> str:
    results, names, final = run(commands, balance)
    audience = Audience(language, CANTEEN, short=short, name="Claire")
    return ReplyComposer().booking(audience, results, names, zurich(2026, 11, 23, 7, 40), final).text


def test_french_email_reply_lists_each_child_and_day_the_balance_and_how_to_undo() -> None:
    text = compose(
        "fr",
        short=False,
        commands=[
            ReserveMeal(1, TUESDAY, SOURCE),
            ReserveMeal(1, THURSDAY, SOURCE),
            ReserveMeal(1, date(2026, 11, 25), SOURCE),
            ReserveMeal(1, date(2026, 12, 21), SOURCE),
            CancelMeal(1, date(2026, 11, 27), SOURCE),
        ],
    )
    assert text.startswith("Bonjour Claire,\n")
    assert "Léa : repas réservé mardi 24.11 et jeudi 26.11." in text
    assert "Léa, mercredi 25.11 : pas de repas, la cantine ne sert pas ce jour-là." in text
    assert "Léa, lundi 21.12 : pas de repas (Vacances de Noël)." in text
    assert "Léa, vendredi 27.11 : aucun repas réservé, rien à annuler." in text
    assert "Solde : 85,00 CHF." in text
    assert "Pour défaire cette demande, répondez ANNULER." in text
    assert text.rstrip().endswith("Réfectoire scolaire de Montval")


def test_too_late_says_until_when_and_what_can_still_be_changed() -> None:
    uow, household = seeded(Decimal("100"))
    lea = child_id(household, "Léa")
    apply_commands([ReserveMeal(lea, TUESDAY, SOURCE)], uow, {"montval": CANTEEN}, zurich(2026, 11, 23, 7, 40))
    late_now = zurich(2026, 11, 24, 8, 16)
    late = apply_commands([CancelMeal(lea, TUESDAY, SOURCE)], uow, {"montval": CANTEEN}, late_now)
    text = ReplyComposer().booking(Audience("fr", CANTEEN, name="Claire"), late, {lea: "Léa"}, late_now).text
    assert "Léa, mardi 24.11 : trop tard pour annuler (possible jusqu'à mardi 24.11 à 08:15)" in text
    assert "le repas reste facturé" in text
    assert "Le prochain jour encore modifiable est jeudi 26.11." in text
    assert "ANNULER" not in text  # nothing was done, nothing to undo


def test_insufficient_balance_gives_the_missing_amount_and_how_to_top_up() -> None:
    text = compose("en", short=False, commands=[ReserveMeal(1, TUESDAY, SOURCE)], balance="5")
    assert "Léa, Tuesday 24.11: not booked, balance too low (CHF 2.50 missing)." in text
    assert "To top up your account, reply TOPUP and the amount" in text
    assert "Balance: CHF 5.00." in text


def test_special_meal_named_in_the_booking_line() -> None:
    from core.canteen import MealType

    text = compose("de", short=False, commands=[ReserveMeal(1, THURSDAY, SOURCE, MealType.VEGETARIAN)])
    assert "Léa: Essen angemeldet Donnerstag 26.11 (vegetarisch)." in text
    assert text.startswith("Guten Tag Claire,")


@pytest.mark.parametrize("language", ["fr", "en", "de"])
@pytest.mark.parametrize(
    "commands",
    [
        pytest.param([CancelMeal(1, TUESDAY, SOURCE)], id="one-cancel"),
        pytest.param(
            [
                ReserveMeal(1, TUESDAY, SOURCE),
                ReserveMeal(1, THURSDAY, SOURCE),
                ReserveMeal(1, date(2026, 12, 21), SOURCE),
            ],
            id="booked-and-a-closure",
        ),
        pytest.param(
            [
                ReserveMeal(n, d, SOURCE)
                for n in (1, 2)
                for d in (date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 3))
            ],
            id="two-children-a-week-short-of-money",
        ),
        pytest.param([ReserveMeal(1, TUESDAY, SOURCE), ReserveMeal(2, TUESDAY, SOURCE)], id="one-done-one-too-late"),
    ],
)
def test_sms_form_is_gsm7_and_fits_two_segments(language: str, commands: list[Command]) -> None:
    text = compose(language, short=True, commands=commands, balance="40")
    assert "\n" not in text
    assert is_gsm7(text), text
    assert segments(text) <= 2, (len(text), text)


def test_sms_form_makes_closure_names_gsm7() -> None:
    text = compose("fr", short=True, commands=[ReserveMeal(1, date(2026, 12, 21), SOURCE)])
    assert "(Vacances de Noel)" in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Pour quel enfant : Alban ou Basile ?"),
        ("en", "For which child: Alban or Basile?"),
        ("de", "Für welches Kind: Alban oder Basile?"),
    ],
)
def test_question_for_a_child(language: str, expected: str) -> None:
    reply = ReplyComposer().question(Audience(language, CANTEEN, short=True), "child", ["Alban", "Basile"])
    assert reply.text == expected


def test_unknown_question_kind_falls_back_to_a_generic_question() -> None:
    reply = ReplyComposer().question(Audience("fr", CANTEEN, short=True), "weather")
    assert reply.text == "Pouvez-vous préciser pour quel enfant et quel jour ?"


def test_unknown_sender_is_answered_in_every_language_of_the_canteen() -> None:
    reply = ReplyComposer().unknown_sender(CANTEEN, short=False)
    assert "nous ne trouvons pas votre adresse" in reply.text
    assert "we cannot find your address" in reply.text
    assert "wir finden Ihre Adresse nicht" in reply.text
    assert reply.language == "fr"


def test_email_subject_is_answered_with_re() -> None:
    composer = ReplyComposer()
    assert composer.staff_handoff(Audience("fr", CANTEEN, subject="Absence Basile")).subject == "Re: Absence Basile"
    assert composer.staff_handoff(Audience("fr", CANTEEN, subject="RE: Absence")).subject == "RE: Absence"
    assert composer.staff_handoff(Audience("en", CANTEEN)).subject == "Canteen: your request"


def test_status_and_balance() -> None:
    composer = ReplyComposer()
    audience = Audience("fr", CANTEEN, short=True)
    status = composer.status(audience, TUESDAY, THURSDAY, {TUESDAY: ["Léa", "Tom"], THURSDAY: []})
    assert status.text == "Réservations du ma 24.11 au je 26.11 : ma 24.11 : Léa et Tom"
    empty = composer.status(audience, TUESDAY, THURSDAY, {})
    assert empty.text == "Aucun repas réservé du ma 24.11 au je 26.11."
    assert composer.balance(audience, Decimal("12.5")).text == "Solde : 12,50 CHF."


def test_several_days_refused_for_money_say_what_is_missing_for_all_of_them() -> None:
    commands: list[Command] = [ReserveMeal(2, d, SOURCE) for d in (date(2026, 11, 30), date(2026, 12, 1))]
    text = compose("fr", short=True, commands=commands, balance="5")
    assert "Tom, lu 30.11 et ma 1.12 : pas réservé, solde insuffisant (il manque 13,00 CHF)." in text
