"""The SQL conversation state: open clarification questions, applied requests (for undo), courtesy notices."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, Executable, Row, Table, bindparam, select, update

from core.db.pipeline_rows import ConnectionGetter, aware_utc, json_value, upsert_insert
from core.db.pipeline_tables import applied_requests, pending_questions, sender_notices
from core.db.rows import value_binds
from core.messages import AppliedRequest, PendingQuestion

_q = pending_questions.c
_OPEN_QUESTION = (
    select(pending_questions)
    .where(_q.guardian_id == bindparam("guardian_id"), _q.channel == bindparam("channel"), _q.closed.is_(False))
    .order_by(_q.asked_at.desc(), _q.id.desc())
    .limit(1)
)
_QUESTION_COLUMNS = (
    "guardian_id",
    "channel",
    "inbound_id",
    "asked_at",
    "expires_at",
    "kind",
    "options",
    "pending",
    "intent",
    "questions_asked",
)
_ADD_QUESTION = (
    pending_questions.insert()
    .values(value_binds(pending_questions, _QUESTION_COLUMNS, "new_"))
    .returning(pending_questions.c.id)
)
_a = applied_requests.c
_LAST_APPLIED = (
    select(applied_requests)
    .where(_a.guardian_id == bindparam("guardian_id"), _a.undone.is_(False))
    .order_by(_a.applied_at.desc(), _a.id.desc())
    .limit(1)
)
_APPLIED_COLUMNS = ("guardian_id", "inbound_id", "applied_at", "commands", "undone")
_RECORD_APPLIED = (
    applied_requests.insert()
    .values(value_binds(applied_requests, _APPLIED_COLUMNS, "new_"))
    .returning(applied_requests.c.id)
)
_notices: dict[str, Executable] = {}


def _notice_statement(connection: Connection) -> Executable:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id into sender_notices, built once per dialect."""
    name = connection.dialect.name
    statement = _notices.get(name)
    if statement is None:
        n = sender_notices.c
        statement = _notices[name] = (
            upsert_insert(connection, sender_notices)
            .values(value_binds(sender_notices, ("sender", "kind", "day"), "new_"))
            .on_conflict_do_nothing(index_elements=[n.sender, n.kind, n.day])
            .returning(n.id)
        )
    return statement


def _prefixed(values: dict[str, Any]) -> dict[str, Any]:
    return {"new_" + name: value for name, value in values.items()}


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
        row = self._c().execute(_OPEN_QUESTION, {"guardian_id": guardian_id, "channel": channel}).first()
        return pending_question(row) if row is not None else None

    def save_question(self, question: PendingQuestion) -> PendingQuestion:
        """Store a new question, or update the stored one when it has an id (asked again, say)."""
        values = question_values(question)
        question_id = question.id
        if question_id is not None:
            self._update(pending_questions, question_id, **values)
        else:
            question_id = self._c().execute(_ADD_QUESTION, _prefixed(values)).scalar_one()
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
        request_id = self._c().execute(_RECORD_APPLIED, _prefixed(values)).scalar_one()
        return replace(request, id=request_id, applied_at=values["applied_at"], commands=tuple(values["commands"]))

    def last_applied(self, guardian_id: int) -> AppliedRequest | None:
        row = self._c().execute(_LAST_APPLIED, {"guardian_id": guardian_id}).first()
        return applied_request(row) if row is not None else None

    def mark_undone(self, request_id: int) -> None:
        self._update(applied_requests, request_id, undone=True)

    def notice_sent(self, sender: str, kind: str, day: date) -> bool:
        """INSERT … ON CONFLICT DO NOTHING: True only for the transaction that inserted the row."""
        connection = self._c()
        params = {"new_sender": sender, "new_kind": kind, "new_day": day}
        return connection.execute(_notice_statement(connection), params).first() is not None

    def _update(self, table: Table, row_id: int, **values: Any) -> None:
        result = self._c().execute(update(table).where(table.c.id == row_id).values(**values))
        if result.rowcount == 0:
            raise KeyError(f"no {table.name} row {row_id}")
