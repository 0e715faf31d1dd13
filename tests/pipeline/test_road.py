"""End to end through the real pipeline (inbox, worker, core, replies, outbox) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from core.commands import RecordRefund
from core.messages import MessageStatus, Signal
from core.model import Source
from core.pipeline.staff import BookingChange, StaffError, open_items, resolve
from core.pipeline.worker import receive
from core.services import apply_command
from core.unit_of_work import AbstractUnitOfWork
from tests.pipeline.road import Road, matched

MONDAY = "2026-11-23T07:40:00+01:00"
CLAIRE_SMS = "+41791234567"
CLAIRE_MAIL = "claire.dupont@example.ch"


@pytest.fixture
def road(uow_factory: Callable[[], AbstractUnitOfWork]) -> Road:
    return Road.with_demo_families(uow_factory, MONDAY)


def test_a_cancel_is_applied_and_confirmed_with_the_balance(road: Road) -> None:
    road.send(CLAIRE_SMS, "Basile mange mardi")
    assert road.booked("Dupont", "Basile", "2026-11-24")
    stored = road.send(CLAIRE_SMS, "annuler mardi pour Basile")
    assert stored.status is MessageStatus.DONE
    assert matched(stored) == ["understood"]
    assert road.last_reply(stored) == "Basile : repas annulé ma 24.11. Solde : 400,00 CHF. ANNULER pour défaire."
    assert not road.booked("Dupont", "Basile", "2026-11-24")
    assert road.balance("Dupont") == "400.00"


def test_several_children_and_days_in_one_email(road: Road) -> None:
    stored = road.send(
        CLAIRE_MAIL, "Bonjour,\nles enfants mangent jeudi et vendredi.\nMerci\nClaire", "email", subject="Repas"
    )
    reply = road.replies_to(stored)[-1]
    assert reply.subject == "Re: Repas"
    assert reply.in_reply_to == stored.message.external_id
    assert "Bonjour Claire," in reply.text
    for child in ("Alban", "Arielle", "Basile"):
        assert f"{child} : repas réservé jeudi 26.11 et vendredi 27.11." in reply.text
    assert "Solde : 355,00 CHF." in reply.text
    assert road.balance("Dupont") == "355.00"


def test_a_late_cancel_is_refused_with_what_can_still_be_done(road: Road) -> None:
    road.send(CLAIRE_SMS, "Basile mange mardi")
    stored = road.at("2026-11-24T08:20:00+01:00").send(CLAIRE_SMS, "Basile ne mange pas aujourd'hui")
    reply = road.last_reply(stored)
    assert "Basile, ma 24.11 : trop tard pour annuler (possible jusqu'à ma 24.11 à 08:15)" in reply
    assert "Prochain jour modifiable : je 26.11." in reply
    assert road.booked("Dupont", "Basile", "2026-11-24")


def test_a_day_without_service_is_explained(road: Road) -> None:
    stored = road.send(CLAIRE_SMS, "Basile mange mercredi")
    assert "Basile, me 25.11 : pas de repas, la cantine ne sert pas ce jour-là." in road.last_reply(stored)
    christmas = road.send(CLAIRE_SMS, "Basile mange le 21 décembre")
    assert "(Vacances de Noel)" in road.last_reply(christmas)


def test_insufficient_balance_says_what_is_missing(road: Road) -> None:
    with road.uow_factory() as uow:
        household = next(h for h in uow.households.list() if h.name == "Dupont")
    assert household.id is not None
    refund = RecordRefund(household.id, Decimal("390.00"), None, Source(channel="staff", staff_user="test"))
    assert apply_command(refund, road.uow_factory(), road.canteens, road.clock.now()).done
    stored = road.send(CLAIRE_SMS, "Basile mange jeudi et vendredi")
    reply = road.last_reply(stored)
    assert "Basile : repas réservé je 26.11." in reply
    assert "Basile, ve 27.11 : pas réservé, solde insuffisant (il manque 5,00 CHF)." in reply
    assert "RECHARGER" in reply
    assert road.balance("Dupont") == "2.50"


def test_a_question_then_its_answer(road: Road) -> None:
    road.send(CLAIRE_SMS, "Les enfants mangent demain")
    question = road.send(CLAIRE_SMS, "Annulez demain svp")
    assert matched(question) == ["needs_clarification"]
    assert road.last_reply(question) == "Pour quel enfant : Alban, Arielle ou Basile ?"
    answer = road.send(CLAIRE_SMS, "Arielle")
    assert matched(answer) == ["answers_question"]
    assert road.last_reply(answer).startswith("Arielle : repas annulé ma 24.11.")
    assert not road.booked("Dupont", "Arielle", "2026-11-24")
    assert road.booked("Dupont", "Basile", "2026-11-24")


def test_two_unanswered_questions_go_to_staff(road: Road) -> None:
    road.send(CLAIRE_SMS, "Annulez demain svp")
    again = road.send(CLAIRE_SMS, "euh je ne sais pas lequel")
    assert road.last_reply(again) == "Pour quel enfant : Alban, Arielle ou Basile ?"
    third = road.send(CLAIRE_SMS, "hmm")
    assert third.status is MessageStatus.STAFF
    assert "no usable answer after 2 questions" in {hit.note for hit in third.hits}


def test_undo_reverses_the_last_request(road: Road) -> None:
    road.send(CLAIRE_SMS, "Basile mange jeudi")
    assert road.balance("Dupont") == "392.50"
    undo = road.send(CLAIRE_SMS, "ANNULER")
    assert matched(undo) == ["undo"]
    assert road.last_reply(undo).startswith("Votre dernière demande a été défaite : Basile : repas annulé je 26.11.")
    assert not road.booked("Dupont", "Basile", "2026-11-26")
    assert road.balance("Dupont") == "400.00"
    nothing = road.send(CLAIRE_SMS, "annuler")
    assert road.last_reply(nothing) == "Il n'y a pas de demande récente à défaire."


def test_an_unknown_sender_is_told_how_to_register_once_a_day(road: Road) -> None:
    first = road.send("+41790000000", "annuler demain pour Léo")
    assert first.status is MessageStatus.STAFF
    assert matched(first) == ["unknown_sender"]
    assert "Nous ne trouvons pas ce numéro" in road.last_reply(first)  # the SMS form
    second = road.send("+41790000000", "allô ?")
    assert road.replies_to(second) == []
    assert second.status is MessageStatus.STAFF


def test_an_auto_reply_is_dropped_without_answer(road: Road) -> None:
    stored = road.send(
        CLAIRE_MAIL,
        "Je suis absente jusqu'au 30 novembre.",
        "email",
        subject="Réponse automatique",
        signals=frozenset({Signal.AUTO_SUBMITTED}),
        signal_notes={Signal.AUTO_SUBMITTED: "Auto-Submitted: auto-replied"},
    )
    assert stored.status is MessageStatus.DROPPED
    assert matched(stored) == ["auto_generated"]
    assert road.replies_to(stored) == []
    assert stored.interpretation is None  # never even read


def test_a_redelivered_message_is_applied_once(road: Road) -> None:
    message = road.message(CLAIRE_SMS, "Basile mange jeudi", external_id="SM-1")
    first_id, created = receive(message, road.uow_factory())
    again_id, created_again = receive(message, road.uow_factory())
    assert created
    assert not created_again
    assert again_id == first_id
    road.run()
    road.run()
    assert road.balance("Dupont") == "392.50"
    assert len(road.replies_to(road.stored(first_id))) == 1


def test_staff_hand_off_holds_the_conversation_until_resolved(road: Road) -> None:
    lost = road.send(CLAIRE_SMS, "Basile a perdu sa gourde à la cantine")
    assert lost.status is MessageStatus.STAFF
    assert "transmis à l'équipe" in road.last_reply(lost)
    follow_up = road.send(CLAIRE_SMS, "elle est bleue avec son nom dessus")
    assert follow_up.status is MessageStatus.STAFF
    assert matched(follow_up) == ["held_by_staff"]
    assert road.replies_to(follow_up) == []
    clear = road.send(CLAIRE_SMS, "Alban mange jeudi")
    assert clear.status is MessageStatus.DONE
    assert road.booked("Dupont", "Alban", "2026-11-26")
    [item] = open_items(road.uow_factory())
    assert item.item.attached == (follow_up.id,)
    assert item.item.id is not None
    resolve(
        road.uow_factory(),
        item.item.id,
        "marie",
        road.clock.now(),
        road.canteens,
        reply_text="Nous avons retrouvé la gourde, elle vous attend à l'accueil.",
    )
    road.run()
    assert road.channel.sent[-1].text == "Nous avons retrouvé la gourde, elle vous attend à l'accueil."
    after = road.send(CLAIRE_SMS, "super, merci beaucoup, et elle est où exactement ?")
    assert "held_by_staff" not in matched(after)


def test_staff_resolve_a_mixed_message_with_their_own_changes(road: Road) -> None:
    stored = road.send(CLAIRE_SMS, "Basile mange jeudi. Au fait, combien coûte un repas spécial ?")
    assert stored.status is MessageStatus.STAFF
    assert matched(stored) == ["needs_person"]
    [item] = open_items(road.uow_factory())
    assert item.item.reason == "a booking mixed with a question a person must handle"
    assert item.item.id is not None
    change = BookingChange("reserve", "Basile", date(2026, 11, 26))
    results = resolve(road.uow_factory(), item.item.id, "marie", road.clock.now(), road.canteens, changes=[change])
    assert [r.done for r in results] == [True]
    road.run()
    assert road.channel.sent[-1].text.startswith("Basile : repas réservé je 26.11.")
    assert road.booked("Dupont", "Basile", "2026-11-26")
    with pytest.raises(StaffError, match="already resolved"):
        resolve(road.uow_factory(), item.item.id, "marie", road.clock.now(), road.canteens, dismiss_reason="x")


def test_a_correction_moves_the_last_request_to_the_day_named(road: Road) -> None:
    road.send(CLAIRE_SMS, "Basile mange jeudi")
    corrected = road.send(CLAIRE_SMS, "non, c'était vendredi")
    assert matched(corrected) == ["corrects_last_request"]
    reply = road.last_reply(corrected)
    assert "Basile : repas annulé je 26.11." in reply
    assert "Basile : repas réservé ve 27.11." in reply
    assert not road.booked("Dupont", "Basile", "2026-11-26")
    assert road.booked("Dupont", "Basile", "2026-11-27")
    assert road.balance("Dupont") == "392.50"
    undo = road.send(CLAIRE_SMS, "ANNULER")
    assert "Basile : repas annulé ve 27.11." in road.last_reply(undo)
    assert road.balance("Dupont") == "400.00"
    polite = road.send(CLAIRE_SMS, "non merci")
    assert "corrects_last_request" not in matched(polite)
