"""Online payments (card, TWINT): a provider interface, Stripe through its official SDK, and crediting once.

A provider creates a checkout page for a household and an amount, and turns a signed webhook into a
confirmed payment. The ledger is credited only on a confirmed payment, once per checkout (ledger reference
"<provider>:<checkout id>"), and a replayed event (same provider event id) changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from core.canteen import Canteen
from core.model import PaymentMethod, Source
from core.money_services import book_top_up, notify_top_up
from core.payments import OnlinePayment, OnlinePaymentStatus, checkout_reference
from core.settings import PaymentSettings
from core.unit_of_work import AbstractUnitOfWork

CONFIRMING_EVENTS = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})


class WebhookSignatureError(ValueError):
    """A webhook whose signature does not prove it came from the provider (answered 400, nothing done)."""


class PaymentProviderError(RuntimeError):
    """The provider could not create a checkout (network, refused key…); the text says what it answered."""


@dataclass(frozen=True)
class Checkout:
    """A payment page opened for a household: the URL to send the parent and the provider's checkout id."""

    url: str
    checkout_id: str


@dataclass(frozen=True)
class ConfirmedPayment:
    """A payment the provider confirms as paid."""

    provider: str
    event_id: str  # unique per provider event: a replay is recognised
    checkout_id: str  # the checkout it pays: credited at most once
    household_id: int | None  # from the checkout's metadata (None when missing or unreadable)
    amount: Decimal
    currency: str  # upper case, e.g. "CHF"


class PaymentProvider(Protocol):
    """What the canteen's payment provider must offer to plug in."""

    name: str

    def create_checkout(
        self, household_id: int, amount: Decimal, currency: str, success_url: str, cancel_url: str
    ) -> Checkout: ...

    def confirmed_payment(self, payload: bytes, signature: str | None) -> ConfirmedPayment | None:
        """The payment a webhook confirms, None for other events; WebhookSignatureError when not signed."""
        ...


def minor_units(amount: Decimal) -> int:
    """Francs to centimes, the integer providers count in."""
    return int((amount * 100).to_integral_exact())


class StripeProvider:
    """Stripe Checkout (card and TWINT) through the official `stripe` SDK; webhooks verified by the SDK."""

    name = "stripe"

    def __init__(self, api_key: str, webhook_secret: str, api_base_url: str = "") -> None:
        import stripe

        self._stripe = stripe
        self._webhook_secret = webhook_secret
        addresses: Any = {"api": api_base_url.rstrip("/")} if api_base_url else None
        self._client = stripe.StripeClient(api_key, base_addresses=addresses, max_network_retries=1)

    def create_checkout(
        self, household_id: int, amount: Decimal, currency: str, success_url: str, cancel_url: str
    ) -> Checkout:
        """A Checkout Session paying `amount` into the household's account, by card or TWINT."""
        params: Any = {
            "mode": "payment",
            "payment_method_types": ["card", "twint"],
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": minor_units(amount),
                        "product_data": {"name": "Canteen account top-up"},
                    },
                }
            ],
            "client_reference_id": str(household_id),
            "metadata": {"household_id": str(household_id)},
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        try:
            session = self._client.v1.checkout.sessions.create(params=params)
        except self._stripe.StripeError as error:
            raise PaymentProviderError(f"Stripe refused the checkout: {error.user_message or error}") from None
        if not session.url:
            raise PaymentProviderError(f"Stripe gave checkout {session.id} no URL")
        return Checkout(session.url, session.id)

    def confirmed_payment(self, payload: bytes, signature: str | None) -> ConfirmedPayment | None:
        """Verify the Stripe-Signature with `stripe.Webhook.construct_event`; a paid checkout is a payment."""
        try:
            event = self._stripe.Webhook.construct_event(payload, signature, self._webhook_secret)
        except self._stripe.SignatureVerificationError as error:
            raise WebhookSignatureError(f"Stripe signature refused: {error}") from None
        except ValueError as error:  # a signed body that is not JSON
            raise WebhookSignatureError(f"Stripe webhook unreadable: {error}") from None
        if event["type"] not in CONFIRMING_EVENTS:
            return None
        session: dict[str, Any] = event["data"]["object"].to_dict()
        if session.get("payment_status") != "paid":
            return None
        metadata = session.get("metadata") or {}
        household = str(metadata.get("household_id") or session.get("client_reference_id") or "")
        return ConfirmedPayment(
            provider=self.name,
            event_id=str(event["id"]),
            checkout_id=str(session["id"]),
            household_id=int(household) if household.isdigit() else None,
            amount=Decimal(int(session.get("amount_total") or 0)) / 100,
            currency=str(session.get("currency") or "").upper(),
        )


def provider_from_settings(settings: PaymentSettings) -> PaymentProvider | None:
    """The configured provider, or None when online payment is off (or its secrets are missing)."""
    if settings.provider == "stripe" and settings.api_key and settings.webhook_secret:
        return StripeProvider(settings.api_key, settings.webhook_secret, settings.api_base_url)
    return None


def credit_online_payment(
    uow: AbstractUnitOfWork,
    payment: ConfirmedPayment,
    now: datetime,
    currency: str = "CHF",
    canteens: Mapping[str, Canteen] | None = None,
) -> OnlinePayment | None:
    """Record a confirmed payment and credit the household once, in the caller's transaction; None on a replay.

    With `canteens`, the family is told its payment arrived (outbox, in the same transaction).
    """
    household_id = payment.household_id
    if household_id is not None and (uow.households.get(household_id) is None or payment.currency != currency):
        household_id = None
    if payment.amount <= 0:
        household_id = None
    if household_id is not None:
        uow.lock_household(household_id)  # serialises two deliveries of the same event
    if any(p.event_id == payment.event_id for p in uow.money.online_payments(payment.provider)):
        return None
    entry = None
    status = OnlinePaymentStatus.UNMATCHED
    if household_id is not None:
        entry = book_top_up(
            uow,
            household_id,
            payment.amount,
            PaymentMethod.ONLINE,
            now,
            Source("online", message_id=payment.event_id),
            reference=checkout_reference(payment.provider, payment.checkout_id),
            memo=f"{payment.provider} checkout {payment.checkout_id}",
        )
        status = OnlinePaymentStatus.CREDITED if entry is not None else OnlinePaymentStatus.DUPLICATE
        if entry is not None and canteens:
            notify_top_up(uow, household_id, entry.amount, now, canteens)
    record = OnlinePayment(
        provider=payment.provider,
        event_id=payment.event_id,
        session_id=payment.checkout_id,
        amount=max(payment.amount, Decimal("0.00")),
        currency=payment.currency[:3],
        received_at=now,
        status=status,
        household_id=household_id,
        ledger_entry_id=entry.id if entry is not None else None,
    )
    return uow.money.add_online_payment(record)
