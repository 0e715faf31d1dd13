"""Permanent payment references of a household: the 27-digit QR reference (QR-IBAN) or the RF creditor reference.

Both are derived from the canteen and the household id alone, so a family can keep one standing order, and
the bank-file import finds the household back from the reference of any credit (`household_of_reference`).
QR reference: prefix digits (the bank's customer id, or six digits derived from the canteen id), the household
id zero-padded to 26 digits, then the mod-10 recursive check digit (python-stdnum, ch.esr).
Creditor reference (ISO 11649, for a plain IBAN): "RF", two check digits, the six-digit canteen prefix and
the household id on nine digits.
"""

from __future__ import annotations

import hashlib

from stdnum import iso11649
from stdnum.ch import esr

from core.canteen import Billing, Canteen

QR_BODY_DIGITS = 26
CANTEEN_DIGITS = 6
SCOR_HOUSEHOLD_DIGITS = 9


class PaymentReferenceError(ValueError):
    """A household id that no reference can carry (negative or too long)."""


def canteen_digits(canteen_id: str) -> str:
    """Six digits standing for a canteen in its references (stable: derived from the id's SHA-256)."""
    return f"{int(hashlib.sha256(canteen_id.encode('utf-8')).hexdigest(), 16) % 10**CANTEEN_DIGITS:0{CANTEEN_DIGITS}d}"


def qr_prefix(canteen: Canteen) -> str:
    """The digits opening every QR reference of the canteen: the bank's customer id if configured."""
    billing: Billing | None = canteen.billing
    return billing.reference_prefix if billing and billing.reference_prefix else canteen_digits(canteen.id)


def qr_reference(canteen: Canteen, household_id: int) -> str:
    """The household's permanent 27-digit QR reference (compact, no spaces)."""
    prefix = qr_prefix(canteen)
    width = QR_BODY_DIGITS - len(prefix)
    if household_id < 0 or len(str(household_id)) > width:
        raise PaymentReferenceError(f"household id {household_id} does not fit a QR reference after prefix {prefix}")
    body = f"{prefix}{household_id:0{width}d}"
    return esr.validate(body + esr.calc_check_digit(body))


def creditor_reference(canteen: Canteen, household_id: int) -> str:
    """The household's permanent creditor reference (ISO 11649 "RF…", compact), for canteens with a plain IBAN."""
    if household_id < 0 or len(str(household_id)) > SCOR_HOUSEHOLD_DIGITS:
        raise PaymentReferenceError(f"household id {household_id} does not fit a creditor reference")
    body = f"{canteen_digits(canteen.id)}{household_id:0{SCOR_HOUSEHOLD_DIGITS}d}"
    digits = int(body + "271500")  # body + "RF00", letters as numbers (R = 27, F = 15)
    return iso11649.validate(f"RF{98 - digits % 97:02d}{body}")


def payment_reference(canteen: Canteen, household_id: int) -> str:
    """The reference a QR-bill of this canteen carries: QR reference on a QR-IBAN, else creditor reference."""
    if canteen.billing is not None and canteen.billing.is_qr_iban:
        return qr_reference(canteen, household_id)
    return creditor_reference(canteen, household_id)


def format_reference(reference: str) -> str:
    """The reference as printed for people: QR reference in blocks of five from the right, RF in blocks of four."""
    if reference.upper().startswith("RF"):
        return str(iso11649.format(reference))
    return str(esr.format(reference))


def household_of_reference(canteen: Canteen, reference: str) -> int | None:
    """The household a payment reference stands for in this canteen, or None (another canteen's, mistyped)."""
    compact = "".join(reference.split()).upper()
    if compact.startswith("RF"):
        if not iso11649.is_valid(compact):
            return None
        body, prefix = compact[4:], canteen_digits(canteen.id)
        rest = body[len(prefix) :]
    else:
        if not compact.isdigit() or len(compact) != QR_BODY_DIGITS + 1 or not esr.is_valid(compact):
            return None
        body, prefix = compact[:-1], qr_prefix(canteen)
        rest = body[len(prefix) :]
    if not body.startswith(prefix) or not rest.isdigit():
        return None
    return int(rest)
