"""The worker's first lookup in one query: a message's sender with their whole household, their conversation
state, and how many messages they sent lately (for the rate limit)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, true

from core.db.conversations import STATE_COLUMNS, state_of, state_row
from core.db.households import SenderLookup, sender_lookups, sender_of_rows
from core.db.inbox import COUNT_FROM
from core.db.pipeline_rows import aware_utc
from core.db.rows import TransactionCache
from core.db.statements import run
from core.model import Guardian, Household
from core.unit_of_work import ConversationState

_statements: dict[tuple[int, str], Select[Any]] = {}


def _statement(lookup: SenderLookup, dialect: str) -> Select[Any]:
    """The lookup's rows, each followed by the sender's conversation state and message count (one row,
    outer-joined on true): a few rows, whose extra columns are read once."""
    key = (id(lookup), dialect)
    statement = _statements.get(key)
    if statement is None:
        state = state_row(dialect, lookup.guardian_id).add_columns(COUNT_FROM.label("recent")).subquery("state")
        statement = _statements[key] = lookup.statement.outerjoin(state, true()).add_columns(*state.c)
    return statement


def load_sender_context(
    connection: Connection,
    cache: TransactionCache,
    channel: str,
    sender: str,
    thread_keys: Sequence[str],
    now: datetime,
    recent_since: datetime,
) -> tuple[Guardian, Household, ConversationState] | None:
    """`AbstractUnitOfWork.sender_context` in one query (one more per extra lookup of another channel, and
    when a staff item holds the thread); the count is left for `SqlInboxRepository.count_from`."""
    common = {
        "channel": channel,
        "sender": sender,
        "since": aware_utc(recent_since),
        "thread_keys": list(thread_keys),
        "now": aware_utc(now),
    }
    for lookup in sender_lookups(channel):
        params = common | {lookup.parameter: lookup.value(sender)}
        rows = run(connection, _statement(lookup, connection.dialect.name), params)
        if rows:
            guardian, household = sender_of_rows(rows, cache)
            first = rows[0]
            state_at = len(first) - STATE_COLUMNS - 1
            cache.recent_counts[(channel, sender, recent_since)] = int(first[-1])
            return guardian, household, state_of(connection, first[state_at:-1])
    return None
