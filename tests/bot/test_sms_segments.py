"""Every SMS template in FR, EN and DE, filled from realistic results: GSM-7 only, and two segments at most."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core import i18n
from core.commands import CancelMeal, ReserveMeal
from core.gsm7 import is_gsm7, segments
from core.replies import Audience, ReplyComposer
from tests.core.unit.builders import zurich
from tests.replies.test_composer import CANTEEN, SOURCE, THURSDAY, TUESDAY, compose, run

COMPOSER = ReplyComposer()
CHILDREN = ["Alban", "Arielle", "Basile"]
WEEK = {date(2026, 11, 23) + timedelta(days=n): CHILDREN[: n % 3 + 1] for n in range(5)}


def sms_templates(language: str) -> dict[str, str]:
    """Each SMS reply the system can send, in its longest realistic form."""
    audience = Audience(language, CANTEEN, short=True, name="Claire")
    results, names, balance = run(
        [CancelMeal(1, TUESDAY, SOURCE), CancelMeal(2, TUESDAY, SOURCE), ReserveMeal(1, THURSDAY, SOURCE)], "100"
    )
    days = [i18n.day_label(date(2026, 11, 24 + n), language) for n in range(3)]
    contact = f"{CANTEEN.email}, {CANTEEN.phone}"
    return {
        "booking.mixed": compose(language, True, [ReserveMeal(1, TUESDAY, SOURCE), ReserveMeal(2, TUESDAY, SOURCE)]),
        "booking.short_of_money": compose(
            language,
            True,
            [
                ReserveMeal(n, d, SOURCE)
                for n in (1, 2)
                for d in (date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 3))
            ],
            "40",
        ),
        "undo": COMPOSER.undo(audience, results, names, zurich(2026, 11, 23, 7, 40), balance).text,
        "undo.nothing": COMPOSER.undo(audience, [], names, zurich(2026, 11, 23, 7, 40)).text,
        "question.child": COMPOSER.question(audience, "child", CHILDREN).text,
        "question.date": COMPOSER.question(audience, "date", days).text,
        "question.period": COMPOSER.question(audience, "period").text,
        "question.uncertain": COMPOSER.question(audience, "uncertain", example="Arielle").text,
        "question.generic": COMPOSER.question(audience, "generic").text,
        "balance": COMPOSER.balance(audience, Decimal("-1234.50")).text,
        "status": COMPOSER.status(audience, date(2026, 11, 23), date(2026, 11, 27), WEEK).text,
        "status.none": COMPOSER.status(audience, date(2026, 11, 23), date(2026, 11, 27), {}).text,
        "help": COMPOSER.help(audience, "Arielle").text,
        "staff.handoff": COMPOSER.staff_handoff(audience).text,
        "rate_limited": COMPOSER.rate_limited(audience).text,
        "sms.help": i18n.message(language, "sms.help", canteen=CANTEEN.name, contact=contact),
        "sms.opt_in": i18n.message(language, "sms.opt_in", canteen=CANTEEN.name),
    }


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_sms_template_is_gsm7_and_at_most_two_segments(language: str) -> None:
    too_long = {}
    for name, text in sms_templates(language).items():
        assert is_gsm7(text), (name, text)
        if segments(text) > 2:
            too_long[name] = (len(text), text)
    assert too_long == {}


def test_the_unknown_sender_answer_in_all_three_languages_is_gsm7_and_at_most_three_segments() -> None:
    text = COMPOSER.unknown_sender(CANTEEN, short=True).text
    assert is_gsm7(text), text
    assert segments(text) <= 3, (len(text), text)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_no_sms_asks_the_parent_to_answer_cancel(language: str) -> None:
    """CANCEL alone is a carrier opt-out keyword: undo and help texts use other words."""
    for name, text in sms_templates(language).items():
        words = text.replace(".", " ").replace(",", " ").split()
        assert "CANCEL" not in words, (name, text)
    for key in ("hint.undo", "hint.undo.sms", "help", "sms.help"):
        assert "reply cancel" not in i18n.message(language, key, example="x", contact="y", canteen="z").lower()
