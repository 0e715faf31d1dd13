"""Shared pieces of the SQL repositories: money conversion, audit-source columns, the per-transaction cache."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BindParameter, Connection, Row, Table, bindparam

from core.model import Source

ConnectionGetter = Callable[[], Connection]
CENT = Decimal("0.01")
CHILD_HOUSEHOLD = 1  # index of household_id in a row of `select(children)` (table order)


def to_money(value: Any) -> Decimal:
    """A database number (Decimal on PostgreSQL, float or int from SQLite's SUM) as Decimal to the cent."""
    if value is None:
        return Decimal("0.00")
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(CENT)


def source_of(row: Row[Any]) -> Source:
    return Source(row.source_channel, row.source_message_id, row.source_staff_user)


def source_values(source: Source) -> dict[str, str | None]:
    return {
        "source_channel": source.channel,
        "source_message_id": source.message_id,
        "source_staff_user": source.staff_user,
    }


def value_binds(table: Table, names: Iterable[str], prefix: str) -> dict[str, BindParameter[Any]]:
    """Named, typed parameters for an INSERT's VALUES: column `x` takes parameter `prefix + x`.

    Explicit names keep the compiled SQL independent of the parameters given (see core.db.statements)
    and let two inserts share one statement (a CTE) without clashing.
    """
    return {name: bindparam(prefix + name, type_=table.c[name].type) for name in names}


@dataclass
class TransactionCache:
    """What one transaction may remember instead of asking the database again; cleared when it ends.

    Balances are cached only for households whose writers are serialised for the rest of the transaction:
    those locked with `lock_household` (PostgreSQL), or all of them when the transaction holds the
    database's write lock (SQLite, BEGIN IMMEDIATE). The cached balance then moves with every entry this
        transaction adds, so it always equals the SQL SUM. Child rows (`select(children)`, table order) are
    cached by id for the transaction.
    """

    whole_database_locked: bool = False
    locked: set[int] = field(default_factory=set)
    balances: dict[int, Decimal] = field(default_factory=dict)
    children: dict[int, Sequence[Any]] = field(default_factory=dict)
    # Messages per (channel, sender, since), counted along with the sender's lookup (core.db.senders);
    # `SqlInboxRepository.count_from` answers once from here.
    recent_counts: dict[tuple[str, str, datetime], int] = field(default_factory=dict)

    def clear(self) -> None:
        self.locked.clear()
        self.balances.clear()
        self.children.clear()
        self.recent_counts.clear()

    def balance_is_stable(self, household_id: int) -> bool:
        return self.whole_database_locked or household_id in self.locked
