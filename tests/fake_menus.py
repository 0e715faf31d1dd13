"""In-memory menu and document repositories for FakeUnitOfWork (same semantics as core.db.menus)."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from core.documents import Document, DocumentKey
from core.menus import MenuDay


@dataclass
class MenuState:
    """The menus and documents part of the fake database (copied and restored with the rest)."""

    days: dict[tuple[str, date], MenuDay] = field(default_factory=dict)
    documents: dict[int, Document] = field(default_factory=dict)


class FakeMenuRepository:
    """One menu per (canteen, day)."""

    def __init__(self, state: Callable[[], MenuState]) -> None:
        self._state = state

    def save_day(self, menu: MenuDay, at: datetime, by: str = "") -> None:
        self.remove_day(menu.canteen_id, menu.day)
        if menu.dishes or menu.note:
            self._state().days[(menu.canteen_id, menu.day)] = menu

    def remove_day(self, canteen_id: str, day: date) -> None:
        self._state().days.pop((canteen_id, day), None)

    def get_day(self, canteen_id: str, day: date) -> MenuDay | None:
        return self._state().days.get((canteen_id, day))

    def between(self, canteen_id: str, start: date, end: date) -> Sequence[MenuDay]:
        days = self._state().days
        return [days[key] for key in sorted(days) if key[0] == canteen_id and start <= key[1] <= end]


class FakeDocumentRepository:
    """Documents by id; a new rules/registration/charter document replaces the previous one."""

    def __init__(self, state: Callable[[], MenuState], new_id: Callable[[], int]) -> None:
        self._state, self._new_id = state, new_id

    def add(self, document: Document) -> Document:
        stored = self._state().documents
        if document.key is not DocumentKey.OTHER:
            for old in [d for d in stored.values() if (d.canteen_id, d.key) == (document.canteen_id, document.key)]:
                del stored[old.id or 0]
        kept = replace(document, id=self._new_id(), size=len(document.data))
        stored[kept.id or 0] = kept
        return kept

    def get(self, document_id: int) -> Document | None:
        return self._state().documents.get(document_id)

    def list(self, canteen_id: str) -> Sequence[Document]:
        found = [d for d in self._state().documents.values() if d.canteen_id == canteen_id]
        order: builtins.list[Document] = sorted(found, key=lambda d: (d.key.value, d.id or 0))
        return [replace(d, data=b"") for d in order]

    def remove(self, document_id: int) -> None:
        self._state().documents.pop(document_id, None)
