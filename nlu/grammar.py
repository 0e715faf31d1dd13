"""The temporal grammar: regular expressions over one-letter token symbols that delimit date expressions.

Symbols (see nlu.lexicon): W weekday, P weekday plural/habitual, M month, N day number, n ordinal day,
Y year, T numeric date, D today/tomorrow/after tomorrow, K next, C this, l last, S week, Q month word,
F from/between, B starting, U until, a range connector, e and, r or, I inclusive, E except, R every,
J day word, H holidays, X feast or season, O "back", Z end, G school year (end), L article, o of,
z "until further notice", V after, w weekend, v vague ("every other", "in two weeks"), A "tous" (a
recurrence only with its article), x other word, # other number, punctuation , . | .
"""

from __future__ import annotations

import importlib
import re
from typing import Any, NamedTuple

_DX = (
    "(?:"
    + "|".join(
        [
            r"L?W,?L?[Nn]\.?o?M,?Y?",
            r"L?W,?M,?L?[Nn](?:,?Y)?",
            r"L?W,?T",
            r"L?[Nn]\.?o?M(?:,?Y)?",
            r"M,?L?[Nn](?:,?Y)?",
            r"T",
            r"L?W,?L?[Nn]",
            r"L[Nn]|n",
            r"D,?W|W,?D|D",
            r"[KC]W|WK|L?W",
        ]
    )
    + ")"
)
_DAYNUM = r"(?:L?[Nn]\.?)"
_MONTHS = r"(?:M,?Y?)"

# Weekdays placed in a named week ("mardi de la semaine prochaine", "Friday next week").
_IN_WEEK = r"(?:[oL]{0,2}(?:[KC]S|SK))"

_PATTERNS: list[tuple[str, str]] = [
    ("noend", r"z"),
    ("vague", r"v"),
    ("weekrange", rf"F?L?W[aU]L?W,?{_IN_WEEK}"),
    ("inweek", rf"L?W(?:,?e?L?W)*,?{_IN_WEEK}"),
    ("past", r"Wl|lW|lS|Sl|lQ|Ql"),
    (
        "range",
        rf"F(?:{_DX}|{_DAYNUM})[aUe]I?(?:{_DX}|{_DAYNUM})I?|(?:{_DX}|{_DAYNUM})[aU]I?{_DX}I?"
        rf"|[Fo]?{_MONTHS}[aU]{_MONTHS}",
    ),
    ("week", rf"S[FoL]*(?:{_DX}|{_DAYNUM}o?M?)|[CK]S|SK|S"),
    ("until", rf"UL?I?(?:{_DX}|{_DAYNUM}|H[oL]*(?:X|M)?|L?XH?|Z[oFL]*(?:M|S|Q|y|G)|G|M|Z)I?"),
    ("fromon", rf"BL?(?:[CK]S|SK|{_DX}|{_DAYNUM}|{_MONTHS})|F{_MONTHS}(?![aU])|V[Lx]?(?:H[oL]*(?:X|M)?|L?XH)"),
    ("recur", r"R[Lx]?(?:[PW](?:,?e?L?[PW])*|J)|A[Lx](?:[PW](?:,?e?L?[PW])*|J)|P(?:,?e?L?[PW])*|LW(?=B)"),
    ("except", rf"E[Lx]?(?:{_DX}|P|J)(?:,?e?[Lx]?(?:{_DX}|P))*"),
    ("holiday", r"H[oL]*(?:X|M)|L?XH"),
    ("nextlist", r"W(?:,?eW|,W)+K|KW(?:,?eW|,W)+"),
    ("schoolyear", r"G"),
    ("date", _DX),
    ("month", rf"[KC]Q|QK|Q[oFL]*{_MONTHS}|{_MONTHS}"),
    ("year", r"Y"),
]
# Every expression starts with one of these symbols: the lookahead skips other positions at once.
_STARTS = "zvAWlSQFoLNnTMDKCUBRPEHXGYV"
_MASTER = re.compile(
    "(?=[" + _STARTS + "])(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS) + ")"
)

_PARSER = importlib.import_module("re._parser")  # the parsed form of a pattern, to read its first symbols
_OPS = importlib.import_module("re._constants")


def _first(items: Any) -> tuple[set[str] | None, bool]:
    """The symbols a parsed sequence may start with (None: any) and whether it may match nothing."""
    found: set[str] = set()
    for op, av in items:
        if op is _OPS.LITERAL:
            symbols, empty = {chr(av)}, False
        elif op is _OPS.IN and all(o is _OPS.LITERAL or o is _OPS.RANGE for o, _ in av):
            symbols = {chr(a) for o, a in av if o is _OPS.LITERAL}
            symbols |= {chr(x) for o, a in av if o is _OPS.RANGE for x in range(a[0], a[1] + 1)}
            empty = False
        elif op is _OPS.MAX_REPEAT or op is _OPS.MIN_REPEAT:
            inner, empty = _first(av[2])
            if inner is None:
                return None, True
            symbols, empty = inner, empty or av[0] == 0
        elif op is _OPS.SUBPATTERN or op is _OPS.BRANCH:
            parts = [av[-1]] if op is _OPS.SUBPATTERN else av[1]
            symbols, empty = set(), False
            for part in parts:
                inner, part_empty = _first(part)
                if inner is None:
                    return None, True
                symbols |= inner
                empty = empty or part_empty
        elif op is _OPS.ASSERT or op is _OPS.ASSERT_NOT or op is _OPS.AT:
            symbols, empty = set(), True  # zero width: the symbols come from what follows
        else:
            return None, True
        found |= symbols
        if not empty:
            return found, False
    return found, True


def _starting_with(symbol: str) -> re.Pattern[str]:
    """The master pattern with only the expressions that may start with this symbol, in their order.

    At a position, the master pattern takes the first alternative that matches there: dropping those that
    cannot start with the symbol found there gives the same match, without trying them.
    """
    kept = []
    for name, pattern in _PATTERNS:
        symbols, empty = _first(_PARSER.parse(pattern))
        if empty:  # scan() reads as finditer only expressions that match at least one symbol
            raise ValueError(f"the expression {name} may match nothing")
        if symbols is None or symbol in symbols:
            kept.append(f"(?P<{name}>{pattern})")
    return re.compile("(?:" + "|".join(kept) + ")")


_BY_START: dict[str, re.Pattern[str]] = {symbol: _starting_with(symbol) for symbol in _STARTS}


class Span(NamedTuple):
    """One temporal expression: its kind and its token positions [start, end)."""

    kind: str
    start: int
    end: int


def scan(symbols: str) -> list[Span]:
    """All temporal expressions of a symbol string, left to right, longest alternatives first."""
    spans: list[Span] = []
    new = tuple.__new__  # the tuple itself: a NamedTuple's __new__ is a Python function
    # As _MASTER.finditer reads (no expression matches nothing): at each position where an expression may start,
    # the expressions that may start with its symbol; after a match, on from its end.
    patterns = _BY_START
    position, size = 0, len(symbols)
    while position < size:
        pattern = patterns.get(symbols[position])
        if pattern is not None:
            match = pattern.match(symbols, position)
            if match is not None:
                kind = match.lastgroup
                if kind is not None:
                    spans.append(new(Span, (kind, position, match.end())))
                position = match.end()
                continue
        position += 1
    return spans
