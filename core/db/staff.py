"""The SQL staff queue: messages a person must handle, with the follow-ups attached to them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, String, any_, bindparam, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from core.db.pipeline_rows import ConnectionGetter, aware_utc, maybe_utc, upsert_insert
from core.db.pipeline_tables import staff_item_messages as m
from core.db.pipeline_tables import staff_items as t
from core.db.statements import run
from core.keyed import Keyed, keyed_text
from core.messages import StaffItem, StaffItemStatus

# The newest open item on one of the thread keys (an expanding IN list) whose hold has not ended.
_HOLDING = (
    select(t)
    .where(
        t.c.status == StaffItemStatus.OPEN.value,
        t.c.thread_key.in_(bindparam("thread_keys", expanding=True)),
        t.c.hold_until.is_(None) | (t.c.hold_until >= bindparam("now")),
    )
    .order_by(t.c.opened_at.desc(), t.c.id.desc())
    .limit(1)
)
# The same for PostgreSQL through the driver (core.db.statements): the thread keys as one array parameter.
_HOLDING_ANY = (
    select(t)
    .where(
        t.c.status == StaffItemStatus.OPEN.value,
        t.c.thread_key == any_(bindparam("thread_keys", type_=ARRAY(String))),
        t.c.hold_until.is_(None) | (t.c.hold_until >= bindparam("now")),
    )
    .order_by(t.c.opened_at.desc(), t.c.id.desc())
    .limit(1)
)
_ATTACHED_TO_ONE = select(m.c.inbound_id).where(m.c.item_id == bindparam("item_id")).order_by(m.c.inbound_id)


def holding_statement(dialect: str) -> Select[Any]:
    """`holding`'s query for a dialect, on parameters `thread_keys` (a list) and `now` (aware UTC)."""
    return _HOLDING_ANY if dialect == "postgresql" else _HOLDING


def attached_to(connection: Connection, item_id: int) -> list[int]:
    """The inbound ids attached to one staff item, in order."""
    return [row[0] for row in run(connection, _ATTACHED_TO_ONE, {"item_id": item_id})]


def staff_item(row: Sequence[Any], attached: Sequence[int]) -> StaffItem:
    """A staff item from the columns of `select(staff_items)` (table order)."""
    id_, inbound_id, reason, opened_at, thread_key, hold_until, status, resolved_by, resolved_at, resolution = row[:10]
    catalog = row[10] or {}
    return StaffItem(
        inbound_id=inbound_id,
        reason=keyed_text(reason, catalog.get("key"), catalog.get("params")),
        opened_at=aware_utc(opened_at),
        thread_key=thread_key,
        hold_until=maybe_utc(hold_until),
        attached=tuple(attached),
        status=StaffItemStatus(status),
        resolved_by=resolved_by,
        resolved_at=maybe_utc(resolved_at),
        resolution=resolution,
        id=id_,
    )


class SqlStaffRepository:
    """Staff items; attached messages live in staff_item_messages, listed in inbound id order."""

    def __init__(self, connection: ConnectionGetter) -> None:
        self._c = connection

    def open(self, item: StaffItem) -> StaffItem:
        values: dict[str, Any] = {
            "inbound_id": item.inbound_id,
            "reason": item.reason,
            "opened_at": aware_utc(item.opened_at),
            "thread_key": item.thread_key,
            "hold_until": maybe_utc(item.hold_until),
            "status": StaffItemStatus(item.status).value,
            "resolved_by": item.resolved_by,
            "resolved_at": maybe_utc(item.resolved_at),
            "resolution": item.resolution,
            "reason_catalog": item.reason.to_json() if isinstance(item.reason, Keyed) else None,
        }
        item_id = self._c().execute(t.insert().values(values).returning(t.c.id)).scalar_one()
        for inbound_id in item.attached:
            self.attach(item_id, inbound_id)
        return replace(
            item,
            id=item_id,
            opened_at=values["opened_at"],
            hold_until=values["hold_until"],
            resolved_at=values["resolved_at"],
            attached=tuple(sorted(set(item.attached))),
        )

    def get(self, item_id: int) -> StaffItem | None:
        found = self._items(t.c.id == item_id)
        return found[0] if found else None

    def open_items(self) -> Sequence[StaffItem]:
        return self._items(t.c.status == StaffItemStatus.OPEN.value)

    def holding(self, thread_keys: Sequence[str], now: datetime) -> StaffItem | None:
        """The newest open item on one of these thread keys whose hold (if it has one) has not ended."""
        if not thread_keys:
            return None
        connection = self._c()
        params = {"thread_keys": list(thread_keys), "now": aware_utc(now)}
        rows = run(connection, holding_statement(connection.dialect.name), params)
        return staff_item(rows[0], attached_to(connection, rows[0][0])) if rows else None

    def attach(self, item_id: int, inbound_id: int) -> None:
        """Attach a follow-up message (attaching it twice is harmless)."""
        connection = self._c()
        statement = (
            upsert_insert(connection, m)
            .values(item_id=item_id, inbound_id=inbound_id)
            .on_conflict_do_nothing(index_elements=[m.c.item_id, m.c.inbound_id])
        )
        connection.execute(statement)

    def resolve(self, item_id: int, by: str, at: datetime, resolution: str) -> None:
        values = {
            "status": StaffItemStatus.RESOLVED.value,
            "resolved_by": by,
            "resolved_at": aware_utc(at),
            "resolution": resolution,
        }
        result = self._c().execute(update(t).where(t.c.id == item_id).values(values))
        if result.rowcount == 0:
            raise KeyError(f"no staff item {item_id}")

    def _items(
        self, condition: ColumnElement[bool], *, newest_first: bool = False, limit: int | None = None
    ) -> list[StaffItem]:
        order = (t.c.opened_at.desc(), t.c.id.desc()) if newest_first else (t.c.opened_at, t.c.id)
        connection = self._c()
        rows = connection.execute(select(t).where(condition).order_by(*order).limit(limit)).all()
        if not rows:
            return []
        attached: dict[int, list[int]] = {row.id: [] for row in rows}
        links = connection.execute(
            select(m.c.item_id, m.c.inbound_id).where(m.c.item_id.in_(list(attached))).order_by(m.c.inbound_id)
        )
        for item_id, inbound_id in links:
            attached[item_id].append(inbound_id)
        return [staff_item(row, attached[row.id]) for row in rows]
