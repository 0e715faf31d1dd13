"""SQLAlchemy Core tables of the chat channels: SMS opt-outs, Telegram link tokens, provider delivery reports."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table

from core.db.tables import UtcDateTime, metadata

sms_opt_outs = Table(
    "sms_opt_outs",
    metadata,
    Column("number", String(32), primary_key=True),  # E.164
    Column("opted_out_at", UtcDateTime, nullable=False),
)

telegram_links = Table(
    "telegram_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 hex: the token itself is never stored
    Column("guardian_id", ForeignKey("guardians.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
    Column("chat_id", String(64), nullable=True),
)

delivery_reports = Table(
    "delivery_reports",
    metadata,
    Column("provider_id", String(255), primary_key=True),  # Twilio MessageSid
    Column("channel", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("rank", Integer, nullable=False),  # only a higher rank replaces the status (callbacks come out of order)
    Column("error_code", String(16), nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
)
