"""One-time Telegram deep links: a random token given to a guardian, kept only as its hash, used once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import datetime, timedelta

from core.unit_of_work import AbstractUnitOfWork

LINK_TTL = timedelta(days=7)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_link_token(uow: AbstractUnitOfWork, guardian_id: int, now: datetime, ttl: timedelta = LINK_TTL) -> str:
    """A fresh token for the guardian (in the caller's transaction); only its hash is stored."""
    token = secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-]: a valid /start parameter
    uow.channels.add_link_token(token_hash(token), guardian_id, now, now + ttl)
    return token


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={token}"


def link_chat(uow: AbstractUnitOfWork, token: str, chat_id: str, now: datetime) -> str | None:
    """Link the chat to the token's guardian (the chat leaves any guardian it was linked to); the guardian's
    name, or None when the token is unknown, used or expired. The caller commits."""
    guardian_id = uow.channels.use_link_token(token_hash(token), chat_id, now)
    if guardian_id is None:
        return None
    previous = uow.households.guardian_by_telegram(chat_id)
    if previous is not None and previous.id != guardian_id and previous.household_id is not None:
        _set_chat(uow, previous.household_id, previous.id, None)
    for household in uow.households.list():
        for guardian in household.guardians:
            if guardian.id == guardian_id and household.id is not None:
                _set_chat(uow, household.id, guardian_id, chat_id)
                return guardian.name
    return None


def _set_chat(uow: AbstractUnitOfWork, household_id: int, guardian_id: int | None, chat_id: str | None) -> None:
    household = uow.households.get(household_id)
    if household is None:
        return
    guardians = [replace(g, telegram_chat_id=chat_id) if g.id == guardian_id else g for g in household.guardians]
    uow.households.update(replace(household, guardians=guardians))
