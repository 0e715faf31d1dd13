"""Console money pages: cash desk with a printable receipt, refunds queue, unmatched bank payments and bank import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.console.auth import SESSION_COOKIE
from bot.web import WebDeps, create_app
from core.money_services import request_refund
from core.payments import BankPaymentStatus, OnlinePaymentStatus
from core.refunds import RefundStatus
from core.settings import PaymentSettings
from core.staff_login import add_account, log_in
from core.unit_of_work import AbstractUnitOfWork
from tests.console.pages_client import PASSWORD, PagesClient, demo_app, logged_in

MONDAY_MORNING = "2026-11-23T07:40:00+01:00"
FIXTURES = Path(__file__).resolve().parents[1] / "statements" / "fixtures"
IBAN = "CH93 0076 2011 6238 5295 7"


@pytest.fixture
def pages(uow_factory: Callable[[], AbstractUnitOfWork]) -> PagesClient:
    return logged_in(uow_factory, MONDAY_MORNING)


def _id(pages: PagesClient, name: str) -> int:
    household = pages.family(name)
    assert household.id is not None
    return household.id


def _balance(pages: PagesClient, name: str) -> Decimal:
    with pages.uow_factory() as uow:
        return uow.ledger.balance(_id(pages, name))


def test_cash_desk_records_a_top_up_and_prints_a_receipt(pages: PagesClient) -> None:
    found = pages.client.get("/console/money", params={"q": "Dupont"})
    assert found.status_code == 200
    household = _id(pages, "Dupont")
    assert f'href="/console/money?household={household}"' in found.text
    page = pages.client.get("/console/money", params={"household": household})
    assert "Solde actuel : 400,00 CHF" in page.text
    token = pages.csrf(f"/console/money?household={household}")
    done = pages.client.post(
        "/console/money/cash",
        data={"csrf_token": token, "household_id": str(household), "amount": "50", "memo": "au guichet"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    receipt = pages.client.get(done.headers["location"])
    assert receipt.status_code == 200
    for words in (
        "Quittance no",
        "Dupont",
        "50,00 CHF",
        "Espèces",
        "alice",
        "450,00 CHF",
        "au guichet",
        "@media print",
    ):
        assert words in receipt.text, words
    assert _balance(pages, "Dupont") == Decimal("450.00")


def test_the_receipt_is_in_the_familys_language(pages: PagesClient) -> None:
    household = _id(pages, "Smith")
    token = pages.csrf("/console/money")
    receipt = pages.client.post(
        "/console/money/cash", data={"csrf_token": token, "household_id": str(household), "amount": "20.50"}
    )
    assert 'lang="en"' in receipt.text
    assert "Receipt no." in receipt.text
    assert "CHF 20.50" in receipt.text
    assert "Retour à la caisse" in receipt.text  # the page around it stays in the staff's language


@pytest.mark.parametrize("amount", ["abc", "0", "-5", "1.005"])
def test_a_bad_cash_amount_is_explained_and_nothing_recorded(pages: PagesClient, amount: str) -> None:
    household = _id(pages, "Martin")
    token = pages.csrf(f"/console/money?household={household}")
    answer = pages.client.post(
        "/console/money/cash", data={"csrf_token": token, "household_id": str(household), "amount": amount}
    )
    assert answer.status_code == 400
    assert "pas un montant valable" in answer.text
    assert _balance(pages, "Martin") == Decimal("200.00")


def test_cash_needs_the_csrf_token_and_a_known_family(pages: PagesClient) -> None:
    household = _id(pages, "Martin")
    forged = pages.client.post("/console/money/cash", data={"household_id": str(household), "amount": "10"})
    assert forged.status_code == 403
    token = pages.csrf("/console/money")
    missing = pages.client.post(
        "/console/money/cash", data={"csrf_token": token, "household_id": "9999", "amount": "5"}
    )
    assert missing.status_code == 404
    assert pages.client.get("/console/money/receipts/9999").status_code == 404


def _request(pages: PagesClient, name: str, amount: str | None = None) -> int:
    with pages.uow_factory() as uow:
        outcome = request_refund(
            uow, _id(pages, name), IBAN, Decimal(amount) if amount else None, pages.clock.now(), "sms"
        )
        uow.commit()
    assert outcome.request is not None
    assert outcome.request.id is not None
    return outcome.request.id


def test_refunds_queue_approve_and_refuse(pages: PagesClient) -> None:
    first, second = _request(pages, "Dupont", "100"), _request(pages, "Martin")
    page = pages.client.get("/console/money/refunds")
    assert "CH93 0076 2011 6238 5295 7" in page.text
    assert "à décider d'ici au mardi 8.12" in page.text or "à décider d&#39;ici au mardi 8.12" in page.text
    assert "en retard" not in page.text
    token = pages.csrf("/console/money/refunds")
    approved = pages.client.post(f"/console/money/refunds/{first}/approve", data={"csrf_token": token})
    assert approved.status_code == 200  # followed the redirect
    assert "Remboursement approuvé et comptabilisé" in approved.text
    assert _balance(pages, "Dupont") == Decimal("300.00")
    again = pages.client.post(f"/console/money/refunds/{first}/approve", data={"csrf_token": token})
    assert again.status_code == 409
    no_reason = pages.client.post(f"/console/money/refunds/{second}/refuse", data={"csrf_token": token, "reason": " "})
    assert no_reason.status_code == 400
    refused = pages.client.post(
        f"/console/money/refunds/{second}/refuse", data={"csrf_token": token, "reason": "IBAN d'un tiers"}
    )
    assert "Demande refusée" in refused.text
    assert "IBAN d'un tiers" in refused.text or "IBAN d&#39;un tiers" in refused.text
    with pages.uow_factory() as uow:
        statuses = [r.status for r in uow.money.refunds()]
        notices = uow.outbox.claim_due(pages.clock.now(), 10)
    assert statuses == [RefundStatus.APPROVED, RefundStatus.REFUSED]
    assert len(notices) == 2
    # The export needs the refund account in the settings.
    assert "refund_account_iban" in refused.text
    blocked = pages.client.post("/console/money/refunds/export", data={"csrf_token": token})
    assert blocked.status_code == 409


def test_refund_export_downloads_a_pain001_file(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    app, deps, clock = demo_app(uow_factory, MONDAY_MORNING)
    payments = PaymentSettings(refund_account_name="Commune de Montval", refund_account_iban="CH5604835012345678009")
    app = create_app(WebDeps(replace(deps.settings, payments=payments), uow_factory, clock, canteens=deps.canteens))
    add_account(uow_factory(), "alice", PASSWORD, clock.now(), display_name="Alice")
    token, _ = log_in(uow_factory(), "alice", PASSWORD, clock.now())
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, token)
    pages = PagesClient(client, clock, uow_factory, dict(deps.canteens))
    request_id = _request(pages, "Favre", "40")
    csrf = pages.csrf("/console/money/refunds")
    client.post(f"/console/money/refunds/{request_id}/approve", data={"csrf_token": csrf})
    assert "Télécharger le fichier pain.001" in client.get("/console/money/refunds").text
    exported = client.post("/console/money/refunds/export", data={"csrf_token": csrf})
    assert exported.status_code == 200
    assert exported.headers["content-type"] == "application/xml"
    assert b"<CtrlSum>40.00</CtrlSum>" in exported.content
    assert "Rien à transmettre" in client.get("/console/money/refunds").text


def test_bank_import_then_assign_the_unmatched_payment(pages: PagesClient) -> None:
    token = pages.csrf("/console/money/bank")
    data = (FIXTURES / "camt054_several.xml").read_bytes()
    imported = pages.client.post(
        "/console/money/bank/import",
        data={"csrf_token": token},
        files={"bank_file": ("camt054_several.xml", data, "application/xml")},
    )
    assert imported.status_code == 200
    assert "Import de camt054_several.xml" in imported.text
    assert "sans famille" in imported.text  # the fixture's references are no demo family's
    with pages.uow_factory() as uow:
        unmatched = uow.money.bank_payments(BankPaymentStatus.UNMATCHED)
    assert len(unmatched) == 4
    page = pages.client.get("/console/money/bank")
    assert "Unknown Payer" in page.text
    martin = _id(pages, "Martin")
    assigned = pages.client.post(
        f"/console/money/bank/{unmatched[0].id}/assign", data={"csrf_token": token, "household_id": str(martin)}
    )
    assert "Paiement attribué et comptabilisé" in assigned.text
    assert _balance(pages, "Martin") == Decimal("250.00")
    with pages.uow_factory() as uow:
        [notice] = uow.outbox.claim_due(pages.clock.now(), 10)
    assert notice.recipient == "sophie.martin@example.ch"
    assert "Votre versement de 50,00 CHF est arrivé" in notice.text
    assert "Nouveau solde : 250,00 CHF" in notice.text
    twice = pages.client.post(
        f"/console/money/bank/{unmatched[0].id}/assign", data={"csrf_token": token, "household_id": str(martin)}
    )
    assert twice.status_code == 409
    bad = pages.client.post(
        "/console/money/bank/import",
        data={"csrf_token": token},
        files={"bank_file": ("statement.xml", b"<html/>", "application/xml")},
    )
    assert bad.status_code == 400
    assert "rien n&#39;a été importé" in bad.text or "rien n'a été importé" in bad.text


def test_money_pages_need_a_login(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    app, _, _ = demo_app(uow_factory, MONDAY_MORNING)
    answer = TestClient(app).get("/console/money/refunds", follow_redirects=False)
    assert answer.status_code in (303, 307)


def test_a_request_made_at_the_desk_joins_the_queue(pages: PagesClient) -> None:
    token = pages.csrf("/console/money/refunds")
    favre = str(_id(pages, "Favre"))
    qr = pages.client.post(
        "/console/money/refunds/request",
        data={"csrf_token": token, "household_id": favre, "iban": "CH44 3199 9123 0008 8901 2"},
    )
    assert qr.status_code == 400
    assert "QR-IBAN" in qr.text
    bad = pages.client.post(
        "/console/money/refunds/request", data={"csrf_token": token, "household_id": favre, "iban": IBAN, "amount": "x"}
    )
    assert bad.status_code == 400
    unknown = pages.client.post(
        "/console/money/refunds/request", data={"csrf_token": token, "household_id": "9999", "iban": IBAN}
    )
    assert unknown.status_code == 404
    made = pages.client.post(
        "/console/money/refunds/request",
        data={"csrf_token": token, "household_id": favre, "iban": IBAN, "amount": "30"},
    )
    assert "Demande enregistrée" in made.text
    with pages.uow_factory() as uow:
        [request] = uow.money.refunds()
    assert (request.amount, request.source_channel, request.requested_by) == (Decimal("30.00"), "console", "alice")


def test_a_request_older_than_15_days_is_shown_late(pages: PagesClient) -> None:
    with pages.uow_factory() as uow:
        then = pages.clock.now() - timedelta(days=16)
        late = request_refund(uow, _id(pages, "Rochat"), IBAN, Decimal("5"), then, "sms")
        uow.commit()
    assert late.request is not None
    assert "en retard" in pages.client.get("/console/money/refunds").text


def _online_payment(pages: PagesClient, event: str, amount: str, currency: str = "CHF") -> int:
    """An online payment whose checkout named no known family, recorded as the webhook records it."""
    from statements.payments import ConfirmedPayment, credit_online_payment

    paid = ConfirmedPayment("stripe", event, f"cs_{event}", None, Decimal(amount), currency)
    with pages.uow_factory() as uow:
        stored = credit_online_payment(uow, paid, pages.clock.now(), "CHF", pages.canteens)
        uow.commit()
    assert stored is not None
    assert stored.status is OnlinePaymentStatus.UNMATCHED
    assert stored.id is not None
    return stored.id


def test_an_online_payment_that_reached_no_family_is_assigned_at_the_console(pages: PagesClient) -> None:
    paid = _online_payment(pages, "evt_1", "40.00")
    foreign = _online_payment(pages, "evt_2", "25.00", "EUR")
    page = pages.client.get("/console/money/bank").text
    assert "Paiements en ligne sans famille" in page
    assert "stripe cs_evt_1" in page
    token = pages.csrf("/console/money/bank")
    martin = _id(pages, "Martin")
    before = _balance(pages, "Martin")
    assigned = pages.client.post(
        f"/console/money/online/{paid}/assign", data={"csrf_token": token, "household_id": str(martin)}
    )
    assert "Paiement attribué et comptabilisé" in assigned.text
    assert "stripe cs_evt_1" not in assigned.text  # no longer waiting
    assert _balance(pages, "Martin") == before + Decimal("40.00")
    with pages.uow_factory() as uow:
        credited = uow.money.online_payment(paid)
        [notice] = uow.outbox.claim_due(pages.clock.now(), 10)
        entry = uow.ledger.get(credited.ledger_entry_id) if credited and credited.ledger_entry_id else None
    assert credited is not None
    assert (credited.status, credited.household_id) == (OnlinePaymentStatus.CREDITED, martin)
    assert entry is not None
    assert entry.source.staff_user == "alice"
    assert notice.recipient == "sophie.martin@example.ch"
    assert "40,00 CHF" in notice.text
    for payment_id in (paid, foreign):  # already credited; a currency the ledger does not keep
        refused = pages.client.post(
            f"/console/money/online/{payment_id}/assign", data={"csrf_token": token, "household_id": str(martin)}
        )
        assert refused.status_code == 409
    assert _balance(pages, "Martin") == before + Decimal("40.00")
