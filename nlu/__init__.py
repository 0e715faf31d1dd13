"""Message understanding: one parent message in, one interpretation out (see shared/nlu/CONVENTIONS.md)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nlu.clarify import answer
    from nlu.model import Command, Interpretation, Message, PendingCommand, Period, Question
    from nlu.parser import parse
    from nlu.warm import warm_up

__all__ = ["Command", "Interpretation", "Message", "PendingCommand", "Period", "Question", "answer", "parse", "warm_up"]
_LAZY = {
    "Command": "nlu.model",
    "Interpretation": "nlu.model",
    "Message": "nlu.model",
    "PendingCommand": "nlu.model",
    "Period": "nlu.model",
    "Question": "nlu.model",
    "answer": "nlu.clarify",
    "parse": "nlu.parser",
    "warm_up": "nlu.warm",
}


def __getattr__(name: str) -> Any:
    """Import on first use, so that `cantine` commands not using the parser start fast."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nlu' has no attribute {name!r}")
    return getattr(import_module(module), name)
