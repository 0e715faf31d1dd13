"""The merged lexicon of all languages: token symbols, phrases, abbreviations and compiled intent cues."""

from __future__ import annotations

import re
from types import ModuleType

from nlu.lexicon import de, en, fr

LANGUAGES: dict[str, ModuleType] = {"fr": fr, "en": en, "de": de}


def _merge_words() -> dict[str, tuple[str, int]]:
    words: dict[str, tuple[str, int]] = {}
    for module in LANGUAGES.values():
        for word, day in module.WEEKDAYS.items():
            words[word] = ("W", day)
        for word, day in module.WEEKDAYS_PLURAL.items():
            words[word] = ("P", day)
        for word, month in module.MONTHS.items():
            words[word] = ("M", month)
    for module in LANGUAGES.values():
        for word, entry in module.WORDS.items():
            words.setdefault(word, entry)
    words.update({
        "_d0": ("D", 0), "_d2": ("D", 2), "_until": ("U", 0), "_starting": ("B", 0), "_back": ("O", 0),
        "_noend": ("z", 0), "_schoolyear": ("G", 1), "_yearend": ("G", 0), "weekend": ("w", 0),
    })
    return words


WORDS: dict[str, tuple[str, int]] = _merge_words()
PHRASES: dict[str, str] = {phrase: rep for module in LANGUAGES.values() for phrase, rep in module.PHRASES.items()}
ABBREVIATIONS: dict[str, dict[str, str]] = {lang: dict(module.ABBREVIATIONS) for lang, module in LANGUAGES.items()}
STOPWORDS: dict[str, frozenset[str]] = {lang: module.STOPWORDS for lang, module in LANGUAGES.items()}
VOCABULARY: frozenset[str] = frozenset(
    set(WORDS) | {w for module in LANGUAGES.values() for w in module.STOPWORDS}
    | {w for module in LANGUAGES.values() for a in module.ABBREVIATIONS.items() for w in a}
)


def _compile(kind: str) -> re.Pattern[str]:
    parts = [cue for module in LANGUAGES.values() for cue in module.CUES.get(kind, ())]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b")


CUE_KINDS: tuple[str, ...] = tuple(sorted({kind for module in LANGUAGES.values() for kind in module.CUES}))
CUES: dict[str, re.Pattern[str]] = {kind: _compile(kind) for kind in CUE_KINDS}
