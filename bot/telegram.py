"""The Telegram bot (python-telegram-bot 22): updates stored in the inbox, deep-link linking, replies with buttons."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.linking import link_chat
from core import i18n
from core.canteen import Canteen
from core.clock import Clock
from core.messages import Channel, InboundMessage, OutgoingMessage
from core.pipeline.delivery import DeliveryError
from core.pipeline.worker import receive
from core.settings import TelegramSettings
from core.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)
HELP_COMMANDS = frozenset({"/aide", "/help", "/hilfe", "/start"})
SEND_TIMEOUT = 30.0


def is_configured(settings: TelegramSettings) -> bool:
    return bool(settings.token)


class TelegramBot:
    """The bot on its own event loop (a thread): polling or fed by the webhook; sends the outbox's replies."""

    def __init__(
        self,
        settings: TelegramSettings,
        uow_factory: Callable[[], AbstractUnitOfWork],
        canteens: Mapping[str, Canteen],
        clock: Clock,
        request: BaseRequest | None = None,
    ) -> None:
        self.settings = settings
        self.uow_factory = uow_factory
        self.canteen = next(iter(canteens.values()))
        self.clock = clock
        builder = Application.builder().token(settings.token).base_url(settings.api_base_url)
        builder = builder.base_file_url(settings.file_base_url).updater(None)
        if request is not None:
            builder = builder.request(request).get_updates_request(request)
        self.app = builder.build()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="telegram", daemon=True)
        self.offset: int | None = None

    # Lifecycle: the loop runs in its own thread; everything touching the bot runs on it.

    def start(self) -> None:
        self.thread.start()
        self.call(self.app.initialize())

    def stop(self) -> None:
        if self.thread.is_alive():
            try:
                self.call(self.app.shutdown())
            finally:
                self.loop.call_soon_threadsafe(self.loop.stop)
                self.thread.join(timeout=5)

    def submit(self, coroutine: Any) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def call(self, coroutine: Any, timeout: float = SEND_TIMEOUT) -> Any:
        return self.submit(coroutine).result(timeout)

    # Ways in.

    async def poll_once(self, timeout: int = 0) -> int:
        """One getUpdates round; each update is stored before the next offset acknowledges it."""
        updates = await self.app.bot.get_updates(
            offset=self.offset, timeout=timeout, allowed_updates=["message", "callback_query"]
        )
        for update in updates:
            await self.handle(update)  # raises when the inbox cannot store it: the offset stays, Telegram resends
            self.offset = update.update_id + 1
        return len(updates)

    async def poll(self, stop: threading.Event, timeout: int = 25) -> None:
        delay = 1.0
        while not stop.is_set():
            try:
                await self.poll_once(timeout)
                delay = 1.0
            except Exception:
                log.exception("Telegram polling failed; retrying in %.0f s", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)

    async def feed(self, body: bytes) -> bool:
        """A webhook update (JSON); True once handled (stored, or answered for an unlinked chat)."""
        update = Update.de_json(json.loads(body), self.app.bot)
        try:
            await self.handle(update)
        except Exception:
            log.exception("Telegram update %s not stored", update.update_id)
            return False
        return True

    async def handle(self, update: Update) -> None:
        """Store a linked chat's message or button answer; link with /start TOKEN; unlinked chats get help only."""
        text, chat_id, language = self._read(update)
        if update.callback_query is not None:
            await update.callback_query.answer()
            await _quietly(update.callback_query.edit_message_reply_markup(None))
        if text is None or chat_id is None:
            return
        first, _, argument = text.strip().partition(" ")
        command = first.split("@")[0].lower()
        if command == "/start" and argument.strip():
            await self._link(chat_id, argument.strip(), language)
            return
        linked = await asyncio.to_thread(self._is_linked, chat_id)
        if not linked:
            key = "telegram.help.unlinked" if command in HELP_COMMANDS else "telegram.unlinked"
            await self.app.bot.send_message(int(chat_id), self._text(language, key))
            return
        message = InboundMessage(
            channel=Channel.TELEGRAM,
            external_id=str(update.update_id),
            sender=chat_id,
            text=text,
            received_at=self.clock.now(),
            raw=json.dumps(update.to_dict(), ensure_ascii=False).encode("utf-8"),
        )
        inbox_id, new = await asyncio.to_thread(receive, message, self.uow_factory())
        log.info("Telegram update %s stored as %s%s", update.update_id, inbox_id, "" if new else " (again)")

    def _read(self, update: Update) -> tuple[str | None, str | None, str]:
        query = update.callback_query
        if query is not None:
            chat = query.message.chat.id if query.message is not None else query.from_user.id
            return query.data, str(chat), _language(query.from_user.language_code, self.canteen)
        message = update.message
        if message is None or message.text is None:
            return None, None, self.canteen.default_language
        user = message.from_user
        return message.text, str(message.chat.id), _language(user.language_code if user else None, self.canteen)

    def _is_linked(self, chat_id: str) -> bool:
        with self.uow_factory() as uow:
            return uow.households.guardian_by_telegram(chat_id) is not None

    async def _link(self, chat_id: str, token: str, language: str) -> None:
        def link() -> str | None:
            with self.uow_factory() as uow:
                name = link_chat(uow, token, chat_id, self.clock.now())
                uow.commit()
            return name

        name = await asyncio.to_thread(link)
        key = "telegram.linked" if name else "telegram.link_invalid"
        log.info("Telegram chat %s %s", chat_id, f"linked to {name}" if name else "gave an invalid link token")
        await self.app.bot.send_message(int(chat_id), self._text(language, key, name=name or ""))

    def _text(self, language: str, key: str, **params: str) -> str:
        canteen = self.canteen
        contact = ", ".join(part for part in (canteen.email, canteen.phone) if part) or canteen.name
        return i18n.message(language, key, canteen=canteen.name, contact=contact, **params)

    # Way out.

    def send(self, message: OutgoingMessage) -> str | None:
        """Deliver an outbox reply (from the worker's thread); buttons become an inline keyboard."""
        return str(self.call(self._send(message)))

    async def _send(self, message: OutgoingMessage) -> int:
        buttons = [
            InlineKeyboardButton(label, callback_data=answer)
            for label, answer in message.buttons
            if len(answer.encode("utf-8")) <= 64  # Telegram's limit on callback data
        ]
        markup = InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)]) if buttons else None
        try:
            sent = await self.app.bot.send_message(int(message.recipient), message.text, reply_markup=markup)
        except (Forbidden, BadRequest) as error:  # blocked by the user, chat not found: retrying cannot help
            raise DeliveryError(f"Telegram refused: {error.message}", permanent=True) from error
        except TelegramError as error:
            raise DeliveryError(f"Telegram: {error.message}") from error
        return sent.message_id


def _language(code: str | None, canteen: Canteen) -> str:
    short = (code or "").split("-")[0].lower()
    return short if short in i18n.LANGUAGES else canteen.default_language


async def _quietly(coroutine: Any) -> None:
    try:
        await coroutine
    except TelegramError as error:  # the buttons stay: nothing else depends on removing them
        log.debug("buttons not removed: %s", error)
