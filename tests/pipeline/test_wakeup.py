"""Idle workers wake as soon as a message is stored: PostgreSQL LISTEN/NOTIFY, or this process's bell (SQLite)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from core.canteen_files import load_canteens
from core.clock import FixedClock
from core.db.engine import make_engine
from core.db.pipeline_tables import outbox
from core.db.unit_of_work import SqlAlchemyUnitOfWork
from core.messages import Channel, InboundMessage, MessageStatus
from core.pipeline.serving import WorkLoop
from core.pipeline.wakeup import INBOX_CHANNEL, LOCAL_BELL, PostgresListener, inbox_waiter
from core.pipeline.worker import Worker, receive

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.fromisoformat("2026-11-23T07:40:00+01:00")
PATIENCE = 30.0  # seconds a test waits for what should take milliseconds; the loops' own interval is longer
LONG_INTERVAL = 120.0  # a loop that slept this long instead of waking would fail the test


def _message(external_id: str, sender: str = "+41790000001") -> InboundMessage:
    return InboundMessage(channel=Channel.SMS, external_id=external_id, sender=sender, text="Bonjour", received_at=NOW)


def _store(engine: Engine, external_id: str, sender: str = "+41790000001") -> tuple[int, bool]:
    return receive(_message(external_id, sender), SqlAlchemyUnitOfWork.from_engine(engine))


def _worker(engine: Engine) -> Worker:
    return Worker(
        lambda: SqlAlchemyUnitOfWork.from_engine(engine), load_canteens(ROOT / "config" / "canteens"), FixedClock(NOW)
    )


def _status(engine: Engine, inbox_id: int) -> MessageStatus:
    with SqlAlchemyUnitOfWork.from_engine(engine) as uow:
        stored = uow.inbox.get(inbox_id)
    assert stored is not None
    return stored.status


def _eventually(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def pg_engine(pg_migrated_url: str) -> Iterator[Engine]:
    """The session's PostgreSQL database, emptied (LISTEN/NOTIFY is PostgreSQL's)."""
    from tests.conftest import _truncate_all

    _truncate_all(pg_migrated_url)
    engine = make_engine(pg_migrated_url)
    yield engine
    engine.dispose()


@pytest.fixture
def listener(pg_engine: Engine) -> Iterator[PostgresListener]:
    waiter = PostgresListener(pg_engine)
    assert waiter.wait(0.0) is False  # listening from now on; nothing stored yet
    yield waiter
    waiter.close()


def test_each_backend_has_its_way_of_waking(db_engine: Engine) -> None:
    waiter = inbox_waiter(db_engine)
    expected = PostgresListener if db_engine.dialect.name == "postgresql" else type(LOCAL_BELL)
    assert isinstance(waiter, expected)
    waiter.close()


def test_receive_rings_this_process_bell_for_a_new_message_only(db_engine: Engine) -> None:
    LOCAL_BELL.wait(0.0)  # silence what earlier tests rang
    _store(db_engine, "bell-1")
    assert LOCAL_BELL.wait(0.0) is True
    assert LOCAL_BELL.wait(0.0) is False  # waking clears it
    _store(db_engine, "bell-1")  # redelivered: nothing new to read
    assert LOCAL_BELL.wait(0.0) is False


@pytest.mark.postgres
def test_a_listener_wakes_when_another_connection_stores_a_message(
    pg_engine: Engine, listener: PostgresListener
) -> None:
    other = make_engine(pg_engine.url)
    storing = threading.Timer(0.2, _store, args=(other, "notify-1"))
    storing.start()
    try:
        assert listener.wait(LONG_INTERVAL) is True  # a time-out would return False
    finally:
        storing.join()
        other.dispose()


@pytest.mark.postgres
def test_a_redelivered_message_wakes_nobody(pg_engine: Engine, listener: PostgresListener) -> None:
    _store(pg_engine, "again-1")
    assert listener.wait(PATIENCE) is True
    while listener.wait(0.2):  # let any straggling notification of that commit arrive and be read
        pass
    assert _store(pg_engine, "again-1")[1] is False
    assert listener.wait(0.5) is False


@pytest.mark.postgres
def test_a_listener_that_lost_its_connection_polls_then_listens_again(
    pg_engine: Engine, listener: PostgresListener, caplog: pytest.LogCaptureFixture
) -> None:
    with pg_engine.connect() as connection:
        killed = connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND query = :listen AND pid <> pg_backend_pid()"
            ),
            {"listen": f"LISTEN {INBOX_CHANNEL}"},
        ).all()
    assert killed == [(True,)]
    with caplog.at_level(logging.INFO, logger="core.pipeline.wakeup"):
        assert listener.wait(0.05) is False  # the broken connection: reported, then a plain sleep
        assert listener.wait(0.0) is False  # reconnected and listening again
    assert "cannot listen" in caplog.text
    assert "listening again" in caplog.text
    _store(pg_engine, "after-reconnect")
    assert listener.wait(LONG_INTERVAL) is True


def _wake(engine: Engine) -> None:
    """Wake sleeping loops without storing anything (to let them see `stop`)."""
    LOCAL_BELL.ring()
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text(f"NOTIFY {INBOX_CHANNEL}"))
            connection.commit()


def test_an_idle_work_loop_reads_a_new_message_at_once(db_engine: Engine) -> None:
    loop = WorkLoop(_worker(db_engine), inbox_waiter(db_engine), interval=LONG_INTERVAL)
    stop = threading.Event()
    processed: list[int] = []
    serving = threading.Thread(target=lambda: processed.append(loop.run(stop)))
    serving.start()
    try:
        time.sleep(0.2)  # the loop has found the inbox empty and sleeps for up to LONG_INTERVAL
        inbox_id, _ = _store(db_engine, "idle-1")
        assert _eventually(lambda: _status(db_engine, inbox_id) is not MessageStatus.PENDING)
    finally:
        stop.set()
        _wake(db_engine)
        serving.join(PATIENCE)
    assert not serving.is_alive()
    assert processed == [1]


@pytest.mark.postgres
def test_two_work_loops_on_postgresql_process_each_message_once(pg_engine: Engine) -> None:
    loops = [WorkLoop(_worker(pg_engine), inbox_waiter(pg_engine), interval=LONG_INTERVAL) for _ in range(2)]
    stop = threading.Event()
    counts: list[int] = []
    threads = [threading.Thread(target=lambda loop=loop: counts.append(loop.run(stop))) for loop in loops]
    for thread in threads:
        thread.start()
    ids = []
    try:
        for n in range(20):
            ids.append(_store(pg_engine, f"pair-{n}", sender=f"+417900{n:05d}")[0])  # each one unknown: a reply each
            time.sleep(0.005)
        assert _eventually(lambda: all(_status(pg_engine, i) is not MessageStatus.PENDING for i in ids))
    finally:
        stop.set()
        _wake(pg_engine)
        for thread in threads:
            thread.join(PATIENCE)
    assert sum(counts) == 20
    with pg_engine.connect() as connection:
        replies = connection.execute(select(outbox.c.inbound_id, func.count()).group_by(outbox.c.inbound_id))
        per_message: dict[int, int] = {inbound_id: count for inbound_id, count in replies}  # noqa: C416 (dict(result) fails)
    assert set(per_message) == set(ids)
    assert set(per_message.values()) == {1}


def test_until_idle_and_limit_end_the_loop(db_engine: Engine) -> None:
    for n in range(5):
        _store(db_engine, f"batch-{n}")
    loop = WorkLoop(_worker(db_engine), inbox_waiter(db_engine), interval=LONG_INTERVAL, batch=2)
    assert loop.run(threading.Event(), limit=3) == 3
    assert loop.run(threading.Event(), until_idle=True) == 2
    assert loop.run(threading.Event(), until_idle=True) == 0


def test_warm_up_loads_ahead_and_counts_the_waiting_messages(db_engine: Engine) -> None:
    for n in range(3):
        _store(db_engine, f"warm-{n}")
    assert _worker(db_engine).warm_up() == 3


def _counts(engine: Engine) -> dict[str, int]:
    from core.db.pipeline_tables import applied_requests, inbound_messages
    from core.db.tables import ledger_entries, reservations

    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (inbound_messages, outbox, applied_requests, ledger_entries, reservations)
        }


def test_the_warm_up_rehearses_the_road_and_leaves_no_trace(db_engine: Engine) -> None:
    from core.families import import_families
    from core.pipeline.rehearsal import rehearse

    worker = _worker(db_engine)
    families = (ROOT / "config" / "demo" / "families.csv").read_text(encoding="utf-8")
    import_families(families, worker.uow_factory, worker.canteens, NOW, "CH")
    _store(db_engine, "waiting-1")
    before = _counts(db_engine)
    with SqlAlchemyUnitOfWork.from_engine(db_engine) as uow:  # what warm_up does, counted
        assert rehearse(uow, worker.canteens, NOW, worker.config, worker.composer) == 4  # 2 canteens x (SMS, email)
        booking = uow.inbox.by_external_id(Channel.SMS, f"rehearsal-montval-{NOW.timestamp()}")
        assert booking is not None
        assert booking.status is MessageStatus.DONE
        assert uow.outbox.for_inbound(booking.id)  # answered, like a real message
    assert worker.warm_up() == 1  # the message waiting before; the rehearsal's are gone
    assert _counts(db_engine) == before


def test_the_warm_up_of_an_empty_database_rehearses_nothing(db_engine: Engine) -> None:
    from core.pipeline.rehearsal import rehearse

    worker = _worker(db_engine)
    with SqlAlchemyUnitOfWork.from_engine(db_engine) as uow:
        assert rehearse(uow, worker.canteens, NOW, worker.config, worker.composer) == 0
    assert worker.warm_up() == 0
