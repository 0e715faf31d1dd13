"""Statements and QR-bill top-ups through the whole road: PDFs attached by email, emailed or summed up by SMS."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from stdnum.ch import esr

from core import ledger
from core.canteen import MealType
from core.messages import Channel, MessageStatus, OutgoingMessage
from core.model import Guardian, Household, PaymentMethod, Source
from core.unit_of_work import AbstractUnitOfWork
from statements.qr_reference import creditor_reference, format_reference, qr_reference
from tests.fakes import FakeUnitOfWork
from tests.pipeline.road import Road, matched

MONDAY = "2026-11-23T10:00:00+01:00"
CLAIRE_SMS = "+41791234567"
CLAIRE_MAIL = "claire.dupont@example.ch"
JANE_MAIL = "jane.smith@example.com"
ANNA_MAIL = "anna.mueller@example.de"
ANNA_SMS = "+41795556677"
PAULINE_MAIL = "pauline.favre@example.ch"
PAUL_SMS = "+41791112233"  # a guardian known by phone only
SOURCE = Source("demo")


def household_named(uow: AbstractUnitOfWork, name: str) -> Household:
    return next(h for h in uow.households.list() if h.name == name)


def november_meals(uow_factory: Callable[[], AbstractUnitOfWork], family: str) -> int:
    """Two meals charged in November for the family's first child and one re-credited; returns the household id."""
    with uow_factory() as uow:
        household = household_named(uow, family)
        assert household.id is not None
        child = household.children[0]
        assert child.id is not None
        at = datetime.fromisoformat("2026-11-02T07:00:00+01:00")
        for day in (date(2026, 11, 3), date(2026, 11, 5)):
            uow.ledger.add(
                ledger.meal_charge(household.id, child.id, day, MealType.NORMAL, Decimal("7.50"), at, SOURCE)
            )
        uow.ledger.add(
            ledger.meal_credit(household.id, child.id, date(2026, 11, 5), MealType.NORMAL, Decimal("7.50"), at, SOURCE)
        )
        uow.ledger.add(ledger.top_up(household.id, Decimal("50"), PaymentMethod.CASH, at, SOURCE))
        uow.commit()
        return household.id


@pytest.fixture
def road() -> Road:
    fake = FakeUnitOfWork()
    road = Road.with_demo_families(lambda: fake, MONDAY)
    november_meals(road.uow_factory, "Dupont")
    november_meals(road.uow_factory, "Smith")
    november_meals(road.uow_factory, "Müller")
    with road.uow_factory() as uow:
        uow.households.add(
            Household("Rey", [Guardian("Paul Rey", "fr", [], [PAUL_SMS])], [*household_named(uow, "Martin").children])
        )
        uow.commit()
    return road


def pdf_text(attachment_data: bytes, tmp_path: Path) -> str:
    (tmp_path / "a.pdf").write_bytes(attachment_data)
    done = subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize(
    ("sender", "text", "reply", "filename", "in_pdf"),
    [
        (CLAIRE_MAIL, "Bonjour, pouvez-vous m'envoyer le décompte de novembre ?",
         "Vous trouverez en pièce jointe : Décompte du 01.11.2026 au 30.11.2026.",
         "decompte-2026-11-01-2026-11-30.pdf",
         ["Famille Dupont", "Alban : 1 repas", "7,50 CHF", "Versement (espèces)"]),
        (JANE_MAIL, "Could you send me a statement for November?",
         "Please find attached: Statement from 01.11.2026 to 30.11.2026.",
         "statement-2026-11-01-2026-11-30.pdf", ["Smith family", "Oliver: 1 meals", "CHF 7.50"]),
        (ANNA_MAIL, "Bitte senden Sie mir die Steuerbescheinigung 2026.",
         "Im Anhang finden Sie: Steuerbescheinigung 2026.",
         "steuerbescheinigung-2026.pdf", ["Familie Müller", "Lukas: 1 Mahlzeiten", "Total Verpflegungskosten"]),
    ],
)  # fmt: skip
def test_a_statement_by_email_comes_attached_in_the_guardian_language(
    road: Road, sender: str, text: str, reply: str, filename: str, in_pdf: list[str], tmp_path: Path
) -> None:
    stored = road.send(sender, text, "email", subject="Cantine")
    assert stored.status is MessageStatus.DONE
    assert matched(stored) == ["understood"]
    [answer] = road.replies_to(stored)
    assert reply in answer.text
    [attachment] = answer.attachments
    assert (attachment.filename, attachment.content_type) == (filename, "application/pdf")
    content = pdf_text(attachment.data, tmp_path)
    for phrase in ["Réfectoire scolaire de Montval", *in_pdf]:
        assert phrase in content, phrase


def test_the_tax_statement_closes_on_the_ledger_balance(road: Road, tmp_path: Path) -> None:
    stored = road.send(
        CLAIRE_MAIL, "Pouvez-vous m'envoyer une attestation fiscale pour 2026 ?", "email", subject="Impôts"
    )
    [attachment] = road.replies_to(stored)[0].attachments
    content = pdf_text(attachment.data, tmp_path)
    assert "Décompte fiscal 2026" in content
    assert road.balance("Dupont") == "442.50"  # 400 + 50 - 7.50
    assert "442,50 CHF" in content


def test_a_statement_asked_by_sms_is_emailed_and_the_sms_says_so(road: Road) -> None:
    stored = road.send(CLAIRE_SMS, "décompte novembre")
    by_channel = {reply.channel: reply for reply in road.replies_to(stored)}
    assert by_channel[Channel.SMS].text == (
        "Décompte du 01.11.2026 au 30.11.2026 : envoyé par e-mail à claire.dupont@example.ch."
    )
    assert by_channel[Channel.SMS].attachments == ()
    email = by_channel[Channel.EMAIL]
    assert (email.recipient, email.subject) == (CLAIRE_MAIL, "Cantine : Décompte du 01.11.2026 au 30.11.2026")
    assert email.text.startswith("Bonjour Claire,")
    assert email.attachments[0].data.startswith(b"%PDF")


def test_a_statement_asked_by_sms_without_email_gets_a_summary(road: Road) -> None:
    stored = road.send(PAUL_SMS, "décompte novembre")
    [reply] = road.replies_to(stored)
    assert reply.text == (
        "Décompte du 01.11.2026 au 30.11.2026 : solde au début 0,00 CHF, repas 0,00 CHF, versements 0,00 CHF, "
        "solde final 0,00 CHF. Pour recevoir le PDF, donnez-nous une adresse e-mail."
    )


def test_a_statement_by_sms_in_german(road: Road) -> None:
    stored = road.send(ANNA_SMS, "Abrechnung November bitte")
    by_channel = {reply.channel: reply for reply in road.replies_to(stored)}
    assert by_channel[Channel.SMS].text == (
        "Abrechnung vom 01.11.2026 bis 30.11.2026: per E-Mail an anna.mueller@example.de gesendet."
    )
    assert by_channel[Channel.EMAIL].text.startswith("Guten Tag Anna")


def bill_reference(road: Road, family: str) -> str:
    with road.uow_factory() as uow:
        household = household_named(uow, family)
    assert household.id is not None
    canteen = road.canteens[household.children[0].canteen_id]
    maker = qr_reference if canteen.billing and canteen.billing.is_qr_iban else creditor_reference
    return maker(canteen, household.id)


def test_a_top_up_by_email_gets_the_qr_bill_with_the_amount(road: Road, tmp_path: Path) -> None:
    stored = road.send(CLAIRE_MAIL, "Je voudrais recharger le compte de 100 francs", "email", subject="Recharge")
    assert stored.status is MessageStatus.DONE
    [answer] = road.replies_to(stored)
    reference = bill_reference(road, "Dupont")
    assert esr.is_valid(reference)
    assert "Votre bulletin de versement (QR-facture) est en pièce jointe." in answer.text
    assert f"IBAN CH44 3199 9123 0008 8901 2, référence {format_reference(reference)}" in answer.text
    assert "Montant : 100,00 CHF." in answer.text
    [attachment] = answer.attachments
    assert attachment.filename == "bulletin-versement.pdf"
    content = pdf_text(attachment.data, tmp_path)
    assert "Famille Dupont" in content
    assert "100.00" in content


def test_a_top_up_by_sms_gives_iban_and_reference_and_emails_the_bill(road: Road) -> None:
    stored = road.send(CLAIRE_SMS, "Comment recharger le compte ?")
    by_channel = {reply.channel: reply for reply in road.replies_to(stored)}
    reference = format_reference(bill_reference(road, "Dupont"))
    assert by_channel[Channel.SMS].text == (
        f"Pour alimenter le compte repas : IBAN CH44 3199 9123 0008 8901 2, référence {reference} (elle ne change pas "
        "pour votre famille). Le bulletin de versement (QR-facture) a été envoyé à claire.dupont@example.ch."
    )
    email: OutgoingMessage = by_channel[Channel.EMAIL]
    assert email.subject == "Cantine : bulletin de versement"
    assert email.attachments[0].filename == "bulletin-versement.pdf"


def test_a_top_up_by_sms_without_email_gives_the_details_only(road: Road) -> None:
    stored = road.send(PAUL_SMS, "Comment recharger le compte ?")
    [reply] = road.replies_to(stored)
    assert reply.text.startswith("Pour alimenter le compte repas : IBAN CH44 3199 9123 0008 8901 2, référence ")
    assert "envoyé" not in reply.text


def test_a_top_up_at_a_canteen_with_a_plain_iban_uses_a_creditor_reference(road: Road) -> None:
    stored = road.send(PAULINE_MAIL, "Je voudrais recharger le compte", "email", subject="Recharge")
    [answer] = road.replies_to(stored)
    reference = bill_reference(road, "Favre")
    assert reference.startswith("RF")
    assert f"IBAN CH93 0076 2011 6238 5295 7, référence {format_reference(reference)}" in answer.text
    assert "Montant" not in answer.text


@pytest.mark.parametrize(
    ("sender", "text", "expected"),
    [
        (JANE_MAIL, "How can I top up the account? 50 CHF", ["Your QR-bill", "Amount: CHF 50.00."]),
        (ANNA_MAIL, "Einzahlungsschein bitte", ["Ihr Einzahlungsschein (QR-Rechnung) ist im Anhang.", "Referenz"]),
    ],
)
def test_a_top_up_in_english_and_german(road: Road, sender: str, text: str, expected: list[str]) -> None:
    [answer] = road.replies_to(road.send(sender, text, "email", subject="Top-up"))
    for phrase in expected:
        assert phrase in answer.text
    assert answer.attachments[0].filename in ("qr-bill.pdf", "einzahlungsschein.pdf")


def test_a_top_up_at_a_canteen_without_billing_goes_to_staff(road: Road) -> None:
    from dataclasses import replace

    road.canteens["montval"] = replace(road.canteens["montval"], billing=None)
    stored = road.send(CLAIRE_SMS, "Comment recharger le compte ?")
    assert stored.status is MessageStatus.STAFF
    with road.uow_factory() as uow:
        [item] = uow.staff.open_items()
    assert "no [billing] section" in item.reason


def test_on_the_sql_database_the_emailed_pdf_reaches_the_channel(
    uow_factory: Callable[[], AbstractUnitOfWork], tmp_path: Path
) -> None:
    road = Road.with_demo_families(uow_factory, MONDAY)
    november_meals(road.uow_factory, "Dupont")
    stored = road.send(CLAIRE_SMS, "décompte novembre")
    by_channel = {reply.channel: reply for reply in road.replies_to(stored)}
    assert "envoyé par e-mail" in by_channel[Channel.SMS].text
    [attachment] = by_channel[Channel.EMAIL].attachments
    assert "Alban : 1 repas" in pdf_text(attachment.data, tmp_path)
