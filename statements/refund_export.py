"""Approved refunds not yet paid, written into one pain.001 file for the bank and marked exported."""

from __future__ import annotations

from datetime import date, datetime

from core.refunds import RefundRequest, RefundStatus, exported
from core.unit_of_work import AbstractUnitOfWork
from statements.pain001 import Debtor, PainError, Transfer, build_pain001


def refunds_to_pay(uow: AbstractUnitOfWork) -> list[RefundRequest]:
    """Approved (booked) refunds not yet in a credit-transfer file, oldest first."""
    return [r for r in uow.money.refunds(RefundStatus.APPROVED) if r.exported_at is None]


def export_refunds(
    uow: AbstractUnitOfWork, debtor: Debtor, now: datetime, execution_date: date, remittance: str = "Refund"
) -> tuple[bytes, list[RefundRequest]]:
    """The pain.001 document of the refunds to pay and those refunds, marked exported in the caller's transaction.

    The caller commits once the file is safely written (a failed write leaves them to export again).
    """
    requests = refunds_to_pay(uow)
    if not requests:
        raise PainError("no approved refund is waiting to be paid")
    transfers = [
        Transfer(
            end_to_end_id=f"REFUND-{request.id}",
            creditor_name=request.account_holder or f"Household {request.household_id}",
            creditor_iban=request.iban,
            amount=request.amount,
            remittance=f"{remittance} {request.id}",
        )
        for request in requests
    ]
    message_id = f"CANTINE-REFUNDS-{now.strftime('%Y%m%d%H%M%S')}"
    document = build_pain001(debtor, transfers, message_id, now, execution_date)
    done = [exported(request, now) for request in requests]
    for request in done:
        uow.money.update_refund(request)
    return document, done
