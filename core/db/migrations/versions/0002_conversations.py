"""Conversation pipeline: inbox, outbox, pending questions, applied requests, sender notices, staff items.

Revision ID: 0002
Revises: 0001
Create Date: 2026-05-20
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE_STATUSES = "'pending', 'done', 'staff', 'dropped'"
DELIVERY_STATUSES = "'pending', 'sent', 'failed'"
STAFF_STATUSES = "'open', 'resolved'"


def _at(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{table}_{column}_{target}")
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=name, ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=998), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        _at("received_at"),
        sa.Column("thread_ids", sa.JSON(), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("signal_notes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("interpretation", sa.JSON(), nullable=True),
        sa.Column("hits", sa.JSON(), nullable=False),
        _at("processed_at", nullable=True),
        sa.CheckConstraint(f"status IN ({MESSAGE_STATUSES})", name=op.f("ck_inbound_messages_status")),
        _fk("inbound_messages", "guardian_id", "guardians", "SET NULL"),
        _fk("inbound_messages", "household_id", "households", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_inbound_messages_channel_external_id")),
    )
    op.create_index("ix_inbound_messages_status_received_at", "inbound_messages", ["status", "received_at", "id"])
    op.create_index("ix_inbound_messages_sender", "inbound_messages", ["channel", "sender", "received_at"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("language", sa.String(length=8), server_default="fr", nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("in_reply_to", sa.String(length=998), nullable=True),
        sa.Column("reply_from", sa.String(length=320), nullable=True),
        sa.Column("references", sa.JSON(), nullable=False),
        _at("created_at"),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        _at("next_attempt_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        _at("sent_at", nullable=True),
        sa.Column("provider_id", sa.String(length=255), nullable=True),
        sa.CheckConstraint(f"status IN ({DELIVERY_STATUSES})", name=op.f("ck_outbox_status")),
        _fk("outbox", "inbound_id", "inbound_messages", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index(op.f("ix_outbox_inbound_id"), "outbox", ["inbound_id"])
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at", "id"])
    op.create_table(
        "pending_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=False),
        _at("asked_at"),
        _at("expires_at"),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("pending", sa.JSON(), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=False),
        sa.Column("questions_asked", sa.Integer(), server_default="1", nullable=False),
        sa.Column("closed", sa.Boolean(), server_default=sa.false(), nullable=False),
        _fk("pending_questions", "guardian_id", "guardians", "CASCADE"),
        _fk("pending_questions", "inbound_id", "inbound_messages", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_questions")),
    )
    op.create_index("ix_pending_questions_guardian_id", "pending_questions", ["guardian_id", "channel", "closed"])
    op.create_index(op.f("ix_pending_questions_inbound_id"), "pending_questions", ["inbound_id"])
    op.create_table(
        "applied_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=False),
        _at("applied_at"),
        sa.Column("commands", sa.JSON(), nullable=False),
        sa.Column("undone", sa.Boolean(), server_default=sa.false(), nullable=False),
        _fk("applied_requests", "guardian_id", "guardians", "CASCADE"),
        _fk("applied_requests", "inbound_id", "inbound_messages", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applied_requests")),
    )
    op.create_index("ix_applied_requests_guardian_id", "applied_requests", ["guardian_id", "undone"])
    op.create_index(op.f("ix_applied_requests_inbound_id"), "applied_requests", ["inbound_id"])
    op.create_table(
        "sender_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sender_notices")),
        sa.UniqueConstraint("sender", "kind", "day", name=op.f("uq_sender_notices_sender_kind_day")),
    )
    op.create_table(
        "staff_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _at("opened_at"),
        sa.Column("thread_key", sa.String(length=998), nullable=False),
        _at("hold_until", nullable=True),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        _at("resolved_at", nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.CheckConstraint(f"status IN ({STAFF_STATUSES})", name=op.f("ck_staff_items_status")),
        _fk("staff_items", "inbound_id", "inbound_messages"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_items")),
    )
    op.create_index(op.f("ix_staff_items_inbound_id"), "staff_items", ["inbound_id"])
    op.create_index("ix_staff_items_status_thread_key", "staff_items", ["status", "thread_key"])
    op.create_table(
        "staff_item_messages",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=False),
        _fk("staff_item_messages", "item_id", "staff_items", "CASCADE"),
        _fk("staff_item_messages", "inbound_id", "inbound_messages"),
        sa.PrimaryKeyConstraint("item_id", "inbound_id", name=op.f("pk_staff_item_messages")),
    )
    op.create_index(op.f("ix_staff_item_messages_inbound_id"), "staff_item_messages", ["inbound_id"])


def downgrade() -> None:
    op.drop_table("staff_item_messages")  # their indexes go with them
    op.drop_table("staff_items")
    op.drop_table("sender_notices")
    op.drop_table("applied_requests")
    op.drop_table("pending_questions")
    op.drop_table("outbox")
    op.drop_table("inbound_messages")
