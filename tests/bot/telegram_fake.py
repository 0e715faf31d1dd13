"""A fake Bot API as a python-telegram-bot request object: canned answers, every call recorded (no network)."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Cantine", "username": "cantine_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class FakeBotApi(BaseRequest):
    """Answers getMe, getUpdates (from `updates`), sendMessage, answerCallbackQuery; other methods: true."""

    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        self.calls.append(Call(name, params))
        result: Any = True
        if name == "getMe":
            result = BOT_USER
        elif name == "getUpdates":
            result, self.updates = self.updates, []
        elif name == "sendMessage":
            chat = {"id": int(params["chat_id"]), "type": "private"}
            result = {"message_id": next(self.message_ids), "date": 1_790_000_000, "chat": chat, "text": params["text"]}
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def sent(self) -> list[tuple[int, str, list[tuple[str, str]]]]:
        """(chat id, text, [(button label, callback data)]) of each sendMessage."""
        out = []
        for call in self.calls:
            if call.method != "sendMessage":
                continue
            markup = call.params.get("reply_markup") or {}
            if isinstance(markup, str):
                markup = json.loads(markup)
            buttons = [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]
            out.append((int(call.params["chat_id"]), str(call.params["text"]), buttons))
        return out


def user(chat_id: int, language: str = "fr") -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Claire", "language_code": language}


def text_update(update_id: int, chat_id: int, text: str, language: str = "fr") -> dict[str, Any]:
    chat = {"id": chat_id, "type": "private"}
    message = {"message_id": update_id, "date": 1_790_000_000, "chat": chat, "from": user(chat_id, language)}
    return {"update_id": update_id, "message": message | {"text": text}}


def button_update(update_id: int, chat_id: int, data: str) -> dict[str, Any]:
    message = {"message_id": 1000, "date": 1_790_000_000, "chat": {"id": chat_id, "type": "private"}, "text": "?"}
    query = {"id": f"cb{update_id}", "from": user(chat_id), "chat_instance": "ci", "data": data, "message": message}
    return {"update_id": update_id, "callback_query": query}
