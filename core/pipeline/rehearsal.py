"""A worker's dress rehearsal: a few ordinary messages down the whole road in a transaction that is rolled back.

A fresh worker otherwise pays on its first real messages for what it has not done yet: SQL compiled, the
database session's catalog caches filled, modules and tables loaded on first use (30-50 ms for the first
message, 10-20 ms for the next dozen). The rehearsal pays it before the worker takes real messages:
for each canteen, one of its registered families sends a booking by SMS and a balance question by
email. Nothing of it stays: the messages, their effects and their replies are rolled back together
(and PostgreSQL's NOTIFY is only sent on commit).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime

from core.calendar import ServiceCalendar
from core.canteen import Canteen
from core.messages import Channel, InboundMessage
from core.model import Guardian
from core.pipeline.config import PipelineConfig
from core.pipeline.intake import process
from core.replies import ReplyComposer
from core.unit_of_work import AbstractUnitOfWork

# What a parent writes most (never shown to anyone): a booking and a balance question, per language.
_BOOKING = {
    "fr": "{child} mange le {day}.{month}",
    "en": "{child} will eat on {day}.{month}",
    "de": "{child} isst am {day}.{month}.",
}
_BALANCE = {"fr": "Quel est mon solde ?", "en": "What is my balance?", "de": "Wie hoch ist mein Guthaben?"}


def rehearse(
    uow: AbstractUnitOfWork,
    canteens: Mapping[str, Canteen],
    now: datetime,
    config: PipelineConfig,
    composer: ReplyComposer,
) -> int:
    """Route the sample messages inside `uow`'s transaction, which the caller must roll back.

    Returns how many were routed (none when no family is registered yet).
    """
    routed = 0
    for message in _samples(uow, canteens, now):
        inbox_id, _ = uow.inbox.store(message)
        stored = uow.inbox.get(inbox_id)
        if stored is None:  # pragma: no cover - stored just above, in this transaction
            continue
        process(stored, uow, canteens, now, config, composer)
        routed += 1
    return routed


def _samples(uow: AbstractUnitOfWork, canteens: Mapping[str, Canteen], now: datetime) -> Iterator[InboundMessage]:
    for canteen in canteens.values():
        children = uow.households.children_of_canteen(canteen.id)
        household = uow.households.get(children[0].household_id) if children and children[0].household_id else None
        if household is None:
            continue
        today = now.astimezone(canteen.zone).date()
        day = ServiceCalendar(canteen).next_service_day(today)
        phone = next(((g, p) for g in household.guardians for p in g.phones), None)
        email = next(((g, e) for g in household.guardians for e in g.emails), None)
        if phone is not None and day is not None:
            guardian, number = phone
            text = _BOOKING[_language(guardian)].format(child=children[0].first_name, day=day.day, month=day.month)
            yield _message(canteen, Channel.SMS, number, text, now)
        if email is not None:
            guardian, address = email
            yield _message(canteen, Channel.EMAIL, address, _BALANCE[_language(guardian)], now, subject="Cantine")


def _language(guardian: Guardian) -> str:
    return guardian.language if guardian.language in _BOOKING else "fr"


def _message(
    canteen: Canteen, channel: str, sender: str, text: str, now: datetime, subject: str | None = None
) -> InboundMessage:
    return InboundMessage(
        channel=channel,
        external_id=f"rehearsal-{canteen.id}-{now.timestamp()}",
        sender=sender,
        text=text,
        received_at=now,
        subject=subject,
    )
