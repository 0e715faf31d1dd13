"""Text normalisation: accent folding, emoji, SMS abbreviations, phrases, language guess and tokens with symbols."""

from __future__ import annotations

import re
import unicodedata
from itertools import accumulate, repeat
from operator import add
from typing import NamedTuple

from nlu.lexicon import ABBREVIATIONS, PHRASES, STOPWORDS, WORDS

_TRANSLATE = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "«": " ",
        "»": " ",
        "“": " ",
        "”": " ",
        '"': " ",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "–": "-",
        "—": "-",
        "…": ".",
        "\r": "",
    }
)
# Emoji, pictographs and other symbols: a space (accented letters are decomposed and kept).
_SYMBOLS = re.compile(r"[^\x00-\x7f\u00c0-\u024f\u1e00-\u1eff]")
_INNER_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
_SPACES = re.compile(r"  +")
_NEGATED_AUX = re.compile(r"(?<=n) t\b")
_WORD = re.compile(r"[a-z_][a-z_0-9]*")

# A token is one of: a numeric date, a time of day, a number (maybe ordinal), a word, a punctuation mark.
# The reference reading, one match at a time (tests compare _MIXED_TOKEN's findall reading with it).
_TOKEN = re.compile(
    r"(?P<word>[a-z_][a-z_0-9]*)"
    r"|(?P<punct>[?!.,;:\n/&+-])"
    r"|(?=\d)(?:(?P<iso>\d{4}-\d{1,2}-\d{1,2}\b)"
    r"|(?P<date>\b\d{1,2}[./]\d{1,2}(?:[./]\d{4}\b|[./]\d{2}\b)?\.?)"
    r"|(?P<time>\b\d{1,2}(?:h\d{0,2}|:\d{2})\b)"
    r"|(?P<odot>\b\d{1,2}\.(?=\s*(?:bis|und|au|-|jan|feb|mar|apr|mai|jun|jul|aug|sep|okt|oct|nov|dez|dec)))"
    r"|(?P<num>\b\d+(?:[.,]\d+)?)(?P<suffix>(?:er|ere|eme|e|st|nd|rd|th)\b)?)"
)
_WORD_FIRST = re.compile(r"[a-z_]+")
_PUNCT_SYMBOL = {
    "?": "|",
    "!": "|",
    ".": ".",
    ",": ",",
    ";": "|",
    ":": "|",
    "\n": "|",
    "-": "a",
    "/": "x",
    "&": "e",
    "+": "e",
}


PLAIN_TOKEN = re.compile(r"[a-z_][a-z_0-9]*|[?!.,;:\n/&+-]")
_DIGIT = re.compile(r"\d")
_SYMBOL_OF: dict[str, tuple[str, int]] = {**{p: (sym, 0) for p, sym in _PUNCT_SYMBOL.items()}, **WORDS}


class Token(NamedTuple):
    """One token: its folded text, its grammar symbol (one character), a value (weekday, month…), its offset."""

    text: str
    sym: str
    val: int
    start: int = 0


def _latin_table() -> dict[int, str]:
    """Every lower-case Latin letter with diacritics mapped to its ASCII base letters (one translate call)."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        if char.lower() != char:
            continue
        base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
        if base:
            table[code] = base
    return table


_FOLD = {**_latin_table(), **_TRANSLATE}


def _ascii_table() -> bytes:
    """The fold of every ASCII character that stays one byte: lower case, quotes and tabs to spaces."""
    table = bytearray(bytes(range(256)).lower())
    for char in "'`\"\t":
        table[ord(char)] = ord(" ")
    return bytes(table)


_ASCII_FOLD = _ascii_table()


_NON_ASCII_RUNS = re.compile(r"[^\x00-\x7f]+")


def _fold_run(match: re.Match[str]) -> str:
    return match.group().translate(_FOLD)


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes, no emoji; hyphens inside words become spaces."""
    if text.isascii():
        text = text.encode("ascii").translate(_ASCII_FOLD, b"\r").decode("ascii")
    else:
        # The few non-ASCII runs translated by the table (a translate of the whole text looks up every
        # character); the ASCII characters of the table (` " \r) after: no folded character gives one.
        text = _NON_ASCII_RUNS.sub(_fold_run, text.lower())
        if not text.isascii():
            text = _SYMBOLS.sub(" ", text)
            text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        text = text.replace("'", " ").replace("\t", " ").replace("`", " ").replace('"', " ")
        if "\r" in text:
            text = text.replace("\r", "")
    if "-" in text:
        text = _INNER_HYPHEN.sub(" ", text)
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return text


def words_of(folded: str) -> set[str]:
    """The distinct words of a folded text."""
    return set(_WORD_FIRST.findall(folded))


def guess_language(folded: str, languages: tuple[str, ...]) -> str:
    """The language whose common words occur most often (ties go to the canteen's first language)."""
    best, best_score = languages[0] if languages else "fr", 0
    if len(languages) < 2:
        return best
    scores: dict[str, int] = dict.fromkeys(languages, 0)
    index = _LANGUAGE_OF
    for word in _WORD.findall(folded):
        for lang in index.get(word, ()):
            if lang in scores:
                scores[lang] += 1
    for lang in languages:
        if scores[lang] > best_score:
            best, best_score = lang, scores[lang]
    return best


_LANGUAGE_OF: dict[str, tuple[str, ...]] = {}
for _lang, _stop in STOPWORDS.items():
    for _word in _stop | set(ABBREVIATIONS.get(_lang, {})):
        _LANGUAGE_OF[_word] = (*_LANGUAGE_OF.get(_word, ()), _lang)


def _abbreviation_table(lang: str) -> dict[str, str]:
    table: dict[str, str] = {}
    own = STOPWORDS.get(lang, frozenset())
    for other, abbreviations in ABBREVIATIONS.items():
        if other == lang:
            continue
        for short, long in abbreviations.items():
            if short not in own and short not in WORDS:
                table[short] = long
    table.update(ABBREVIATIONS.get(lang, {}))
    return {k: v for k, v in table.items() if k != v}


_ABBREVIATION_TABLES: dict[str, dict[str, str]] = {lang: _abbreviation_table(lang) for lang in ABBREVIATIONS}
ALL_ABBREVIATIONS: frozenset[str] = frozenset(k for table in _ABBREVIATION_TABLES.values() for k in table)
_ABBREVIATION_RES: dict[str, re.Pattern[str]] = {
    lang: re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, table), key=len, reverse=True)) + r")\b")
    for lang, table in _ABBREVIATION_TABLES.items()
}
# The phrases in the order the one pattern would try them (longest first); each phrase is indexed by its longest
# word with its words and rank: a phrase can match only when all its words are in the text.
_PHRASE_ORDER: list[str] = sorted(map(re.escape, PHRASES), key=len, reverse=True)
_PHRASE_RANK: dict[str, int] = {phrase: rank for rank, phrase in enumerate(_PHRASE_ORDER)}
_PHRASE_WORDS: dict[str, list[tuple[frozenset[str], int]]] = {}
for _phrase in PHRASES:
    _parts = frozenset(re.findall(r"[a-z_]+", _phrase))
    _PHRASE_WORDS.setdefault(max(sorted(_parts), key=len), []).append((_parts, _PHRASE_RANK[re.escape(_phrase)]))
_PHRASE_KEYS: frozenset[str] = frozenset(_PHRASE_WORDS)
# Every word whose presence lets expand() change a text (the words sets given to it are only tested against these).
EXPANSION_WORDS: frozenset[str] = ALL_ABBREVIATIONS | _PHRASE_KEYS
# Per language, the words one of which must occur for expand() to change anything.
_TRIGGERS: dict[str, frozenset[str]] = {
    lang: frozenset(table) | frozenset(_PHRASE_WORDS) for lang, table in _ABBREVIATION_TABLES.items()
}
# The reference reading, all phrases in one pattern (tests compare expand() with it).
_PHRASE_RE = re.compile(r"\b(?:" + "|".join(_PHRASE_ORDER) + r")\b")
# The pattern of only the phrases whose words are all in a text, by their ranks: it reads that text as _PHRASE_RE
# does (a phrase matches only where all its words are words of the text) without trying ~200 phrases per character.
_PHRASE_SUBSETS: dict[tuple[int, ...], re.Pattern[str]] = {}


# What expand() puts in a text holds digits only inside words ("_d0"): a text without digits, expanded, is still
# read by PLAIN_TOKEN into the same tokens as by _TOKEN.
EXPANSIONS_PLAIN: bool = all(
    _DIGIT.search(PLAIN_TOKEN.sub(" ", replacement)) is None
    for replacement in [
        *PHRASES.values(),
        *(long for table in _ABBREVIATION_TABLES.values() for long in table.values()),
    ]
)


def _phrase_pattern(words: set[str]) -> re.Pattern[str] | None:
    """The pattern of the phrases all of whose words are among these words (None when there is none)."""
    ranks = [rank for key in words & _PHRASE_KEYS for need, rank in _PHRASE_WORDS[key] if need <= words]
    if not ranks:
        return None
    ranks.sort()
    key = tuple(ranks)
    pattern = _PHRASE_SUBSETS.get(key)
    if pattern is None:
        order = _PHRASE_ORDER
        pattern = re.compile(r"\b(?:" + "|".join([order[rank] for rank in key]) + r")\b")
        if len(_PHRASE_SUBSETS) < 10_000:
            _PHRASE_SUBSETS[key] = pattern
    return pattern


def expand(folded: str, lang: str, words: set[str] | None = None) -> str:
    """Replace SMS abbreviations (for the language) and multi-word phrases by canonical words."""
    if words is None:
        words = set(_WORD_FIRST.findall(folded))
    triggers = _TRIGGERS.get(lang)
    if triggers is not None and words.isdisjoint(triggers) and " t" not in folded:
        return folded  # no abbreviation, no phrase, no negated auxiliary: nothing to replace
    table = _ABBREVIATION_TABLES.get(lang)
    if table and not words.isdisjoint(table):
        folded = _ABBREVIATION_RES[lang].sub(lambda m: table[m.group(0)], folded)
        words = set(_WORD_FIRST.findall(folded))
    if not words.isdisjoint(_PHRASE_KEYS):
        phrases = _phrase_pattern(words)
        if phrases is not None:
            folded = phrases.sub(lambda m: PHRASES[m.group(0)], folded)
    if " t" in folded:
        folded = _NEGATED_AUX.sub(" not", folded)
    return folded


def tokenize(text: str) -> list[Token]:
    """Tokens of an expanded folded text, each with its grammar symbol."""
    return tokens_and_texts(text)[0]


def tokens_and_texts(text: str) -> tuple[list[Token], list[str]]:
    """Tokens of an expanded folded text, each with its grammar symbol, and their texts."""
    tokens: list[Token] = []
    append = tokens.append
    if _DIGIT.search(text) is None:  # words and punctuation only: no numbers, dates or times to read
        raws = PLAIN_TOKEN.findall(text)
        return plain_tokens(text, raws), raws
    texts: list[str] = []
    add_text = texts.append
    cache = _TOKENS
    numbers = _NUMBER_TOKENS
    for plain, number in _MIXED_TOKEN.findall(text):
        if plain:
            add_text(plain)
            append(cache.get(plain) or _plain_token(plain))
        else:
            add_text(number)
            append(numbers.get(number) or _number_token(number))
    if "may" in text:
        _fix_may(tokens)
    return tokens, texts


def plain_tokens(text: str, raws: list[str]) -> list[Token]:
    """The tokens of a text without digits, from its words and punctuation marks as read by PLAIN_TOKEN."""
    cache = _TOKENS
    try:
        tokens = list(map(cache.__getitem__, raws))
    except KeyError:
        tokens = [cache.get(raw) or _plain_token(raw) for raw in raws]
    if "may" in text:
        _fix_may(tokens)
    return tokens


# Words, punctuation marks and single digits: on a text without digits, the words and marks of PLAIN_TOKEN,
# the words being those of words_of (a digit read here sends the text the general way).
RAW_TOKEN = re.compile(r"[a-z_]+|[?!.,;:\n/&+-]|\d")
DIGITS: frozenset[str] = frozenset("0123456789")
_TOKENS: dict[str, Token] = {}
# The same tokens as _TOKEN, read with findall: a word or mark in the first group, a number, date or time in the second.
_MIXED_TOKEN = re.compile(
    r"([a-z_][a-z_0-9]*|[?!.,;:\n/&+-])"
    r"|(?=\d)((?:\d{4}-\d{1,2}-\d{1,2}\b)"
    r"|(?:\b\d{1,2}[./]\d{1,2}(?:[./]\d{4}\b|[./]\d{2}\b)?\.?)"
    r"|(?:\b\d{1,2}(?:h\d{0,2}|:\d{2})\b)"
    r"|(?:\b\d{1,2}\.(?=\s*(?:bis|und|au|-|jan|feb|mar|apr|mai|jun|jul|aug|sep|okt|oct|nov|dez|dec)))"
    r"|(?:\b\d+(?:[.,]\d+)?)(?:(?:er|ere|eme|e|st|nd|rd|th)\b)?)"
)
# What kind of number a token read by the second group is: the first alternative of _TOKEN that gives it whole.
_NUMBER_KIND = re.compile(
    r"(?P<iso>\d{4}-\d{1,2}-\d{1,2})"
    r"|(?P<date>\d{1,2}[./]\d{1,2}(?:[./]\d{4}|[./]\d{2})?\.?)"
    r"|(?P<time>\d{1,2}(?:h\d{0,2}|:\d{2}))"
    r"|(?P<odot>\d{1,2}\.)"
    r"|(?P<num>\d+(?:[.,]\d+)?)(?P<suffix>er|ere|eme|e|st|nd|rd|th)?"
)
_NUMBER_TOKENS: dict[str, Token] = {}


def _number_token(raw: str) -> Token:
    """The token of a number, date or time (shared by all its occurrences, its offset left at 0)."""
    m = _NUMBER_KIND.fullmatch(raw)
    assert m is not None, raw
    kind = m.lastgroup
    if kind == "suffix":
        kind = "num"
    if kind == "num":
        digits = m.group("num")
        if m.group("suffix") and digits.isdigit():
            token = Token(raw, "n", int(digits))
        elif digits.isdigit() and 1900 <= int(digits) <= 2100:
            token = Token(raw, "Y", int(digits))
        elif digits.isdigit() and len(digits) <= 2:
            token = Token(raw, "N", int(digits))
        else:
            token = Token(raw, "#", 0)
    elif kind == "odot":
        token = Token(raw, "n", int(raw[:-1]))
    elif kind == "time":
        token = Token(raw, "x", 0)
    else:  # date, iso
        token = Token(raw, "T" if numeric_date(raw) else "#", 0)
    if len(_NUMBER_TOKENS) < 100_000:
        _NUMBER_TOKENS[raw] = token
    return token


def _plain_token(raw: str) -> Token:
    """The token of a word or punctuation mark, shared by all its occurrences (its offset left at 0)."""
    sym, val = _SYMBOL_OF.get(raw, ("x", 0))
    token = Token(raw, sym, val)
    if len(_TOKENS) < 100_000:
        _TOKENS[raw] = token
    return token


def offsets(text: str, texts: list[str]) -> list[int]:
    """The offset of each token (given by its text) in the text it was read from (tokens carry none)."""
    if " ".join(texts) == text:  # words one space apart (most short messages): offsets add up
        starts = list(accumulate(map(add, map(len, texts), repeat(1)), initial=0))
        starts.pop()
        return starts
    if _DIGIT.search(text) is not None:
        # A digit right after a number ("03/121") is skipped by the reading though it could start a token.
        return [m.start() for m in _MIXED_TOKEN.finditer(text)]
    # Each token is the first occurrence of its text after the end of the previous one: without digits, the
    # readings skip only characters that cannot start a token.
    starts = []
    append = starts.append
    find = text.find
    position = 0
    for raw in texts:
        position = find(raw, position)
        append(position)
        position += len(raw)
    return starts


_MONTH_LEADS = frozenset({"in", "of", "during", "until", "till", "since", "early", "late", "mid", "through"})


def _fix_may(tokens: list[Token]) -> None:
    """English "may" is a month only beside a day number or after "in", "of", "until"…"""
    for i, tok in enumerate(tokens):
        if tok.text == "may":
            near = {tokens[j].sym for j in (i - 1, i + 1, i + 2) if 0 <= j < len(tokens)}
            if not near & {"N", "n"} and not (i and tokens[i - 1].text in _MONTH_LEADS):
                tokens[i] = Token("may", "x", 0, tok.start)


def numeric_date(raw: str) -> tuple[int, int, int | None] | None:
    """(day, month, year or None) of a token such as 10.12., 03/12, 3.12.26 or 2026-12-03."""
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", raw):
        y, m, d = (int(p) for p in raw.split("-"))
        return d, m, y
    parts = [p for p in re.split(r"[./]", raw) if p]
    if len(parts) < 2:
        return None
    day, month = int(parts[0]), int(parts[1])
    year: int | None = None
    if len(parts) > 2:
        year = int(parts[2])
        if year < 100:
            year += 2000
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return day, month, year
