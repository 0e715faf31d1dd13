"""Programmatic Alembic: upgrade (or downgrade) a canteen database with the migrations shipped in this package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from core.db.engine import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations (no alembic.ini needed).

    With a connection, env.py migrates on it (inside its transaction) instead of opening its own.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _run(database_url: str, action: str, revision: str) -> None:
    # One transaction for the whole run (transactional DDL: on both SQLite and PostgreSQL a failed
    # migration leaves the schema as it was); the engine gives SQLite WAL and foreign keys.
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            getattr(command, action)(alembic_config(connection), revision)
    finally:
        engine.dispose()


def upgrade(database_url: str, revision: str = "head") -> None:
    """`alembic upgrade head` on the database at `database_url` (creates every table on an empty database)."""
    _run(database_url, "upgrade", revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    """`alembic downgrade base` by default: drops everything the migrations created."""
    _run(database_url, "downgrade", revision)


def current_revision(database_url: str) -> str | None:
    """The revision the database is at (None when it was never migrated)."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
