"""Message understanding: one parent message in, one interpretation out (see shared/nlu/CONVENTIONS.md)."""

from nlu.model import Command, Interpretation, Message, Period, Question
from nlu.parse import parse

__all__ = ["Command", "Interpretation", "Message", "Period", "Question", "parse"]
