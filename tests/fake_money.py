"""In-memory money repository (bank credits, refund requests, online events) for the fake unit of work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from core.payments import BankPayment, BankPaymentStatus, OnlinePayment
from core.refunds import RefundRequest, RefundStatus


@dataclass
class MoneyState:
    """Rows of the three money tables."""

    bank: dict[int, BankPayment] = field(default_factory=dict)
    refunds: dict[int, RefundRequest] = field(default_factory=dict)
    online: dict[int, OnlinePayment] = field(default_factory=dict)


class FakeMoneyRepository:
    """The unique keys of the SQL tables, kept by lookups before each insert."""

    def __init__(self, state: Callable[[], MoneyState], new_id: Callable[[], int]) -> None:
        self._state = state
        self._new_id = new_id

    def add_bank_payment(self, payment: BankPayment) -> BankPayment | None:
        if self.bank_payment_by_ref(payment.acct_svcr_ref) is not None:
            return None
        stored = replace(payment, id=self._new_id())
        self._state().bank[stored.id or 0] = stored
        return stored

    def bank_payment(self, payment_id: int) -> BankPayment | None:
        return self._state().bank.get(payment_id)

    def bank_payment_by_ref(self, acct_svcr_ref: str) -> BankPayment | None:
        return next((p for p in self._state().bank.values() if p.acct_svcr_ref == acct_svcr_ref), None)

    def bank_payments(self, status: BankPaymentStatus | None = None) -> Sequence[BankPayment]:
        return [p for _, p in sorted(self._state().bank.items()) if status is None or p.status == status]

    def update_bank_payment(self, payment: BankPayment) -> None:
        if payment.id not in self._state().bank:
            raise KeyError(f"bank payment {payment.id} is not stored")
        self._state().bank[payment.id] = payment

    def add_refund(self, request: RefundRequest) -> RefundRequest:
        stored = replace(request, id=self._new_id())
        self._state().refunds[stored.id or 0] = stored
        return stored

    def refund(self, request_id: int) -> RefundRequest | None:
        return self._state().refunds.get(request_id)

    def refunds(self, status: RefundStatus | None = None, household_id: int | None = None) -> Sequence[RefundRequest]:
        return [
            r
            for _, r in sorted(self._state().refunds.items())
            if (status is None or r.status == status) and (household_id is None or r.household_id == household_id)
        ]

    def update_refund(self, request: RefundRequest) -> None:
        if request.id not in self._state().refunds:
            raise KeyError(f"refund request {request.id} is not stored")
        self._state().refunds[request.id] = request

    def add_online_payment(self, payment: OnlinePayment) -> OnlinePayment | None:
        if any(
            p.provider == payment.provider and p.event_id == payment.event_id for p in self._state().online.values()
        ):
            return None
        stored = replace(payment, id=self._new_id())
        self._state().online[stored.id or 0] = stored
        return stored

    def online_payments(self, provider: str | None = None) -> Sequence[OnlinePayment]:
        return [p for _, p in sorted(self._state().online.items()) if provider is None or p.provider == provider]

    def online_payment(self, payment_id: int) -> OnlinePayment | None:
        return self._state().online.get(payment_id)

    def update_online_payment(self, payment: OnlinePayment) -> None:
        if payment.id not in self._state().online:
            raise KeyError(f"online payment {payment.id} is not stored")
        self._state().online[payment.id] = payment
