"""PostgreSQL: NOTIFY cantine_inbox for every new inbox row, so idle workers wake at once (core.pipeline.wakeup).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22

SQLite has no NOTIFY: there, the process that stores a message rings its own bell.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A row trigger, not a statement trigger: a redelivered message (INSERT … ON CONFLICT DO NOTHING that inserts
# nothing) wakes nobody. Notifications are sent at commit, and identical ones of one transaction are merged.
_FUNCTION = """
CREATE FUNCTION cantine_inbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cantine_inbox', '');
    RETURN NULL;
END
$$
"""
_TRIGGER = """
CREATE TRIGGER inbound_messages_notify AFTER INSERT ON inbound_messages
FOR EACH ROW EXECUTE FUNCTION cantine_inbox_notify()
"""


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(_FUNCTION)
    op.execute(_TRIGGER)


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS inbound_messages_notify ON inbound_messages")
    op.execute("DROP FUNCTION IF EXISTS cantine_inbox_notify()")
