"""Stripe through its SDK: checkout created on a local fake API, webhooks verified by the SDK, credited once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core.model import EntryKind, PaymentMethod
from core.money_services import MoneyError, assign_online_payment
from core.payments import OnlinePaymentStatus
from core.unit_of_work import AbstractUnitOfWork
from statements.payments import (
    ConfirmedPayment,
    PaymentProviderError,
    StripeProvider,
    WebhookSignatureError,
    credit_online_payment,
    minor_units,
)
from tests.core.unit.builders import dupont
from tests.fakes import FakeUnitOfWork
from tests.statements.stripe_fake import WEBHOOK_SECRET, checkout_event, fake_stripe_api, sign

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_a_checkout_is_created_with_card_and_twint_through_the_sdk() -> None:
    with fake_stripe_api() as api:
        provider = StripeProvider("sk_test_123", WEBHOOK_SECRET, api.base_url)
        checkout = provider.create_checkout(42, Decimal("50.00"), "CHF", "https://c.example/ok", "https://c.example/no")
    assert checkout.url == "https://checkout.stripe.test/c/pay/cs_test_1"
    assert checkout.checkout_id == "cs_test_1"
    [(path, authorization, form)] = api.requests
    assert path == "/v1/checkout/sessions"
    assert authorization == "Bearer sk_test_123"
    assert form["payment_method_types[0]"] == "card"
    assert form["payment_method_types[1]"] == "twint"
    assert form["metadata[household_id]"] == "42"
    assert form["line_items[0][price_data][unit_amount]"] == "5000"
    assert form["line_items[0][price_data][currency]"] == "chf"
    assert form["mode"] == "payment"


def test_a_refused_checkout_is_a_clear_error() -> None:
    with fake_stripe_api() as api:
        api.refuse = True
        provider = StripeProvider("sk_test_123", WEBHOOK_SECRET, api.base_url)
        with pytest.raises(PaymentProviderError, match="Stripe refused the checkout"):
            provider.create_checkout(42, Decimal("5"), "CHF", "https://a", "https://b")


def test_minor_units() -> None:
    assert [minor_units(Decimal(x)) for x in ("50", "12.35", "0.05")] == [5000, 1235, 5]


PROVIDER = StripeProvider("sk_test_123", WEBHOOK_SECRET, "http://127.0.0.1:9")


def test_a_paid_checkout_event_signed_by_stripe_is_a_confirmed_payment() -> None:
    body = checkout_event("evt_1", "cs_1", "7", 2550)
    payment = PROVIDER.confirmed_payment(body, sign(body))
    assert payment == ConfirmedPayment("stripe", "evt_1", "cs_1", 7, Decimal("25.50"), "CHF")


@pytest.mark.parametrize(
    ("body", "signature_of"),
    [
        (checkout_event("evt_1", "cs_1", "7", 2550), lambda body: sign(body, "whsec_other")),
        (checkout_event("evt_1", "cs_1", "7", 2550), lambda body: sign(body + b" ")),
        (checkout_event("evt_1", "cs_1", "7", 2550), lambda body: sign(body, at=1_000_000_000)),  # too old
        (checkout_event("evt_1", "cs_1", "7", 2550), lambda body: None),
        (b"not json", lambda body: sign(body)),
    ],
)
def test_unsigned_forged_or_stale_webhooks_are_refused(body: bytes, signature_of: object) -> None:
    with pytest.raises(WebhookSignatureError):
        PROVIDER.confirmed_payment(body, signature_of(body))  # type: ignore[operator]  # a lambda of the table


@pytest.mark.parametrize(
    "body",
    [
        checkout_event("evt_2", "cs_1", "7", 2550, payment_status="unpaid"),
        checkout_event("evt_3", "cs_1", "7", 2550, kind="payment_intent.created"),
    ],
)
def test_other_events_confirm_nothing(body: bytes) -> None:
    assert PROVIDER.confirmed_payment(body, sign(body)) is None


def test_async_success_and_a_missing_household_are_read() -> None:
    body = checkout_event("evt_4", "cs_2", None, 1000, kind="checkout.session.async_payment_succeeded")
    payment = PROVIDER.confirmed_payment(body, sign(body))
    assert payment is not None
    assert (payment.household_id, payment.amount) == (None, Decimal("10"))


def test_credited_once_per_event_and_once_per_checkout() -> None:
    uow = FakeUnitOfWork()
    with uow:
        household = uow.households.add(dupont())
        uow.commit()
    assert household.id is not None
    paid = ConfirmedPayment("stripe", "evt_1", "cs_1", household.id, Decimal("25.50"), "CHF")
    with uow:
        first = credit_online_payment(uow, paid, NOW)
        replay = credit_online_payment(uow, paid, NOW)
        other_event = credit_online_payment(uow, ConfirmedPayment("stripe", "evt_2", "cs_1", household.id,
                                                                  Decimal("25.50"), "CHF"), NOW)  # fmt: skip
        uow.commit()
    assert first is not None
    assert first.status is OnlinePaymentStatus.CREDITED
    assert replay is None
    assert other_event is not None
    assert other_event.status is OnlinePaymentStatus.DUPLICATE
    with uow:
        [entry] = uow.ledger.entries(household.id)
    assert (entry.kind, entry.method, entry.amount, entry.reference) == (
        EntryKind.TOPUP,
        PaymentMethod.ONLINE,
        Decimal("25.50"),
        "stripe:cs_1",
    )
    assert first.ledger_entry_id == entry.id


@pytest.mark.parametrize(
    "payment",
    [
        ConfirmedPayment("stripe", "evt_9", "cs_9", 999, Decimal("5"), "CHF"),  # no such household
        ConfirmedPayment("stripe", "evt_9", "cs_9", None, Decimal("5"), "CHF"),
        ConfirmedPayment("stripe", "evt_9", "cs_9", 1, Decimal("5"), "EUR"),
        ConfirmedPayment("stripe", "evt_9", "cs_9", 1, Decimal("0"), "CHF"),
    ],
)
def test_payments_no_household_can_take_are_kept_unmatched(payment: ConfirmedPayment) -> None:
    uow = FakeUnitOfWork()
    with uow:
        uow.households.add(dupont())
        record = credit_online_payment(uow, payment, NOW)
        assert record is not None
        assert (record.status, record.household_id, record.ledger_entry_id) == (
            OnlinePaymentStatus.UNMATCHED,
            None,
            None,
        )
        assert uow.ledger.balance(1) == Decimal("0")


def test_two_deliveries_of_the_same_event_at_once_credit_once(
    uow_factory: Callable[[], AbstractUnitOfWork],
) -> None:
    with uow_factory() as uow:
        household = uow.households.add(dupont())
        uow.commit()
    assert household.id is not None
    paid = ConfirmedPayment("stripe", "evt_race", "cs_race", household.id, Decimal("40.00"), "CHF")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def deliver() -> None:
        start.wait()
        with uow_factory() as uow:
            record = credit_online_payment(uow, paid, NOW)
            uow.commit()
        outcomes.append("replayed" if record is None else record.status.value)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["credited", "replayed"]
    with uow_factory() as uow:
        assert uow.ledger.balance(household.id) == Decimal("40.00")


@pytest.mark.parametrize(
    ("payment", "assignable"),
    [
        (ConfirmedPayment("stripe", "evt_9", "cs_9", 999, Decimal("5"), "CHF"), True),  # a person knows the family
        (ConfirmedPayment("stripe", "evt_9", "cs_9", None, Decimal("5"), "CHF"), True),
        (ConfirmedPayment("stripe", "evt_9", "cs_9", 1, Decimal("5"), "EUR"), False),  # not the ledger's currency
        (ConfirmedPayment("stripe", "evt_9", "cs_9", 1, Decimal("0"), "CHF"), False),  # nothing to credit
    ],
)
def test_staff_credit_an_unmatched_payment_once(payment: ConfirmedPayment, assignable: bool) -> None:
    uow = FakeUnitOfWork()
    with uow:
        household = uow.households.add(dupont())
        record = credit_online_payment(uow, payment, NOW)
        uow.commit()
    assert household.id is not None
    assert record is not None
    assert record.id is not None
    with uow:
        if not assignable:
            with pytest.raises(MoneyError, match="nothing to credit"):
                assign_online_payment(uow, record.id, household.id, "anna", NOW, "CHF")
            assert uow.ledger.balance(household.id) == Decimal("0")
            return
        with pytest.raises(MoneyError, match="household 999 does not exist"):
            assign_online_payment(uow, record.id, 999, "anna", NOW, "CHF")
        credited = assign_online_payment(uow, record.id, household.id, "anna", NOW, "CHF")
        uow.commit()
    assert (credited.status, credited.household_id) == (OnlinePaymentStatus.CREDITED, household.id)
    with uow:
        [entry] = uow.ledger.entries(household.id)
        assert (entry.amount, entry.reference, entry.source.staff_user) == (Decimal("5.00"), "stripe:cs_9", "anna")
        assert uow.money.online_payment(record.id) == credited
        with pytest.raises(MoneyError, match="already credited"):
            assign_online_payment(uow, record.id, household.id, "anna", NOW, "CHF")
        with pytest.raises(MoneyError, match="does not exist"):
            assign_online_payment(uow, 4242, household.id, "anna", NOW, "CHF")
