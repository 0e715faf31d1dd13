"""Migrations: upgrade an empty database to head, match the table definitions, downgrade to base."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from core.db.engine import make_engine
from core.db.migrate import alembic_config, current_revision, downgrade, upgrade
from core.db.tables import metadata

INITIAL_TABLES = {
    "households",
    "guardians",
    "guardian_emails",
    "guardian_phones",
    "children",
    "reservations",
    "ledger_entries",
}
CONVERSATION_TABLES = {
    "inbound_messages",
    "outbox",
    "pending_questions",
    "applied_requests",
    "sender_notices",
    "staff_items",
    "staff_item_messages",
}
CHANNEL_TABLES = {"sms_opt_outs", "telegram_links", "delivery_reports"}
TABLES = INITIAL_TABLES | CONVERSATION_TABLES | CHANNEL_TABLES
TABLES |= {"outbox_attachments"}  # 0005
TABLES |= {"staff_accounts", "staff_sessions", "staff_login_failures"}  # 0004
TABLES |= {"menu_days", "menu_dishes", "documents"}  # 0006
TABLES |= {"bank_payments", "refund_requests", "online_payments"}  # 0007


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_creates_every_table(empty_database_url: str) -> None:
    assert current_revision(empty_database_url) is None
    upgrade(empty_database_url)
    assert _tables(empty_database_url) == TABLES | {"alembic_version"}
    assert current_revision(empty_database_url) == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrated_schema_matches_the_table_definitions(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


def test_downgrade_to_base_then_upgrade_again(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    downgrade(empty_database_url)
    assert _tables(empty_database_url) == {"alembic_version"}
    assert current_revision(empty_database_url) is None
    upgrade(empty_database_url)
    upgrade(empty_database_url)  # already at head: nothing to do
    assert _tables(empty_database_url) == TABLES | {"alembic_version"}


def test_downgrade_to_the_initial_schema_drops_the_conversation_tables(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    downgrade(empty_database_url, "0001")
    assert _tables(empty_database_url) == INITIAL_TABLES | {"alembic_version"}
    assert current_revision(empty_database_url) == "0001"
    upgrade(empty_database_url)
    assert _tables(empty_database_url) == TABLES | {"alembic_version"}


def test_sqlite_engine_uses_wal_and_foreign_keys(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/wal.db")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        engine.dispose()


def test_plain_postgresql_urls_use_psycopg() -> None:
    from core.db.engine import normalise_url

    assert normalise_url("postgresql://root@localhost/test").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://root@localhost/test").drivername == "postgresql+psycopg"
    assert normalise_url("sqlite:///x.db").drivername == "sqlite"
