"""The try-it road: a demo guardian's message stored in the inbox, processed by the worker, its reply read back."""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core.canteen import Canteen
from core.clock import Clock
from core.messages import Channel, InboundMessage, MessageStatus, OutgoingMessage, StoredMessage
from core.model import Guardian, Household
from core.pipeline.worker import Worker, receive
from core.unit_of_work import AbstractUnitOfWork

TRY_CHANNELS: tuple[Channel, ...] = (Channel.SMS, Channel.EMAIL, Channel.TELEGRAM)
WAIT_SECONDS = 5.0  # how long to wait for another worker that claimed the message first
_counter = itertools.count(1)


HORIZON = timedelta(days=366)  # how far ahead booking changes are looked for

Booking = tuple[int, date, str]  # child id, day, meal


@dataclass(frozen=True)
class TryResult:
    """The message as stored and processed, the replies written for it, and the bookings it changed."""

    stored: StoredMessage
    replies: Sequence[OutgoingMessage]
    changed: frozenset[Booking] = frozenset()

    @property
    def changed_days(self) -> list[date]:
        return sorted({day for _, day, _ in self.changed})

    def first_day(self) -> date | None:
        """The earliest day the message changed, else the earliest day it spoke of."""
        if self.changed:
            return self.changed_days[0]
        days = []
        for command in (self.stored.interpretation or {}).get("commands") or []:
            try:
                days.append(date.fromisoformat(str(command.get("date"))))
            except ValueError:
                continue
        return min(days) if days else None


def bookings(uow_factory: Callable[[], AbstractUnitOfWork], household: Household, start: date) -> set[Booking]:
    """The household's reservations from `start` over the horizon."""
    ids = [c.id for c in household.children if c.id is not None]
    with uow_factory() as uow:
        found = uow.reservations.for_children(ids, start - HORIZON, start + HORIZON)
    return {(r.child_id, r.day, r.meal.value) for r in found}


def address_for(guardian: Guardian, channel: str) -> str | None:
    """The guardian's address on `channel`: first email, first mobile number, Telegram chat; None if none."""
    if channel == Channel.EMAIL:
        return guardian.emails[0] if guardian.emails else None
    if channel == Channel.SMS:
        return guardian.phones[0] if guardian.phones else None
    if channel == Channel.TELEGRAM:
        return guardian.telegram_chat_id
    return None


def channels_of(guardian: Guardian) -> list[Channel]:
    """The channels the guardian can write on."""
    return [channel for channel in TRY_CHANNELS if address_for(guardian, channel)]


def try_message(
    uow_factory: Callable[[], AbstractUnitOfWork],
    canteens: Mapping[str, Canteen],
    clock: Clock,
    sender: str,
    channel: str,
    text: str,
    *,
    household: Household | None = None,
    wait_seconds: float = WAIT_SECONDS,
) -> TryResult:
    """Send `text` from `sender` on `channel` down the whole road, as the CLI's try-it console does.

    The message is stored in the inbox and the worker drains it here; the reply stays in the outbox
    for the running dispatcher (printed, or sent through a configured channel). If a background
    worker claimed the message first, wait for it (at most `wait_seconds`). With the sender's
    `household`, the result also says which of its bookings the message changed.
    """
    now = clock.now()
    before = bookings(uow_factory, household, now.date()) if household is not None else set()
    message = InboundMessage(
        channel=channel,
        external_id=f"try-web-{uuid.uuid4().hex[:12]}-{next(_counter)}",
        sender=sender,
        text=text,
        received_at=now,
    )
    inbox_id, _ = receive(message, uow_factory())
    Worker(uow_factory, canteens, clock).drain()
    deadline = time.monotonic() + wait_seconds
    while True:
        with uow_factory() as uow:
            stored = uow.inbox.get(inbox_id)
            replies = uow.outbox.for_inbound(inbox_id)
        assert stored is not None
        if stored.status is not MessageStatus.PENDING or time.monotonic() >= deadline:
            after = bookings(uow_factory, household, now.date()) if household is not None else set()
            return TryResult(stored, replies, frozenset(before ^ after))
        time.sleep(0.1)
