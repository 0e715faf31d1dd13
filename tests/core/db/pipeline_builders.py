"""Test data for the conversation store tests: messages, replies, questions, staff items, and the units of work."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from core.messages import InboundMessage, OutgoingMessage, PendingQuestion, StaffItem
from core.unit_of_work import AbstractUnitOfWork
from tests.core.db.builders import NOW, household
from tests.fakes import FakeUnitOfWork

UowMaker = Callable[[], AbstractUnitOfWork]

STORES = [
    pytest.param("fake", id="fake"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def make_uow_maker(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UowMaker]:
    """Units of work on the fake (one instance: its state lives in it), or on a migrated SQL database."""
    if kind == "fake":
        fake = FakeUnitOfWork()
        yield lambda: fake
        return
    from core.db.engine import make_engine
    from core.db.migrate import upgrade
    from core.db.unit_of_work import SqlAlchemyUnitOfWork
    from tests.conftest import _truncate_all

    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'pipeline.db'}"
        upgrade(url)
    else:
        url = request.getfixturevalue("pg_migrated_url")
        _truncate_all(url)
    engine = make_engine(url)
    try:
        yield lambda: SqlAlchemyUnitOfWork.from_engine(engine)
    finally:
        engine.dispose()


def inbound(
    external_id: str = "<m1@example.org>",
    channel: str = "email",
    sender: str = "anne.dupont@example.org",
    at: datetime = NOW,
    *,
    text: str = "Pas de cantine pour Léa lundi",
    raw: bytes = b"",
    thread_ids: tuple[str, ...] = (),
    signals: frozenset[str] = frozenset(),
    signal_notes: Mapping[str, str] | None = None,
) -> InboundMessage:
    return InboundMessage(
        channel=channel,
        external_id=external_id,
        sender=sender,
        text=text,
        received_at=at,
        subject="Lundi",
        raw=raw,
        thread_ids=thread_ids,
        signals=signals,
        signal_notes=dict(signal_notes or {}),
    )


def reply(inbound_id: int | None = None, at: datetime = NOW, text: str = "C’est noté.") -> OutgoingMessage:
    return OutgoingMessage(
        channel="email",
        recipient="anne.dupont@example.org",
        text=text,
        created_at=at,
        subject="Re: Lundi",
        in_reply_to="<m1@example.org>",
        references=("<m0@example.org>", "<m1@example.org>"),
        inbound_id=inbound_id,
    )


def question(guardian_id: int, inbound_id: int, at: datetime = NOW, channel: str = "email") -> PendingQuestion:
    return PendingQuestion(
        guardian_id=guardian_id,
        channel=channel,
        inbound_id=inbound_id,
        asked_at=at,
        expires_at=at + timedelta(hours=24),
        kind="child",
        options=("12", "13"),
        pending=({"action": "cancel", "child_id": None, "day": "2026-11-23", "meal": None},),
        intent="cancel",
    )


def staff_item(inbound_id: int, key: str, at: datetime = NOW, hold: timedelta | None = None) -> StaffItem:
    hold_until = at + hold if hold is not None else None
    return StaffItem(inbound_id=inbound_id, reason="unknown child", opened_at=at, thread_key=key, hold_until=hold_until)


def guardian_and_messages(make: UowMaker, count: int) -> tuple[int, list[int]]:
    """A stored household's guardian id and `count` stored message ids (committed)."""
    with make() as uow:
        family = uow.households.add(household())
        guardian_id = family.guardians[0].id
        assert guardian_id is not None
        ids = [uow.inbox.store(inbound(f"<g{n}@example.org>", at=NOW + timedelta(minutes=n)))[0] for n in range(count)]
        uow.commit()
    return guardian_id, ids
