"""The SQL inbox: every received message, stored once per (channel, external id), claimed by one worker at a time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, func, select, update
from sqlalchemy.sql.base import Executable

from core.db.pipeline_rows import ConnectionGetter, aware_utc, json_value, upsert_insert
from core.db.pipeline_tables import inbound_messages as t
from core.db.rows import TransactionCache, value_binds
from core.db.statements import json_param, run
from core.keyed import keyed_text
from core.messages import InboundMessage, MessageStatus, RuleHit, StoredMessage

# The oldest pending message nobody else holds: FOR UPDATE SKIP LOCKED on PostgreSQL (a concurrent claimer
# skips it; a crashed transaction releases it, still pending). SQLite compiles no FOR UPDATE: its
# transactions begin with BEGIN IMMEDIATE, so claimers are serialised anyway.
_OLDEST_PENDING = (
    select(t.c.id)
    .where(t.c.status == MessageStatus.PENDING.value)
    .order_by(t.c.received_at, t.c.id)
    .limit(1)
    .with_for_update(skip_locked=True)
    .scalar_subquery()
)
_CLAIM = update(t).where(t.c.id == _OLDEST_PENDING).values(attempts=t.c.attempts + 1).returning(*t.c)
_FINISHED = ("status", "hits", "processed_at", "guardian_id", "household_id", "interpretation")
_FINISH = update(t).where(t.c.id == bindparam("message_id")).values(value_binds(t, _FINISHED, "new_")).returning(t.c.id)
_AT = {column.key: index for index, column in enumerate(t.c)}  # positions in a row of `select(t)`
_COUNT_FROM = (
    select(func.count())
    .select_from(t)
    .where(
        t.c.channel == bindparam("channel"), t.c.sender == bindparam("sender"), t.c.received_at >= bindparam("since")
    )
)
COUNT_FROM = _COUNT_FROM.scalar_subquery()  # for statements that count along (core.db.senders)


_STORED: tuple[str, ...] = ("channel", "external_id", "sender", "recipient", "subject", "text", "raw")
_STORED += ("received_at", "thread_ids", "signals", "signal_notes", "status", "attempts", "hits")
_JSON_COLUMNS = ("thread_ids", "signals", "signal_notes", "hits")
_STORE: dict[str, Executable] = {}  # INSERT … ON CONFLICT DO NOTHING RETURNING id, per dialect (built once)


def _store_statement(connection: Connection) -> Executable:
    """The inbox's insert for this connection's dialect: a constant statement, so the hot path runs it."""
    name = connection.dialect.name
    statement = _STORE.get(name)
    if statement is None:
        statement = _STORE[name] = (
            upsert_insert(connection, t)
            .values(value_binds(t, _STORED, "new_"))
            .on_conflict_do_nothing(index_elements=[t.c.channel, t.c.external_id])
            .returning(t.c.id)
        )
    return statement


def inbound_values(message: InboundMessage) -> dict[str, Any]:
    """The columns of a new inbox row (pending, never attempted)."""
    return {
        "channel": message.channel,
        "external_id": message.external_id,
        "sender": message.sender,
        "recipient": message.recipient,
        "subject": message.subject,
        "text": message.text,
        "raw": bytes(message.raw),
        "received_at": aware_utc(message.received_at),
        "thread_ids": list(message.thread_ids),
        "signals": sorted(message.signals),
        "signal_notes": json_value(dict(message.signal_notes)),
        "status": MessageStatus.PENDING.value,
        "attempts": 0,
        "hits": [],
    }


def hits_of(value: Sequence[Mapping[str, Any]]) -> tuple[RuleHit, ...]:
    return tuple(
        RuleHit(hit["rule"], bool(hit["matched"]), keyed_text(hit.get("note", ""), hit.get("key"), hit.get("params")))
        for hit in value
    )


def stored_message(row: Sequence[Any]) -> StoredMessage:
    """A stored message from the columns of `select(inbound_messages)` (table order)."""
    at = _AT
    message = InboundMessage(
        channel=row[at["channel"]],
        external_id=row[at["external_id"]],
        sender=row[at["sender"]],
        recipient=row[at["recipient"]],
        text=row[at["text"]],
        received_at=aware_utc(row[at["received_at"]]),
        subject=row[at["subject"]],
        raw=bytes(row[at["raw"]]),
        thread_ids=tuple(row[at["thread_ids"]]),
        signals=frozenset(row[at["signals"]]),
        signal_notes=dict(row[at["signal_notes"]]),
    )
    processed_at = row[at["processed_at"]]
    return StoredMessage(
        id=row[at["id"]],
        message=message,
        status=MessageStatus(row[at["status"]]),
        attempts=row[at["attempts"]],
        guardian_id=row[at["guardian_id"]],
        household_id=row[at["household_id"]],
        interpretation=row[at["interpretation"]],
        hits=hits_of(row[at["hits"]]),
        processed_at=aware_utc(processed_at) if processed_at is not None else None,
    )


class SqlInboxRepository:
    """Inbox rows; the (channel, external_id) unique constraint makes `store` idempotent, even concurrently."""

    def __init__(self, connection: ConnectionGetter, cache: TransactionCache | None = None) -> None:
        self._c = connection
        self._cache = cache

    def store(self, message: InboundMessage) -> tuple[int, bool]:
        """INSERT … ON CONFLICT DO NOTHING, then the existing row's id when nothing was inserted.

        PostgreSQL: a concurrent transaction inserting the same message makes this INSERT wait until it
        ends; if it committed, the SELECT that follows (a new snapshot under READ COMMITTED) sees its row.
        """
        connection = self._c()
        values = inbound_values(message)
        params = {f"new_{name}": value for name, value in values.items()}
        for name in _JSON_COLUMNS:
            params[f"new_{name}"] = json_param(connection, values[name])
        rows = run(connection, _store_statement(connection), params)
        if rows:
            return rows[0][0], True
        existing = connection.execute(
            select(t.c.id).where(t.c.channel == message.channel, t.c.external_id == message.external_id)
        ).scalar_one()
        return existing, False

    def claim_next(self) -> StoredMessage | None:
        rows = run(self._c(), _CLAIM, {})
        return stored_message(rows[0]) if rows else None

    def get(self, message_id: int) -> StoredMessage | None:
        return self._one(t.c.id == message_id)

    def finish(
        self,
        message_id: int,
        status: MessageStatus,
        hits: Sequence[RuleHit],
        processed_at: datetime,
        *,
        guardian_id: int | None = None,
        household_id: int | None = None,
        interpretation: Mapping[str, Any] | None = None,
    ) -> None:
        connection = self._c()
        params = {
            "message_id": message_id,
            "new_status": MessageStatus(status).value,
            "new_hits": json_param(connection, [hit.to_json() for hit in hits]),
            "new_processed_at": aware_utc(processed_at),
            "new_guardian_id": guardian_id,
            "new_household_id": household_id,
            "new_interpretation": json_param(
                connection, json_value(dict(interpretation)) if interpretation is not None else None
            ),
        }
        if not run(connection, _FINISH, params):
            raise KeyError(f"no inbound message {message_id}")

    def count_from(self, channel: str, sender: str, since: datetime) -> int:
        if self._cache is not None:
            counted = self._cache.recent_counts.pop((channel, sender, since), None)
            if counted is not None:  # counted by this transaction's sender lookup (core.db.senders)
                return counted
        params = {"channel": channel, "sender": sender, "since": aware_utc(since)}
        return int(run(self._c(), _COUNT_FROM, params)[0][0])

    def by_external_id(self, channel: str, external_id: str) -> StoredMessage | None:
        return self._one((t.c.channel == channel) & (t.c.external_id == external_id))

    def pending_count(self) -> int:
        statement = select(func.count()).select_from(t).where(t.c.status == MessageStatus.PENDING.value)
        return int(self._c().execute(statement).scalar_one())

    def of_household(self, household_id: int, limit: int) -> Sequence[StoredMessage]:
        statement = (
            select(t)
            .where(t.c.household_id == household_id)
            .order_by(t.c.received_at.desc(), t.c.id.desc())
            .limit(limit)
        )
        return [stored_message(row) for row in self._c().execute(statement)]

    def _one(self, condition: ColumnElement[bool]) -> StoredMessage | None:
        row = self._c().execute(select(t).where(condition)).first()
        return stored_message(row) if row is not None else None
