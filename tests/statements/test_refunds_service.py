"""Refund requests through the services: checked, kept for staff, approved (booked) or refused, told to the family."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]  # defusedxml ships no type hints

from core.messages import InboundMessage, MessageStatus
from core.model import EntryKind, Guardian, PaymentMethod, Source
from core.money_services import (
    MoneyError,
    approve_refund,
    book_top_up,
    record_cash,
    refund_requested_text,
    refuse_refund,
    request_refund,
)
from core.refunds import IbanProblem, RefundProblem, RefundStatus
from core.unit_of_work import AbstractUnitOfWork
from statements.pain001 import NAMESPACE, Debtor, PainError
from statements.refund_export import export_refunds, refunds_to_pay
from tests.core.unit.builders import dupont, montval
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
IBAN = "CH93 0076 2011 6238 5295 7"
CANTEENS = {"montval": montval()}
DEBTOR = Debtor("Réfectoire de Montval", "CH56 0483 5012 3456 7800 9")


def _household(uow: AbstractUnitOfWork, balance: str = "60.00", language: str = "fr") -> int:
    with uow:
        household = dupont()
        household.guardians = [Guardian("Claire Dupont", language, ["claire@example.ch"], ["+41791234567"])]
        stored = uow.households.add(household)
        assert stored.id is not None
        book_top_up(uow, stored.id, Decimal(balance), PaymentMethod.CASH, NOW, Source("cli"))
        uow.commit()
    return stored.id


def test_a_request_takes_the_whole_balance_when_no_amount_is_given() -> None:
    uow = FakeUnitOfWork()
    household_id = _household(uow)
    with uow:
        outcome = request_refund(uow, household_id, IBAN, None, NOW, "sms")
        uow.commit()
    assert outcome.request is not None
    assert (outcome.request.amount, outcome.request.iban, outcome.request.status) == (
        Decimal("60.00"),
        "CH9300762011623852957",
        RefundStatus.REQUESTED,
    )
    assert outcome.request.account_holder == "Dupont"
    assert "vérifie dans les 15 jours" in refund_requested_text("fr", outcome, "CHF")
    assert "within 15 days" in refund_requested_text("en", outcome, "CHF")
    with uow:  # nothing is booked before a person approves
        assert uow.ledger.balance(household_id) == Decimal("60.00")
        # A second request can only take what the first one left.
        again = request_refund(uow, household_id, IBAN, Decimal("1"), NOW, "sms")
        assert (again.amount_problem, again.available) == (RefundProblem.NOTHING, Decimal("0.00"))
        assert "rien à rembourser" in refund_requested_text("fr", again, "CHF")


@pytest.mark.parametrize(
    ("iban", "amount", "iban_problem", "amount_problem", "words"),
    [
        ("CH44 3199 9123 0008 8901 2", None, IbanProblem.QR_IBAN, None, "QR-IBAN"),
        ("CH93 0076 2011 6238 5295 8", None, IbanProblem.CHECKSUM, None, "Prüfziffern"),
        (IBAN, Decimal("60.01"), None, RefundProblem.TOO_MUCH, "höchstens CHF 60.00"),
        (IBAN, Decimal("-3"), None, RefundProblem.INVALID_AMOUNT, "ungültig"),
    ],
)
def test_problems_are_explained_in_the_guardians_language(
    iban: str, amount: Decimal | None, iban_problem: IbanProblem, amount_problem: RefundProblem, words: str
) -> None:
    uow = FakeUnitOfWork()
    household_id = _household(uow)
    with uow:
        outcome = request_refund(uow, household_id, iban, amount, NOW, "email")
        assert uow.money.refunds() == []
    assert (outcome.request, outcome.iban_problem, outcome.amount_problem) == (None, iban_problem, amount_problem)
    assert words in refund_requested_text("de", outcome, "CHF")


def _requested(
    uow: AbstractUnitOfWork, household_id: int, amount: str | None = "25.00", inbound_id: int | None = None
) -> int:
    with uow:
        wanted = Decimal(amount) if amount else None
        outcome = request_refund(uow, household_id, IBAN, wanted, NOW, "email", inbound_id=inbound_id)
        uow.commit()
    assert outcome.request is not None
    assert outcome.request.id is not None
    return outcome.request.id


def test_approval_books_the_refund_and_tells_the_family(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    uow = uow_factory()
    household_id = _household(uow, language="en")
    request_id = _requested(uow, household_id)
    with uow:
        decided = approve_refund(uow, request_id, "anna", NOW, CANTEENS)
        uow.commit()
    assert (decided.status, decided.decided_by) == (RefundStatus.APPROVED, "anna")
    with uow:
        assert uow.ledger.balance(household_id) == Decimal("35.00")
        refund = uow.ledger.get(decided.ledger_entry_id or 0)
        assert refund is not None
        assert (refund.kind, refund.amount, refund.iban, refund.method) == (
            EntryKind.REFUND,
            Decimal("-25.00"),
            "CH9300762011623852957",
            PaymentMethod.BANK_TRANSFER,
        )
        [notice] = uow.outbox.claim_due(NOW, 10)
        assert (notice.channel, notice.recipient, notice.language) == ("email", "claire@example.ch", "en")
        assert "Your refund of CHF 25.00 is approved" in notice.text
        assert "CH93 0076 2011 6238 5295 7" in notice.text
        with pytest.raises(MoneyError, match="already approved"):
            approve_refund(uow, request_id, "anna", NOW, CANTEENS)


def test_approval_never_takes_more_than_the_balance_now() -> None:
    uow = FakeUnitOfWork()
    household_id = _household(uow)
    request_id = _requested(uow, household_id, "50.00")
    with uow:  # meals were booked meanwhile
        book_top_up(uow, household_id, Decimal("1"), PaymentMethod.CASH, NOW, Source("cli"))
        uow.ledger.add(replace(uow.ledger.entries(household_id)[0], amount=Decimal("-20.00"), id=None))
        uow.commit()
    with uow, pytest.raises(MoneyError, match=r"the balance is now 41\.00"):
        approve_refund(uow, request_id, "anna", NOW, CANTEENS)


def test_refusal_tells_the_reason_by_sms_in_the_guardians_language() -> None:
    uow = FakeUnitOfWork()
    with uow:
        household = dupont()
        household.guardians = [Guardian("Hans Muster", "de", [], ["+41790000001"])]
        stored = uow.households.add(household)
        assert stored.id is not None
        book_top_up(uow, stored.id, Decimal("30"), PaymentMethod.CASH, NOW, Source("cli"))
        uow.commit()
    request_id = _requested(uow, stored.id, None)
    with uow:
        with pytest.raises(MoneyError, match="does not exist"):
            refuse_refund(uow, 999, "anna", "x", NOW, CANTEENS)
        decided = refuse_refund(uow, request_id, "anna", "Konto gehört nicht zur Familie", NOW, CANTEENS)
        uow.commit()
    assert (decided.status, decided.reason) == (RefundStatus.REFUSED, "Konto gehört nicht zur Familie")
    with uow:
        assert uow.ledger.balance(stored.id) == Decimal("30.00")
        [notice] = uow.outbox.claim_due(NOW, 10)
        assert (notice.channel, notice.recipient) == ("sms", "+41790000001")
        assert "wurde nicht angenommen: Konto gehört nicht zur Familie" in notice.text


def test_a_request_made_by_message_is_answered_in_that_conversation() -> None:
    uow = FakeUnitOfWork()
    household_id = _household(uow)
    with uow:
        message = InboundMessage("email", "<r1@example.ch>", "claire@example.ch", "Remboursement svp", NOW, "Solde")
        inbound_id, _ = uow.inbox.store(message)
        uow.inbox.finish(inbound_id, MessageStatus.DONE, [], NOW, guardian_id=None, household_id=household_id)
        uow.commit()
    request_id = _requested(uow, household_id, inbound_id=inbound_id)
    with uow:
        approve_refund(uow, request_id, "anna", NOW, CANTEENS)
        uow.commit()
    with uow:
        [notice] = uow.outbox.claim_due(NOW, 10)
    assert (notice.recipient, notice.in_reply_to, notice.subject) == (
        "claire@example.ch",
        "<r1@example.ch>",
        "Re: Solde",
    )
    assert "Votre remboursement de 25,00 CHF est approuvé" in notice.text


def test_a_household_nobody_can_be_reached_in_gets_no_notice() -> None:
    uow = FakeUnitOfWork()
    with uow:
        stored = uow.households.add(replace(dupont(), guardians=[Guardian("Nobody", "fr")]))
        assert stored.id is not None
        record_cash(uow, stored.id, Decimal("10"), NOW, "anna")
        uow.commit()
    request_id = _requested(uow, stored.id, "10")
    with uow:
        approve_refund(uow, request_id, "anna", NOW, CANTEENS)
        assert uow.outbox.claim_due(NOW, 10) == []


def test_cash_is_a_staff_top_up() -> None:
    uow = FakeUnitOfWork()
    household_id = _household(uow, balance="1")
    with uow:
        entry = record_cash(uow, household_id, Decimal("20.00"), NOW, "anna", memo="receipt")
        uow.commit()
    assert (entry.method, entry.amount, entry.source) == (
        PaymentMethod.CASH,
        Decimal("20.00"),
        Source("staff", staff_user="anna"),
    )
    with uow, pytest.raises(MoneyError, match="does not exist"):
        request_refund(uow, 999, IBAN, None, NOW, "cli")


def test_export_writes_the_approved_refunds_once(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    uow = uow_factory()
    household_id = _household(uow)
    first, second = _requested(uow, household_id, "10.00"), _requested(uow, household_id, "5.50")
    with uow:
        approve_refund(uow, first, "anna", NOW, CANTEENS)
        approve_refund(uow, second, "anna", NOW, CANTEENS)
        uow.commit()
    with uow:
        document, done = export_refunds(uow, DEBTOR, NOW, date(2026, 11, 23))
        uow.commit()
    assert [r.id for r in done] == [first, second]
    root = fromstring(document)
    q = f"{{{NAMESPACE}}}"
    assert root.findtext(f"{q}CstmrCdtTrfInitn/{q}GrpHdr/{q}CtrlSum") == "15.50"
    with uow:
        assert refunds_to_pay(uow) == []
        assert all(r.exported_at == NOW for r in uow.money.refunds(RefundStatus.APPROVED))
        with pytest.raises(PainError, match="no approved refund"):
            export_refunds(uow, DEBTOR, NOW, date(2026, 11, 23))
