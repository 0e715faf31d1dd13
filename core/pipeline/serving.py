"""The worker's loop (`cantine run`, `cantine worker`): drain the inbox, then sleep until a message arrives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from core.pipeline.wakeup import InboxWaiter
from core.pipeline.worker import Worker


class Stop(Protocol):
    """A threading or multiprocessing Event: the loop ends once it is set."""

    def is_set(self) -> bool: ...


def _nothing() -> None:
    """No work between batches."""


@dataclass
class WorkLoop:
    """Processes messages in batches; after each, `between` runs (deliver replies, the kitchen sheet…).

    When the inbox is empty it waits on `waiter` (LISTEN/NOTIFY or this process's bell), so a new message
    is read as soon as it is stored; `interval` bounds the wait, a safety net for messages nobody
    announced (one left pending by a crashed worker) and for noticing `stop`.
    """

    worker: Worker
    waiter: InboxWaiter
    interval: float = 1.0
    batch: int = 100
    between: Callable[[], None] = field(default=_nothing)

    def run(self, stop: Stop, *, limit: int | None = None, until_idle: bool = False) -> int:
        """Process until `stop` is set, `limit` messages are processed, or (`until_idle`) nothing is left.

        Returns how many messages were processed.
        """
        total = 0
        try:
            while not stop.is_set():
                size = self.batch if limit is None else min(self.batch, limit - total)
                processed = self.worker.drain(limit=size)
                total += processed
                self.between()
                if total == limit or (until_idle and processed < size):
                    break
                if processed < size:  # the inbox was empty: sleep until a message is stored
                    self.waiter.wait(self.interval)
        finally:
            self.waiter.close()
        return total
