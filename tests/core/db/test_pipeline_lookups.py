"""The worker's combined lookups (sender with household, conversation state): the fake, SQLite and PostgreSQL
agree, and each equals the separate repository lookups it replaces."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from core.messages import AppliedRequest
from core.model import Guardian
from core.unit_of_work import AbstractUnitOfWork, ConversationState
from tests.core.db.builders import NOW, household
from tests.core.db.pipeline_builders import STORES, UowMaker, inbound, make_uow_maker, question, staff_item


@pytest.fixture(params=STORES)
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UowMaker]:
    yield from make_uow_maker(request.param, request, tmp_path)


def _families(make: UowMaker) -> tuple[int, int]:
    """Two households; the first has a second guardian with two addresses, two numbers and a chat."""
    with make() as uow:
        dupont = household("Dupont", children=("Léa", "Tom", "Zoé"))
        dupont.guardians.append(
            Guardian(
                name="Marc Dupont",
                language="de",
                emails=["marc@example.org", "m.dupont@example.org"],
                phones=["+41790000002", "+41790000003"],
                telegram_chat_id="4242",
            )
        )
        dupont = uow.households.add(dupont)
        martin = uow.households.add(household("Martin", "sophie@example.org", "+41780000001", children=("Noé",)))
        uow.commit()
    assert dupont.id is not None
    assert martin.id is not None
    return dupont.id, martin.id


def _separately(uow: AbstractUnitOfWork, guardian: Guardian | None) -> tuple[Guardian, object] | None:
    """What the pipeline looked up before: the guardian, then their household."""
    if guardian is None or guardian.household_id is None:
        return None
    return guardian, uow.households.get(guardian.household_id)


@pytest.mark.parametrize(
    ("channel", "sender", "family", "guardian_name"),
    [
        ("email", " Marc@Example.ORG ", "Dupont", "Marc Dupont"),
        ("email", "m.dupont@example.org", "Dupont", "Marc Dupont"),
        ("email", "anne.dupont@example.org", "Dupont", "Anne Dupont"),
        ("sms", "+41790000003", "Dupont", "Marc Dupont"),
        ("sms", " +41780000001", "Martin", "Anne Martin"),
        ("telegram", "4242", "Dupont", "Marc Dupont"),
        ("console", "sophie@example.org", "Martin", "Anne Martin"),
        ("console", "+41790000002", "Dupont", "Marc Dupont"),
        ("email", "nobody@example.org", None, None),
        ("sms", "+41790000009", None, None),
        ("telegram", "9999", None, None),
        ("console", "+41790000009", None, None),
        ("sms", "marc@example.org", None, None),  # an address is not a number
    ],
)
def test_the_sender_comes_with_their_whole_household(
    make: UowMaker, channel: str, sender: str, family: str | None, guardian_name: str | None
) -> None:
    _families(make)
    with make() as uow:
        found = uow.registered_sender(channel, sender)
        if family is None:
            assert found is None
            return
        assert found is not None
        guardian, home = found
        assert (guardian.name, home.name) == (guardian_name, family)
        assert guardian in home.guardians
        address = sender.strip()
        by_kind = {
            "email": uow.households.guardian_by_email(address.lower()),
            "sms": uow.households.guardian_by_phone(address),
            "telegram": uow.households.guardian_by_telegram(address),
        }
        one_by_one = by_kind.get(channel) or by_kind["email"] or by_kind["sms"]
        assert found == _separately(uow, one_by_one)
        if family == "Dupont":
            assert [c.first_name for c in home.children] == ["Léa", "Tom", "Zoé"]
            marc = home.guardians[1]
            assert (marc.emails, marc.phones, marc.language) == (
                ["marc@example.org", "m.dupont@example.org"],
                ["+41790000002", "+41790000003"],
                "de",
            )


def test_the_sender_s_children_are_known_to_the_transaction_afterwards(make: UowMaker) -> None:
    _families(make)
    with make() as uow:
        found = uow.registered_sender("sms", "+41791234567")
        assert found is not None
        for child in found[1].children:
            assert child.id is not None
            assert uow.households.child(child.id) == child


def _state_one_by_one(
    uow: AbstractUnitOfWork, guardian_id: int | None, channel: str, keys: list[str], at: datetime
) -> ConversationState:
    conversations = uow.conversations
    return ConversationState(
        conversations.open_question(guardian_id, channel) if guardian_id is not None else None,
        conversations.last_applied(guardian_id) if guardian_id is not None else None,
        uow.staff.holding(keys, at) if keys else None,
    )


def test_the_conversation_state_is_the_question_the_last_request_and_the_holding_item(make: UowMaker) -> None:
    dupont_id, martin_id = _families(make)
    with make() as uow:
        dupont, martin = uow.households.get(dupont_id), uow.households.get(martin_id)
        assert dupont is not None
        assert martin is not None
        anne, marc, sophie = dupont.guardians[0].id, dupont.guardians[1].id, martin.guardians[0].id
        assert anne is not None
        assert marc is not None
        assert sophie is not None
        ids = [uow.inbox.store(inbound(f"<s{n}@example.org>", at=NOW + timedelta(minutes=n)))[0] for n in range(6)]
        uow.conversations.save_question(question(anne, ids[0], NOW))
        newest = uow.conversations.save_question(question(anne, ids[1], NOW + timedelta(minutes=1)))
        closed = uow.conversations.save_question(question(anne, ids[2], NOW + timedelta(minutes=2)))
        assert closed.id is not None
        uow.conversations.close_question(closed.id)
        uow.conversations.save_question(question(anne, ids[3], NOW, channel="sms"))
        first = AppliedRequest(anne, ids[0], NOW, ({"action": "reserve", "child_id": 1, "day": "2026-11-24"},))
        last = uow.conversations.record_applied(first)
        undone = uow.conversations.record_applied(
            AppliedRequest(anne, ids[1], NOW + timedelta(minutes=1), ({"action": "cancel", "child_id": 2},))
        )
        assert undone.id is not None
        uow.conversations.mark_undone(undone.id)
        uow.conversations.record_applied(AppliedRequest(marc, ids[2], NOW, ({"action": "cancel", "child_id": 3},)))
        held = uow.staff.open(staff_item(ids[4], "sms:+41791234567", hold=timedelta(hours=2)))
        email_item = uow.staff.open(staff_item(ids[5], "<root@example.org>"))
        assert held.id is not None
        uow.staff.attach(held.id, ids[5])
        uow.staff.attach(held.id, ids[3])
        uow.commit()
    later = NOW + timedelta(minutes=30)
    cases = [
        (anne, "email", ["<other@x>", "<root@example.org>"], later),
        (anne, "sms", ["sms:+41791234567"], later),
        (anne, "sms", ["sms:+41791234567"], NOW + timedelta(hours=3)),  # the hold has ended
        (marc, "email", [], later),
        (sophie, "telegram", ["telegram:1"], later),
        (None, "sms", ["sms:+41791234567"], later),
    ]
    with make() as uow:
        states = [uow.conversation_state(g, channel, keys, at) for g, channel, keys, at in cases]
        assert states == [_state_one_by_one(uow, *case) for case in cases]
    email_state, sms_state, ended, marc_state, sophie_state, nobody = states
    assert email_state.open_question == newest
    assert email_state.last_applied == last
    assert email_state.holding is not None
    assert email_state.holding.id == email_item.id
    assert sms_state.open_question is not None
    assert sms_state.open_question.channel == "sms"
    assert sms_state.holding is not None
    assert sms_state.holding.attached == (ids[3], ids[5])
    assert ended.holding is None
    assert marc_state.last_applied is not None
    assert marc_state.last_applied.guardian_id == marc
    assert (marc_state.open_question, marc_state.holding) == (None, None)
    assert sophie_state == ConversationState()
    assert (nobody.open_question, nobody.last_applied) == (None, None)
    assert nobody.holding is not None


def test_the_sender_context_is_the_sender_and_their_conversation_and_the_count_stays_right(make: UowMaker) -> None:
    dupont_id, _ = _families(make)
    with make() as uow:
        dupont = uow.households.get(dupont_id)
        assert dupont is not None
        marc = dupont.guardians[1]
        assert marc.id is not None
        first = uow.inbox.store(inbound("<c1@example.org>", "sms", "+41790000002", NOW))[0]
        uow.inbox.store(inbound("<c2@example.org>", "sms", "+41790000002", NOW + timedelta(minutes=5)))
        uow.conversations.save_question(question(marc.id, first, NOW, channel="sms"))
        uow.commit()
    since, later = NOW + timedelta(minutes=1), NOW + timedelta(minutes=10)
    with make() as uow:
        assert uow.sender_context("sms", "+41799999999", ["sms:+41799999999"], later, since) is None
        found = uow.sender_context("sms", "+41790000002", ["sms:+41790000002"], later, since)
        assert found is not None
        guardian, home, state = found
        assert (guardian, home) == uow.registered_sender("sms", "+41790000002")
        assert state == uow.conversation_state(marc.id, "sms", ["sms:+41790000002"], later)
        assert state.open_question is not None
        assert state.open_question.inbound_id == first
        # the count a database may have read along is the count_from answer, also when asked again
        assert uow.inbox.count_from("sms", "+41790000002", since) == 1
        assert uow.inbox.count_from("sms", "+41790000002", since) == 1
        assert uow.inbox.count_from("sms", "+41790000002", NOW) == 2
