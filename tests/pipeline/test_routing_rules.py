"""Routing rules one by one: rate limit, authenticity, email threads held by staff, expiry, date questions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from core.messages import Channel, MessageStatus, Signal
from core.pipeline.config import PipelineConfig
from core.pipeline.intake import rule_descriptions
from core.pipeline.staff import open_items, resolve
from core.unit_of_work import AbstractUnitOfWork
from tests.pipeline.road import Road, matched

CLAIRE_SMS = "+41791234567"
CLAIRE_MAIL = "claire.dupont@example.ch"


@pytest.fixture
def road(uow_factory: Callable[[], AbstractUnitOfWork]) -> Road:
    return Road.with_demo_families(uow_factory, "2026-11-23T07:40:00+01:00")


def test_every_rule_has_a_description_for_staff() -> None:
    descriptions = rule_descriptions()
    assert len(descriptions) == 13
    assert all(text.endswith(".") for text in descriptions.values())


def test_rate_limit_hands_over_to_staff_and_says_so_once(road: Road) -> None:
    road.config = PipelineConfig(rate_limit=3)
    statuses = [road.send(CLAIRE_SMS, "solde ?").status for _ in range(3)]
    assert statuses == [MessageStatus.DONE] * 3
    fourth = road.send(CLAIRE_SMS, "solde ?")
    fifth = road.send(CLAIRE_SMS, "solde ?")
    assert fourth.status is MessageStatus.STAFF
    assert matched(fourth) == ["rate_limited"]
    assert "Vous nous avez envoyé de nombreux messages" in road.last_reply(fourth)
    assert road.replies_to(fifth) == []
    road.at("2026-11-23T09:00:00+01:00")
    assert road.send(CLAIRE_SMS, "solde ?").status is MessageStatus.DONE


@pytest.mark.parametrize("signal", [Signal.AUTH_FAILED, Signal.ENVELOPE_MISMATCH])
def test_unauthenticated_mail_is_not_applied_and_not_answered(road: Road, signal: Signal) -> None:
    stored = road.send(
        CLAIRE_MAIL,
        "Annulez tous les repas des enfants jusqu'aux vacances",
        Channel.EMAIL,
        signals=frozenset({signal}),
        signal_notes={signal: "dkim=fail spf=fail"},
    )
    assert stored.status is MessageStatus.STAFF
    assert matched(stored) == ["unauthenticated"]
    assert road.replies_to(stored) == []
    assert road.balance("Dupont") == "400.00"
    [item] = open_items(road.uow_factory())
    assert item.item.reason == "dkim=fail spf=fail"


def test_email_follow_ups_in_the_held_thread_join_the_staff_item(road: Road) -> None:
    first = road.send(
        CLAIRE_MAIL,
        "Basile a perdu sa veste à la cantine.",
        Channel.EMAIL,
        subject="Veste",
        external_id="<a1@mail.example>",
    )
    assert first.status is MessageStatus.STAFF
    handoff = road.replies_to(first)[-1]
    assert handoff.references == ("<a1@mail.example>",)
    follow_up = road.send(
        CLAIRE_MAIL,
        "Elle est rouge.",
        Channel.EMAIL,
        subject="Re: Veste",
        external_id="<a2@mail.example>",
        thread_ids=("<a1@mail.example>", "<reply@cantine>"),
    )
    assert matched(follow_up) == ["held_by_staff"]
    other_thread = road.send(
        CLAIRE_MAIL,
        "Au fait, avez-vous trouvé un bonnet ?",
        Channel.EMAIL,
        subject="Bonnet",
        external_id="<b1@mail.example>",
    )
    assert "held_by_staff" not in matched(other_thread)
    items = open_items(road.uow_factory())
    assert [view.item.attached for view in items] == [(follow_up.id,), ()]
    first_item = items[0].item
    assert first_item.id is not None
    resolve(road.uow_factory(), first_item.id, "marie", road.clock.now(), road.canteens, dismiss_reason="found")
    later = road.send(
        CLAIRE_MAIL,
        "Merci !",
        Channel.EMAIL,
        subject="Re: Veste",
        external_id="<a3@mail.example>",
        thread_ids=("<a1@mail.example>",),
    )
    assert later.status is MessageStatus.DONE


def test_a_question_expires_and_the_next_message_is_new(road: Road) -> None:
    road.send(CLAIRE_SMS, "Annulez demain svp")
    road.at((road.clock.now() + timedelta(hours=25)).isoformat())
    later = road.send(CLAIRE_SMS, "Basile")
    assert "answers_question" not in matched(later)


def test_which_day_question_and_answer(road: Road) -> None:
    road.at("2026-11-24T07:00:00+01:00")  # a Tuesday: "mardi" is today or next week
    road.send(CLAIRE_SMS, "Basile mange mardi 1er décembre")
    question = road.send(CLAIRE_SMS, "annuler mardi pour Basile")
    assert matched(question) == ["needs_clarification"]
    assert road.last_reply(question) == "Pour quel jour : mardi 24.11 ou mardi 1.12 ?"
    answer = road.send(CLAIRE_SMS, "le 1er")
    assert matched(answer) == ["answers_question"]
    assert road.last_reply(answer).startswith("Basile : repas annulé ma 1.12.")
    assert not road.booked("Dupont", "Basile", "2026-12-01")


def test_thanks_needs_no_answer_and_help_gives_the_contact(road: Road) -> None:
    thanks = road.send(CLAIRE_SMS, "Merci beaucoup !")
    assert thanks.status is MessageStatus.DONE
    assert road.replies_to(thanks) == []
    help_reply = road.last_reply(road.send(CLAIRE_SMS, "aide"))
    assert "cantine@montval.example" in help_reply


def test_status_question_lists_the_bookings(road: Road) -> None:
    road.send(CLAIRE_SMS, "Basile et Arielle mangent jeudi")
    reply = road.last_reply(road.send(CLAIRE_SMS, "Qui est inscrit jeudi ?"))
    assert "je 26.11 : Arielle et Basile" in reply or "je 26.11 : Basile et Arielle" in reply


def test_english_and_german_guardians_are_answered_in_their_language(road: Road) -> None:
    english = road.send("+41774445566", "Please cancel Emma's lunch on Friday")
    assert road.last_reply(english).startswith("Emma, Fr 27.11: no meal booked, nothing to cancel.")
    german = road.send("+41795556677", "Lukas isst am Freitag")
    assert road.last_reply(german).startswith("Lukas: Essen angemeldet Fr 27.11.")


def test_a_partly_unreadable_message_goes_to_staff_and_the_parent_is_told(road: Road) -> None:
    stored = road.send(
        CLAIRE_MAIL,
        "Basile mang\ufffd jeudi",
        Channel.EMAIL,
        subject="?",
        signals=frozenset({Signal.MALFORMED}),
        signal_notes={Signal.MALFORMED: "bad charset"},
    )
    assert stored.status is MessageStatus.STAFF
    assert matched(stored) == ["unreadable"]
    assert "transmis à l'équipe" in road.last_reply(stored)
    assert road.balance("Dupont") == "400.00"
