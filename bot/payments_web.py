"""The payment provider's webhook: POST /payments/stripe/webhook, signature checked, the ledger credited once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool

from core.canteen import Canteen
from core.clock import Clock
from core.unit_of_work import AbstractUnitOfWork
from statements.payments import (
    ConfirmedPayment,
    PaymentProvider,
    WebhookSignatureError,
    credit_online_payment,
    provider_from_settings,
)

__all__ = ["STRIPE_WEBHOOK_PATH", "mount_payments", "provider_from_settings"]

log = logging.getLogger(__name__)

STRIPE_WEBHOOK_PATH = "/payments/stripe/webhook"


def mount_payments(
    app: FastAPI,
    provider: PaymentProvider | None,
    uow_factory: Callable[[], AbstractUnitOfWork],
    clock: Clock,
    canteens: Mapping[str, Canteen] | None = None,
) -> None:
    """Add the webhook route; it answers 404 while no provider is configured. Families are told of payments."""
    currency = next(iter(canteens.values())).currency if canteens else "CHF"

    def credit(payment: ConfirmedPayment) -> str:
        with uow_factory() as uow:
            record = credit_online_payment(uow, payment, clock.now(), currency, canteens)
            uow.commit()
        return "replayed" if record is None else record.status.value

    @app.post(STRIPE_WEBHOOK_PATH)
    async def stripe_webhook(request: Request) -> Response:
        if provider is None or provider.name != "stripe":
            return Response(status_code=404)
        payload = await request.body()
        try:
            payment = provider.confirmed_payment(payload, request.headers.get("stripe-signature"))
        except WebhookSignatureError as error:
            log.warning("payment webhook refused: %s", error)
            return Response("invalid signature", status_code=400, media_type="text/plain")
        if payment is None:
            return Response("ignored", status_code=200, media_type="text/plain")
        outcome = await run_in_threadpool(credit, payment)
        log.info("payment %s (%s %s) for household %s: %s", payment.event_id, payment.amount, payment.currency,
                 payment.household_id, outcome)  # fmt: skip
        return Response(outcome, status_code=200, media_type="text/plain")
