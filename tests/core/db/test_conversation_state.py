"""Questions, applied requests, notices and staff items: one contract for the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest

from core.messages import AppliedRequest, StaffItemStatus
from tests.core.db.builders import NOW
from tests.core.db.pipeline_builders import (
    STORES,
    UowMaker,
    guardian_and_messages,
    make_uow_maker,
    question,
    staff_item,
)

MONDAY = date(2026, 11, 23)


@pytest.fixture(params=STORES)
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UowMaker]:
    yield from make_uow_maker(request.param, request, tmp_path)


def test_the_latest_open_question_is_the_open_one(make: UowMaker) -> None:
    guardian, (m1, m2) = guardian_and_messages(make, 2)
    with make() as uow:
        assert uow.conversations.open_question(guardian, "email") is None
        older = uow.conversations.save_question(question(guardian, m1, NOW))
        newer = uow.conversations.save_question(question(guardian, m2, NOW + timedelta(minutes=5)))
        assert older.id is not None
        assert newer.id is not None
        assert newer.id != older.id
        uow.commit()
    with make() as uow:
        found = uow.conversations.open_question(guardian, "email")
        assert found == newer
        assert found is not None
        assert found.asked_at.tzinfo == UTC
        assert uow.conversations.open_question(guardian, "sms") is None
        assert uow.conversations.open_question(guardian + 1000, "email") is None
        uow.conversations.close_question(newer.id)
        uow.commit()
    with make() as uow:
        assert uow.conversations.open_question(guardian, "email") == older
        uow.conversations.close_question(older.id)
        uow.commit()
    with make() as uow:
        assert uow.conversations.open_question(guardian, "email") is None
        with pytest.raises(KeyError):
            uow.conversations.close_question(older.id + newer.id + 1000)


def test_a_question_keeps_its_options_and_pending_commands(make: UowMaker) -> None:
    guardian, (m1,) = guardian_and_messages(make, 1)
    asked = replace(question(guardian, m1), pending=({"action": "reserve", "child_id": None, "day": MONDAY},))
    with make() as uow:
        saved = uow.conversations.save_question(asked)
        uow.commit()
    assert saved.pending == ({"action": "reserve", "child_id": None, "day": "2026-11-23"},)  # dates in ISO form
    assert saved.options == ("12", "13")
    with make() as uow:
        assert uow.conversations.open_question(guardian, "email") == saved
        again = uow.conversations.save_question(replace(saved, questions_asked=2, options=("12",)))
        uow.commit()
    with make() as uow:
        found = uow.conversations.open_question(guardian, "email")
    assert found == again
    assert found is not None
    assert (found.id, found.questions_asked, found.options) == (saved.id, 2, ("12",))


def test_the_last_applied_request_is_the_latest_not_undone(make: UowMaker) -> None:
    guardian, (m1, m2) = guardian_and_messages(make, 2)
    commands = ({"action": "cancel", "child_id": 7, "day": MONDAY, "meal": "normal"},)
    with make() as uow:
        assert uow.conversations.last_applied(guardian) is None
        first = uow.conversations.record_applied(AppliedRequest(guardian, m1, NOW, commands))
        second = uow.conversations.record_applied(AppliedRequest(guardian, m2, NOW + timedelta(minutes=1), commands))
        assert second.id is not None
        uow.commit()
    assert first.commands == ({"action": "cancel", "child_id": 7, "day": "2026-11-23", "meal": "normal"},)
    with make() as uow:
        assert uow.conversations.last_applied(guardian) == second
        assert uow.conversations.last_applied(guardian + 1000) is None
        uow.conversations.mark_undone(second.id)
        uow.commit()
    with make() as uow:
        assert uow.conversations.last_applied(guardian) == first
        assert first.id is not None
        uow.conversations.mark_undone(first.id)
        uow.commit()
    with make() as uow:
        assert uow.conversations.last_applied(guardian) is None


def test_a_notice_is_recorded_once_per_sender_kind_and_day(make: UowMaker) -> None:
    with make() as uow:
        assert uow.conversations.notice_sent("x@example.org", "unknown_sender", MONDAY)
        assert not uow.conversations.notice_sent("x@example.org", "unknown_sender", MONDAY)
        uow.commit()
    with make() as uow:
        assert not uow.conversations.notice_sent("x@example.org", "unknown_sender", MONDAY)
        assert uow.conversations.notice_sent("x@example.org", "unknown_sender", MONDAY + timedelta(days=1))
        assert uow.conversations.notice_sent("x@example.org", "rate_limited", MONDAY)
        assert uow.conversations.notice_sent("y@example.org", "unknown_sender", MONDAY)
        # rolled back: not recorded
    with make() as uow:
        assert uow.conversations.notice_sent("y@example.org", "unknown_sender", MONDAY)


def test_a_staff_item_holds_its_thread_while_open(make: UowMaker) -> None:
    _, (m1, m2, m3) = guardian_and_messages(make, 3)
    with make() as uow:
        email = uow.staff.open(staff_item(m1, "<root@example.org>"))
        chat = uow.staff.open(staff_item(m2, "sms:+41791234567", hold=timedelta(hours=2)))
        assert email.id is not None
        assert chat.id is not None
        uow.commit()
    with make() as uow:
        assert uow.staff.holding(["<other@x>", "<root@example.org>"], NOW + timedelta(days=30)) == email
        assert uow.staff.holding(["sms:+41791234567"], NOW + timedelta(hours=2)) == chat
        assert uow.staff.holding(["sms:+41791234567"], NOW + timedelta(hours=2, seconds=1)) is None
        assert uow.staff.holding([], NOW) is None
        assert uow.staff.holding(["<other@x>"], NOW) is None
        uow.staff.resolve(email.id, "alice", NOW + timedelta(hours=1), "answered by phone")
        uow.commit()
    with make() as uow:
        assert uow.staff.holding(["<root@example.org>"], NOW) is None
        newer = uow.staff.open(staff_item(m3, "sms:+41791234567", NOW + timedelta(minutes=1)))
        assert uow.staff.holding(["sms:+41791234567"], NOW + timedelta(minutes=2)) == newer  # newest first


def test_follow_ups_are_attached_once_in_order(make: UowMaker) -> None:
    _, (m1, m2, m3) = guardian_and_messages(make, 3)
    with make() as uow:
        item = uow.staff.open(staff_item(m1, "<root@example.org>"))
        assert item.id is not None
        assert item.attached == ()
        uow.staff.attach(item.id, m3)
        uow.staff.attach(item.id, m2)
        uow.staff.attach(item.id, m3)
        uow.commit()
    with make() as uow:
        found = uow.staff.get(item.id)
        assert found is not None
        assert found.attached == (m2, m3)
        assert found.opened_at.tzinfo == UTC
        assert uow.staff.holding(["<root@example.org>"], NOW) == found


def test_open_items_come_oldest_first_and_resolving_closes_them(make: UowMaker) -> None:
    _, (m1, m2, m3) = guardian_and_messages(make, 3)
    with make() as uow:
        late = uow.staff.open(staff_item(m1, "a", NOW + timedelta(minutes=3)))
        early = uow.staff.open(staff_item(m2, "b", NOW))
        assert late.id is not None
        assert early.id is not None
        uow.staff.attach(late.id, m3)
        uow.commit()
    with make() as uow:
        items = list(uow.staff.open_items())
        assert [i.id for i in items] == [early.id, late.id]
        assert items[1].attached == (m3,)
        uow.staff.resolve(early.id, "alice", NOW + timedelta(hours=1), "booked by hand")
        uow.commit()
    with make() as uow:
        assert [i.id for i in uow.staff.open_items()] == [late.id]
        resolved = uow.staff.get(early.id)
        assert resolved is not None
        assert resolved.status is StaffItemStatus.RESOLVED
        assert (resolved.resolved_by, resolved.resolved_at, resolved.resolution) == (
            "alice",
            NOW + timedelta(hours=1),
            "booked by hand",
        )
        assert uow.staff.get(early.id + late.id + 1000) is None
        with pytest.raises(KeyError):
            uow.staff.resolve(early.id + late.id + 1000, "alice", NOW, "?")
