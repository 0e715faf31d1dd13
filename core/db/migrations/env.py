"""Alembic environment: runs migrations on a connection handed over by core.db.migrate, or on the configured URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from core.db import pipeline_tables  # noqa: F401  (registers the conversation tables on metadata)
from core.db.attachment_tables import outbox_attachments as _outbox_attachments  # noqa: F401  (on metadata)
from core.db.console_tables import staff_accounts as _staff_accounts  # noqa: F401  (on metadata)
from core.db.engine import make_engine
from core.db.menu_tables import menu_days as _menu_days  # noqa: F401  (menus and documents, on metadata)
from core.db.money_tables import bank_payments as _bank_payments  # noqa: F401  (payments and refunds, on metadata)
from core.db.tables import metadata

config = context.config
target_metadata = metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table copies for ALTERs
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("CANTINE_DATABASE_URL")
    if not url:
        raise RuntimeError("no database URL: set sqlalchemy.url or CANTINE_DATABASE_URL")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("CANTINE_DATABASE_URL")
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
