"""Tunable limits of the conversation pipeline (rate limit, question expiry, staff hold, undo window)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class PipelineConfig:
    """How patient and how strict the pipeline is; defaults suit a school canteen."""

    rate_limit: int = 20  # messages per sender and window before a person takes over
    rate_window: timedelta = timedelta(hours=1)
    question_ttl: timedelta = timedelta(hours=24)  # an unanswered question expires, the next message is new
    max_questions: int = 2  # never more than two questions in a row: then staff
    staff_hold: timedelta = timedelta(hours=48)  # chats: follow-ups attach to an open staff item this long
    undo_window: timedelta = timedelta(hours=24)  # "ANNULER" reverses a request applied this recently
    own_addresses: frozenset[str] = frozenset()  # our own email addresses and numbers: never answered
