"""Menus (dishes and allergens per day and meal type) and the canteen's documents.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEAL_TYPES = "'normal', 'vegetarian', 'special'"
DOCUMENT_KEYS = "'rules', 'registration', 'charter', 'other'"


def _at(name: str) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), server_default="", nullable=False)


def upgrade() -> None:
    op.create_table(
        "menu_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canteen_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        _text("note"),
        _at("updated_at"),
        sa.Column("updated_by", sa.String(length=255), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_menu_days")),
        sa.UniqueConstraint("canteen_id", "day", name=op.f("uq_menu_days_canteen_id_day")),
    )
    op.create_table(
        "menu_dishes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("menu_day_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("meal", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("allergens", sa.String(length=255), server_default="", nullable=False),
        _text("note"),
        sa.CheckConstraint(f"meal IN ({MEAL_TYPES})", name=op.f("ck_menu_dishes_meal")),
        sa.ForeignKeyConstraint(
            ["menu_day_id"],
            ["menu_days.id"],
            name=op.f("fk_menu_dishes_menu_day_id_menu_days"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_menu_dishes")),
    )
    op.create_index(op.f("ix_menu_dishes_menu_day_id"), "menu_dishes", ["menu_day_id"])
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canteen_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        _text("title_fr"),
        _text("title_en"),
        _text("title_de"),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        _at("uploaded_at"),
        sa.Column("uploaded_by", sa.String(length=255), nullable=False),
        sa.CheckConstraint(f"key IN ({DOCUMENT_KEYS})", name=op.f("ck_documents_key")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    op.create_index(op.f("ix_documents_canteen_id"), "documents", ["canteen_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_documents_canteen_id"), table_name="documents")
    op.drop_table("documents")
    op.drop_index(op.f("ix_menu_dishes_menu_day_id"), table_name="menu_dishes")
    op.drop_table("menu_dishes")
    op.drop_table("menu_days")
