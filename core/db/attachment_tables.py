"""SQLAlchemy Core table of the files attached to outbox replies (statements, QR-bills, menus, documents)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, String, Table

from core.db.tables import metadata

outbox_attachments = Table(
    "outbox_attachments",
    metadata,
    Column("outbox_id", ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),  # the attachments' order in the email
    Column("filename", String(255), nullable=False),
    Column("content_type", String(127), nullable=False),
    Column("data", LargeBinary, nullable=False),
)
