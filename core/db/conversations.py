"""The SQL conversation state: open clarification questions, applied requests (for undo), courtesy notices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Executable,
    Select,
    Table,
    bindparam,
    literal_column,
    select,
    true,
    update,
)

from core.db.pipeline_rows import ConnectionGetter, aware_utc, json_value, upsert_insert
from core.db.pipeline_tables import applied_requests, pending_questions, sender_notices, staff_items
from core.db.rows import value_binds
from core.db.staff import attached_to, holding_statement, staff_item
from core.db.statements import json_param, run
from core.messages import AppliedRequest, PendingQuestion
from core.unit_of_work import ConversationState

_q = pending_questions.c


def _open_question(guardian: ColumnElement[Any]) -> Select[Any]:
    return (
        select(pending_questions)
        .where(_q.guardian_id == guardian, _q.channel == bindparam("channel"), _q.closed.is_(False))
        .order_by(_q.asked_at.desc(), _q.id.desc())
        .limit(1)
    )


_OPEN_QUESTION = _open_question(bindparam("guardian_id"))
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


def _last_applied(guardian: ColumnElement[Any]) -> Select[Any]:
    return (
        select(applied_requests)
        .where(_a.guardian_id == guardian, _a.undone.is_(False))
        .order_by(_a.applied_at.desc(), _a.id.desc())
        .limit(1)
    )


_LAST_APPLIED = _last_applied(bindparam("guardian_id"))
_APPLIED_COLUMNS = ("guardian_id", "inbound_id", "applied_at", "commands", "undone")
_RECORD_APPLIED = (
    applied_requests.insert()
    .values(value_binds(applied_requests, _APPLIED_COLUMNS, "new_"))
    .returning(applied_requests.c.id)
)
_notices: dict[str, Executable] = {}
# A sender's conversation state in one query, side by side on one row (NULLs where there is none).
_ONE_ROW = select(literal_column("1").label("one")).subquery("one_row")
_APPLIED_AT = len(pending_questions.c)
_HOLDING_AT = _APPLIED_AT + len(applied_requests.c)
STATE_COLUMNS = _HOLDING_AT + len(staff_items.c)
_states: dict[str, Select[Any]] = {}


def state_row(dialect: str, guardian: ColumnElement[Any]) -> Select[Any]:
    """One row of `STATE_COLUMNS` columns, read by `state_of`: the open question of `guardian` on the
    `channel` parameter (the columns of `select(pending_questions)`), their last applied request (of
    `select(applied_requests)`), and the staff item holding one of the `thread_keys` at `now`."""
    question = _open_question(guardian).subquery("question")
    applied = _last_applied(guardian).subquery("applied")
    held = holding_statement(dialect).subquery("held")
    joined = _ONE_ROW.outerjoin(question, true()).outerjoin(applied, true()).outerjoin(held, true())
    return select(*question.c, *applied.c, *held.c).select_from(joined)


def state_of(connection: Connection, row: Sequence[Any]) -> ConversationState:
    """The conversation state in the columns of `state_row` (the holding item's attachments looked up)."""
    question, applied, held = row[:_APPLIED_AT], row[_APPLIED_AT:_HOLDING_AT], row[_HOLDING_AT:STATE_COLUMNS]
    return ConversationState(
        open_question=pending_question(question) if question[0] is not None else None,
        last_applied=applied_request(applied) if applied[0] is not None else None,
        holding=staff_item(held, attached_to(connection, held[0])) if held[0] is not None else None,
    )


def _state_statement(dialect: str) -> Select[Any]:
    statement = _states.get(dialect)
    if statement is None:
        statement = _states[dialect] = state_row(dialect, bindparam("guardian_id"))
    return statement


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


def pending_question(row: Sequence[Any]) -> PendingQuestion:
    """A question from the columns of `select(pending_questions)` (table order)."""
    id_, guardian_id, channel, inbound_id, asked_at, expires_at, kind, options, pending, intent, asked, _ = row
    return PendingQuestion(
        guardian_id=guardian_id,
        channel=channel,
        inbound_id=inbound_id,
        asked_at=aware_utc(asked_at),
        expires_at=aware_utc(expires_at),
        kind=kind,
        options=tuple(options),
        pending=tuple(pending),
        intent=intent,
        questions_asked=asked,
        id=id_,
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


def applied_request(row: Sequence[Any]) -> AppliedRequest:
    """An applied request from the columns of `select(applied_requests)` (table order)."""
    id_, guardian_id, inbound_id, applied_at, commands, undone = row
    return AppliedRequest(
        guardian_id=guardian_id,
        inbound_id=inbound_id,
        applied_at=aware_utc(applied_at),
        commands=tuple(commands),
        undone=undone,
        id=id_,
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
            connection = self._c()
            params = _prefixed(values)
            params["new_options"] = json_param(connection, values["options"])
            params["new_pending"] = json_param(connection, values["pending"])
            question_id = run(connection, _ADD_QUESTION, params)[0][0]
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
        connection = self._c()
        params = _prefixed(values) | {"new_commands": json_param(connection, values["commands"])}
        request_id = run(connection, _RECORD_APPLIED, params)[0][0]
        return replace(request, id=request_id, applied_at=values["applied_at"], commands=tuple(values["commands"]))

    def last_applied(self, guardian_id: int) -> AppliedRequest | None:
        row = self._c().execute(_LAST_APPLIED, {"guardian_id": guardian_id}).first()
        return applied_request(row) if row is not None else None

    def state(
        self, guardian_id: int | None, channel: str, thread_keys: Sequence[str], now: datetime
    ) -> ConversationState:
        """`AbstractUnitOfWork.conversation_state` in one query (two when a staff item holds the thread)."""
        connection = self._c()
        params = {
            "guardian_id": guardian_id,
            "channel": channel,
            "thread_keys": list(thread_keys),
            "now": aware_utc(now),
        }
        return state_of(connection, run(connection, _state_statement(connection.dialect.name), params)[0])

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
