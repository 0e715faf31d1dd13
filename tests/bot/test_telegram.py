"""Telegram end to end, offline: link → cancel → question → button answer → button undo, through the real pipeline."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.linking import new_link_token
from bot.telegram import TelegramBot
from bot.web import WebDeps, create_app
from core.messages import Channel
from core.pipeline.delivery import Dispatcher
from core.pipeline.worker import Worker
from core.settings import Settings, TelegramSettings
from core.unit_of_work import AbstractUnitOfWork
from tests.bot.telegram_fake import FakeBotApi, button_update, text_update
from tests.pipeline.road import Road

MONDAY = "2026-11-23T07:40:00+01:00"
CHAT = 555
SETTINGS = TelegramSettings(token="123:ABC", bot_username="cantine_bot", secret_token="s3cret")


class Chat:
    """A Telegram user on one side; the bot, the worker and the outbox on the other."""

    def __init__(self, road: Road) -> None:
        self.road = road
        self.api = FakeBotApi()
        self.bot = TelegramBot(SETTINGS, road.uow_factory, road.canteens, road.clock, request=self.api)
        self.update_ids = iter(range(1, 10_000))

    def deliver(self, update: dict[str, Any]) -> list[tuple[int, str, list[tuple[str, str]]]]:
        """Telegram hands the update over by polling; the worker runs; returns the messages the bot sent."""
        before = len(self.api.sent())
        self.api.updates.append(update)
        assert self.bot.call(self.bot.poll_once()) == 1
        assert self.bot.offset == update["update_id"] + 1
        Worker(self.road.uow_factory, self.road.canteens, self.road.clock).drain()
        Dispatcher(self.road.uow_factory, {Channel.TELEGRAM: self.bot}, self.road.clock).deliver_due()
        return self.api.sent()[before:]

    def write(self, text: str, chat: int = CHAT) -> list[tuple[int, str, list[tuple[str, str]]]]:
        return self.deliver(text_update(next(self.update_ids), chat, text))

    def tap(self, data: str) -> list[tuple[int, str, list[tuple[str, str]]]]:
        return self.deliver(button_update(next(self.update_ids), CHAT, data))

    def link_token(self) -> str:
        with self.road.uow_factory() as uow:
            claire = uow.households.guardian_by_email("claire.dupont@example.ch")
            assert claire is not None
            assert claire.id is not None
            token = new_link_token(uow, claire.id, self.road.clock.now())
            uow.commit()
        return token


@pytest.fixture
def chat(uow_factory: Callable[[], AbstractUnitOfWork]) -> Iterator[Chat]:
    chat = Chat(Road.with_demo_families(uow_factory, MONDAY))
    chat.bot.start()
    yield chat
    chat.bot.stop()


def stored_count(road: Road) -> int:
    with road.uow_factory() as uow:
        return sum(1 for n in range(1, 100) if uow.inbox.get(n) is not None)


def test_link_cancel_question_button_answer_button_undo_balance(chat: Chat) -> None:
    # An unlinked chat reads the help and nothing else: nothing is stored, nothing changes.
    ((to, text, _),) = chat.write("annuler demain pour Basile")
    assert to == CHAT
    assert "relié à aucune famille" in text
    ((_, text, _),) = chat.write("/aide")
    assert "demandez votre lien personnel" in text
    assert stored_count(chat.road) == 0

    token = chat.link_token()
    ((_, text, _),) = chat.write(f"/start {token}")
    assert text.startswith("C'est fait : ce chat est relié à Claire Dupont.")
    ((_, text, _),) = chat.write(f"/start {token}", chat=666)  # single use
    assert "n'est plus valable" in text
    with chat.road.uow_factory() as uow:
        claire = uow.households.guardian_by_telegram(str(CHAT))
        assert claire is not None
        assert claire.name == "Claire Dupont"
        assert uow.households.guardian_by_telegram("666") is None

    ((_, text, buttons),) = chat.write("Les enfants mangent demain")
    assert buttons == [("Annuler", "UNDO")]
    assert chat.road.booked("Dupont", "Basile", "2026-11-24")

    ((_, text, buttons),) = chat.write("Annulez demain svp")
    assert "Pour quel enfant : Alban, Arielle ou Basile ?" in text
    assert buttons == [("Alban", "Alban"), ("Arielle", "Arielle"), ("Basile", "Basile")]

    ((_, text, buttons),) = chat.tap("Basile")
    assert "Basile : repas annulé mardi 24.11." in text
    assert buttons == [("Annuler", "UNDO")]
    assert not chat.road.booked("Dupont", "Basile", "2026-11-24")
    assert chat.road.booked("Dupont", "Arielle", "2026-11-24")
    answered = [c for c in chat.api.calls if c.method == "answerCallbackQuery"]
    assert len(answered) == 1

    ((_, text, buttons),) = chat.tap("UNDO")
    assert chat.road.booked("Dupont", "Basile", "2026-11-24")
    assert buttons == []
    assert len([c for c in chat.api.calls if c.method == "answerCallbackQuery"]) == 2

    ((_, text, _),) = chat.write("/solde")
    assert "Solde" in text


def test_an_update_delivered_twice_is_stored_once(chat: Chat) -> None:
    token = chat.link_token()
    chat.write(f"/start {token}")
    update = text_update(77, CHAT, "/solde")
    chat.api.updates.extend([update, update])
    assert chat.bot.call(chat.bot.poll_once()) == 2
    assert stored_count(chat.road) == 1


def test_the_webhook_needs_the_secret_token_and_stores_the_update(chat: Chat) -> None:
    token = chat.link_token()
    chat.write(f"/start {token}")
    deps = WebDeps(Settings(telegram=SETTINGS), chat.road.uow_factory, chat.road.clock)
    deps.telegram = lambda body: asyncio.wrap_future(chat.bot.submit(chat.bot.feed(body)))
    client = TestClient(create_app(deps))
    body = json.dumps(text_update(90, CHAT, "/solde")).encode()
    assert client.post("/telegram/webhook", content=body).status_code == 403
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
    assert client.post("/telegram/webhook", content=body, headers=wrong).status_code == 403
    assert stored_count(chat.road) == 0
    right = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
    assert client.post("/telegram/webhook", content=body, headers=right).status_code == 200
    assert client.post("/telegram/webhook", content=body, headers=right).status_code == 200  # a resend
    assert stored_count(chat.road) == 1
