"""A regression guard on round trips: how many SQL statements the worker sends for one processed message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from core.db.unit_of_work import SqlAlchemyUnitOfWork
from core.messages import MessageStatus
from core.pipeline.delivery import Dispatcher
from core.pipeline.worker import Worker, receive
from tests.pipeline.road import Road

MONDAY = "2026-11-23T07:40:00+01:00"
CLAIRE_SMS = "+41791234567"
CLAIRE_MAIL = "claire.dupont@example.ch"


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to the database meanwhile (BEGIN and COMMIT not included).

    SQLite: all statements go through SQLAlchemy's cursor. PostgreSQL: hot statements go to psycopg
    directly (core.db.statements), so the driver's cursor is watched instead.
    """
    sent: list[str] = []
    if engine.dialect.driver != "psycopg":

        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement != "BEGIN IMMEDIATE":  # SQLite's BEGIN (see core.db.engine)
                sent.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield sent
        finally:
            event.remove(engine, "before_cursor_execute", before)
        return
    import psycopg

    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany

    def counting_execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(query))
        return execute(self, query, *args, **kwargs)

    def counting_executemany(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(query))
        return executemany(self, query, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(psycopg.Cursor, "execute", counting_execute)
        patch.setattr(psycopg.Cursor, "executemany", counting_executemany)
        yield sent


@pytest.fixture
def road(db_engine: Engine) -> Road:
    return Road.with_demo_families(lambda: SqlAlchemyUnitOfWork.from_engine(db_engine), MONDAY)


def processed(road: Road, engine: Engine, sender: str, text: str, channel: str = "sms", **fields: Any) -> list[str]:
    """Store one message, then process it alone with the statements counted; returns them."""
    receive(road.message(sender, text, channel, **fields), road.uow_factory())
    worker = Worker(road.uow_factory, road.canteens, road.clock, road.config)
    with counted(engine) as sent:
        outcome = worker.process_next()
    assert outcome is not None
    assert outcome[1] is MessageStatus.DONE
    return sent


# Statements per message (the worker's whole transaction: claim, routing, booking, reply, outcome), by
# backend: SQLite runs a booking as separate statements where PostgreSQL combines them. Measured when this
# guard was set (before the combined lookups: 13, 19/17 and 10; the email booking's includes
# the menu the confirmation shows); lower a bound when the count drops, raise
# one only knowingly (each statement is a round trip).
BOUNDS = {
    "sms booking": {"sqlite": 8, "postgresql": 8},
    "email booking of three children": {"sqlite": 15, "postgresql": 13},
    "balance question": {"sqlite": 5, "postgresql": 5},
}


def within(case: str, engine: Engine, sent: list[str]) -> bool:
    return len(sent) <= BOUNDS[case][engine.dialect.name]


def test_an_sms_booking_takes_a_bounded_number_of_statements(road: Road, db_engine: Engine) -> None:
    first = road.send(CLAIRE_SMS, "Alban mange jeudi")  # the sender has history: a last request, a known chat
    assert road.booked("Dupont", "Alban", "2026-11-26"), (first.hits[-3:], road.last_reply(first))
    sent = processed(road, db_engine, CLAIRE_SMS, "Basile mange mardi")
    assert road.booked("Dupont", "Basile", "2026-11-24")
    assert within("sms booking", db_engine, sent), f"{len(sent)} statements:\n" + "\n".join(sent)


def test_an_email_booking_of_three_children_takes_a_bounded_number_of_statements(road: Road, db_engine: Engine) -> None:
    text = "Bonjour,\nles enfants mangent vendredi.\nMerci\nClaire"
    sent = processed(road, db_engine, CLAIRE_MAIL, text, "email", subject="Repas", thread_ids=("<a@example.ch>",))
    for child in ("Alban", "Arielle", "Basile"):
        assert road.booked("Dupont", child, "2026-11-27")
    assert within("email booking of three children", db_engine, sent), f"{len(sent)} statements:\n" + "\n".join(sent)


def test_a_balance_question_takes_a_bounded_number_of_statements(road: Road, db_engine: Engine) -> None:
    sent = processed(road, db_engine, CLAIRE_SMS, "Quel est mon solde ?")
    assert within("balance question", db_engine, sent), f"{len(sent)} statements:\n" + "\n".join(sent)


def _prepared_statements(engine: Engine) -> int:
    """How many statements the pooled connection has prepared (a single-threaded test reuses one connection)."""
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one()
        connection.commit()
    return int(count)


@pytest.fixture
def pg_engine(pg_migrated_url: str) -> Iterator[Engine]:
    """The session's PostgreSQL database, emptied (prepared statements are PostgreSQL's)."""
    from core.db.engine import make_engine
    from tests.conftest import _truncate_all

    _truncate_all(pg_migrated_url)
    engine = make_engine(pg_migrated_url)
    yield engine
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("idle", ["worker", "dispatcher"])
def test_finding_nothing_to_do_keeps_the_prepared_statements(pg_engine: Engine, idle: str) -> None:
    """An empty inbox or outbox ends its transaction with COMMIT: after a ROLLBACK psycopg deallocates every
    prepared statement of the connection, and an idle worker would plan its statements anew for each message."""
    road = Road.with_demo_families(lambda: SqlAlchemyUnitOfWork.from_engine(pg_engine), MONDAY)
    receive(road.message(CLAIRE_SMS, "Quel est mon solde ?"), road.uow_factory())
    road.run()  # processed and its reply delivered: both queues are empty
    before = _prepared_statements(pg_engine)
    assert before > 0
    if idle == "worker":
        assert Worker(road.uow_factory, road.canteens, road.clock, road.config).process_next() is None
    else:
        assert Dispatcher(road.uow_factory, {}, road.clock).deliver_due() == 0
    assert _prepared_statements(pg_engine) >= before
