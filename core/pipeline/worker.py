"""The worker: claims stored messages one by one and routes each in its own transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import nlu
from core import i18n
from core.canteen import Canteen
from core.clock import Clock
from core.messages import InboundMessage, MessageStatus, RuleHit, StaffItem
from core.pipeline.config import PipelineConfig
from core.pipeline.intake import process
from core.pipeline.notes import routing_note
from core.pipeline.rehearsal import rehearse
from core.pipeline.wakeup import LOCAL_BELL
from core.replies import ReplyComposer
from core.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)


def receive(message: InboundMessage, uow: AbstractUnitOfWork) -> tuple[int, bool]:
    """Store a message in the durable inbox (a channel acknowledges only after this returns).

    Returns (inbox id, newly stored); a redelivered message is recognised and not stored twice.
    """
    with uow:
        stored = uow.inbox.store(message)
        uow.commit()
    if stored[1]:
        LOCAL_BELL.ring()  # a worker of this process wakes now (other processes: PostgreSQL's NOTIFY)
    return stored


@dataclass
class Worker:
    """Processes the inbox: one message, one transaction (changes, replies and the outcome commit together)."""

    uow_factory: Callable[[], AbstractUnitOfWork]
    canteens: Mapping[str, Canteen]
    clock: Clock
    config: PipelineConfig = field(default_factory=PipelineConfig)
    composer: ReplyComposer = field(default_factory=ReplyComposer)

    def warm_up(self) -> int:
        """Load now what a fresh process would load on its first messages: the catalogs and locale data of
        every language, the understanding layer's tables for each canteen's languages, then a rehearsal
        (core.pipeline.rehearsal: sample messages down the road, rolled back). Nothing is stored.
        Returns how many messages are waiting."""
        i18n.warm_up(tuple(sorted({canteen.currency for canteen in self.canteens.values()})))
        at = self.clock.now()
        for canteen in self.canteens.values():
            nlu.warm_up(canteen, at)
        uow = self.uow_factory()
        with uow:  # never committed: the rehearsal's messages, changes and replies are rolled back
            waiting = uow.inbox.pending_count()
            try:
                rehearse(uow, self.canteens, at, self.config, self.composer)
            except Exception:  # a rehearsal must never keep the worker from starting
                log.warning("the worker's rehearsal failed; starting without it", exc_info=True)
        return waiting

    def process_next(self) -> tuple[int, MessageStatus] | None:
        """Claim and route the oldest pending message; None when there is none.

        A crash before the commit leaves the message pending (and nothing of it applied), so it is
        processed again: commands are applied at most once.
        """
        uow = self.uow_factory()
        claimed: int | None = None
        try:
            with uow:
                stored = uow.inbox.claim_next()
                if stored is None:
                    uow.commit()  # nothing changed; a ROLLBACK would make psycopg forget its prepared statements
                    return None
                claimed = stored.id
                status = process(stored, uow, self.canteens, self.clock.now(), self.config, self.composer)
                uow.commit()
        except Exception as error:
            if claimed is None:
                raise
            log.exception("message %s could not be processed; set aside for staff", claimed)
            self._set_aside(claimed, f"{type(error).__name__}: {error}")
            return claimed, MessageStatus.STAFF
        log.info("message %s: %s", claimed, status.value)
        return claimed, status

    def _set_aside(self, message_id: int, error: str) -> None:
        """A system error (not the sender's fault): nothing applied, the message kept for staff with the error."""
        now = self.clock.now()
        uow = self.uow_factory()
        with uow:
            stored = uow.inbox.get(message_id)
            if stored is None or stored.status is not MessageStatus.PENDING:
                return
            why = routing_note("system_error", error=error)
            uow.inbox.finish(message_id, MessageStatus.STAFF, [RuleHit("system_error", True, why)], now)
            key = f"{stored.message.channel}:{stored.message.sender}"
            uow.staff.open(StaffItem(inbound_id=message_id, reason=why, opened_at=now, thread_key=key))
            uow.commit()

    def drain(self, limit: int | None = None) -> int:
        """Process pending messages until none is left (or `limit`); returns how many were processed."""
        count = 0
        while limit is None or count < limit:
            if self.process_next() is None:
                break
            count += 1
        return count
