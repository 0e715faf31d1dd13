"""Database fixtures: every database test runs on SQLite, and on PostgreSQL when CANTINE_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from core.db.unit_of_work import SqlAlchemyUnitOfWork

PG_ENV = "CANTINE_TEST_DATABASE_URL"  # e.g. postgresql://root@127.0.0.1:5432/test (a database we may connect to)

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def _admin_engine() -> Engine:
    from core.db.engine import make_engine

    return make_engine(os.environ[PG_ENV]).execution_options(isolation_level="AUTOCOMMIT")


def _create_pg_database() -> str:
    """A new, empty database next to the one CANTINE_TEST_DATABASE_URL names; returns its URL."""
    name = f"cantine_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(os.environ[PG_ENV]).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(url: str) -> None:
    name = make_url(url).database
    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _require_pg() -> None:
    if not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")


@pytest.fixture(scope="session")
def pg_migrated_url() -> Iterator[str]:
    """One migrated PostgreSQL database for the whole session (tables are emptied before each test)."""
    _require_pg()
    from core.db.migrate import upgrade

    url = _create_pg_database()
    try:
        upgrade(url)
        yield url
    finally:
        _drop_pg_database(url)


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database without any table: a new SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    _require_pg()
    url = _create_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(url)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a new SQLite file per test, or the session's PostgreSQL database emptied."""
    from core.db.migrate import upgrade

    if request.param == "sqlite":
        sqlite_url = f"sqlite:///{tmp_path / 'cantine.db'}"
        upgrade(sqlite_url)
        return sqlite_url
    pg_url: str = request.getfixturevalue("pg_migrated_url")
    _truncate_all(pg_url)
    return pg_url


def _truncate_all(url: str) -> None:
    from core.db.engine import make_engine
    from core.db.tables import metadata

    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture
def db_engine(database_url: str) -> Iterator[Engine]:
    """An engine on the migrated test database (disposed after the test)."""
    from core.db.engine import make_engine

    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["session", "engine"])
def uow_factory(request: pytest.FixtureRequest, db_engine: Engine) -> Callable[[], SqlAlchemyUnitOfWork]:
    """Makes SqlAlchemyUnitOfWork instances sharing the test engine (one per thread in concurrent tests),
    built on a session factory or directly on the engine (both modes are tested)."""
    from core.db.engine import make_session_factory
    from core.db.unit_of_work import SqlAlchemyUnitOfWork

    if request.param == "engine":
        return lambda: SqlAlchemyUnitOfWork.from_engine(db_engine)
    sessions = make_session_factory(db_engine)
    return lambda: SqlAlchemyUnitOfWork(sessions)
