"""Completing a clarified booking with the sender's reply: which child, or which day."""

from __future__ import annotations

import re
from datetime import date
from typing import cast

from core.canteen import Canteen
from nlu.analysis import analyse
from nlu.model import Command, Message, PendingCommand, Question
from nlu.normalize import fold
from nlu.quotes import strip_quotes
from nlu.temporal import CalendarData, Resolver, UnclearError, calendar_data

# "the first one", "le deuxième", "die zweite": the position of an option as the question listed them.
_ORDINALS = {
    "premier": 0, "premiere": 0, "first": 0, "erste": 0, "ersten": 0, "erster": 0, "erstes": 0,
    "deuxieme": 1, "second": 1, "seconde": 1, "zweite": 1, "zweiten": 1, "zweiter": 1, "zweites": 1,
    "troisieme": 2, "third": 2, "dritte": 2, "dritten": 2, "dritter": 2, "drittes": 2,
}  # fmt: skip
_WORD = re.compile(r"[a-z]+")
_NO = frozenset({"non", "no", "nein", "aucun", "aucune", "none", "keiner", "keine", "ni"})


def answer(
    question: Question, pending: tuple[PendingCommand, ...], reply: Message, *, canteen: Canteen | None = None
) -> tuple[Command, ...] | None:
    """The completed commands when the reply picks exactly some of the options asked for; None otherwise.

    Dates in the reply resolve at its reception time (in the canteen's time zone when the canteen is given).
    """
    if not pending or question.kind not in ("child", "date"):
        return None
    text, _ = strip_quotes(reply.text or "")
    if not text.strip():
        return None
    if question.kind == "child":
        children = _children(text, question.options, reply)
        if not children:
            return None
        return _fill(pending, children=children)
    days = _days(text, question.options, reply, canteen)
    if not days:
        return None
    return _fill(pending, days=days)


def _fill(
    pending: tuple[PendingCommand, ...], *, children: tuple[str, ...] = (), days: tuple[date, ...] = ()
) -> tuple[Command, ...]:
    out: dict[Command, None] = {}
    for p in pending:
        for child in children if p.child is None else (p.child,):
            for day in days if p.date is None else (p.date,):
                out[Command(p.action, child, day, p.meal)] = None
    return tuple(out)


def _ordinal(text: str, count: int) -> int | None:
    """The one ordinal named ("le premier", "the second one"), when it points into the options."""
    found = {_ORDINALS[w] for w in _WORD.findall(fold(text)) if w in _ORDINALS}
    if len(found) != 1:
        return None
    index = found.pop()
    return index if index < count else None


def _children(text: str, options: tuple[str, ...], reply: Message) -> tuple[str, ...] | None:
    if not options:
        return None
    a = analyse(text, options, ("fr", "en", "de"))
    if any(m.how in ("unknown", "ambiguous") for m in a.mentions) or a.kinds() & {"negation", "uncertain"}:
        return None
    if _WORD.findall(a.folded) and set(_WORD.findall(a.folded)) <= _NO:
        return None
    names = tuple(dict.fromkeys(c for m in a.mentions for c in m.children))
    kinds = a.kinds()
    if names:
        return names
    if "all_children" in kinds:
        return options
    if "both_children" in kinds:
        return options if len(options) == 2 else None
    index = _ordinal(text, len(options))
    return (options[index],) if index is not None else None


def _days(text: str, options: tuple[str, ...], reply: Message, canteen: Canteen | None) -> tuple[date, ...] | None:
    choices = tuple(date.fromisoformat(o) for o in options)
    a = analyse(text, (), ("fr", "en", "de"))
    if a.kinds() & {"negation", "uncertain"}:
        return None
    readings: set[tuple[date, ...]] = set()
    if a.spans and all(s.kind == "date" for s in a.spans):
        data = calendar_data(canteen) if canteen is not None else cast(CalendarData, None)
        today = reply.at.astimezone(data.zone).date() if canteen is not None else reply.at.date()
        resolver = Resolver(data, today, today_said=any(t.sym == "D" and t.val == 0 for t in a.tokens))
        try:
            days = tuple(dict.fromkeys(resolver.day_of(a.tokens[s.start : s.end]) for s in a.spans))
        except UnclearError:
            days = ()
        if days:
            readings.add(days)
    if choices:
        weekdays = {t.val for t in a.tokens if t.sym == "W"}
        numbers = {t.val for t in a.tokens if t.sym in "Nn"}
        months = {t.val for t in a.tokens if t.sym == "M"}
        picked = tuple(
            d
            for d in choices
            if (weekdays or numbers)
            and (not weekdays or d.weekday() in weekdays)
            and (not numbers or d.day in numbers)
            and (not months or d.month in months)
        )
        if len(picked) == 1:
            readings.add(picked)
        index = _ordinal(text, len(choices))
        if index is not None:
            readings.add((choices[index],))
        firsts = tuple(d for d in choices if d.day == 1)
        if index == 0 and len(firsts) == 1:
            readings.add(firsts)  # "le premier" may be the 1st of the month as well as the first option
        if "both_children" in a.kinds() and len(choices) == 2:
            readings.add(choices)
        readings = {r for r in readings if set(r) <= set(choices)}
    if len(readings) != 1:
        return None
    return readings.pop()
