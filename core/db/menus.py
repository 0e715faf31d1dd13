"""The SQL menu and document repositories (SQLAlchemy Core on the unit of work's connection)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Row, delete, select

from core.canteen import MealType
from core.db.menu_tables import documents, menu_days, menu_dishes
from core.db.pipeline_rows import ConnectionGetter, aware_utc
from core.documents import Document, DocumentKey
from core.menus import Allergen, Dish, MenuDay
from core.model import LANGUAGES


def allergens_text(allergens: frozenset[Allergen]) -> str:
    order = list(Allergen)
    return ",".join(a.value for a in sorted(allergens, key=order.index))


def allergens_of(text: str) -> frozenset[Allergen]:
    return frozenset(Allergen(code) for code in text.split(",") if code)


class SqlMenuRepository:
    """One menu per canteen and day; saving a day replaces its dishes."""

    def __init__(self, connection: ConnectionGetter) -> None:
        self._c = connection

    def save_day(self, menu: MenuDay, at: datetime, by: str = "") -> None:
        """Store the menu of a day, replacing the one stored (a day without dishes nor note is removed)."""
        connection = self._c()
        self.remove_day(menu.canteen_id, menu.day)
        if not menu.dishes and not menu.note:
            return
        values = {"canteen_id": menu.canteen_id, "day": menu.day, "note": menu.note}
        values |= {"updated_at": aware_utc(at), "updated_by": by}
        day_id = connection.execute(menu_days.insert().values(values).returning(menu_days.c.id)).scalar_one()
        if menu.dishes:
            rows = [
                {
                    "menu_day_id": day_id,
                    "position": position,
                    "meal": dish.meal.value,
                    "name": dish.name,
                    "allergens": allergens_text(dish.allergens),
                    "note": dish.note,
                }
                for position, dish in enumerate(menu.dishes)
            ]
            connection.execute(menu_dishes.insert(), rows)

    def remove_day(self, canteen_id: str, day: date) -> None:
        # Dishes go first: SQLite enforces no ON DELETE CASCADE unless foreign keys are switched on.
        connection = self._c()
        ids = select(menu_days.c.id).where(menu_days.c.canteen_id == canteen_id, menu_days.c.day == day)
        connection.execute(delete(menu_dishes).where(menu_dishes.c.menu_day_id.in_(ids.scalar_subquery())))
        connection.execute(delete(menu_days).where(menu_days.c.canteen_id == canteen_id, menu_days.c.day == day))

    def get_day(self, canteen_id: str, day: date) -> MenuDay | None:
        found = self.between(canteen_id, day, day)
        return found[0] if found else None

    def between(self, canteen_id: str, start: date, end: date) -> Sequence[MenuDay]:
        """The menus of a canteen from start to end (both included), by day, dishes in serving order."""
        statement = (
            select(
                menu_days.c.id,
                menu_days.c.day,
                menu_days.c.note,
                menu_dishes.c.meal,
                menu_dishes.c.name,
                menu_dishes.c.allergens,
                menu_dishes.c.note.label("dish_note"),
            )
            .select_from(menu_days.outerjoin(menu_dishes, menu_dishes.c.menu_day_id == menu_days.c.id))
            .where(menu_days.c.canteen_id == canteen_id, menu_days.c.day >= start, menu_days.c.day <= end)
            .order_by(menu_days.c.day, menu_dishes.c.position)
        )
        days: dict[int, tuple[date, str, list[Dish]]] = {}
        for row in self._c().execute(statement):
            entry = days.setdefault(row[0], (row[1], row[2], []))
            if row.name is not None:
                entry[2].append(Dish(MealType(row.meal), row.name, allergens_of(row.allergens), row.dish_note))
        return [MenuDay(canteen_id, day, tuple(dishes), note) for day, note, dishes in days.values()]


def _document(row: Row[tuple[object, ...]], data: bytes = b"") -> Document:
    titles = {lang: getattr(row, f"title_{lang}") for lang in LANGUAGES if getattr(row, f"title_{lang}")}
    return Document(
        canteen_id=row.canteen_id,
        key=DocumentKey(row.key),
        titles=titles,
        filename=row.filename,
        uploaded_at=row.uploaded_at,
        uploaded_by=row.uploaded_by,
        data=data,
        size=row.size,
        content_type=row.content_type,
        id=row.id,
    )


_LISTED = [column for column in documents.c if column.name != "data"]


class SqlDocumentRepository:
    """The canteen's documents; a new rules/registration/charter document replaces the previous one."""

    def __init__(self, connection: ConnectionGetter) -> None:
        self._c = connection

    def add(self, document: Document) -> Document:
        connection = self._c()
        if document.key is not DocumentKey.OTHER:
            connection.execute(
                delete(documents).where(documents.c.canteen_id == document.canteen_id, documents.c.key == document.key)
            )
        values = {
            "canteen_id": document.canteen_id,
            "key": document.key.value,
            **{f"title_{lang}": document.titles.get(lang, "") for lang in LANGUAGES},
            "filename": document.filename,
            "content_type": document.content_type,
            "size": len(document.data),
            "data": document.data,
            "uploaded_at": aware_utc(document.uploaded_at),
            "uploaded_by": document.uploaded_by,
        }
        new_id = connection.execute(documents.insert().values(values).returning(documents.c.id)).scalar_one()
        found = self.get(new_id)
        assert found is not None
        return found

    def get(self, document_id: int) -> Document | None:
        """The document with its file."""
        row = self._c().execute(select(documents).where(documents.c.id == document_id)).first()
        return None if row is None else _document(row, bytes(row.data))

    def list(self, canteen_id: str) -> Sequence[Document]:
        """The canteen's documents by key, oldest first, without their files (`data` empty, `size` set)."""
        statement = (
            select(*_LISTED).where(documents.c.canteen_id == canteen_id).order_by(documents.c.key, documents.c.id)
        )
        return [_document(row) for row in self._c().execute(statement)]

    def remove(self, document_id: int) -> None:
        self._c().execute(delete(documents).where(documents.c.id == document_id))
