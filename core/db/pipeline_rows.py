"""Shared pieces of the conversation repositories: JSON values, UTC instants, dialect-specific upserts."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

ConnectionGetter = Callable[[], Connection]
Insert = postgresql.Insert | sqlite.Insert


def _iso(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{value!r} cannot be stored as JSON")


def json_value(value: Any) -> Any:
    """`value` as it comes back from a JSON column: dates as ISO strings, tuples as lists, fresh copies."""
    return json.loads(json.dumps(value, default=_iso))


def aware_utc(value: datetime) -> datetime:
    """An aware datetime in UTC; naive ones are refused, as the database refuses them."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: the database stores aware timestamps only")
    return value.astimezone(UTC)


def maybe_utc(value: datetime | None) -> datetime | None:
    return None if value is None else aware_utc(value)


def upsert_insert(connection: Connection, table: Table) -> Insert:
    """An INSERT that supports ON CONFLICT on this connection's dialect (PostgreSQL or SQLite)."""
    name = connection.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"ON CONFLICT is not supported on {name}")
