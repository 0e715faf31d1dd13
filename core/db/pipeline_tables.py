"""SQLAlchemy Core tables of the conversation pipeline: inbox, outbox, questions, applied requests, staff items."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from core.db.tables import UtcDateTime, metadata

MESSAGE_STATUSES = ("pending", "done", "staff", "dropped")
DELIVERY_STATUSES = ("pending", "sent", "failed")
STAFF_STATUSES = ("open", "resolved")
EXTERNAL_ID = 998  # an email header line's limit (RFC 5322): Message-IDs, thread ids


def _in(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


inbound_messages = Table(
    "inbound_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(32), nullable=False),
    Column("external_id", String(EXTERNAL_ID), nullable=False),
    Column("sender", String(320), nullable=False),
    Column("recipient", String(320), nullable=True),
    Column("subject", Text, nullable=True),
    Column("text", Text, nullable=False),
    Column("raw", LargeBinary, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("thread_ids", JSON, nullable=False),
    Column("signals", JSON, nullable=False),
    Column("signal_notes", JSON, nullable=False),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("guardian_id", ForeignKey("guardians.id", ondelete="SET NULL"), nullable=True),
    Column("household_id", ForeignKey("households.id", ondelete="SET NULL"), nullable=True),
    Column("interpretation", JSON(none_as_null=True), nullable=True),
    Column("hits", JSON, nullable=False),
    Column("processed_at", UtcDateTime, nullable=True),
    UniqueConstraint("channel", "external_id"),  # a redelivered message is stored once
    CheckConstraint(_in("status", MESSAGE_STATUSES), name="status"),
    Index("ix_inbound_messages_status_received_at", "status", "received_at", "id"),  # the claim order
    Index("ix_inbound_messages_sender", "channel", "sender", "received_at"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("inbound_id", ForeignKey("inbound_messages.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("channel", String(32), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("language", String(8), nullable=False, server_default="fr"),
    Column("subject", Text, nullable=True),
    Column("text", Text, nullable=False),
    Column("html", Text, nullable=True),
    Column("in_reply_to", String(EXTERNAL_ID), nullable=True),
    Column("reply_from", String(320), nullable=True),
    Column("references", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("provider_id", String(255), nullable=True),
    Column("buttons", JSON(none_as_null=True), nullable=True),  # chat choices [[label, answer], …] (0003)
    CheckConstraint(_in("status", DELIVERY_STATUSES), name="status"),
    Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at", "id"),  # the delivery order
)

pending_questions = Table(
    "pending_questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("guardian_id", ForeignKey("guardians.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("inbound_id", ForeignKey("inbound_messages.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("asked_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("options", JSON, nullable=False),
    Column("pending", JSON, nullable=False),
    Column("intent", String(64), nullable=False),
    Column("questions_asked", Integer, nullable=False, server_default="1"),
    Column("closed", Boolean, nullable=False, server_default=false()),
    Index("ix_pending_questions_guardian_id", "guardian_id", "channel", "closed"),
)

applied_requests = Table(
    "applied_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("guardian_id", ForeignKey("guardians.id", ondelete="CASCADE"), nullable=False),
    Column("inbound_id", ForeignKey("inbound_messages.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("applied_at", UtcDateTime, nullable=False),
    Column("commands", JSON, nullable=False),
    Column("undone", Boolean, nullable=False, server_default=false()),
    Index("ix_applied_requests_guardian_id", "guardian_id", "undone"),
)

sender_notices = Table(
    "sender_notices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender", String(320), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("day", Date, nullable=False),
    UniqueConstraint("sender", "kind", "day"),  # one courtesy notice per sender, kind and day
)

staff_items = Table(
    "staff_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("inbound_id", ForeignKey("inbound_messages.id"), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("thread_key", String(EXTERNAL_ID), nullable=False),
    Column("hold_until", UtcDateTime, nullable=True),
    Column("status", String(16), nullable=False, server_default="open"),
    Column("resolved_by", String(100), nullable=True),
    Column("resolved_at", UtcDateTime, nullable=True),
    Column("resolution", Text, nullable=True),
    # The reason's catalog key and parameters ({"key": …, "params": {…}}), so staff read it in their language (0009)
    Column("reason_catalog", JSON(none_as_null=True), nullable=True),
    CheckConstraint(_in("status", STAFF_STATUSES), name="status"),
    Index("ix_staff_items_status_thread_key", "status", "thread_key"),
)

staff_item_messages = Table(
    "staff_item_messages",
    metadata,
    Column("item_id", ForeignKey("staff_items.id", ondelete="CASCADE"), primary_key=True),
    Column("inbound_id", ForeignKey("inbound_messages.id"), primary_key=True, index=True),
)
