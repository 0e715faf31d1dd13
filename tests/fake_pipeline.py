"""In-memory inbox, outbox, conversation and staff repositories for FakeUnitOfWork (same semantics as the SQL ones)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, TypeVar

from core.db.pipeline_rows import aware_utc, json_value, maybe_utc
from core.messages import (
    AppliedRequest,
    Attachment,
    DeliveryStatus,
    InboundMessage,
    MessageStatus,
    OutgoingMessage,
    PendingQuestion,
    RuleHit,
    StaffItem,
    StaffItemStatus,
    StoredMessage,
)

IdSource = Callable[[], int]
T = TypeVar("T")


@dataclass
class OutboxRow:
    """An outbox row: the message (with its attempts) and its delivery state."""

    message: OutgoingMessage
    status: DeliveryStatus
    next_attempt_at: datetime
    last_error: str | None = None
    sent_at: datetime | None = None
    provider_id: str | None = None


@dataclass
class LinkToken:
    """A Telegram link token as stored: its guardian, expiry and use."""

    guardian_id: int
    expires_at: datetime
    used_at: datetime | None = None
    chat_id: str | None = None


@dataclass
class PipelineState:
    """The conversation pipeline's part of the fake database (copied and restored with the rest)."""

    inbox: dict[int, StoredMessage] = field(default_factory=dict)
    outbox: dict[int, OutboxRow] = field(default_factory=dict)
    questions: dict[int, PendingQuestion] = field(default_factory=dict)
    closed_questions: set[int] = field(default_factory=set)
    applied: dict[int, AppliedRequest] = field(default_factory=dict)
    notices: set[tuple[str, str, date]] = field(default_factory=set)
    staff: dict[int, StaffItem] = field(default_factory=dict)
    opt_outs: dict[str, datetime] = field(default_factory=dict)
    link_tokens: dict[str, LinkToken] = field(default_factory=dict)
    deliveries: dict[str, tuple[str, int]] = field(default_factory=dict)


StateGetter = Callable[[], PipelineState]


def _get(rows: Mapping[int, T], row_id: int, what: str) -> T:
    if row_id not in rows:
        raise KeyError(f"no {what} {row_id}")
    return rows[row_id]


class FakeInboxRepository:
    """Messages by id; (channel, external id) is stored once, the oldest pending one is claimed first."""

    def __init__(self, state: StateGetter, new_id: IdSource) -> None:
        self._state, self._new_id = state, new_id

    @property
    def _data(self) -> dict[int, StoredMessage]:
        return self._state().inbox

    def store(self, message: InboundMessage) -> tuple[int, bool]:
        existing = self.by_external_id(message.channel, message.external_id)
        if existing is not None:
            return existing.id, False
        normalised = replace(
            message,
            received_at=aware_utc(message.received_at),
            raw=bytes(message.raw),
            thread_ids=tuple(message.thread_ids),
            signals=frozenset(message.signals),
            signal_notes=json_value(dict(message.signal_notes)),
        )
        message_id = self._new_id()
        self._data[message_id] = StoredMessage(message_id, normalised, MessageStatus.PENDING)
        return message_id, True

    def claim_next(self) -> StoredMessage | None:
        pending = [m for m in self._data.values() if m.status is MessageStatus.PENDING]
        if not pending:
            return None
        oldest = min(pending, key=lambda m: (m.message.received_at, m.id))
        claimed = self._data[oldest.id] = replace(oldest, attempts=oldest.attempts + 1)
        return claimed

    def get(self, message_id: int) -> StoredMessage | None:
        return self._data.get(message_id)

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
        stored = _get(self._data, message_id, "inbound message")
        self._data[message_id] = replace(
            stored,
            status=MessageStatus(status),
            hits=tuple(RuleHit(h.rule, h.matched, h.note) for h in hits),
            processed_at=aware_utc(processed_at),
            guardian_id=guardian_id,
            household_id=household_id,
            interpretation=json_value(dict(interpretation)) if interpretation is not None else None,
        )

    def count_from(self, channel: str, sender: str, since: datetime) -> int:
        since = aware_utc(since)
        return sum(
            1
            for m in self._data.values()
            if m.message.channel == channel and m.message.sender == sender and m.message.received_at >= since
        )

    def by_external_id(self, channel: str, external_id: str) -> StoredMessage | None:
        found = (m for m in self._data.values() if (m.message.channel, m.message.external_id) == (channel, external_id))
        return next(found, None)

    def pending_count(self) -> int:
        return sum(1 for m in self._data.values() if m.status is MessageStatus.PENDING)

    def of_household(self, household_id: int, limit: int) -> Sequence[StoredMessage]:
        mine = [m for m in self._data.values() if m.household_id == household_id]
        return sorted(mine, key=lambda m: (m.message.received_at, m.id), reverse=True)[:limit]


class FakeOutboxRepository:
    """Replies by id: pending (due at `next_attempt_at`), sent, or failed after the last retry."""

    def __init__(self, state: StateGetter, new_id: IdSource) -> None:
        self._state, self._new_id = state, new_id

    @property
    def _data(self) -> dict[int, OutboxRow]:
        return self._state().outbox

    def add(self, message: OutgoingMessage) -> OutgoingMessage:
        created_at = aware_utc(message.created_at)
        stored = replace(
            message,
            id=self._new_id(),
            created_at=created_at,
            references=tuple(message.references),
            attachments=tuple(Attachment(f.filename, f.content_type, bytes(f.data)) for f in message.attachments),
        )
        assert stored.id is not None
        self._data[stored.id] = OutboxRow(stored, DeliveryStatus.PENDING, created_at)
        return stored

    def claim_due(self, now: datetime, limit: int) -> Sequence[OutgoingMessage]:
        now = aware_utc(now)
        due = [r for r in self._data.values() if r.status is DeliveryStatus.PENDING and r.next_attempt_at <= now]
        due.sort(key=lambda r: (r.next_attempt_at, r.message.id or 0))
        return [r.message for r in due[:limit]]

    def mark_sent(self, message_id: int, at: datetime, provider_id: str | None = None) -> None:
        row = _get(self._data, message_id, "outbox message")
        row.message = replace(row.message, attempts=row.message.attempts + 1)
        row.status, row.sent_at, row.provider_id = DeliveryStatus.SENT, aware_utc(at), provider_id

    def mark_retry(self, message_id: int, error: str, next_attempt_at: datetime, give_up: bool) -> None:
        row = _get(self._data, message_id, "outbox message")
        row.message = replace(row.message, attempts=row.message.attempts + 1)
        row.status = DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING
        row.last_error, row.next_attempt_at = error, aware_utc(next_attempt_at)

    def for_inbound(self, inbound_id: int) -> Sequence[OutgoingMessage]:
        return [r.message for _, r in sorted(self._data.items()) if r.message.inbound_id == inbound_id]

    def status(self, message_id: int) -> str:
        return _get(self._data, message_id, "outbox message").status


class FakeConversationRepository:
    """Questions (closed ones kept), applied requests and courtesy notices."""

    def __init__(self, state: StateGetter, new_id: IdSource) -> None:
        self._state, self._new_id = state, new_id

    def open_question(self, guardian_id: int, channel: str) -> PendingQuestion | None:
        state = self._state()
        candidates = [
            q
            for question_id, q in state.questions.items()
            if q.guardian_id == guardian_id and q.channel == channel and question_id not in state.closed_questions
        ]
        return max(candidates, key=lambda q: (q.asked_at, q.id or 0), default=None)

    def save_question(self, question: PendingQuestion) -> PendingQuestion:
        questions = self._state().questions
        if question.id is not None:
            _get(questions, question.id, "pending_questions row")
        stored = replace(
            question,
            id=question.id if question.id is not None else self._new_id(),
            asked_at=aware_utc(question.asked_at),
            expires_at=aware_utc(question.expires_at),
            options=tuple(json_value(list(question.options))),
            pending=tuple(json_value(list(question.pending))),
        )
        assert stored.id is not None
        questions[stored.id] = stored
        return stored

    def close_question(self, question_id: int) -> None:
        state = self._state()
        _get(state.questions, question_id, "pending_questions row")
        state.closed_questions.add(question_id)

    def record_applied(self, request: AppliedRequest) -> AppliedRequest:
        stored = replace(
            request,
            id=self._new_id(),
            applied_at=aware_utc(request.applied_at),
            commands=tuple(json_value(list(request.commands))),
        )
        assert stored.id is not None
        self._state().applied[stored.id] = stored
        return stored

    def last_applied(self, guardian_id: int) -> AppliedRequest | None:
        candidates = [a for a in self._state().applied.values() if a.guardian_id == guardian_id and not a.undone]
        return max(candidates, key=lambda a: (a.applied_at, a.id or 0), default=None)

    def mark_undone(self, request_id: int) -> None:
        applied = self._state().applied
        applied[request_id] = replace(_get(applied, request_id, "applied_requests row"), undone=True)

    def notice_sent(self, sender: str, kind: str, day: date) -> bool:
        notices = self._state().notices
        if (sender, kind, day) in notices:
            return False
        notices.add((sender, kind, day))
        return True


class FakeStaffRepository:
    """Staff items by id, their attached message ids kept in ascending order."""

    def __init__(self, state: StateGetter, new_id: IdSource) -> None:
        self._state, self._new_id = state, new_id

    @property
    def _data(self) -> dict[int, StaffItem]:
        return self._state().staff

    def open(self, item: StaffItem) -> StaffItem:
        stored = replace(
            item,
            id=self._new_id(),
            opened_at=aware_utc(item.opened_at),
            hold_until=maybe_utc(item.hold_until),
            resolved_at=maybe_utc(item.resolved_at),
            status=StaffItemStatus(item.status),
            attached=tuple(sorted(set(item.attached))),
        )
        assert stored.id is not None
        self._data[stored.id] = stored
        return stored

    def get(self, item_id: int) -> StaffItem | None:
        return self._data.get(item_id)

    def open_items(self) -> Sequence[StaffItem]:
        found = [i for i in self._data.values() if i.status is StaffItemStatus.OPEN]
        return sorted(found, key=lambda i: (i.opened_at, i.id or 0))

    def holding(self, thread_keys: Sequence[str], now: datetime) -> StaffItem | None:
        now = aware_utc(now)
        candidates = [
            i
            for i in self.open_items()
            if i.thread_key in thread_keys and (i.hold_until is None or i.hold_until >= now)
        ]
        return candidates[-1] if candidates else None

    def attach(self, item_id: int, inbound_id: int) -> None:
        item = _get(self._data, item_id, "staff item")
        self._data[item_id] = replace(item, attached=tuple(sorted({*item.attached, inbound_id})))

    def resolve(self, item_id: int, by: str, at: datetime, resolution: str) -> None:
        item = _get(self._data, item_id, "staff item")
        self._data[item_id] = replace(
            item, status=StaffItemStatus.RESOLVED, resolved_by=by, resolved_at=aware_utc(at), resolution=resolution
        )


class FakeChannelStateRepository:
    """SMS opt-outs, Telegram link tokens and delivery reports, as the SQL repository keeps them."""

    def __init__(self, state: StateGetter) -> None:
        self._state = state

    def opt_out(self, number: str, at: datetime) -> None:
        self._state().opt_outs.setdefault(number, aware_utc(at))

    def opt_in(self, number: str) -> None:
        self._state().opt_outs.pop(number, None)

    def is_opted_out(self, number: str) -> bool:
        return number in self._state().opt_outs

    def add_link_token(self, token_hash: str, guardian_id: int, created_at: datetime, expires_at: datetime) -> None:
        tokens = self._state().link_tokens
        if token_hash in tokens:
            raise ValueError("token hash already stored")
        tokens[token_hash] = LinkToken(guardian_id, aware_utc(expires_at))

    def use_link_token(self, token_hash: str, chat_id: str, now: datetime) -> int | None:
        token = self._state().link_tokens.get(token_hash)
        if token is None or token.used_at is not None or token.expires_at <= aware_utc(now):
            return None
        token.used_at, token.chat_id = aware_utc(now), chat_id
        return token.guardian_id

    def record_delivery(
        self, provider_id: str, channel: str, status: str, at: datetime, error_code: str | None = None
    ) -> str:
        from core.unit_of_work import delivery_rank

        deliveries = self._state().deliveries
        rank = delivery_rank(status)
        if provider_id not in deliveries or deliveries[provider_id][1] < rank:
            deliveries[provider_id] = (status, rank)
        return deliveries[provider_id][0]

    def delivery_status(self, provider_id: str) -> str | None:
        found = self._state().deliveries.get(provider_id)
        return found[0] if found else None
