"""Repository interfaces of menus and documents (implemented in core.db.menus and tests.fake_menus)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from core.documents import Document
from core.menus import MenuDay


class MenuRepository(Protocol):
    """One menu per canteen and day."""

    def save_day(self, menu: MenuDay, at: datetime, by: str = "") -> None:
        """Store the menu of a day, replacing the one stored (a day without dishes nor note is removed)."""
        ...

    def remove_day(self, canteen_id: str, day: date) -> None: ...

    def get_day(self, canteen_id: str, day: date) -> MenuDay | None: ...

    def between(self, canteen_id: str, start: date, end: date) -> Sequence[MenuDay]:
        """The menus of a canteen from start to end (both included), by day, dishes in serving order."""
        ...


class DocumentRepository(Protocol):
    """The canteen's documents; a new rules/registration/charter document replaces the previous one."""

    def add(self, document: Document) -> Document: ...

    def get(self, document_id: int) -> Document | None:
        """The document with its file."""
        ...

    def list(self, canteen_id: str) -> Sequence[Document]:
        """The canteen's documents by key, oldest first, without their files (`data` empty, `size` set)."""
        ...

    def remove(self, document_id: int) -> None: ...
