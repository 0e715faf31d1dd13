"""The fast token readings give the tokens of the reference reading (one _TOKEN match at a time), offsets included."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.lexicon import PHRASES
from nlu.normalize import (
    _FOLD,
    _PHRASE_RE,
    _SYMBOLS,
    _TOKEN,
    PLAIN_TOKEN,
    Token,
    _phrase_pattern,
    expand,
    fold,
    numeric_date,
    offsets,
    tokens_and_texts,
)
from nlu.normalize import _SYMBOL_OF as SYMBOL_OF

PIECES = (
    "1", "3", "12", "30", "2026", "1er", "2e", "3rd", "10.", "3.12.", "3.12.26", "03/12", "12h30", "7:45", "12,50",
    "2026-12-03", "123.45", "1.5", " ", " ", ".", ",", "-", "/", ":", "?", "h", "e", "er", "th", "a", "abc", "_d0",
    " dez", " nov", " bis", " au", "may", " in may", "lundi", "mars", "x1", "\n",
)  # fmt: skip


def _reference(text: str) -> tuple[list[tuple[str, str, int]], list[int]]:
    """Tokens (text, symbol, value) and offsets as the tokenizer read them before it used findall."""
    found: list[tuple[str, str, int]] = []
    starts: list[int] = []
    for m in _TOKEN.finditer(text):
        kind, raw = m.lastgroup, m.group()
        starts.append(m.start())
        if kind in ("word", "punct"):
            sym, val = SYMBOL_OF.get(raw, ("x", 0))
            found.append((raw, sym, val))
            continue
        if kind in ("num", "suffix"):
            digits = m.group("num")
            if m.group("suffix") and digits.isdigit():  # "12,50e" (euros) made the old reading fail
                found.append((raw, "n", int(digits)))
            elif digits.isdigit() and 1900 <= int(digits) <= 2100:
                found.append((raw, "Y", int(digits)))
            elif digits.isdigit() and len(digits) <= 2:
                found.append((raw, "N", int(digits)))
            else:
                found.append((raw, "#", 0))
        elif kind == "odot":
            found.append((raw, "n", int(raw[:-1])))
        elif kind in ("date", "iso"):
            found.append((raw, "T" if numeric_date(raw) else "#", 0))
        else:
            found.append((raw, "x", 0))
    return found, starts


def _without_may_fix(tokens: list[Token], reference: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """The read tokens, with "may" as the reference reads it (the month fix is applied after reading)."""
    return [
        (t.text, ref[1], ref[2]) if t.text == "may" else (t.text, t.sym, t.val)
        for t, ref in zip(tokens, reference, strict=True)
    ]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_findall_reading_matches_the_reference(pieces: list[str]) -> None:
    text = "".join(pieces)
    reference, starts = _reference(text)
    tokens, texts = tokens_and_texts(text)
    assert _without_may_fix(tokens, reference) == reference
    assert texts == [r[0] for r in reference]
    assert offsets(text, texts) == starts


def test_a_decimal_with_a_suffix_is_a_number_not_a_crash() -> None:
    tokens, _ = tokens_and_texts("je verse 12,50e")
    assert [(t.text, t.sym) for t in tokens][-1] == ("12,50e", "#")


@given(st.lists(st.sampled_from([p for p in PIECES if not any(ch.isdigit() for ch in p)]), max_size=12))
def test_offsets_of_plain_text_are_those_of_a_second_reading(pieces: list[str]) -> None:
    text = "".join(pieces)
    _, texts = tokens_and_texts(text)
    assert offsets(text, texts) == [m.start() for m in PLAIN_TOKEN.finditer(text)]


# Words of phrases, pieces of them and neighbours: overlapping phrases, phrases inside longer words, digits beside.
PHRASE_PIECES = (*sorted({w for phrase in PHRASES for w in phrase.split()}), " ", " ", " ", "x", "1", ",")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PHRASE_PIECES), max_size=14))
def test_phrases_of_a_text_are_read_as_with_all_phrases_in_one_pattern(pieces: list[str]) -> None:
    text = " ".join(pieces)
    pattern = _phrase_pattern(set(re.findall(r"[a-z_]+", text)))
    expected = _PHRASE_RE.sub(lambda m: PHRASES[m.group(0)], text)
    assert (pattern.sub(lambda m: PHRASES[m.group(0)], text) if pattern else text) == expected


def test_a_phrase_is_replaced_by_its_canonical_words() -> None:
    text = "pas de cantine jusqu a vendredi"
    assert _PHRASE_RE.search(text) is not None
    assert expand(text, "fr") == _PHRASE_RE.sub(lambda m: PHRASES[m.group(0)], text) != text


def test_a_digit_glued_to_a_date_does_not_shift_the_offsets() -> None:
    text = "03/121 1"
    _, texts = tokens_and_texts(text)
    assert offsets(text, texts) == [m.start() for m in _TOKEN.finditer(text)] == [0, 7]


def _reference_fold(text: str) -> str:
    """fold() as it read a non-ASCII text before: the whole text translated by the table."""
    text = text.lower().translate(_FOLD)
    if not text.isascii():
        text = _SYMBOLS.sub(" ", text)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = text.replace("'", " ").replace("\t", " ")
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)
    return re.sub(r"  +", " ", text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"aeEé É-ç’«»“”…–—\r\t\"`'ßŒøİ😀\u00a0", "\u0301"]), max_size=16))
def test_non_ascii_text_is_folded_as_by_one_translate(text: str) -> None:
    assert fold("é" + text) == _reference_fold("é" + text)
