"""Chat channels: SMS opt-outs, Telegram link tokens, delivery reports, and buttons on outbox replies.

Revision ID: 0003
Revises: 0002
Create Date: 2026-05-24
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sms_opt_outs",
        sa.Column("number", sa.String(length=32), nullable=False),
        _at("opted_out_at"),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_sms_opt_outs")),
    )
    op.create_table(
        "telegram_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        _at("created_at"),
        _at("expires_at"),
        _at("used_at", nullable=True),
        sa.Column("chat_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardians.id"],
            name=op.f("fk_telegram_links_guardian_id_guardians"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telegram_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_telegram_links_token_hash")),
    )
    op.create_index(op.f("ix_telegram_links_guardian_id"), "telegram_links", ["guardian_id"])
    op.create_table(
        "delivery_reports",
        sa.Column("provider_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("error_code", sa.String(length=16), nullable=True),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("provider_id", name=op.f("pk_delivery_reports")),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("buttons", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("buttons")
    op.drop_table("delivery_reports")
    op.drop_index(op.f("ix_telegram_links_guardian_id"), table_name="telegram_links")
    op.drop_table("telegram_links")
    op.drop_table("sms_opt_outs")
