"""POST /payments/stripe/webhook: forged → 400 and nothing booked; paid → credited once; replay → 200, nothing more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from fastapi.testclient import TestClient

from bot.payments_web import STRIPE_WEBHOOK_PATH, provider_from_settings
from bot.web import WebDeps, create_app
from core.payments import OnlinePaymentStatus
from core.settings import PaymentSettings, Settings
from core.unit_of_work import AbstractUnitOfWork
from tests.pipeline.road import Road
from tests.statements.stripe_fake import WEBHOOK_SECRET, checkout_event, sign

MONDAY = "2026-11-23T10:00:00+01:00"
STRIPE = PaymentSettings(provider="stripe", api_key="sk_test_123", webhook_secret=WEBHOOK_SECRET)


def _client(road: Road, payments: PaymentSettings = STRIPE) -> TestClient:
    deps = WebDeps(Settings(payments=payments), road.uow_factory, road.clock, canteens=road.canteens)
    return TestClient(create_app(deps))


def _dupont(road: Road) -> int:
    with road.uow_factory() as uow:
        household = next(h for h in uow.households.list() if h.name == "Dupont")
    assert household.id is not None
    return household.id


def test_webhook_credits_once_and_refuses_forgeries(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    road = Road.with_demo_families(uow_factory, MONDAY)
    client = _client(road)
    household_id = _dupont(road)
    before = Decimal(road.balance("Dupont"))
    body = checkout_event("evt_100", "cs_100", str(household_id), 5000)
    forged = client.post(STRIPE_WEBHOOK_PATH, content=body, headers={"Stripe-Signature": sign(body, "whsec_wrong")})
    assert forged.status_code == 400
    missing = client.post(STRIPE_WEBHOOK_PATH, content=body)
    assert missing.status_code == 400
    assert Decimal(road.balance("Dupont")) == before
    paid = client.post(STRIPE_WEBHOOK_PATH, content=body, headers={"Stripe-Signature": sign(body)})
    assert (paid.status_code, paid.text) == (200, "credited")
    assert Decimal(road.balance("Dupont")) == before + 50
    replay = client.post(STRIPE_WEBHOOK_PATH, content=body, headers={"Stripe-Signature": sign(body)})
    assert (replay.status_code, replay.text) == (200, "replayed")
    assert Decimal(road.balance("Dupont")) == before + 50
    with road.uow_factory() as uow:
        [record] = uow.money.online_payments("stripe")
    assert (record.event_id, record.status, record.household_id) == (
        "evt_100",
        OnlinePaymentStatus.CREDITED,
        household_id,
    )
    with road.uow_factory() as uow:
        notices = uow.outbox.claim_due(road.clock.now(), 10)
    assert [n.recipient for n in notices] == ["claire.dupont@example.ch"]  # told once, not on the replay
    assert "Votre versement de 50,00 CHF est arrivé" in notices[0].text


def test_other_events_are_acknowledged_and_ignored(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    road = Road.with_demo_families(uow_factory, MONDAY)
    body = checkout_event("evt_200", "cs_200", str(_dupont(road)), 5000, payment_status="unpaid")
    answer = _client(road).post(STRIPE_WEBHOOK_PATH, content=body, headers={"Stripe-Signature": sign(body)})
    assert (answer.status_code, answer.text) == (200, "ignored")
    with road.uow_factory() as uow:
        assert uow.money.online_payments() == []


def test_without_a_provider_the_route_is_not_there(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    road = Road.with_demo_families(uow_factory, MONDAY)
    body = checkout_event("evt_300", "cs_300", "1", 5000)
    answer = _client(road, PaymentSettings()).post(
        STRIPE_WEBHOOK_PATH, content=body, headers={"Stripe-Signature": sign(body)}
    )
    assert answer.status_code == 404
    assert provider_from_settings(replace(STRIPE, webhook_secret="")) is None
    assert provider_from_settings(STRIPE) is not None
