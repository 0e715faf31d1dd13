"""scan() reads the temporal expressions of a symbol string as the one master pattern's finditer does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.grammar import _MASTER, _STARTS, scan

SYMBOLS = (*_STARTS, *"xa.,|eIJwOrZy#", *_STARTS)  # the start symbols twice: more expressions


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(SYMBOLS), max_size=14))
def test_scan_reads_as_the_master_pattern(symbols: list[str]) -> None:
    text = "".join(symbols)
    expected = [(m.lastgroup, m.start(), m.end()) for m in _MASTER.finditer(text) if m.lastgroup]
    assert [tuple(span) for span in scan(text)] == expected


def test_a_range_of_weekdays_is_one_span() -> None:
    assert [tuple(span) for span in scan("xFWaWx")] == [("range", 1, 5)]
