"""Payments and refunds: bank-file (camt) payments, refund requests, online-payment events.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "bank_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("acct_svcr_ref", sa.String(length=140), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=140), nullable=True),
        sa.Column("booked_on", sa.Date(), nullable=True),
        sa.Column("debtor_name", sa.String(length=140), server_default="", nullable=False),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        sa.Column("source_file", sa.String(length=255), nullable=False),
        _at("imported_at"),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        _at("resolved_at", nullable=True),
        sa.CheckConstraint("status IN ('matched', 'unmatched', 'resolved')", name=op.f("ck_bank_payments_status")),
        _fk("bank_payments", "household_id", "households"),
        _fk("bank_payments", "ledger_entry_id", "ledger_entries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_payments")),
        sa.UniqueConstraint("acct_svcr_ref", name=op.f("uq_bank_payments_acct_svcr_ref")),
        sa.UniqueConstraint("ledger_entry_id", name=op.f("uq_bank_payments_ledger_entry_id")),
    )
    op.create_index(op.f("ix_bank_payments_household_id"), "bank_payments", ["household_id"])
    op.create_index(op.f("ix_bank_payments_status"), "bank_payments", ["status"])
    op.create_table(
        "refund_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("account_holder", sa.String(length=200), server_default="", nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        _at("requested_at"),
        sa.Column("source_channel", sa.String(length=32), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=True),
        sa.Column("requested_by", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        _at("decided_at", nullable=True),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        _at("exported_at", nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_refund_requests_amount_positive")),
        sa.CheckConstraint("status IN ('requested', 'approved', 'refused')", name=op.f("ck_refund_requests_status")),
        _fk("refund_requests", "household_id", "households"),
        sa.ForeignKeyConstraint(
            ["inbound_id"], ["inbound_messages.id"], name=op.f("fk_refund_requests_inbound_id_inbound_messages")
        ),
        _fk("refund_requests", "ledger_entry_id", "ledger_entries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_requests")),
        sa.UniqueConstraint("ledger_entry_id", name=op.f("uq_refund_requests_ledger_entry_id")),
    )
    op.create_index(op.f("ix_refund_requests_household_id"), "refund_requests", ["household_id"])
    op.create_index(op.f("ix_refund_requests_status"), "refund_requests", ["status"])
    op.create_table(
        "online_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("session_id", sa.String(length=255), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        _at("received_at"),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('credited', 'duplicate', 'unmatched')", name=op.f("ck_online_payments_status")),
        _fk("online_payments", "household_id", "households"),
        _fk("online_payments", "ledger_entry_id", "ledger_entries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_online_payments")),
        sa.UniqueConstraint("provider", "event_id", name=op.f("uq_online_payments_provider_event_id")),
        sa.UniqueConstraint("ledger_entry_id", name=op.f("uq_online_payments_ledger_entry_id")),
    )
    op.create_index(op.f("ix_online_payments_household_id"), "online_payments", ["household_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_online_payments_household_id"), table_name="online_payments")
    op.drop_table("online_payments")
    op.drop_index(op.f("ix_refund_requests_status"), table_name="refund_requests")
    op.drop_index(op.f("ix_refund_requests_household_id"), table_name="refund_requests")
    op.drop_table("refund_requests")
    op.drop_index(op.f("ix_bank_payments_status"), table_name="bank_payments")
    op.drop_index(op.f("ix_bank_payments_household_id"), table_name="bank_payments")
    op.drop_table("bank_payments")
