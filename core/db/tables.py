"""SQLAlchemy Core tables of the canteen core (rows only; repositories translate them to domain objects)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

# Alembic-friendly, deterministic constraint names (the same on SQLite and PostgreSQL).
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

MEAL_TYPES = ("normal", "vegetarian", "special")
ENTRY_KINDS = ("topup", "meal_charge", "meal_credit", "refund", "correction")
PAYMENT_METHODS = ("cash", "bank_transfer", "online")


def _in(column: str, values: tuple[str, ...], nullable: bool = False) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IS NULL OR {column} IN ({listed})" if nullable else f"{column} IN ({listed})"


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC; always read back as an aware UTC datetime.

    PostgreSQL keeps it as `timestamptz`; SQLite stores naive UTC text, which is made aware again on reading.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the database stores aware timestamps only")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):  # pragma: no cover - drivers always give datetimes here
            raise TypeError(f"expected a datetime, got {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


households = Table(
    "households",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
)

guardians = Table(
    "guardians",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("household_id", ForeignKey("households.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("language", String(8), nullable=False, server_default="fr"),
    Column("telegram_chat_id", String(64), nullable=True, unique=True),
)

guardian_emails = Table(
    "guardian_emails",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("guardian_id", ForeignKey("guardians.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("address", String(320), nullable=False, unique=True),  # stored lower-cased
    CheckConstraint("address = lower(address)", name="address_lower_case"),
)

guardian_phones = Table(
    "guardian_phones",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("guardian_id", ForeignKey("guardians.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("e164", String(20), nullable=False, unique=True),
)

children = Table(
    "children",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("household_id", ForeignKey("households.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("first_name", String(100), nullable=False),
    Column("canteen_id", String(64), nullable=False, index=True),
    Column("default_meal", String(16), nullable=False, server_default="normal"),
    Column("allergy_note", Text, nullable=False, server_default=""),
    CheckConstraint(_in("default_meal", MEAL_TYPES), name="default_meal"),
)

reservations = Table(
    "reservations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("child_id", ForeignKey("children.id"), nullable=False),
    Column("day", Date, nullable=False, index=True),
    Column("meal", String(16), nullable=False),
    Column("price", Numeric(10, 2), nullable=False),
    Column("booked_at", UtcDateTime, nullable=False),
    Column("source_channel", String(32), nullable=False),
    Column("source_message_id", String(255), nullable=True),
    Column("source_staff_user", String(100), nullable=True),
    Column("household_id", ForeignKey("households.id"), nullable=True, index=True),
    UniqueConstraint("child_id", "day"),  # a child is booked at most once a day
    CheckConstraint(_in("meal", MEAL_TYPES), name="meal"),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("household_id", ForeignKey("households.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("amount", Numeric(12, 2), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("child_id", ForeignKey("children.id"), nullable=True),
    Column("day", Date, nullable=True),
    Column("meal", String(16), nullable=True),
    Column("method", String(16), nullable=True),
    Column("reference", String(140), nullable=True, unique=True),  # bank reference: never booked twice
    Column("iban", String(34), nullable=True),
    Column("memo", Text, nullable=False, server_default=""),
    Column("reverses", ForeignKey("ledger_entries.id"), nullable=True, unique=True),  # corrected at most once
    Column("source_channel", String(32), nullable=False),
    Column("source_message_id", String(255), nullable=True),
    Column("source_staff_user", String(100), nullable=True),
    CheckConstraint(_in("kind", ENTRY_KINDS), name="kind"),
    CheckConstraint(_in("meal", MEAL_TYPES, nullable=True), name="meal"),
    CheckConstraint(_in("method", PAYMENT_METHODS, nullable=True), name="method"),
)

# The conversation pipeline's tables live in their own module on this metadata; importing it here makes
# `metadata` complete for every user (migrations, tests emptying tables). It imports only names defined above.
from core.db import channel_tables as _channel_tables  # noqa: E402, F401
from core.db import pipeline_tables as _pipeline_tables  # noqa: E402, F401
