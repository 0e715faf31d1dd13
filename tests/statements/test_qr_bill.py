"""Payment references and QR-bills: validated by python-stdnum and qrbill, the QR code decoded back by zxing-cpp."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from stdnum import iso11649
from stdnum.ch import esr

from core.canteen import Billing, Canteen, CanteenConfigError, parse_canteen
from statements.qr_reference import (
    PaymentReferenceError,
    canteen_digits,
    creditor_reference,
    format_reference,
    household_of_reference,
    payment_reference,
    qr_reference,
)
from statements.qrbill_pdf import TopUpError, qr_bill, qrbill_pdf, qrbill_svg, top_up

ROOT = Path(__file__).resolve().parents[2]


def canteen(name: str) -> Canteen:
    return parse_canteen((ROOT / f"config/canteens/{name}.toml").read_text(encoding="utf-8"), f"{name}.toml")


MONTVAL, LEYSIN = canteen("montval"), canteen("leysin")


@pytest.mark.parametrize("household_id", [0, 1, 7, 42, 123_456, 10**19])
def test_qr_references_are_27_digits_with_a_valid_check_digit_and_lead_back(household_id: int) -> None:
    reference = qr_reference(MONTVAL, household_id)
    assert len(reference) == 27
    assert reference.isdigit()
    assert esr.is_valid(reference)
    assert reference.startswith(canteen_digits("montval"))
    assert household_of_reference(MONTVAL, reference) == household_id
    assert household_of_reference(MONTVAL, format_reference(reference)) == household_id


@pytest.mark.parametrize("household_id", [1, 7, 999_999_999])
def test_creditor_references_are_valid_iso_11649_and_lead_back(household_id: int) -> None:
    reference = creditor_reference(LEYSIN, household_id)
    assert reference.startswith("RF")
    assert iso11649.is_valid(reference)
    assert household_of_reference(LEYSIN, reference) == household_id
    assert household_of_reference(LEYSIN, format_reference(reference).lower()) == household_id


def test_references_are_permanent_and_differ_between_households_and_canteens() -> None:
    assert qr_reference(MONTVAL, 7) == qr_reference(MONTVAL, 7) == "240630000000000000000000076"
    assert qr_reference(MONTVAL, 7) != qr_reference(MONTVAL, 8)
    assert qr_reference(MONTVAL, 7) != qr_reference(LEYSIN, 7)
    assert household_of_reference(LEYSIN, qr_reference(MONTVAL, 7)) is None
    assert household_of_reference(MONTVAL, creditor_reference(LEYSIN, 7)) is None


def test_a_bank_customer_id_opens_the_qr_reference() -> None:
    assert MONTVAL.billing is not None
    with_prefix = replace(MONTVAL, billing=replace(MONTVAL.billing, reference_prefix="210000"))
    reference = qr_reference(with_prefix, 7)
    assert reference.startswith("210000")
    assert esr.is_valid(reference)
    assert household_of_reference(with_prefix, reference) == 7


@pytest.mark.parametrize(
    "written",
    ["", "12345", "240630000000000000000000077", "RF00240630000000007", "RF69 2406 3012 3456 78X", "hello"],
)
def test_mistyped_references_lead_nowhere(written: str) -> None:
    assert household_of_reference(MONTVAL, written) is None


@pytest.mark.parametrize(
    ("make", "household_id"), [(qr_reference, -1), (qr_reference, 10**21), (creditor_reference, 10**9)]
)
def test_household_ids_that_do_not_fit_are_refused(make: object, household_id: int) -> None:
    with pytest.raises(PaymentReferenceError):
        make(MONTVAL, household_id)  # type: ignore[operator]  # the table holds the two reference functions


def test_the_account_decides_the_reference_type() -> None:
    assert payment_reference(MONTVAL, 7).isdigit()  # QR-IBAN: QR reference
    assert payment_reference(LEYSIN, 7).startswith("RF")  # plain IBAN: creditor reference
    assert MONTVAL.billing is not None
    assert MONTVAL.billing.is_qr_iban
    assert LEYSIN.billing is not None
    assert not LEYSIN.billing.is_qr_iban


def decode(pdf: bytes, tmp_path: Path) -> list[str]:
    (tmp_path / "bill.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "bill.pdf"), str(tmp_path / "bill")],
        check=True,
        timeout=60,
    )
    [code] = zxingcpp.read_barcodes(Image.open(tmp_path / "bill.png"))
    assert code.format == zxingcpp.BarcodeFormat.QRCode
    return code.text.splitlines()


def test_a_qr_iban_bill_decodes_to_the_iban_the_amount_and_the_qr_reference(tmp_path: Path) -> None:
    payload = decode(qrbill_pdf(top_up(MONTVAL, 7, "Dupont", Decimal("150")), "fr"), tmp_path)
    assert payload[:3] == ["SPC", "0200", "1"]
    assert payload[3] == "CH4431999123000889012"
    assert "150.00" in payload
    assert "CHF" in payload
    assert payload[payload.index("QRR") + 1] == qr_reference(MONTVAL, 7)
    assert "Commune de Montval, Réfectoire scolaire" in payload


def test_a_plain_iban_bill_without_amount_carries_the_creditor_reference(tmp_path: Path) -> None:
    payload = decode(qrbill_pdf(top_up(LEYSIN, 7, "Dupont"), "de"), tmp_path)
    assert payload[3] == "CH9300762011623852957"
    assert payload[payload.index("SCOR") + 1] == creditor_reference(LEYSIN, 7)
    amount_index = payload.index("CHF") - 1
    assert payload[amount_index] == ""  # no amount: the payer fills it in


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("fr", ["Versement sur le compte repas", "Famille Dupont", "Référence : 24 06300", "Montant : 150,00 CHF",
                "Section paiement"]),
        ("de", ["Einzahlung auf das Verpflegungskonto", "Familie Dupont", "Konto (IBAN): CH44 3199 9123 0008 8901 2",
                "Zahlteil"]),
        ("en", ["Top-up of the meal account", "Dupont family", "Amount: CHF 150.00", "Payment part"]),
    ],
)  # fmt: skip
def test_the_page_explains_in_the_family_language(language: str, phrases: list[str], tmp_path: Path) -> None:
    (tmp_path / "bill.pdf").write_bytes(qrbill_pdf(top_up(MONTVAL, 7, "Dupont", Decimal("150.00")), language))
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "bill.pdf"), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    for phrase in phrases:
        assert phrase in text, (language, phrase)


def test_the_svg_is_the_library_s_own_and_validated() -> None:
    topup = top_up(MONTVAL, 7, "Dupont", Decimal("12.50"))
    assert qr_bill(topup, "it").language == "it"
    assert qr_bill(topup, "rm").language == "fr"
    svg = qrbill_svg(topup, "fr")
    assert svg.startswith("<?xml")
    assert "12.50" in svg
    assert topup.reference_type == "QRR"
    assert topup.printed_iban == "CH44 3199 9123 0008 8901 2"


@pytest.mark.parametrize("amount", ["0", "-5", "12.345", "1000000000"])
def test_unpayable_amounts_are_refused(amount: str) -> None:
    with pytest.raises(TopUpError, match="amount"):
        top_up(MONTVAL, 7, "Dupont", Decimal(amount))


def test_a_canteen_without_billing_takes_no_qr_bill() -> None:
    with pytest.raises(TopUpError, match="no \\[billing\\] section"):
        top_up(replace(MONTVAL, billing=None), 7, "Dupont")


BILLING = """
[billing]
creditor = "Cantine"
postal_code = "1880"
city = "Montval"
iban = "{iban}"
{extra}
"""


def with_billing(iban: str = "CH44 3199 9123 0008 8901 2", extra: str = "") -> str:
    text = (ROOT / "config/canteens/montval.toml").read_text(encoding="utf-8")
    text = text[: text.index("[billing]")] + text[text.index("[school_year]") :]
    return text + BILLING.format(iban=iban, extra=extra)


def test_a_minimal_billing_section_is_read() -> None:
    billing = parse_canteen(with_billing(), "x.toml").billing
    assert billing == Billing("Cantine", "", "", "1880", "Montval", "CH", "CH4431999123000889012")


@pytest.mark.parametrize(
    ("iban", "extra", "problem"),
    [
        ("CH44 3199 9123 0008 8901 3", "", "billing.iban': is not a valid IBAN"),
        ("DE89 3704 0044 0532 0130 00", "", "must be a Swiss or Liechtenstein IBAN"),
        ("CH44 3199 9123 0008 8901 2", 'reference_prefix = "12ab"', "reference_prefix': must be up to 10 digits"),
        ("CH44 3199 9123 0008 8901 2", 'country = "Suisse"', "country': must be an ISO 3166 code"),
        ("CH44 3199 9123 0008 8901 2", 'swift = "X"', "swift': is not a billing key"),
    ],
)
def test_bad_billing_sections_name_the_key(iban: str, extra: str, problem: str) -> None:
    with pytest.raises(CanteenConfigError, match=re.escape(problem)):
        parse_canteen(with_billing(iban, extra), "x.toml")


def test_an_empty_creditor_is_refused() -> None:
    text = with_billing().replace('creditor = "Cantine"', 'creditor = "  "')
    with pytest.raises(CanteenConfigError, match=re.escape("billing.creditor': must not be empty")):
        parse_canteen(text, "x.toml")
