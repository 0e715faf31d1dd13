"""SQLAlchemy Core tables of menus (days and their dishes) and of the canteen's documents."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from core.db.tables import MEAL_TYPES, UtcDateTime, metadata

DOCUMENT_KEYS = ("rules", "registration", "charter", "other")


def _in(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


menu_days = Table(
    "menu_days",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("canteen_id", String(64), nullable=False),
    Column("day", Date, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(255), nullable=False, server_default=""),
    UniqueConstraint("canteen_id", "day"),  # one menu per canteen and day
)

menu_dishes = Table(
    "menu_dishes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("menu_day_id", ForeignKey("menu_days.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("meal", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("allergens", String(255), nullable=False, server_default=""),  # codes, comma-separated
    Column("note", Text, nullable=False, server_default=""),
    CheckConstraint(_in("meal", MEAL_TYPES), name="meal"),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("canteen_id", String(64), nullable=False, index=True),
    Column("key", String(32), nullable=False),
    Column("title_fr", Text, nullable=False, server_default=""),
    Column("title_en", Text, nullable=False, server_default=""),
    Column("title_de", Text, nullable=False, server_default=""),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("uploaded_at", UtcDateTime, nullable=False),
    Column("uploaded_by", String(255), nullable=False),
    CheckConstraint(_in("key", DOCUMENT_KEYS), name="key"),
)
