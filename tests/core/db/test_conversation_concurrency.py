"""PostgreSQL: concurrent workers claim different messages (SKIP LOCKED), concurrent duplicates are stored once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from core.db.pipeline_tables import inbound_messages
from core.db.unit_of_work import SqlAlchemyUnitOfWork
from core.messages import MessageStatus
from tests.core.db.builders import NOW
from tests.core.db.pipeline_builders import inbound, reply

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(pg_migrated_url: str) -> Iterator[Engine]:
    from core.db.engine import make_engine
    from tests.conftest import _truncate_all

    _truncate_all(pg_migrated_url)
    made = make_engine(pg_migrated_url)
    yield made
    made.dispose()


def _uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork.from_engine(engine)


def test_concurrent_workers_claim_different_messages(engine: Engine) -> None:
    with _uow(engine) as uow:
        early, _ = uow.inbox.store(inbound("<early@x>", at=NOW))
        late, _ = uow.inbox.store(inbound("<late@x>", at=NOW + timedelta(minutes=1)))
        uow.commit()
    first, second, third = _uow(engine), _uow(engine), _uow(engine)
    with first:
        claimed_first = first.inbox.claim_next()
        with second:
            claimed_second = second.inbox.claim_next()
            with third:
                assert third.inbox.claim_next() is None  # both pending messages are held: skipped, no waiting
            assert claimed_second is not None
            second.inbox.finish(claimed_second.id, MessageStatus.DONE, [], NOW)
            second.commit()
        assert claimed_first is not None
        # the first worker crashes: its transaction rolls back
    assert (claimed_first.id, claimed_second.id) == (early, late)
    with _uow(engine) as uow:
        again = uow.inbox.claim_next()
        assert again is not None
        assert (again.id, again.status, again.attempts) == (early, MessageStatus.PENDING, 1)
        assert uow.inbox.pending_count() == 1


def test_concurrent_senders_claim_different_replies(engine: Engine) -> None:
    with _uow(engine) as uow:
        one = uow.outbox.add(reply(text="one"))
        two = uow.outbox.add(reply(at=NOW + timedelta(seconds=1), text="two"))
        uow.commit()
    first, second = _uow(engine), _uow(engine)
    with first, second:
        assert [m.id for m in first.outbox.claim_due(NOW + timedelta(minutes=1), 1)] == [one.id]
        assert [m.id for m in second.outbox.claim_due(NOW + timedelta(minutes=1), 10)] == [two.id]


def test_the_same_message_stored_concurrently_is_stored_once(engine: Engine) -> None:
    threads = 4
    barrier = threading.Barrier(threads)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def deliver() -> None:
        try:
            uow = _uow(engine)
            barrier.wait()
            with uow:
                stored = uow.inbox.store(inbound("<redelivered@x>"))
                time.sleep(0.1)  # keep the transaction open: the others' inserts wait on it
                uow.commit()
            with lock:
                results.append(stored)
        except BaseException as error:  # reported below
            with lock:
                errors.append(error)

    workers = [threading.Thread(target=deliver) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert errors == []
    assert len({message_id for message_id, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * (threads - 1) + [True]
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(inbound_messages)).scalar_one() == 1
