"""A test harness for the whole road: a database with the demo families, a settable clock, a recording channel."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from core.canteen import Canteen
from core.canteen_files import load_canteens
from core.clock import FixedClock
from core.families import import_families
from core.messages import Channel, InboundMessage, OutgoingMessage, StoredMessage
from core.pipeline.config import PipelineConfig
from core.pipeline.delivery import Dispatcher
from core.pipeline.worker import Worker, receive
from core.unit_of_work import AbstractUnitOfWork

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class RecordingSender:
    """A channel that keeps what it was asked to deliver."""

    sent: list[OutgoingMessage] = field(default_factory=list)

    def send(self, message: OutgoingMessage) -> str | None:
        self.sent.append(message)
        return f"rec-{message.id}"


@dataclass
class Road:
    """Inbox → worker → outbox → channel, against a real database."""

    uow_factory: Callable[[], AbstractUnitOfWork]
    canteens: dict[str, Canteen]
    clock: FixedClock
    config: PipelineConfig = field(default_factory=PipelineConfig)
    channel: RecordingSender = field(default_factory=RecordingSender)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @classmethod
    def with_demo_families(cls, uow_factory: Callable[[], AbstractUnitOfWork], at: str) -> Road:
        canteens = load_canteens(ROOT / "config" / "canteens")
        clock = FixedClock(datetime.fromisoformat(at))
        text = (ROOT / "config" / "demo" / "families.csv").read_text(encoding="utf-8")
        import_families(text, uow_factory, canteens, clock.now(), "CH")
        return cls(uow_factory, canteens, clock)

    def at(self, when: str) -> Road:
        self.clock.at = datetime.fromisoformat(when)
        return self

    def message(self, sender: str, text: str, channel: str = Channel.SMS, **fields: object) -> InboundMessage:
        return InboundMessage(
            channel=channel,
            external_id=str(fields.pop("external_id", f"ext-{next(self.ids)}")),
            sender=sender,
            text=text,
            received_at=self.clock.now(),
            **fields,  # type: ignore[arg-type]  # subject, thread_ids, signals… passed through by name
        )

    def send(self, sender: str, text: str, channel: str = Channel.SMS, **fields: object) -> StoredMessage:
        """Receive, process and deliver; returns the stored message with its outcome."""
        inbox_id, _ = receive(self.message(sender, text, channel, **fields), self.uow_factory())
        self.run()
        return self.stored(inbox_id)

    def run(self) -> None:
        Worker(self.uow_factory, self.canteens, self.clock, self.config).drain()
        Dispatcher(self.uow_factory, {c.value: self.channel for c in Channel}, self.clock).deliver_due()

    def stored(self, inbox_id: int) -> StoredMessage:
        with self.uow_factory() as uow:
            stored = uow.inbox.get(inbox_id)
        assert stored is not None
        return stored

    def replies_to(self, stored: StoredMessage) -> list[OutgoingMessage]:
        return [m for m in self.channel.sent if m.inbound_id == stored.id]

    def last_reply(self, stored: StoredMessage) -> str:
        replies = self.replies_to(stored)
        assert replies, f"no reply to message {stored.id} ({stored.status}, {stored.hits})"
        return replies[-1].text

    def balance(self, family: str) -> str:
        with self.uow_factory() as uow:
            household = next(h for h in uow.households.list() if h.name == family)
            assert household.id is not None
            return str(uow.ledger.balance(household.id))

    def booked(self, family: str, first_name: str, day: str) -> bool:
        from datetime import date

        with self.uow_factory() as uow:
            household = next(h for h in uow.households.list() if h.name == family)
            child = household.child_named(first_name)
            assert child is not None
            assert child.id is not None
            return uow.reservations.get(child.id, date.fromisoformat(day)) is not None


def matched(stored: StoredMessage) -> list[str]:
    """The rules that matched, in order."""
    return [hit.rule for hit in stored.hits if hit.matched]
