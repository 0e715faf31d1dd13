"""One text analysed: tokens, temporal spans, intent cues and child mentions, cut into clauses."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from nlu.children import ChildFinder, Mention
from nlu.grammar import Span, scan
from nlu.iban import mask
from nlu.lexicon import WORD_CUES, cue_candidates
from nlu.normalize import (
    ALL_ABBREVIATIONS,
    DIGITS,
    EXPANSION_WORDS,
    EXPANSIONS_PLAIN,
    PLAIN_TOKEN,
    RAW_TOKEN,
    Token,
    expand,
    fold,
    guess_language,
    offsets,
    plain_tokens,
    tokens_and_texts,
    words_of,
)

_CAPITALISED = re.compile(r"(?<![.!?\n]\s)(?<![.!?\n])(?<!^)\b([A-ZÀ-Ý][\wÀ-ÿ]+)", re.MULTILINE)
_CONTRAST = frozenset(
    {"mais", "but", "aber", "sondern", "cependant", "however", "pourtant", "sinon", "otherwise", "jedoch", "allerdings"}
)
_SYMBOL = itemgetter(1)  # the grammar symbol of a token
_KIND = itemgetter(0)  # the kind of a cue
_CUT_SYMBOLS = re.compile(r"[|.,e]")
_CUT_CHARS = frozenset("|.,e")
_YES_NO = frozenset({"oui", "non", "yes", "ja", "nein"})
_POLARITY_KINDS = ("cancel", "reserve", "weak_reserve", "negation", "dont_cancel")
# The cues that name what the message asks for (the one list: the parser reads it too).
INTENT_KINDS: frozenset[str] = frozenset(
    {
        "cancel",
        "reserve",
        "balance",
        "menu",
        "statement",
        "fiscal",
        "topup",
        "refund",
        "rules",
        "registration",
        "charter",
        "documents",
        "help",
        "status",
        "staff",
    }
)
# The punctuation marks read by RAW_TOKEN are no abbreviation and no phrase word (else the fast way is not taken).
_MARKS_APART = frozenset("?!.,;:\n/&+-").isdisjoint(EXPANSION_WORDS)
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
_MEAL_WORDS = re.compile(r"\s*(?:vegetari\w*|vege\w*|veggie|special\w*|spezial\w*|normal\w*|sans \w+|ohne \w+)")


class Cue(NamedTuple):
    """An intent cue found in the text: its kind, matched words and token range."""

    kind: str
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Clause:
    """A stretch of tokens that carries at most one action for its children and dates."""

    start: int
    end: int
    contrast: bool = False
    cues: list[Cue] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    kind_set: frozenset[str] = frozenset()
    symbols: str = ""  # the grammar symbols of its tokens

    def has(self, *kinds: str) -> bool:
        return not self.kind_set.isdisjoint(kinds)


@dataclass(slots=True)
class Analysis:
    """Everything found in one text."""

    text: str
    folded: str
    lang: str
    tokens: list[Token]
    symbols: str
    spans: list[Span]
    cues: list[Cue]
    mentions: list[Mention]
    clauses: list[Clause]
    notes: list[str]
    kind_set: frozenset[str] = frozenset()
    texts: list[str] = field(default_factory=list)

    def kinds(self) -> frozenset[str]:
        """The kinds of the cues found."""
        return self.kind_set

    def first(self, kind: str) -> Cue | None:
        return next((c for c in self.cues if c.kind == kind), None)

    @property
    def has_content(self) -> bool:
        return bool(self.spans or self.mentions or self.kinds() & INTENT_KINDS)


def analyse(text: str, children: tuple[str, ...], languages: tuple[str, ...]) -> Analysis:
    """Fold, tokenise and scan one text; find cues, children and clauses."""
    text, expanded, lang, tokens, texts = _read(text, languages)
    symbols = "".join(map(_SYMBOL, tokens))
    spans = scan(symbols)
    cues = _cues(expanded, tokens, texts)
    mentions, notes = _finder(children).find(tokens, texts, lambda: _capitalised(text), lambda w: _cased(text, w))
    if cues and mentions:
        mentions = _drop_cue_words(mentions, cues)
    kinds = frozenset(map(_KIND, cues))
    clauses = _clauses(tokens, texts, symbols, spans, cues, mentions, kinds)
    return Analysis(text, expanded, lang, tokens, symbols, spans, cues, mentions, clauses, notes, kinds, texts)


def _read(text: str, languages: tuple[str, ...]) -> tuple[str, str, str, list[Token], list[str]]:
    """The text with IBANs masked, its folded and expanded form, its language, its tokens and their texts."""
    if not text.isascii():
        text = mask(text)
    folded = fold(text)
    bare = folded.replace(" ", "")  # letters only (folded is ASCII): the words are those between the spaces
    raws = folded.split() if bare.isalpha() and bare.islower() else RAW_TOKEN.findall(folded)
    words = set(raws)
    if words.isdisjoint(DIGITS) and _MARKS_APART:
        # No digit: no IBAN to mask, the words are those of words_of and, unless expand replaces something,
        # the tokens are the words and marks already read.
        lang = (
            guess_language(folded, languages) if not words.isdisjoint(ALL_ABBREVIATIONS) else (languages or ("fr",))[0]
        )
        expanded = expand(folded, lang, words)
        if expanded is folded or expanded == folded:
            return text, folded, lang, plain_tokens(folded, raws), raws
        if EXPANSIONS_PLAIN:  # replacements bring digits only inside words ("_d0"): still words and marks
            raws = PLAIN_TOKEN.findall(expanded)
            return text, expanded, lang, plain_tokens(expanded, raws), raws
    else:
        if text.isascii():
            masked = mask(text)
            if masked is not text:
                text, folded = masked, fold(masked)
        words = words_of(folded)
        lang = (
            guess_language(folded, languages) if not words.isdisjoint(ALL_ABBREVIATIONS) else (languages or ("fr",))[0]
        )
        expanded = expand(folded, lang, words)
    tokens, texts = tokens_and_texts(expanded)
    return text, expanded, lang, tokens, texts


def _cues(expanded: str, tokens: list[Token], texts: list[str]) -> list[Cue]:
    """The intent cues starting at each token (a cue may span several tokens; cues may overlap)."""
    cues: list[Cue] = []
    new = tuple.__new__
    known = WORD_CUES.get
    starts: list[int] = []  # the offsets of the tokens, read at the first cue candidate (unless spaced)
    # Words one space apart (most short messages): a word starts after the previous one and its space, and the
    # tokens a match covers are those after the spaces it holds.
    spaced = " ".join(texts) == expanded
    position = 0  # the offset of the word, when spaced
    for index, word in enumerate(texts):
        candidates = known(word)
        if candidates is None:
            candidates = cue_candidates(word)
        if not candidates:
            position += len(word) + 1
            continue
        if spaced:
            start = position
            position += len(word) + 1
            alone = True
        else:
            if not starts:
                starts = offsets(expanded, texts)
            start = starts[index]
            # A word after a word character ("12abc" in text with digits) is no word start: the patterns decide.
            alone = not start or expanded[start - 1] not in _WORD_CHARS
        for kind, pattern, fixed in candidates:
            if fixed is None or not alone:
                m = pattern.match(expanded, start)
                if m is None:
                    continue
                end, matched = m.end(), m.group()
                if spaced:
                    last = index + 1 + expanded.count(" ", start, end - 1)
                else:
                    last = max(bisect_right(starts, end - 1, index), index + 1)
            elif fixed:
                end, matched, last = start + len(word), word, index + 1
            else:
                continue
            if kind == "menu" and (_MEAL_WORDS.match(expanded, end) or _meal_before(cues, index)):
                kind = "meal_menu"
            cues.append(new(Cue, (kind, matched, index, last)))
    if not cues:
        return cues
    kinds = set(map(_KIND, cues))
    if "cancel" in kinds and "negation" in kinds:
        cues = _drop_inner_negations(cues)
    if not kinds.isdisjoint(_CARRIERS) and not kinds.isdisjoint(_POLARITY_KINDS):
        cues = _drop_inner_booking(cues)
    return cues


_CAPITALISED_FOLD: dict[str, str] = {}


def _capitalised(text: str) -> frozenset[str]:
    found: set[str] = set()
    cache = _CAPITALISED_FOLD
    for m in _CAPITALISED.finditer(text):
        word = m.group(1)
        folded = cache.get(word)
        if folded is None:
            folded = fold(word).strip()
            if len(cache) < 50_000:
                cache[word] = folded
        found.add(folded)
    return frozenset(found)


_WORDS_OF_TEXT = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"(?:^|[.!?\n:;]\s*)$")


def _cased(text: str, word: str) -> list[bool]:
    """For each occurrence of a folded word in the text: capitalised inside a sentence?"""
    flags: list[bool] = []
    for m in _WORDS_OF_TEXT.finditer(text):
        if fold(m.group()).strip() == word:
            flags.append(m.group()[0].isupper() and not _SENTENCE_END.search(text[: m.start()]))
    return flags


_FINDERS: dict[tuple[str, ...], ChildFinder] = {}


def _finder(children: tuple[str, ...]) -> ChildFinder:
    finder = _FINDERS.get(children)
    if finder is None:
        if len(_FINDERS) > 10_000:
            _FINDERS.clear()
        finder = _FINDERS[children] = ChildFinder(children)
    return finder


def _drop_inner_negations(cues: list[Cue]) -> list[Cue]:
    """A negation inside a cancel phrase ("pas de cantine", "kein Essen") is part of that phrase."""
    cancels = [c for c in cues if c.kind == "cancel"]
    if not cancels:
        return cues
    return [c for c in cues if c.kind != "negation" or not any(k.start <= c.start and c.end <= k.end for k in cancels)]


def _meal_before(cues: list[Cue], index: int) -> bool:
    """A meal kind just before "menu" ("vegetarisches Menü") names a meal, not the menu question."""
    return bool(cues) and cues[-1].kind in ("vegetarian", "special") and cues[-1].end == index


_CARRIERS = frozenset({"topup", "refund", "balance", "statement", "registration", "rules", "charter"})


def _drop_inner_booking(cues: list[Cue]) -> list[Cue]:
    """A booking word inside another request's phrase ("add money", "registration form") is part of that phrase."""
    carriers = [c for c in cues if c.kind in _CARRIERS]
    if not carriers:
        return cues
    return [
        c
        for c in cues
        if c.kind not in _POLARITY_KINDS
        or not any(k.start <= c.start and c.end <= k.end and k.end - k.start > c.end - c.start for k in carriers)
    ]


def _drop_cue_words(mentions: list[Mention], cues: list[Cue]) -> list[Mention]:
    """An 'unknown name' that is in fact a cue word (e.g. a verb) is no name."""
    for mention in mentions:
        if mention[3] == "unknown":
            break
    else:
        return mentions
    return [m for m in mentions if m.how != "unknown" or not any(c.start <= m.start < c.end for c in cues)]


def _clauses(
    tokens: list[Token],
    texts: list[str],
    symbols: str,
    spans: list[Span],
    cues: list[Cue],
    mentions: list[Mention],
    kinds: frozenset[str],
) -> list[Clause]:
    if _CUT_CHARS.isdisjoint(symbols) and _CONTRAST.isdisjoint(texts):
        return [Clause(0, len(tokens), False, cues, spans, mentions, kinds, symbols)]
    last = len(symbols) - 1
    if last > 0 and symbols[last] in "|." and _CUT_CHARS.isdisjoint(symbols[:last]) and _CONTRAST.isdisjoint(texts):
        # Only a final mark ("…demain ?"): one clause before it, or the whole when the dot ends a date ("le 3.").
        if symbols[last] == "." and any(s.start <= last < s.end for s in spans):
            return [Clause(0, len(tokens), False, cues, spans, mentions, kinds, symbols)]
        if cues and cues[-1].start >= last:
            cues = [c for c in cues if c.start < last]
            kinds = frozenset([c.kind for c in cues])
        if spans and spans[-1].start >= last:
            spans = [s for s in spans if s.start < last]
        if mentions and mentions[-1].start >= last:
            mentions = [m for m in mentions if m.start < last]
        return [Clause(0, last, False, cues, spans, mentions, kinds, symbols[:last])]
    inside: set[int] = set()
    for s in spans:
        inside.update(range(s.start, s.end))
    strong: list[tuple[int, bool]] = []  # (cut position, contrast)
    soft: list[int] = []
    positions = [m.start() for m in _CUT_SYMBOLS.finditer(symbols)]
    if not _CONTRAST.isdisjoint(texts):
        positions = sorted({*positions, *(i for i, word in enumerate(texts) if word in _CONTRAST)})
    for i in positions:
        sym = symbols[i]
        if i in inside and sym != "|":
            continue
        if sym == "." and i and tokens[i - 1].sym in "MW" and len(texts[i - 1]) <= 4 and i + 1 < len(tokens):
            continue  # "am 3. Dez. nicht": the dot of an abbreviation
        if sym == "|" or sym == ".":
            strong.append((i, False))
        elif texts[i] in _CONTRAST:
            strong.append((i, True))
        elif sym in ",e":
            soft.append(i)
    pieces: list[Clause] = []
    begin, contrast = 0, False
    for cut, is_contrast in [*strong, (len(tokens), False)]:
        pieces.extend(_split_soft(begin, cut, contrast, soft, tokens, spans, cues, mentions))
        begin, contrast = cut + 1, is_contrast
    clauses = [c for c in pieces if c.end > c.start]
    for clause in clauses:
        clause.cues = [c for c in cues if clause.start <= c.start < clause.end]
        clause.kind_set = frozenset(c.kind for c in clause.cues)
        clause.spans = [s for s in spans if clause.start <= s.start < clause.end]
        clause.mentions = [m for m in mentions if clause.start <= m.start < clause.end]
        clause.symbols = symbols[clause.start : clause.end]
    return clauses


def _trailing_negation(lo: int, hi: int, cues: list[Cue], spans: list[Span]) -> bool:
    """A part whose only action word is a negation after its date ("und übermorgen nicht") negates the whole."""
    acts = [c for c in cues if lo <= c.start < hi and c.kind in _POLARITY_KINDS]
    first_date = min((s.start for s in spans if lo <= s.start < hi), default=None)
    return (
        bool(acts)
        and all(c.kind == "negation" for c in acts)
        and first_date is not None
        and all(c.start > first_date for c in acts)
    )


def _split_soft(
    begin: int,
    end: int,
    contrast: bool,
    soft: list[int],
    tokens: list[Token],
    spans: list[Span],
    cues: list[Cue],
    mentions: list[Mention],
) -> list[Clause]:
    cuts = [c for c in soft if begin < c < end]
    out: list[Clause] = []
    start = begin
    for k, cut in enumerate(cuts):
        after_end = cuts[k + 1] if k + 1 < len(cuts) else end

        def action(lo: int, hi: int) -> bool:
            return any(lo <= c.start < hi and c.kind in _POLARITY_KINDS for c in cues)

        before = action(start, cut) or (
            any(start <= s.start < cut for s in spans)
            and (start > begin or any(start <= m.start < cut for m in mentions))
        )
        acts = action(cut + 1, after_end)
        dated = any(cut + 1 <= s.start < after_end for s in spans)
        named = any(cut + 1 <= m.start < after_end and m.how != "unknown" for m in mentions)
        if named and not acts:  # "…, Rose oui" / "…, Noé non": a bare yes or no for another child
            acts = any(tokens[j].text in _YES_NO for j in range(cut + 1, after_end))
        after = (acts or dated) and (named or acts)
        if after and tokens[cut].sym == "e" and not named and _trailing_negation(cut + 1, after_end, cues, spans):
            after = False
        if before and after:
            out.append(Clause(start, cut, contrast))
            start, contrast = cut + 1, False
    out.append(Clause(start, end, contrast))
    return out
