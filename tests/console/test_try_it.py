"""Console try-it page: a demo guardian's message goes down the whole road; the reply and the agenda change show."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

import pytest

from bot.console.try_it_road import TryResult, address_for, channels_of, try_message
from core.messages import Channel, InboundMessage, MessageStatus, StoredMessage
from core.model import Guardian
from core.unit_of_work import AbstractUnitOfWork
from tests.console.pages_client import PagesClient, logged_in

MONDAY_MORNING = "2026-11-23T07:40:00+01:00"


@pytest.fixture
def pages(uow_factory: Callable[[], AbstractUnitOfWork]) -> PagesClient:
    return logged_in(uow_factory, MONDAY_MORNING)


def _claire(pages: PagesClient) -> str:
    guardian = pages.family("Dupont").guardians[0]
    assert guardian.name == "Claire Dupont"
    return str(guardian.id)


def test_the_page_lists_demo_guardians_and_channels(pages: PagesClient) -> None:
    page = pages.client.get("/console/try")
    assert page.status_code == 200
    assert "Claire Dupont, famille Dupont" in page.text
    assert '<option value="telegram">Telegram</option>' in page.text
    assert "Tableau des réservations" in page.text
    assert '<a href="/console/try"' in page.text  # in the navigation, demo mode


def test_a_message_books_and_the_agenda_shows_the_change(pages: PagesClient) -> None:
    token = pages.csrf("/console/try")
    answer = pages.client.post(
        "/console/try",
        data={"csrf_token": token, "guardian": _claire(pages), "channel": "sms", "text": "Basile mange jeudi"},
    )
    assert answer.status_code == 200
    text = answer.text
    assert "Basile mange jeudi" in text
    assert "Basile : repas réservé je 26.11" in text  # the SMS reply
    assert "Suite donnée : répondu" in text
    assert "Modifié par ce message" in text
    assert '<span class="note">(reserve)</span>' in text  # the rule that decided, described, with its note
    assert "Semaine du lundi 23.11 au vendredi 27.11" in text
    basile = pages.family("Dupont").child_named("Basile")
    assert basile is not None
    assert basile.id is not None
    with pages.uow_factory() as uow:
        assert uow.reservations.get(basile.id, date(2026, 11, 26)) is not None


def test_an_email_reply_and_an_unclear_message(pages: PagesClient) -> None:
    token = pages.csrf("/console/try")
    claire = _claire(pages)
    mail = pages.client.post(
        "/console/try",
        data={"csrf_token": token, "guardian": claire, "channel": "email", "text": "Bonjour, quel temps fait-il ?"},
    )
    assert mail.status_code == 200
    assert "claire.dupont@example.ch" in mail.text
    assert "Modifié par ce message" not in mail.text
    assert "pas compris : une personne doit le lire" in mail.text  # why it went to staff, in French


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"guardian": "999", "channel": "sms", "text": "hello"}, "Parent inconnu."),
        ({"channel": "sms", "text": "  "}, "Écrivez un message."),
        ({"channel": "telegram", "text": "hello"}, "Claire Dupont n'a pas d'adresse pour ce canal."),
    ],
)
def test_bad_input_is_said(pages: PagesClient, fields: dict[str, str], expected: str) -> None:
    data = {"csrf_token": pages.csrf("/console/try"), "guardian": _claire(pages), **fields}
    answer = pages.client.post("/console/try", data=data)
    assert answer.status_code == 400
    assert expected in html.unescape(answer.text)


def test_outside_demo_mode_there_is_no_try_it(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    pages = logged_in(uow_factory, MONDAY_MORNING, demo=False)
    assert pages.client.get("/console/try").status_code == 404
    assert '<a href="/console/try"' not in pages.client.get("/console/families").text
    token = pages.csrf("/console/families")
    assert pages.client.post("/console/try", data={"csrf_token": token, "text": "x"}).status_code == 404


def test_addresses_by_channel() -> None:
    guardian = Guardian("G", emails=["g@example.ch"], phones=["+41790000000"])
    assert address_for(guardian, Channel.EMAIL) == "g@example.ch"
    assert address_for(guardian, Channel.SMS) == "+41790000000"
    assert address_for(guardian, Channel.TELEGRAM) is None
    assert address_for(guardian, "fax") is None
    assert channels_of(guardian) == [Channel.SMS, Channel.EMAIL]
    assert channels_of(Guardian("T", telegram_chat_id="42")) == [Channel.TELEGRAM]


def test_result_days_come_from_the_changes_or_the_reading() -> None:
    message = InboundMessage("sms", "x", "+41790000000", "?", date(2026, 11, 23))  # type: ignore[arg-type]  # not read
    stored = StoredMessage(
        1, message, MessageStatus.DONE, interpretation={"commands": [{"date": "2026-11-27"}, {"date": "?"}]}
    )
    assert TryResult(stored, []).first_day() == date(2026, 11, 27)
    assert TryResult(StoredMessage(1, message, MessageStatus.STAFF), []).first_day() is None
    changed = TryResult(stored, [], frozenset({(1, date(2026, 11, 26), "normal"), (2, date(2026, 11, 24), "normal")}))
    assert changed.first_day() == date(2026, 11, 24)


def test_try_message_waits_for_another_worker(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    pages = logged_in(uow_factory, MONDAY_MORNING)
    # Without a household the changes are not looked for; an unknown sender is answered politely.
    result = try_message(uow_factory, pages.canteens, pages.clock, "+41790000000", "sms", "bonjour", wait_seconds=0)
    assert result.stored.status is not MessageStatus.PENDING
    assert result.changed == frozenset()
