"""Notes for staff on routing decisions: English for logs and the command line, keyed for the console's languages."""

from __future__ import annotations

from core import i18n
from core.keyed import Keyed


def routing_note(name: str, **params: object) -> Keyed:
    """The catalog text `routing.note.<name>` in English, carrying its key and parameters."""
    key = f"routing.note.{name}"
    return Keyed(i18n.message("en", key, **params), key, params)
