"""SQLAlchemy Core tables of money received and paid back: bank-file credits, refund requests, online payments."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from core.db.tables import UtcDateTime, metadata

bank_payments = Table(
    "bank_payments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("acct_svcr_ref", String(140), nullable=False, unique=True),  # the bank's reference: stored (booked) once
    Column("amount", Numeric(12, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reference", String(140), nullable=True),  # QR or RF reference as paid, compact
    Column("booked_on", Date, nullable=True),
    Column("debtor_name", String(140), nullable=False, server_default=""),
    Column("message", Text, nullable=False, server_default=""),
    Column("household_id", ForeignKey("households.id"), nullable=True, index=True),  # NULL while unmatched
    Column("ledger_entry_id", ForeignKey("ledger_entries.id"), nullable=True, unique=True),
    Column("source_file", String(255), nullable=False),
    Column("imported_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("resolved_by", String(100), nullable=True),
    Column("resolved_at", UtcDateTime, nullable=True),
    CheckConstraint("status IN ('matched', 'unmatched', 'resolved')", name="status"),
)

refund_requests = Table(
    "refund_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("household_id", ForeignKey("households.id"), nullable=False, index=True),
    Column("iban", String(34), nullable=False),
    Column("account_holder", String(200), nullable=False, server_default=""),
    Column("amount", Numeric(12, 2), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("source_channel", String(32), nullable=False),
    Column("inbound_id", ForeignKey("inbound_messages.id"), nullable=True),
    Column("requested_by", String(100), nullable=True),
    Column("status", String(16), nullable=False, index=True),
    Column("decided_by", String(100), nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("reason", Text, nullable=False, server_default=""),
    Column("ledger_entry_id", ForeignKey("ledger_entries.id"), nullable=True, unique=True),
    Column("exported_at", UtcDateTime, nullable=True),
    CheckConstraint("amount > 0", name="amount_positive"),
    CheckConstraint("status IN ('requested', 'approved', 'refused')", name="status"),
)

online_payments = Table(
    "online_payments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider", String(32), nullable=False),
    Column("event_id", String(255), nullable=False),
    Column("session_id", String(255), nullable=False),
    Column("amount", Numeric(12, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("household_id", ForeignKey("households.id"), nullable=True, index=True),
    Column("ledger_entry_id", ForeignKey("ledger_entries.id"), nullable=True, unique=True),
    UniqueConstraint("provider", "event_id"),  # a replayed webhook is recognised
    CheckConstraint("status IN ('credited', 'duplicate', 'unmatched')", name="status"),
)
