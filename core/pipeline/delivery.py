"""The outbox's sender loop: deliver due replies through their channel, retry with back-off, never twice."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol, cast

from core.clock import Clock
from core.messages import OutgoingMessage
from core.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)

RETRY_DELAYS: tuple[timedelta, ...] = tuple(timedelta(seconds=s) for s in (30, 120, 600, 1800, 3600, 3 * 3600))


class DeliveryError(Exception):
    """A channel could not deliver; `permanent` means retrying cannot help (a refused address)."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class ChannelSender(Protocol):
    """Delivers one reply on one channel; returns the provider's id for it, if any."""

    def send(self, message: OutgoingMessage) -> str | None: ...


class CheckingSender(ChannelSender, Protocol):
    """A sender that may refuse a reply for good before sending, reading the outbox's transaction (SMS opt-out)."""

    def refusal(self, message: OutgoingMessage, uow: AbstractUnitOfWork) -> str | None: ...


@dataclass
class Dispatcher:
    """Delivers due outbox rows; each row is locked while it is sent and marked sent in the same transaction."""

    uow_factory: Callable[[], AbstractUnitOfWork]
    senders: Mapping[str, ChannelSender]
    clock: Clock
    batch: int = 20

    def deliver_due(self) -> int:
        """Send what is due now; returns how many were sent."""
        sent = 0
        while True:
            uow = self.uow_factory()
            with uow:
                due = list(uow.outbox.claim_due(self.clock.now(), 1))
                if not due:
                    uow.commit()  # nothing changed; a ROLLBACK would make psycopg forget its prepared statements
                    return sent
                message = due[0]
                sent += self._deliver(uow, message)
                uow.commit()

    def _deliver(self, uow: AbstractUnitOfWork, message: OutgoingMessage) -> int:
        assert message.id is not None
        sender = self.senders.get(message.channel)
        now = self.clock.now()
        attempts = message.attempts
        if sender is None:
            error, permanent = f"no sender configured for channel {message.channel!r}", False
        elif (refused := _refusal(sender, message, uow)) is not None:
            error, permanent = refused, True
        else:
            try:
                provider_id = sender.send(message)
            except DeliveryError as failure:
                error, permanent = str(failure), failure.permanent
            except OSError as failure:
                error, permanent = f"{type(failure).__name__}: {failure}", False
            else:
                uow.outbox.mark_sent(message.id, now, provider_id)
                return 1
        give_up = permanent or attempts >= len(RETRY_DELAYS)
        delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS) - 1)]
        log.warning(
            "reply %s on %s not delivered (%s)%s",
            message.id,
            message.channel,
            error,
            "; giving up" if give_up else f"; retry in {delay}",
        )
        uow.outbox.mark_retry(message.id, error, now + delay, give_up)
        return 0


def _refusal(sender: ChannelSender, message: OutgoingMessage, uow: AbstractUnitOfWork) -> str | None:
    check = getattr(sender, "refusal", None)
    return None if check is None else cast(CheckingSender, sender).refusal(message, uow)
