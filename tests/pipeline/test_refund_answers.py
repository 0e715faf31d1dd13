"""Refund requests by message through the whole road: checked, kept for a person, answered in the parent's language."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from core.messages import MessageStatus
from core.money_services import approve_refund, refuse_refund
from core.pipeline.context import IntakeContext
from core.pipeline.refund_answers import answer_refund
from core.pipeline.worker import receive
from core.refunds import RefundStatus
from core.replies import ReplyComposer
from core.unit_of_work import AbstractUnitOfWork
from nlu.model import Interpretation
from tests.fakes import FakeUnitOfWork
from tests.pipeline.road import Road

MONDAY = "2026-11-23T10:00:00+01:00"
CLAIRE_SMS = "+41791234567"
CLAIRE_MAIL = "claire.dupont@example.ch"
JANE_MAIL = "jane.smith@example.com"
ANNA_SMS = "+41795556677"
IBAN = "CH93 0076 2011 6238 5295 7"


@pytest.fixture
def road() -> Road:
    fake = FakeUnitOfWork()
    return Road.with_demo_families(lambda: fake, MONDAY)


@pytest.mark.parametrize(
    ("sender", "channel", "text", "words"),
    [
        (CLAIRE_SMS, "sms", f"Bonjour, nous quittons la commune, merci de rembourser le solde sur {IBAN}",
         "Votre demande de remboursement de 400,00 CHF sur le compte CH93 0076 2011 6238 5295 7 est enregistrée. "
         "Une personne la vérifie dans les 15 jours"),
        (JANE_MAIL, "email", f"Hello, please refund our balance to {IBAN}.",
         "Your request for a refund of CHF 300.00 to the account CH93 0076 2011 6238 5295 7 is recorded. "
         "A person checks it within 15 days"),
        (ANNA_SMS, "sms", f"Bitte überweisen Sie das Guthaben zurück auf {IBAN}",
         "Ihr Antrag auf Rückerstattung von CHF 300.00 auf das Konto CH93 0076 2011 6238 5295 7 ist erfasst."),
    ],
)  # fmt: skip
def test_a_refund_request_is_kept_for_a_person_and_answered(
    road: Road, sender: str, channel: str, text: str, words: str
) -> None:
    before = road.balance({CLAIRE_SMS: "Dupont", JANE_MAIL: "Smith", ANNA_SMS: "Müller"}[sender])
    stored = road.send(sender, text, channel, subject="Cantine") if channel == "email" else road.send(sender, text)
    assert stored.status is MessageStatus.DONE, stored.hits
    assert words in road.last_reply(stored)
    with road.uow_factory() as uow:
        [request] = uow.money.refunds()
    assert (request.status, request.amount, request.inbound_id) == (RefundStatus.REQUESTED, Decimal(before), stored.id)
    assert request.source_channel == channel
    # Nothing is paid before a person approves.
    assert road.balance({CLAIRE_SMS: "Dupont", JANE_MAIL: "Smith", ANNA_SMS: "Müller"}[sender]) == before


def test_a_qr_iban_is_explained_and_nothing_is_recorded(road: Road) -> None:
    stored = road.send(CLAIRE_SMS, "Merci de rembourser le solde sur CH44 3199 9123 0008 8901 2")
    assert "QR-IBAN" in road.last_reply(stored)
    with road.uow_factory() as uow:
        assert uow.money.refunds() == []


def test_a_second_request_finds_nothing_left_then_approval_and_refusal_reach_the_parent(road: Road) -> None:
    first = road.send(CLAIRE_SMS, f"Merci de rembourser le solde sur {IBAN}")
    second = road.send(CLAIRE_SMS, f"Remboursez svp le solde sur {IBAN}")
    assert "rien à rembourser" in road.last_reply(second)
    jane = road.send(JANE_MAIL, f"Please refund our balance to {IBAN}", "email", subject="Refund")
    with road.uow_factory() as uow:
        claire_request, jane_request = uow.money.refunds()
        assert claire_request.id is not None
        assert jane_request.id is not None
        approve_refund(uow, claire_request.id, "anna", road.clock.now(), road.canteens)
        refuse_refund(uow, jane_request.id, "anna", "the account is not in your name", road.clock.now(), road.canteens)
        uow.commit()
    road.run()
    assert road.balance("Dupont") == "0.00"
    assert "Votre remboursement de 400,00 CHF est approuvé" in road.last_reply(first)
    last = road.replies_to(jane)[-1]
    assert (last.subject, last.channel) == ("Re: Refund", "email")
    assert "was not accepted: the account is not in your name" in last.text


def test_refund_answers_on_the_database(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    road = Road.with_demo_families(uow_factory, MONDAY)
    stored = road.send(CLAIRE_SMS, f"Merci de rembourser le solde sur {IBAN}")
    assert "est enregistrée" in road.last_reply(stored)
    with road.uow_factory() as uow:
        [request] = uow.money.refunds()
    assert request.account_holder == "Claire Dupont"


def _context(road: Road, reading: Interpretation) -> IntakeContext:
    """The intake context of a stored SMS from Claire, read as `reading` (what the understanding layer may give)."""
    uow = road.uow_factory()
    inbox_id, _ = receive(road.message(CLAIRE_SMS, "remboursement"), uow)
    with uow:
        stored = uow.inbox.get(inbox_id)
    assert stored is not None
    ctx = IntakeContext(stored, uow, road.canteens, ReplyComposer(), road.config, road.clock.now())
    ctx.__dict__["interpretation"] = reading
    return ctx


def test_an_amount_named_is_the_amount_asked(road: Road) -> None:
    ctx = _context(road, Interpretation("refund", "auto", amount=120.5, iban=IBAN.replace(" ", "")))
    with ctx.uow:
        assert answer_refund(ctx) is MessageStatus.DONE
        [request] = ctx.uow.money.refunds()
        [reply] = ctx.uow.outbox.claim_due(road.clock.now(), 5)
    assert request.amount == Decimal("120.50")
    assert "120,50 CHF" in reply.text


def test_without_an_iban_the_parent_is_asked_for_it(road: Road) -> None:
    ctx = _context(road, Interpretation("refund", "auto"))
    with ctx.uow:
        assert answer_refund(ctx) is MessageStatus.DONE
        assert ctx.uow.money.refunds() == []
        [reply] = ctx.uow.outbox.claim_due(road.clock.now(), 5)
    assert "IBAN" in reply.text
