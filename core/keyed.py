"""Keyed texts: a reason written in English that also carries its catalog key, to be shown in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Keyed(str):
    """An English text (logs, command line, stored as is) that knows its catalog key and parameters.

    It is a `str`, so code that records, joins or stores reasons keeps working; whoever shows it to a person
    renders the key in that person's language (`core.i18n.say`). Any string operation gives a plain `str`
    back (the English text): a reason rebuilt by hand simply loses its translation.
    """

    key: str
    params: Mapping[str, str]

    def __new__(cls, text: str, key: str, params: Mapping[str, Any] | None = None) -> Keyed:
        keyed = super().__new__(cls, text)
        keyed.key = key
        keyed.params = {name: str(value) for name, value in (params or {}).items()}
        return keyed

    def __reduce__(self) -> tuple[Any, ...]:
        return (Keyed, (str(self), self.key, dict(self.params)))

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "params": dict(self.params)}


def keyed_text(text: str, key: str | None, params: Mapping[str, Any] | None) -> str:
    """A stored reason read back: Keyed when its key was stored with it, else the plain text."""
    return Keyed(text, key, params) if key else text
