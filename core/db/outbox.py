"""The SQL outbox: replies written with the changes they report, delivered and retried by the sender worker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, exists, insert, select, update

from core.db.attachment_tables import outbox_attachments as a
from core.db.pipeline_rows import ConnectionGetter, aware_utc
from core.db.pipeline_tables import outbox as t
from core.db.rows import value_binds
from core.db.statements import json_param, run
from core.messages import Attachment, DeliveryStatus, OutgoingMessage

_ADDED = (
    "inbound_id",
    "channel",
    "recipient",
    "language",
    "subject",
    "text",
    "html",
    "in_reply_to",
    "reply_from",
    "references",
    "created_at",
    "status",
    "attempts",
    "next_attempt_at",
    "buttons",
)
_ADD = t.insert().values(value_binds(t, _ADDED, "new_")).returning(t.c.id)
_ADD_ATTACHMENT = insert(a)
# Rows are read with this flag, so that only a reply with files costs a second query (most have none).
_HAS_ATTACHMENTS = exists().where(a.c.outbox_id == t.c.id).label("has_attachments")


def outgoing_message(row: Row[Any]) -> OutgoingMessage:
    return OutgoingMessage(
        channel=row.channel,
        recipient=row.recipient,
        text=row.text,
        created_at=row.created_at,
        language=row.language,
        subject=row.subject,
        in_reply_to=row.in_reply_to,
        reply_from=row.reply_from,
        references=tuple(row.references),
        html=row.html,
        inbound_id=row.inbound_id,
        buttons=tuple((str(label), str(answer)) for label, answer in row.buttons or ()),
        attempts=row.attempts,
        id=row.id,
    )


class SqlOutboxRepository:
    """Outbox rows: pending until sent, or failed once the sender gives up (shown to staff)."""

    def __init__(self, connection: ConnectionGetter) -> None:
        self._c = connection

    def add(self, message: OutgoingMessage) -> OutgoingMessage:
        """Store a pending reply, due at once (its `created_at`); the database gives its id."""
        created_at = aware_utc(message.created_at)
        values = {
            "inbound_id": message.inbound_id,
            "channel": message.channel,
            "recipient": message.recipient,
            "language": message.language,
            "subject": message.subject,
            "text": message.text,
            "html": message.html,
            "in_reply_to": message.in_reply_to,
            "reply_from": message.reply_from,
            "references": list(message.references),
            "created_at": created_at,
            "status": DeliveryStatus.PENDING.value,
            "attempts": message.attempts,
            "next_attempt_at": created_at,
            "buttons": [list(button) for button in message.buttons] or None,
        }
        connection = self._c()
        values["references"] = json_param(connection, values["references"])
        values["buttons"] = json_param(connection, values["buttons"])
        message_id = run(connection, _ADD, {"new_" + name: value for name, value in values.items()})[0][0]
        if message.attachments:
            rows = [
                {"outbox_id": message_id, "position": position, "filename": file.filename,
                 "content_type": file.content_type, "data": bytes(file.data)}
                for position, file in enumerate(message.attachments)
            ]  # fmt: skip
            self._c().execute(_ADD_ATTACHMENT, rows)
        return replace(message, id=message_id, created_at=created_at)

    def claim_due(self, now: datetime, limit: int) -> Sequence[OutgoingMessage]:
        """Due pending replies, earliest due first; PostgreSQL skips those another sender holds."""
        statement = (
            select(t, _HAS_ATTACHMENTS)
            .where(t.c.status == DeliveryStatus.PENDING.value, t.c.next_attempt_at <= aware_utc(now))
            .order_by(t.c.next_attempt_at, t.c.id)
            .limit(limit)
            .with_for_update(of=t, skip_locked=True)
        )
        return self._with_attachments(list(self._c().execute(statement)))

    def mark_sent(self, message_id: int, at: datetime, provider_id: str | None = None) -> None:
        self._update(
            message_id,
            status=DeliveryStatus.SENT.value,
            attempts=t.c.attempts + 1,
            sent_at=aware_utc(at),
            provider_id=provider_id,
        )

    def mark_retry(self, message_id: int, error: str, next_attempt_at: datetime, give_up: bool) -> None:
        """Count a failed attempt: due again at `next_attempt_at`, or failed for good when giving up."""
        self._update(
            message_id,
            status=(DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING).value,
            attempts=t.c.attempts + 1,
            last_error=error,
            next_attempt_at=aware_utc(next_attempt_at),
        )

    def for_inbound(self, inbound_id: int) -> Sequence[OutgoingMessage]:
        rows = self._c().execute(select(t, _HAS_ATTACHMENTS).where(t.c.inbound_id == inbound_id).order_by(t.c.id))
        return self._with_attachments(list(rows))

    def _with_attachments(self, rows: Sequence[Row[Any]]) -> list[OutgoingMessage]:
        """The messages of outbox rows read with `_HAS_ATTACHMENTS`, their files loaded in one query if any."""
        messages = [outgoing_message(row) for row in rows]
        wanted = [row.id for row in rows if row.has_attachments]
        if not wanted:
            return messages
        files: dict[int, list[Attachment]] = {}
        query = select(a).where(a.c.outbox_id.in_(wanted)).order_by(a.c.outbox_id, a.c.position)
        for file in self._c().execute(query):
            files.setdefault(file.outbox_id, []).append(Attachment(file.filename, file.content_type, bytes(file.data)))
        return [replace(m, attachments=tuple(files.get(m.id or 0, ()))) if m.id in files else m for m in messages]

    def status(self, message_id: int) -> str:
        """The delivery status (a DeliveryStatus value); KeyError for an unknown id."""
        found = self._c().execute(select(t.c.status).where(t.c.id == message_id)).scalar()
        if found is None:
            raise KeyError(f"no outbox message {message_id}")
        return DeliveryStatus(found)

    def _update(self, message_id: int, **values: Any) -> None:
        result = self._c().execute(update(t).where(t.c.id == message_id).values(**values))
        if result.rowcount == 0:
            raise KeyError(f"no outbox message {message_id}")
