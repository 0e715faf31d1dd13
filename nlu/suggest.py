"""The staff part of a message: what remains of a booking once the question for a person is taken out.

A booking mixed with something a person must handle goes to staff whole (rule 13), but the booking
reading is still worth showing: staff may apply it in one click. The staff part is each sentence
holding a staff cue (or an open question), or, when such a sentence also names a day or a child,
each of its comma-separated pieces holding the staff cue.
"""

from __future__ import annotations

import re

from nlu.analysis import Analysis, analyse
from nlu.lexicon import VOCABULARY
from nlu.questions import dated_remarks, person_questions

# A sentence ends at . ! ? ; : or a line break followed by a space or the end; the separator stays with it.
_SENTENCE = re.compile(r"[^\n]*?(?:[.!?;:]+(?=\s|$)|\n|$)\s*")
_PIECE = re.compile(r"[^,]*(?:,\s*|$)")


def _pieces(pattern: re.Pattern[str], text: str) -> list[str]:
    return [m.group() for m in pattern.finditer(text) if m.group()]


def _holds_booking(a: Analysis) -> bool:
    return bool(a.spans) or any(m.how in ("name", "typo", "ambiguous") for m in a.mentions)


def _open_question(a: Analysis) -> bool:
    """A question for a person or a dated remark (see nlu.questions): its dates never feed the booking."""
    return bool(
        person_questions(a.tokens, a.spans, a.cues, a.mentions)
        or (a.spans and dated_remarks(a.tokens, a.spans, a.cues, a.mentions, VOCABULARY))
    )


def without_staff_part(text: str, household: tuple[str, ...], languages: tuple[str, ...]) -> str | None:
    """The text with its staff part removed; None when the staff part cannot be told apart from the booking."""
    kept: list[str] = []
    for sentence in _pieces(_SENTENCE, text):
        a = analyse(sentence, household, languages)
        if "staff" not in a.kind_set:
            if not _open_question(a):
                kept.append(sentence)
            continue
        if not _holds_booking(a):
            continue
        for piece in _pieces(_PIECE, sentence):
            p = analyse(piece, household, languages)
            if "staff" not in p.kind_set and not _open_question(p):
                kept.append(piece)
            elif _holds_booking(p):
                return None
    return "".join(kept).strip()
