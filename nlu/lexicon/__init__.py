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
    words.update(
        {
            "_d0": ("D", 0),
            "_d2": ("D", 2),
            "_until": ("U", 0),
            "_starting": ("B", 0),
            "_back": ("O", 0),
            "_noend": ("z", 0),
            "_vague": ("v", 0),
            "_schoolyear": ("G", 1),
            "_yearend": ("G", 0),
            "weekend": ("w", 0),
        }
    )
    return words


WORDS: dict[str, tuple[str, int]] = _merge_words()
PHRASES: dict[str, str] = {phrase: rep for module in LANGUAGES.values() for phrase, rep in module.PHRASES.items()}
ABBREVIATIONS: dict[str, dict[str, str]] = {lang: dict(module.ABBREVIATIONS) for lang, module in LANGUAGES.items()}
STOPWORDS: dict[str, frozenset[str]] = {lang: module.STOPWORDS for lang, module in LANGUAGES.items()}
VOCABULARY: frozenset[str] = frozenset(
    set(WORDS)
    | {w for module in LANGUAGES.values() for w in module.STOPWORDS}
    | {w for module in LANGUAGES.values() for a in module.ABBREVIATIONS.items() for w in a}
)


def _compile(kind: str) -> re.Pattern[str]:
    parts = [cue for module in LANGUAGES.values() for cue in module.CUES.get(kind, ())]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b")


def _anchors(pattern: str) -> list[str] | None:
    """Literal strings one of which must occur for the pattern to match (None: no cheap test)."""
    if pattern.startswith("\\w*"):
        inner = _anchors(pattern[3:])
        return None if inner is None else ["*" + a for a in inner]
    if pattern.startswith("("):
        close = pattern.find(")")
        group, after = pattern[1:close], pattern[close + 1 :]
        if after[:1] in ("?", "*"):
            return _anchors(after[1:].lstrip())
        alternatives = [a.strip() for a in group.split("|")]
        if all(len(a) >= 2 and re.fullmatch(r"[a-z _]+", a) for a in alternatives):
            return alternatives
        return None
    match = re.match(r"[a-z _]+", pattern)
    prefix = match.group(0) if match else ""
    if pattern[len(prefix) : len(prefix) + 1] in ("?", "*", "{"):
        prefix = prefix[:-1]
    return [prefix] if len(prefix.strip()) >= 2 else None


_ANCHOR_OVERRIDES: dict[str, tuple[str, ...]] = {
    "dont_cancel": ("ne ", "n ", "plus", "nicht", "doch", "do", "did", "no", "not"),
    "negation": (
        "pas",
        "jamais",
        "plus",
        "aucun",
        "non ",
        "ne ",
        "n ",
        "not",
        "never",
        "no longer",
        "neither",
        "nor",
        "nicht",
        "nie",
        "kein",
    ),
}


def _kind_anchors(kind: str) -> tuple[str, ...] | None:
    if kind in _ANCHOR_OVERRIDES:
        return _ANCHOR_OVERRIDES[kind]
    found: list[str] = []
    for module in LANGUAGES.values():
        for cue in module.CUES.get(kind, ()):
            anchors = _anchors(cue)
            if anchors is None:
                return None
            found.extend(anchors)
    return tuple(sorted(set(found)))


CUE_KINDS: tuple[str, ...] = tuple(sorted({kind for module in LANGUAGES.values() for kind in module.CUES}))
CUES: dict[str, re.Pattern[str]] = {kind: _compile(kind) for kind in CUE_KINDS}
CUE_ANCHORS: dict[str, tuple[str, ...] | None] = {kind: _kind_anchors(kind) for kind in CUE_KINDS}
# Per word: (kind, pattern, fixed) for each cue kind that may match starting at the word. `fixed` is the answer
# known from the word alone (True: the cue is the word itself; False: no match), None when the pattern must run.
WORD_CUES: dict[str, tuple[tuple[str, re.Pattern[str], bool | None], ...]] = {}
_ALWAYS: frozenset[str] = frozenset(kind for kind, anchors in CUE_ANCHORS.items() if anchors is None)
_EXACT: dict[str, set[str]] = {}
_PREFIX: dict[str, set[str]] = {}
_CONTAINS: list[tuple[str, str]] = []
for _kind, _anchors_of_kind in CUE_ANCHORS.items():
    for _anchor in _anchors_of_kind or ():
        if _anchor.startswith("*"):
            _CONTAINS.append((_anchor[1:].split(" ")[0], _kind))
            continue
        _first, _, _rest = _anchor.partition(" ")
        if _rest or _anchor.endswith(" "):
            _EXACT.setdefault(_first, set()).add(_kind)
        else:
            _PREFIX.setdefault(_first, set()).add(_kind)


def cue_candidates(word: str) -> tuple[tuple[str, re.Pattern[str], bool | None], ...]:
    """The cue kinds (with their patterns and fixed answers, see WORD_CUES) that may match at this word; cached."""
    found = WORD_CUES.get(word)
    if found is not None:
        return found
    kinds = set(_ALWAYS) | _EXACT.get(word, set())
    for end in range(1, len(word) + 1):
        hit = _PREFIX.get(word[:end])
        if hit:
            kinds |= hit
    for part, kind in _CONTAINS:
        if part in word:
            kinds.add(kind)
    patterns = [(kind, _pattern_for(kind, word)) for kind in sorted(kinds)]  # sorted: evidence in a fixed order
    result = tuple((kind, pattern, _fixed(pattern, word)) for kind, pattern in patterns)
    if len(WORD_CUES) < 100_000:
        WORD_CUES[word] = result
    return result


# An alternative that can consume only word characters and looks nowhere else (no space, dot, class with a
# space, lookaround or inner boundary): at a word token, it matches the whole token or nothing.
_WORD_ONLY = re.compile(r"(?:[a-z0-9_|*+?()]|\\w|\(\?:|\[(?:[a-z0-9_]-[a-z0-9_]|[a-z0-9_])+\]|\{\d+(?:,\d*)?\})+")
_WORD_ONLY_PATTERNS: dict[str, bool] = {}
_WORD_START = re.compile(r"[a-z_][a-z_0-9]*")


def _fixed(pattern: re.Pattern[str], word: str) -> bool | None:
    """Whether the cue pattern matches at a word token, when the word alone decides it (None: it does not).

    A token of word characters, preceded and followed by non-word characters, is matched by alternatives
    of word characters only when they match the whole token: the word alone gives the answer.
    """
    source = pattern.pattern
    word_only = _WORD_ONLY_PATTERNS.get(source)
    if word_only is None:
        inner = source[len("\\b(?:") : -len(")\\b")]
        word_only = source.startswith("\\b(?:") and source.endswith(")\\b") and _WORD_ONLY.fullmatch(inner) is not None
        _WORD_ONLY_PATTERNS[source] = word_only
    if not word_only or _WORD_START.fullmatch(word) is None:
        return None
    match = pattern.match(word)
    if match is None:
        return False
    return True if match.end() == len(word) else None


def _start_anchors(cue: str) -> tuple[str, ...] | None:
    """The anchors of an alternative, or None when its match may start elsewhere (an optional first group)."""
    if re.match(r"\([^)]*\)[?*]", cue):
        return None
    anchors = _anchors(cue)
    return None if anchors is None else tuple(anchors)


# Per kind, each alternative with the literals one of which it starts with (None: the whole pattern is tried).
_ALTERNATIVES: dict[str, tuple[tuple[str, tuple[str, ...] | None], ...] | None] = {
    kind: None
    if kind in _ANCHOR_OVERRIDES
    else tuple((cue, _start_anchors(cue)) for module in LANGUAGES.values() for cue in module.CUES.get(kind, ()))
    for kind in CUE_KINDS
}
_NARROWED: dict[tuple[str, tuple[str, ...]], re.Pattern[str]] = {}


def _compatible(word: str, anchor: str) -> bool:
    """Whether a cue alternative with this anchor may match starting at this word (as indexed above)."""
    if anchor.startswith("*"):
        return anchor[1:].split(" ")[0] in word
    first, _, rest = anchor.partition(" ")
    if rest or anchor.endswith(" "):
        return word == first
    return word.startswith(anchor)


def _pattern_for(kind: str, word: str) -> re.Pattern[str]:
    """The kind's pattern narrowed to the alternatives that may match at this word, in their order.

    An alternation tries its alternatives one by one: dropping those that cannot start at this word
    gives the same match, faster. Narrowed patterns are shared by all words with the same alternatives.
    """
    alternatives = _ALTERNATIVES[kind]
    if alternatives is None:
        return CUES[kind]
    kept = tuple(cue for cue, anchors in alternatives if anchors is None or any(_compatible(word, a) for a in anchors))
    if not kept or len(kept) == len(alternatives):
        return CUES[kind]
    key = (kind, kept)
    pattern = _NARROWED.get(key)
    if pattern is None:
        pattern = re.compile(r"\b(?:" + "|".join(kept) + r")\b")
        if len(_NARROWED) < 20_000:
            _NARROWED[key] = pattern
    return pattern
