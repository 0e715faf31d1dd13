"""Money received outside the desk: bank-file credits and online-payment events, as records kept for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class BankPaymentStatus(StrEnum):
    """Whether an imported credit reached a household's account."""

    MATCHED = "matched"  # its reference named a household: booked as a top-up
    UNMATCHED = "unmatched"  # no household for its reference: waits for staff
    RESOLVED = "resolved"  # a person assigned it to a household: booked then


@dataclass(frozen=True)
class BankPayment:
    """One credit read from a bank file; the bank's AcctSvcrRef is stored once, so it is booked once."""

    acct_svcr_ref: str
    amount: Decimal
    currency: str
    reference: str | None  # QR reference or RF… creditor reference as paid (compact)
    booked_on: date | None
    debtor_name: str
    source_file: str
    imported_at: datetime
    status: BankPaymentStatus
    household_id: int | None = None
    ledger_entry_id: int | None = None
    message: str = ""  # the payer's free text, if any
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    id: int | None = None


class OnlinePaymentStatus(StrEnum):
    """What became of a provider's payment event."""

    CREDITED = "credited"  # the ledger was credited
    DUPLICATE = "duplicate"  # another event of the same checkout had credited it already
    UNMATCHED = "unmatched"  # paid, but no known household in its metadata: waits for staff


def checkout_reference(provider: str, checkout_id: str) -> str:
    """The ledger reference of an online checkout: one credit per checkout, however many events confirm it."""
    return f"{provider}:{checkout_id}"


@dataclass(frozen=True)
class OnlinePayment:
    """A confirmed payment event of an online provider (card, TWINT), recorded once per event id."""

    provider: str  # "stripe"
    event_id: str  # the provider's event id: a replayed webhook finds it stored
    session_id: str  # the checkout the event confirms: credited at most once
    amount: Decimal
    currency: str
    received_at: datetime
    status: OnlinePaymentStatus
    household_id: int | None = None
    ledger_entry_id: int | None = None
    id: int | None = None
