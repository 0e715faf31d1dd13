"""Refund rules: IBAN checks (QR-IBAN refused), amounts within the balance, the decision states."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core.model import DomainError
from core.refunds import (
    IbanProblem,
    RefundProblem,
    RefundRequest,
    RefundStatus,
    approved,
    check_refund_iban,
    exported,
    format_iban,
    is_qr_iban,
    refund_amount,
    refused,
)

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "iban", "problem"),
    [
        ("CH93 0076 2011 6238 5295 7", "CH9300762011623852957", None),
        ("ch9300762011623852957", "CH9300762011623852957", None),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000", None),
        ("LI21 0881 0000 2324 013A A", "LI21088100002324013AA", None),
        ("CH93 0076 2011 6238 5295 8", None, IbanProblem.CHECKSUM),
        ("CH93 0076 2011 6238 5295", None, IbanProblem.LENGTH),
        ("XX89 3704 0044 0532 0130 00", None, IbanProblem.COUNTRY),
        ("hello", None, IbanProblem.FORMAT),
        ("12", None, IbanProblem.FORMAT),
        ("CH44 3199 9123 0008 8901 2", "CH4431999123000889012", IbanProblem.QR_IBAN),
    ],
)
def test_refund_iban_checks(text: str, iban: str | None, problem: IbanProblem | None) -> None:
    check = check_refund_iban(text)
    assert (check.iban, check.problem, check.ok) == (iban, problem, problem is None)


@pytest.mark.parametrize(
    ("compact", "qr"),
    [
        ("CH4431999123000889012", True),
        ("CH4430000123000889012", True),
        ("CH4432000123000889012", False),
        ("CH9300762011623852957", False),
        ("DE89310000440532013000", False),
    ],
)
def test_qr_iban_is_an_iid_from_30000_to_31999_on_swiss_and_liechtenstein_ibans(compact: str, qr: bool) -> None:
    assert is_qr_iban(compact) is qr


def test_format_iban_groups_by_four() -> None:
    assert format_iban("CH9300762011623852957") == "CH93 0076 2011 6238 5295 7"


D = Decimal


@pytest.mark.parametrize(
    ("requested", "balance", "pending", "amount", "problem", "available"),
    [
        (None, D("42.50"), D("0"), D("42.50"), None, D("42.50")),
        (None, D("42.50"), D("40.00"), D("2.50"), None, D("2.50")),
        (D("20"), D("42.50"), D("0"), D("20.00"), None, D("42.50")),
        (D("42.50"), D("42.50"), D("0"), D("42.50"), None, D("42.50")),
        (D("42.51"), D("42.50"), D("0"), None, RefundProblem.TOO_MUCH, D("42.50")),
        (D("10"), D("42.50"), D("40"), None, RefundProblem.TOO_MUCH, D("2.50")),
        (None, D("0.00"), D("0"), None, RefundProblem.NOTHING, D("0.00")),
        (None, D("-5.00"), D("0"), None, RefundProblem.NOTHING, D("0.00")),
        (None, D("10.00"), D("10.00"), None, RefundProblem.NOTHING, D("0.00")),
        (D("0"), D("10.00"), D("0"), None, RefundProblem.INVALID_AMOUNT, D("10.00")),
        (D("1.001"), D("10.00"), D("0"), None, RefundProblem.INVALID_AMOUNT, D("10.00")),
    ],
)
def test_refund_amount_never_exceeds_what_is_available(
    requested: Decimal | None,
    balance: Decimal,
    pending: Decimal,
    amount: Decimal | None,
    problem: RefundProblem | None,
    available: Decimal,
) -> None:
    result = refund_amount(requested, balance, pending)
    assert (result.amount, result.problem, result.available) == (amount, problem, available)


def _request() -> RefundRequest:
    return RefundRequest(1, "CH9300762011623852957", D("20.00"), NOW, "sms", id=7)


def test_approval_books_and_refusal_needs_a_reason() -> None:
    done = approved(_request(), "anna", NOW, ledger_entry_id=99)
    assert (done.status, done.decided_by, done.ledger_entry_id) == (RefundStatus.APPROVED, "anna", 99)
    no = refused(_request(), "anna", NOW, "  account closed ")
    assert (no.status, no.reason) == (RefundStatus.REFUSED, "account closed")
    with pytest.raises(DomainError, match="needs a reason"):
        refused(_request(), "anna", NOW, " ")
    with pytest.raises(DomainError, match="already approved"):
        refused(done, "anna", NOW, "late")
    with pytest.raises(DomainError, match="already refused"):
        approved(no, "anna", NOW, 1)


def test_only_approved_requests_are_exported() -> None:
    assert exported(approved(_request(), "anna", NOW, 1), NOW).exported_at == NOW
    with pytest.raises(DomainError, match="only approved"):
        exported(_request(), NOW)
