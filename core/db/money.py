"""The SQL money repository: bank-file credits stored once per AcctSvcrRef, refund requests, online events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Row, select, update

from core.db.money_tables import bank_payments, online_payments, refund_requests
from core.db.pipeline_rows import ConnectionGetter, maybe_utc, upsert_insert
from core.db.rows import to_money
from core.payments import BankPayment, BankPaymentStatus, OnlinePayment, OnlinePaymentStatus
from core.refunds import RefundRequest, RefundStatus


def _bank_payment(row: Row[Any]) -> BankPayment:
    return BankPayment(
        acct_svcr_ref=row.acct_svcr_ref,
        amount=to_money(row.amount),
        currency=row.currency,
        reference=row.reference,
        booked_on=row.booked_on,
        debtor_name=row.debtor_name,
        source_file=row.source_file,
        imported_at=row.imported_at,
        status=BankPaymentStatus(row.status),
        household_id=row.household_id,
        ledger_entry_id=row.ledger_entry_id,
        message=row.message,
        resolved_by=row.resolved_by,
        resolved_at=row.resolved_at,
        id=row.id,
    )


def _bank_values(payment: BankPayment) -> dict[str, Any]:
    return {
        "acct_svcr_ref": payment.acct_svcr_ref,
        "amount": payment.amount,
        "currency": payment.currency,
        "reference": payment.reference,
        "booked_on": payment.booked_on,
        "debtor_name": payment.debtor_name,
        "message": payment.message,
        "household_id": payment.household_id,
        "ledger_entry_id": payment.ledger_entry_id,
        "source_file": payment.source_file,
        "imported_at": payment.imported_at,
        "status": BankPaymentStatus(payment.status).value,
        "resolved_by": payment.resolved_by,
        "resolved_at": maybe_utc(payment.resolved_at),
    }


def _refund(row: Row[Any]) -> RefundRequest:
    return RefundRequest(
        household_id=row.household_id,
        iban=row.iban,
        amount=to_money(row.amount),
        requested_at=row.requested_at,
        source_channel=row.source_channel,
        account_holder=row.account_holder,
        inbound_id=row.inbound_id,
        requested_by=row.requested_by,
        status=RefundStatus(row.status),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        reason=row.reason,
        ledger_entry_id=row.ledger_entry_id,
        exported_at=row.exported_at,
        id=row.id,
    )


def _refund_values(request: RefundRequest) -> dict[str, Any]:
    return {
        "household_id": request.household_id,
        "iban": request.iban,
        "account_holder": request.account_holder,
        "amount": request.amount,
        "requested_at": request.requested_at,
        "source_channel": request.source_channel,
        "inbound_id": request.inbound_id,
        "requested_by": request.requested_by,
        "status": RefundStatus(request.status).value,
        "decided_by": request.decided_by,
        "decided_at": maybe_utc(request.decided_at),
        "reason": request.reason,
        "ledger_entry_id": request.ledger_entry_id,
        "exported_at": maybe_utc(request.exported_at),
    }


def _online(row: Row[Any]) -> OnlinePayment:
    return OnlinePayment(
        provider=row.provider,
        event_id=row.event_id,
        session_id=row.session_id,
        amount=to_money(row.amount),
        currency=row.currency,
        received_at=row.received_at,
        status=OnlinePaymentStatus(row.status),
        household_id=row.household_id,
        ledger_entry_id=row.ledger_entry_id,
        id=row.id,
    )


class SqlMoneyRepository:
    """Bank payments (unique AcctSvcrRef), refund requests and online-payment events (unique per provider event)."""

    def __init__(self, connection: ConnectionGetter) -> None:
        self._c = connection

    def add_bank_payment(self, payment: BankPayment) -> BankPayment | None:
        connection = self._c()
        statement = (
            upsert_insert(connection, bank_payments)
            .values(_bank_values(payment))
            .on_conflict_do_nothing(index_elements=[bank_payments.c.acct_svcr_ref])
            .returning(bank_payments.c.id)
        )
        payment_id = connection.execute(statement).scalar()
        return None if payment_id is None else replace(payment, id=payment_id)

    def bank_payment(self, payment_id: int) -> BankPayment | None:
        row = self._c().execute(select(bank_payments).where(bank_payments.c.id == payment_id)).first()
        return _bank_payment(row) if row else None

    def bank_payment_by_ref(self, acct_svcr_ref: str) -> BankPayment | None:
        row = self._c().execute(select(bank_payments).where(bank_payments.c.acct_svcr_ref == acct_svcr_ref)).first()
        return _bank_payment(row) if row else None

    def bank_payments(self, status: BankPaymentStatus | None = None) -> Sequence[BankPayment]:
        query = select(bank_payments).order_by(bank_payments.c.id)
        if status is not None:
            query = query.where(bank_payments.c.status == BankPaymentStatus(status).value)
        return [_bank_payment(row) for row in self._c().execute(query)]

    def update_bank_payment(self, payment: BankPayment) -> None:
        if payment.id is None:
            raise KeyError("only a stored bank payment can be updated")
        values = {k: v for k, v in _bank_values(payment).items() if k != "acct_svcr_ref"}
        self._c().execute(update(bank_payments).where(bank_payments.c.id == payment.id).values(values))

    def add_refund(self, request: RefundRequest) -> RefundRequest:
        result = self._c().execute(
            refund_requests.insert().values(_refund_values(request)).returning(refund_requests.c.id)
        )
        return replace(request, id=result.scalar_one())

    def refund(self, request_id: int) -> RefundRequest | None:
        row = self._c().execute(select(refund_requests).where(refund_requests.c.id == request_id)).first()
        return _refund(row) if row else None

    def refunds(self, status: RefundStatus | None = None, household_id: int | None = None) -> Sequence[RefundRequest]:
        query = select(refund_requests).order_by(refund_requests.c.id)
        if status is not None:
            query = query.where(refund_requests.c.status == RefundStatus(status).value)
        if household_id is not None:
            query = query.where(refund_requests.c.household_id == household_id)
        return [_refund(row) for row in self._c().execute(query)]

    def update_refund(self, request: RefundRequest) -> None:
        if request.id is None:
            raise KeyError("only a stored refund request can be updated")
        statement = update(refund_requests).where(refund_requests.c.id == request.id).values(_refund_values(request))
        self._c().execute(statement)

    def add_online_payment(self, payment: OnlinePayment) -> OnlinePayment | None:
        connection = self._c()
        statement = (
            upsert_insert(connection, online_payments)
            .values(
                provider=payment.provider,
                event_id=payment.event_id,
                session_id=payment.session_id,
                amount=payment.amount,
                currency=payment.currency,
                received_at=payment.received_at,
                status=OnlinePaymentStatus(payment.status).value,
                household_id=payment.household_id,
                ledger_entry_id=payment.ledger_entry_id,
            )
            .on_conflict_do_nothing(index_elements=[online_payments.c.provider, online_payments.c.event_id])
            .returning(online_payments.c.id)
        )
        payment_id = connection.execute(statement).scalar()
        return None if payment_id is None else replace(payment, id=payment_id)

    def online_payments(self, provider: str | None = None) -> Sequence[OnlinePayment]:
        query = select(online_payments).order_by(online_payments.c.id)
        if provider is not None:
            query = query.where(online_payments.c.provider == provider)
        return [_online(row) for row in self._c().execute(query)]

    def online_payment(self, payment_id: int) -> OnlinePayment | None:
        row = self._c().execute(select(online_payments).where(online_payments.c.id == payment_id)).first()
        return _online(row) if row is not None else None

    def update_online_payment(self, payment: OnlinePayment) -> None:
        if payment.id is None:
            raise KeyError("only a stored online payment can be updated")
        values = {
            "status": OnlinePaymentStatus(payment.status).value,
            "household_id": payment.household_id,
            "ledger_entry_id": payment.ledger_entry_id,
        }
        self._c().execute(update(online_payments).where(online_payments.c.id == payment.id).values(values))
