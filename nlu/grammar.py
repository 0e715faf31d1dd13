"""The temporal grammar: regular expressions over one-letter token symbols that delimit date expressions.

Symbols (see nlu.lexicon): W weekday, P weekday plural/habitual, M month, N day number, n ordinal day,
Y year, T numeric date, D today/tomorrow/after tomorrow, K next, C this, l last, S week, Q month word,
F from/between, B starting, U until, a range connector, e and, r or, I inclusive, E except, R every,
J day word, H holidays, X feast or season, O "back", Z end, G school year (end), L article, o of,
z "until further notice", V after, w weekend, v vague ("every other", "in two weeks"), A "tous" (a
recurrence only with its article), x other word, # other number, punctuation , . | .
"""

from __future__ import annotations

import re
from typing import NamedTuple

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
_MASTER = re.compile(
    "(?=[zvAWlSQFoLNnTMDKCUBRPEHXGYV])(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS) + ")"
)


class Span(NamedTuple):
    """One temporal expression: its kind and its token positions [start, end)."""

    kind: str
    start: int
    end: int


def scan(symbols: str) -> list[Span]:
    """All temporal expressions of a symbol string, left to right, longest alternatives first."""
    spans: list[Span] = []
    new = tuple.__new__  # the tuple itself: a NamedTuple's __new__ is a Python function
    for match in _MASTER.finditer(symbols):
        kind = match.lastgroup
        if kind is None:
            continue
        spans.append(new(Span, (kind, match.start(), match.end())))
    return spans
