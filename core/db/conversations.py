"""The SQL conversation state: open clarification questions, applied requests (for undo), courtesy notices."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Row, Table, select, update

from core.db.pipeline_rows import ConnectionGetter, aware_utc, json_value, upsert_insert
from core.db.pipeline_tables import applied_requests, pending_questions, sender_notices
from core.messages import AppliedRequest, PendingQuestion


def pending_question(row: Row[Any]) -> PendingQuestion:
    return PendingQuestion(
        guardian_id=row.guardian_id,
        channel=row.channel,
        inbound_id=row.inbound_id,
        asked_at=row.asked_at,
        expires_at=row.expires_at,
        kind=row.kind,
        options=tuple(row.options),
        pending=tuple(row.pending),
        intent=row.intent,
        questions_asked=row.questions_asked,
        id=row.id,
    )


def question_values(question: PendingQuestion) -> dict[str, Any]:
    return {
        "guardian_id": question.guardian_id,
        "channel": question.channel,
        "inbound_id": question.inbound_id,
        "asked_at": aware_utc(question.asked_at),
        "expires_at": aware_utc(question.expires_at),
        "kind": question.kind,
        "options": list(question.options),
        "pending": json_value(list(question.pending)),
        "intent": question.intent,
        "questions_asked": question.questions_asked,
    }


def applied_request(row: Row[Any]) -> AppliedRequest:
    return AppliedRequest(
        guardian_id=row.guardian_id,
        inbound_id=row.inbound_id,
        applied_at=row.applied_at,
        commands=tuple(row.commands),
        undone=row.undone,
        id=row.id,
    )


class SqlConversationRepository:
    """Questions stay stored when closed (a `closed` flag); commands are JSON with ISO day strings."""

    def __init__(self, connection: ConnectionGetter) -> None:
        self._c = connection

    def open_question(self, guardian_id: int, channel: str) -> PendingQuestion | None:
        """The latest question not closed (expired ones too: expiry is the caller's business)."""
        q = pending_questions.c
        row = (
            self._c()
            .execute(
                select(pending_questions)
                .where(q.guardian_id == guardian_id, q.channel == channel, q.closed.is_(False))
                .order_by(q.asked_at.desc(), q.id.desc())
                .limit(1)
            )
            .first()
        )
        return pending_question(row) if row is not None else None

    def save_question(self, question: PendingQuestion) -> PendingQuestion:
        """Store a new question, or update the stored one when it has an id (asked again, say)."""
        values = question_values(question)
        question_id = question.id
        if question_id is not None:
            self._update(pending_questions, question_id, **values)
        else:
            statement = pending_questions.insert().values(values).returning(pending_questions.c.id)
            question_id = self._c().execute(statement).scalar_one()
        return PendingQuestion(
            **{**values, "options": tuple(values["options"]), "pending": tuple(values["pending"])}, id=question_id
        )

    def close_question(self, question_id: int) -> None:
        self._update(pending_questions, question_id, closed=True)

    def record_applied(self, request: AppliedRequest) -> AppliedRequest:
        values = {
            "guardian_id": request.guardian_id,
            "inbound_id": request.inbound_id,
            "applied_at": aware_utc(request.applied_at),
            "commands": json_value(list(request.commands)),
            "undone": request.undone,
        }
        table = applied_requests
        request_id = self._c().execute(table.insert().values(values).returning(table.c.id)).scalar_one()
        return replace(request, id=request_id, applied_at=values["applied_at"], commands=tuple(values["commands"]))

    def last_applied(self, guardian_id: int) -> AppliedRequest | None:
        a = applied_requests.c
        statement = (
            select(applied_requests)
            .where(a.guardian_id == guardian_id, a.undone.is_(False))
            .order_by(a.applied_at.desc(), a.id.desc())
            .limit(1)
        )
        row = self._c().execute(statement).first()
        return applied_request(row) if row is not None else None

    def mark_undone(self, request_id: int) -> None:
        self._update(applied_requests, request_id, undone=True)

    def notice_sent(self, sender: str, kind: str, day: date) -> bool:
        """INSERT … ON CONFLICT DO NOTHING: True only for the transaction that inserted the row."""
        connection = self._c()
        n = sender_notices.c
        statement = (
            upsert_insert(connection, sender_notices)
            .values(sender=sender, kind=kind, day=day)
            .on_conflict_do_nothing(index_elements=[n.sender, n.kind, n.day])
            .returning(n.id)
        )
        return connection.execute(statement).first() is not None

    def _update(self, table: Table, row_id: int, **values: Any) -> None:
        result = self._c().execute(update(table).where(table.c.id == row_id).values(**values))
        if result.rowcount == 0:
            raise KeyError(f"no {table.name} row {row_id}")
