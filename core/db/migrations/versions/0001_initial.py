"""Initial schema: households, guardians (emails, phones), children, reservations, ledger entries.

Revision ID: 0001
Revises:
Create Date: 2026-05-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEALS = "'normal', 'vegetarian', 'special'"
KINDS = "'topup', 'meal_charge', 'meal_credit', 'refund', 'correction'"
METHODS = "'cash', 'bank_transfer', 'online'"


def upgrade() -> None:
    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
    )
    op.create_table(
        "guardians",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=8), server_default="fr", nullable=False),
        sa.Column("telegram_chat_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_guardians_household_id_households"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardians")),
        sa.UniqueConstraint("telegram_chat_id", name=op.f("uq_guardians_telegram_chat_id")),
    )
    op.create_index(op.f("ix_guardians_household_id"), "guardians", ["household_id"])
    op.create_table(
        "guardian_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.CheckConstraint("address = lower(address)", name=op.f("ck_guardian_emails_address_lower_case")),
        sa.ForeignKeyConstraint(
            ["guardian_id"], ["guardians.id"], name=op.f("fk_guardian_emails_guardian_id_guardians"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian_emails")),
        sa.UniqueConstraint("address", name=op.f("uq_guardian_emails_address")),
    )
    op.create_index(op.f("ix_guardian_emails_guardian_id"), "guardian_emails", ["guardian_id"])
    op.create_table(
        "guardian_phones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["guardian_id"], ["guardians.id"], name=op.f("fk_guardian_phones_guardian_id_guardians"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian_phones")),
        sa.UniqueConstraint("e164", name=op.f("uq_guardian_phones_e164")),
    )
    op.create_index(op.f("ix_guardian_phones_guardian_id"), "guardian_phones", ["guardian_id"])
    op.create_table(
        "children",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("canteen_id", sa.String(length=64), nullable=False),
        sa.Column("default_meal", sa.String(length=16), server_default="normal", nullable=False),
        sa.Column("allergy_note", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(f"default_meal IN ({MEALS})", name=op.f("ck_children_default_meal")),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_children_household_id_households"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_children")),
    )
    op.create_index(op.f("ix_children_canteen_id"), "children", ["canteen_id"])
    op.create_index(op.f("ix_children_household_id"), "children", ["household_id"])
    op.create_table(
        "reservations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("meal", sa.String(length=16), nullable=False),
        sa.Column("price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_channel", sa.String(length=32), nullable=False),
        sa.Column("source_message_id", sa.String(length=255), nullable=True),
        sa.Column("source_staff_user", sa.String(length=100), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(f"meal IN ({MEALS})", name=op.f("ck_reservations_meal")),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], name=op.f("fk_reservations_child_id_children")),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_reservations_household_id_households")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservations")),
        sa.UniqueConstraint("child_id", "day", name=op.f("uq_reservations_child_id_day")),
    )
    op.create_index(op.f("ix_reservations_day"), "reservations", ["day"])
    op.create_index(op.f("ix_reservations_household_id"), "reservations", ["household_id"])
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("meal", sa.String(length=16), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=True),
        sa.Column("reference", sa.String(length=140), nullable=True),
        sa.Column("iban", sa.String(length=34), nullable=True),
        sa.Column("memo", sa.Text(), server_default="", nullable=False),
        sa.Column("reverses", sa.Integer(), nullable=True),
        sa.Column("source_channel", sa.String(length=32), nullable=False),
        sa.Column("source_message_id", sa.String(length=255), nullable=True),
        sa.Column("source_staff_user", sa.String(length=100), nullable=True),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_ledger_entries_kind")),
        sa.CheckConstraint(f"meal IS NULL OR meal IN ({MEALS})", name=op.f("ck_ledger_entries_meal")),
        sa.CheckConstraint(f"method IS NULL OR method IN ({METHODS})", name=op.f("ck_ledger_entries_method")),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"], name=op.f("fk_ledger_entries_child_id_children")),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_ledger_entries_household_id_households")
        ),
        sa.ForeignKeyConstraint(
            ["reverses"], ["ledger_entries.id"], name=op.f("fk_ledger_entries_reverses_ledger_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("reference", name=op.f("uq_ledger_entries_reference")),
        sa.UniqueConstraint("reverses", name=op.f("uq_ledger_entries_reverses")),
    )
    op.create_index(op.f("ix_ledger_entries_household_id"), "ledger_entries", ["household_id"])


def downgrade() -> None:
    op.drop_table("ledger_entries")  # its indexes go with it
    op.drop_table("reservations")
    op.drop_table("children")
    op.drop_table("guardian_phones")
    op.drop_table("guardian_emails")
    op.drop_table("guardians")
    op.drop_table("households")
