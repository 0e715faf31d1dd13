"""Refund requests: IBAN checks (QR-IBANs refused), amount within the balance, requested → approved/refused."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from schwifty import IBAN
from schwifty.exceptions import (
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    SchwiftyException,
)

from core.ledger import money
from core.model import DomainError
from core.rules import amount_problem, require_aware

# A QR-IID (the bank code of a CH/LI IBAN) between these marks a QR-IBAN: it receives QR payments only.
QR_IID_RANGE = range(30000, 32000)


class IbanProblem(StrEnum):
    """Why an IBAN cannot receive a refund (a message key suffix: `money.iban.<problem>`)."""

    FORMAT = "format"  # not shaped like an IBAN, or its account part is malformed for the country
    COUNTRY = "country"  # unknown country code
    LENGTH = "length"  # wrong length for its country
    CHECKSUM = "checksum"  # the two check digits do not match (a typo)
    QR_IBAN = "qr_iban"  # a QR-IBAN (CH/LI, IID 30000–31999): for QR-bills only, never for transfers


class RefundProblem(StrEnum):
    """Why an amount cannot be refunded (a message key suffix: `money.refund.<problem>`)."""

    NOTHING = "nothing"  # nothing left to refund (balance, less what is already asked, is zero or below)
    TOO_MUCH = "too_much"  # more than the balance less what is already asked
    INVALID_AMOUNT = "invalid_amount"  # zero, negative or with more than two decimals


class RefundStatus(StrEnum):
    """Where a refund request stands: a person decides, never the machine."""

    REQUESTED = "requested"
    APPROVED = "approved"  # approved by staff and booked on the ledger (ledger_entry_id set)
    REFUSED = "refused"


@dataclass(frozen=True)
class IbanCheck:
    """The IBAN in compact form when it may receive a refund, else the problem found."""

    iban: str | None
    problem: IbanProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_refund_iban(text: str) -> IbanCheck:
    """Validate an IBAN for a refund: country, length, check digits, account format; QR-IBANs refused."""
    compact = "".join(text.split()).upper()
    try:
        iban = IBAN(compact)
    except InvalidCountryCode:
        return IbanCheck(None, IbanProblem.COUNTRY)
    except InvalidLength:
        return IbanCheck(None, IbanProblem.LENGTH)
    except InvalidChecksumDigits:
        return IbanCheck(None, IbanProblem.CHECKSUM)
    except SchwiftyException:
        return IbanCheck(None, IbanProblem.FORMAT)
    if is_qr_iban(iban.compact):
        return IbanCheck(iban.compact, IbanProblem.QR_IBAN)
    return IbanCheck(iban.compact, None)


def is_qr_iban(compact: str) -> bool:
    """A Swiss or Liechtenstein IBAN whose IID (positions 5–9) is a QR-IID (30000–31999)."""
    iid = compact[4:9]
    return compact[:2] in ("CH", "LI") and iid.isdigit() and int(iid) in QR_IID_RANGE


def format_iban(compact: str) -> str:
    """An IBAN in groups of four, as people read it."""
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


@dataclass(frozen=True)
class RefundAmount:
    """The amount to refund when it is possible, else why not; `available` is what could be refunded."""

    amount: Decimal | None
    problem: RefundProblem | None
    available: Decimal


def refund_amount(requested: Decimal | None, balance: Decimal, already_requested: Decimal) -> RefundAmount:
    """The amount a new request may take: no amount means everything available; never more than that.

    `available` = the balance less the amounts of requests still waiting for a decision.
    """
    available = money(balance - already_requested)
    if available <= 0:
        return RefundAmount(None, RefundProblem.NOTHING, max(available, Decimal("0.00")))
    if requested is None:
        return RefundAmount(available, None, available)
    if amount_problem(requested) is not None:
        return RefundAmount(None, RefundProblem.INVALID_AMOUNT, available)
    if requested > available:
        return RefundAmount(None, RefundProblem.TOO_MUCH, available)
    return RefundAmount(money(requested), None, available)


@dataclass(frozen=True)
class RefundRequest:
    """A family's request to be paid back, kept for staff approval (a person checks within 15 days)."""

    household_id: int
    iban: str  # compact, already checked
    amount: Decimal
    requested_at: datetime
    source_channel: str  # "email", "sms", "telegram", "console", "cli"
    account_holder: str = ""  # the creditor name of the transfer (the household's name by default)
    inbound_id: int | None = None  # the message that asked, when it came by message
    requested_by: str | None = None  # the staff user who entered it, when a person did
    status: RefundStatus = RefundStatus.REQUESTED
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str = ""  # why it was refused (shown to the family)
    ledger_entry_id: int | None = None  # the refund entry booked on approval
    exported_at: datetime | None = None  # when it went into a pain.001 file for the bank
    id: int | None = None


def approved(request: RefundRequest, by: str, at: datetime, ledger_entry_id: int) -> RefundRequest:
    """The request approved by `by` and booked as ledger entry `ledger_entry_id`."""
    _require_open(request)
    return replace(
        request,
        status=RefundStatus.APPROVED,
        decided_by=by,
        decided_at=require_aware(at),
        ledger_entry_id=ledger_entry_id,
    )


def refused(request: RefundRequest, by: str, at: datetime, reason: str) -> RefundRequest:
    """The request refused by `by`, with the reason the family is told."""
    _require_open(request)
    if not reason.strip():
        raise DomainError("a refused refund needs a reason for the family")
    return replace(
        request, status=RefundStatus.REFUSED, decided_by=by, decided_at=require_aware(at), reason=reason.strip()
    )


def exported(request: RefundRequest, at: datetime) -> RefundRequest:
    """The approved request once written into a credit-transfer file."""
    if request.status is not RefundStatus.APPROVED:
        raise DomainError(f"refund request {request.id} is {request.status}: only approved refunds are exported")
    return replace(request, exported_at=require_aware(at))


def _require_open(request: RefundRequest) -> None:
    if request.status is not RefundStatus.REQUESTED:
        raise DomainError(f"refund request {request.id} is already {request.status}")
