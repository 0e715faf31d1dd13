"""The cue reading of words one space apart gives the cues of the reading by token offsets."""

from __future__ import annotations

from bisect import bisect_right

from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.analysis import (
    _CARRIERS,
    _POLARITY_KINDS,
    _WORD_CHARS,
    Cue,
    _cues,
    _drop_inner_booking,
    _drop_inner_negations,
    _read,
)
from nlu.lexicon import CUE_ANCHORS, cue_candidates
from nlu.normalize import offsets, tokens_and_texts

WORDS = (
    *sorted({word for anchors in CUE_ANCHORS.values() for a in anchors or () for word in a.strip("*").split()}),
    "alban", "demain", "jeudi", "x", "12", ",", ".", "?",
)  # fmt: skip


def _reference(expanded: str, texts: list[str]) -> list[tuple[str, str, int, int]]:
    """The cues found before, each at the offset of its token (the kinds kept before the drops)."""
    found: list[tuple[str, str, int, int]] = []
    starts = offsets(expanded, texts)
    for index, word in enumerate(texts):
        start = starts[index]
        alone = not start or expanded[start - 1] not in _WORD_CHARS
        for kind, pattern, fixed in cue_candidates(word):
            if fixed is None or not alone:
                m = pattern.match(expanded, start)
                if m is None:
                    continue
                last = max(bisect_right(starts, m.end() - 1, index), index + 1)
                found.append((kind, m.group(), index, last))
            elif fixed:
                found.append((kind, word, index, index + 1))
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=10))
def test_cues_of_spaced_words_are_those_read_by_offsets(words: list[str]) -> None:
    text = " ".join(words)
    tokens, texts = tokens_and_texts(text)
    reference = [Cue(*cue) for cue in _reference(text, texts)]
    kinds = {c.kind for c in reference}
    if "cancel" in kinds and "negation" in kinds:
        reference = _drop_inner_negations(reference)
    if not kinds.isdisjoint(_CARRIERS) and not kinds.isdisjoint(_POLARITY_KINDS):
        reference = _drop_inner_booking(reference)
    assert [_plain(c) for c in _cues(text, tokens, texts)] == [_plain(c) for c in reference]


def _plain(cue: Cue) -> tuple[str, str, int, int]:
    """A cue with "meal_menu" read as "menu" (the reference does not look at the meal words around)."""
    return ("menu" if cue.kind == "meal_menu" else cue.kind, cue.text, cue.start, cue.end)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"abeéAZ _,.?\n'-1", "ne", "pas", "jusqu a ", "svp", "demain"]), max_size=20))
def test_read_gives_the_tokens_of_the_general_reading(pieces: list[str]) -> None:
    text = "".join(pieces)
    _, expanded, _, tokens, texts = _read(text, ("fr", "de"))
    assert (tokens, texts) == tokens_and_texts(expanded)
