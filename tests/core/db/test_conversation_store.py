"""Inbox and outbox contract: the same tests on the fake and on SQLite / PostgreSQL, so the fake is faithful."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from core.messages import DeliveryStatus, MessageStatus, RuleHit
from tests.core.db.builders import NOW, household
from tests.core.db.pipeline_builders import STORES, UowMaker, inbound, make_uow_maker, reply


@pytest.fixture(params=STORES)
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UowMaker]:
    yield from make_uow_maker(request.param, request, tmp_path)


def test_a_message_is_stored_once_per_channel_and_external_id(make: UowMaker) -> None:
    with make() as uow:
        first, created = uow.inbox.store(inbound())
        assert created
        assert uow.inbox.store(inbound(text="redelivered")) == (first, False)
        uow.commit()
    with make() as uow:
        assert uow.inbox.store(inbound()) == (first, False)
        other, created = uow.inbox.store(inbound(channel="sms", sender="+41791234567"))
        assert created
        assert other != first
        uow.commit()
    with make() as uow:
        assert uow.inbox.pending_count() == 2
        stored = uow.inbox.by_external_id("email", "<m1@example.org>")
        assert stored is not None
        assert stored.id == first
        assert stored.message.text == "Pas de cantine pour Léa lundi"
        assert uow.inbox.by_external_id("telegram", "<m1@example.org>") is None


def test_a_stored_message_comes_back_as_it_was_given(make: UowMaker) -> None:
    message = inbound(
        raw=b"From: anne\r\n\r\n\xff\x00",
        thread_ids=("<root@example.org>", "<m0@example.org>"),
        signals=frozenset({"bulk", "auto_submitted"}),
        signal_notes={"bulk": "Precedence: bulk"},
    )
    with make() as uow:
        message_id, _ = uow.inbox.store(message)
        uow.commit()
    with make() as uow:
        stored = uow.inbox.get(message_id)
    assert stored is not None
    assert stored.message == message
    assert stored.message.received_at.tzinfo == UTC
    assert (stored.status, stored.attempts, stored.hits, stored.interpretation) == (MessageStatus.PENDING, 0, (), None)
    assert (stored.guardian_id, stored.household_id, stored.processed_at) == (None, None, None)


def test_naive_datetimes_are_refused(make: UowMaker) -> None:
    with make() as uow, pytest.raises(ValueError, match="naive"):
        uow.inbox.store(inbound(at=NOW.replace(tzinfo=None)))


def test_claims_take_the_oldest_pending_message_and_count_attempts(make: UowMaker) -> None:
    with make() as uow:
        late, _ = uow.inbox.store(inbound("<late@x>", at=NOW + timedelta(minutes=5)))
        early, _ = uow.inbox.store(inbound("<early@x>", at=NOW - timedelta(minutes=5)))
        uow.commit()
    with make() as uow:
        claimed = uow.inbox.claim_next()
        assert claimed is not None
        assert (claimed.id, claimed.attempts, claimed.status) == (early, 1, MessageStatus.PENDING)
        uow.inbox.finish(claimed.id, MessageStatus.DONE, [RuleHit("known_sender", True, "guardian 1")], NOW)
        uow.commit()
    with make() as uow:
        claimed = uow.inbox.claim_next()
        assert claimed is not None
        assert claimed.id == late
        uow.inbox.finish(claimed.id, MessageStatus.DROPPED, [], NOW)
        uow.commit()
    with make() as uow:
        assert uow.inbox.claim_next() is None  # finished messages are never claimed again
        assert uow.inbox.pending_count() == 0


def test_finish_records_the_outcome(make: UowMaker) -> None:
    with make() as uow:
        family = uow.households.add(household())
        guardian_id = family.guardians[0].id
        message_id, _ = uow.inbox.store(inbound())
        hits = [RuleHit("auto_reply", False), RuleHit("known_sender", True, "guardian")]
        reading = {"intent": "cancel", "days": ["2026-11-23"], "confidence": 0.9}
        uow.inbox.finish(
            message_id,
            MessageStatus.STAFF,
            hits,
            NOW,
            guardian_id=guardian_id,
            household_id=family.id,
            interpretation=reading,
        )
        uow.commit()
    with make() as uow:
        stored = uow.inbox.get(message_id)
    assert stored is not None
    assert stored.status is MessageStatus.STAFF
    assert list(stored.hits) == hits
    assert stored.interpretation == reading
    assert (stored.guardian_id, stored.household_id) == (guardian_id, family.id)
    assert stored.processed_at == NOW
    assert stored.processed_at is not None
    assert stored.processed_at.tzinfo == UTC


def test_a_rolled_back_claim_leaves_the_message_pending(make: UowMaker) -> None:
    with make() as uow:
        message_id, _ = uow.inbox.store(inbound())
        uow.commit()
    with make() as uow:
        claimed = uow.inbox.claim_next()
        assert claimed is not None
        uow.inbox.finish(message_id, MessageStatus.DONE, [], NOW)
        # no commit: the worker crashed
    with make() as uow:
        again = uow.inbox.claim_next()
        assert again is not None
        assert (again.id, again.status, again.attempts) == (message_id, MessageStatus.PENDING, 1)


def test_count_from_counts_a_senders_recent_messages(make: UowMaker) -> None:
    with make() as uow:
        for n in range(3):
            uow.inbox.store(inbound(f"<{n}@x>", at=NOW - timedelta(minutes=10 * n)))
        uow.inbox.store(inbound("<other@x>", sender="someone@example.org"))
        uow.inbox.store(inbound("<sms@x>", channel="sms"))
        uow.commit()
    with make() as uow:
        assert uow.inbox.count_from("email", "anne.dupont@example.org", NOW - timedelta(minutes=15)) == 2
        assert uow.inbox.count_from("email", "anne.dupont@example.org", NOW - timedelta(hours=1)) == 3
        assert uow.inbox.count_from("email", "anne.dupont@example.org", NOW + timedelta(seconds=1)) == 0
        assert uow.inbox.count_from("sms", "anne.dupont@example.org", NOW - timedelta(hours=1)) == 1


def test_unknown_ids_are_refused(make: UowMaker) -> None:
    with make() as uow:
        assert uow.inbox.get(999) is None
        with pytest.raises(KeyError):
            uow.inbox.finish(999, MessageStatus.DONE, [], NOW)
        with pytest.raises(KeyError):
            uow.outbox.status(999)
        with pytest.raises(KeyError):
            uow.outbox.mark_sent(999, NOW)


def test_an_outbox_reply_is_due_at_once_and_comes_back_as_given(make: UowMaker) -> None:
    with make() as uow:
        message_id, _ = uow.inbox.store(inbound())
        added = uow.outbox.add(reply(message_id))
        assert added.id is not None
        uow.commit()
    with make() as uow:
        assert uow.outbox.claim_due(NOW - timedelta(seconds=1), 10) == []
        due = list(uow.outbox.claim_due(NOW, 10))
        assert due == [added]
        assert due[0].attempts == 0
        assert due[0].created_at.tzinfo == UTC
        assert uow.outbox.for_inbound(message_id) == [added]
        assert uow.outbox.status(added.id) == DeliveryStatus.PENDING


def test_due_replies_come_earliest_first_up_to_the_limit(make: UowMaker) -> None:
    with make() as uow:
        later = uow.outbox.add(reply(at=NOW + timedelta(minutes=1), text="later"))
        first = uow.outbox.add(reply(at=NOW - timedelta(minutes=1), text="first"))
        second = uow.outbox.add(reply(at=NOW, text="second"))
        uow.commit()
    with make() as uow:
        assert [m.id for m in uow.outbox.claim_due(NOW + timedelta(minutes=5), 2)] == [first.id, second.id]
        assert [m.id for m in uow.outbox.claim_due(NOW + timedelta(minutes=5), 10)] == [first.id, second.id, later.id]


def test_a_failed_delivery_is_retried_later_then_given_up(make: UowMaker) -> None:
    with make() as uow:
        added = uow.outbox.add(reply())
        assert added.id is not None
        uow.outbox.mark_retry(added.id, "SMTP 451", NOW + timedelta(minutes=2), give_up=False)
        uow.commit()
    with make() as uow:
        assert uow.outbox.claim_due(NOW + timedelta(minutes=1), 10) == []
        due = list(uow.outbox.claim_due(NOW + timedelta(minutes=2), 10))
        assert [(m.id, m.attempts) for m in due] == [(added.id, 1)]
        assert uow.outbox.status(added.id) == DeliveryStatus.PENDING
        uow.outbox.mark_retry(added.id, "SMTP 550 no such user", NOW + timedelta(minutes=10), give_up=True)
        uow.commit()
    with make() as uow:
        assert uow.outbox.status(added.id) == DeliveryStatus.FAILED
        assert uow.outbox.claim_due(NOW + timedelta(days=1), 10) == []


def test_a_sent_reply_is_never_due_again(make: UowMaker) -> None:
    with make() as uow:
        added = uow.outbox.add(reply())
        assert added.id is not None
        uow.outbox.mark_sent(added.id, NOW, "provider-42")
        uow.commit()
    with make() as uow:
        assert uow.outbox.status(added.id) == DeliveryStatus.SENT
        assert uow.outbox.claim_due(NOW + timedelta(days=1), 10) == []
        assert [m.attempts for m in uow.outbox.for_inbound(0)] == []


def test_an_outbox_write_is_rolled_back_with_its_transaction(make: UowMaker) -> None:
    with make() as uow:
        message_id, _ = uow.inbox.store(inbound())
        uow.commit()
        uow.outbox.add(reply(message_id))
        uow.rollback()
        assert uow.outbox.for_inbound(message_id) == []
    with make() as uow:
        assert uow.outbox.for_inbound(message_id) == []
        assert uow.outbox.claim_due(NOW, 10) == []
