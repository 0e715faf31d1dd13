"""Hot statements: Core statements compiled once, sent by the driver itself when it is psycopg.

A booking runs a handful of small statements; through `Connection.execute` each one costs about
0.1 ms of SQLAlchemy bookkeeping (cache key, compiled-cache lookup, parameter processing, result
metadata) on top of the ~25 µs psycopg itself needs. `run` takes the SQL text SQLAlchemy compiled for
the connection's dialect (once per statement and dialect), and executes it on the psycopg connection
under the SQLAlchemy `Connection`, in the same transaction, as a server-side prepared statement
(parsed and planned once per database connection). Rows come back as plain tuples.

Parameters must be ready for the driver: the statements here use no type needing a bind processor
except `UtcDateTime`, whose values the repositories pass through `utc` first (also on SQLite, where
SQLAlchemy runs the statement and makes them naive UTC), and `JSON`, whose values go through
`json_param`. Results are likewise converted by the repositories (`UtcDateTime` columns through `utc`),
the same way on both paths; psycopg itself parses JSON results. Literal values in a statement
(`limit(1)`, `status == "open"`) are passed along with the caller's parameters.

Other drivers (SQLite), and engines with `echo` on, go through `Connection.execute` as usual.
Driver errors are re-raised as the SQLAlchemy exceptions `Connection.execute` would raise
(`IntegrityError`, `OperationalError`, …), and a lost connection is invalidated as it would be.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Dialect, exc
from sqlalchemy.sql.base import Executable

Rows = Sequence[Sequence[Any]]

_CURSOR = "cantine_cursor"
_TUPLES_OK = 2  # psycopg.pq.ExecStatus.TUPLES_OK: the statement returned rows
_compiled: dict[tuple[int, type[Dialect]], tuple[Executable, str, dict[str, Any]]] = {}


def utc(value: datetime) -> datetime:
    """An aware datetime converted to UTC (for `UtcDateTime` parameters and results); naive ones are refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: the database stores aware timestamps only")
    return value.astimezone(UTC)


def json_param(connection: Connection, value: Any) -> Any:
    """A JSON column's parameter for `run`: JSON text where the driver runs the statement (its SQL casts
    the text to JSON), the value itself where SQLAlchemy's JSON type serialises it; None stays NULL."""
    if value is None or not uses_driver(connection):
        return value
    return json.dumps(value)


def uses_driver(connection: Connection) -> bool:
    """Whether `run` sends statements through psycopg directly on this connection."""
    return connection.dialect.driver == "psycopg" and not connection.engine.echo


def sql_of(statement: Executable, dialect: Dialect) -> str:
    """The SQL text of `statement` for `dialect`, compiled once (the statements are module constants)."""
    return _compile(statement, dialect)[1]


def _compile(statement: Executable, dialect: Dialect) -> tuple[Executable, str, dict[str, Any]]:
    """(statement, its SQL text, the values of its literal parameters: `limit(1)`, `column == "open"`…)."""
    key = (id(statement), type(dialect))
    cached = _compiled.get(key)
    if cached is None or cached[0] is not statement:
        compiled: Any = statement.compile(dialect=dialect)  # type: ignore[attr-defined]  # stubs: Executable lacks compile()
        literals = {name: value for name, value in compiled.params.items() if not compiled.binds[name].required}
        cached = _compiled[key] = (statement, str(compiled), literals)
    return cached


def run(connection: Connection, statement: Executable, params: Mapping[str, Any]) -> Rows:
    """Execute `statement` in the connection's transaction; its rows (none for DML without RETURNING).

    The caller must have begun the SQLAlchemy transaction (`Connection.begin`): statements sent to
    the driver directly do not autobegin it, and `Connection.commit` would then commit nothing.
    """
    if not uses_driver(connection):
        result = connection.execute(statement, params)
        return result.all() if result.returns_rows else []
    assert connection.in_transaction(), "begin the SQLAlchemy transaction before running hot statements"
    dialect = connection.dialect
    _, sql, literals = _compile(statement, dialect)
    if literals:
        params = literals | dict(params)
    proxied = connection.connection
    driver_connection: Any = proxied.driver_connection
    cursor = proxied.info.get(_CURSOR)
    if cursor is None or cursor.closed or cursor.connection is not driver_connection:
        cursor = proxied.info[_CURSOR] = driver_connection.cursor()
    try:
        cursor.execute(sql, params, prepare=True)
        result = cursor.pgresult  # not `description`: it builds column objects on every call
        return cursor.fetchall() if result is not None and result.status == _TUPLES_OK else []
    except dialect.loaded_dbapi.Error as error:
        disconnected = dialect.is_disconnect(error, proxied, cursor)
        if disconnected:
            proxied.info.pop(_CURSOR, None)
            connection.invalidate(error)
        raise exc.DBAPIError.instance(
            sql, dict(params), error, dialect.loaded_dbapi.Error, connection_invalidated=disconnected, dialect=dialect
        ) from error
