"""Finding the household's children in a message: names (case, accents, hyphens, one typo), groups, unknown names."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from nlu.lexicon import VOCABULARY, WORDS
from nlu.normalize import Token, fold

# Words after which a capitalised or unknown word is probably a first name.
_NAME_SLOTS = frozenset({"pour", "for", "fur", "de", "d", "von", "et", "and", "und", "of"})
_NAME_FOLLOWERS = frozenset(
    {
        "ne",
        "n",
        "mange",
        "mangera",
        "mangent",
        "est",
        "sera",
        "absent",
        "absente",
        "malade",
        "et",
        "is",
        "will",
        "won",
        "isst",
        "ist",
        "wird",
        "sick",
        "und",
        "and",
        "eats",
        "has",
        "a",
        "hat",
        "fehlt",
        "reste",
    }
)


# After these symbols a word is read as a date word, never as a name ("jusqu'à Noël", "3 May", "in May").
_TEMPORAL_BEFORE = frozenset("UaoHVBFNnTMWKCSQDRAP")
# Before a name that is also a word: the places where it is a name ("pour Will", "et Noël").
_WORD_NAME_SLOTS = frozenset({"pour", "for", "fur", "et", "and", "und", "e"})
_WORD_FOLLOWERS = frozenset({"no", "does", "doesn", "needs", "can", "cannot", "isn", "wont", "hasn", "was", "had"})


def word_is_name(i: int, tokens: list[Token], capitalised_here: bool) -> bool:
    """Whether a registered name that is also a common word ("Will", "May", "Noël") names the child here.

    Capitalised inside a sentence it does (unless it is a date word there); otherwise only in a name's
    place: first in its sentence before a verb ("Will won't…", "Noël ne mange pas"), or after "et"/"and".
    """
    prev = tokens[i - 1] if i else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if prev is not None and prev.sym in _TEMPORAL_BEFORE:
        return False
    if capitalised_here and tokens[i].sym == "x":
        return True
    if prev is None or prev.sym in "|.,":
        return nxt is None or nxt.text in _NAME_FOLLOWERS or nxt.text in _WORD_FOLLOWERS
    return prev.text in _WORD_NAME_SLOTS


# After these a capitalised word is a noun (German nouns are all capitalised), not a first name.
_DETERMINERS = frozenset(
    [
        "der",
        "die",
        "das",
        "dem",
        "den",
        "des",
        "vom",
        "zum",
        "zur",
        "im",
        "am",
        "beim",
        "ins",
        "ein",
        "eine",
        "einen",
        "einem",
        "einer",
        "kein",
        "keine",
        "mein",
        "meine",
        "unser",
        "unsere",
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "du",
        "au",
        "aux",
        "the",
        "a",
        "an",
    ]
)


class Mention(NamedTuple):
    """Children named (or designated) between two token positions, with how they were recognised."""

    start: int
    end: int
    children: tuple[str, ...]
    how: str  # name | typo | all | both | my_child | unknown


def _key(name: str) -> str:
    return "".join(ch for ch in fold(name) if ch.isalnum())


def _one_edit(a: str, b: str) -> bool:
    """True when a and b differ by exactly one letter added, dropped or changed."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1 or a == b:
        return False
    if la == lb:
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    if la > lb:
        a, b = b, a
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))


@lru_cache(maxsize=4096)
def _name_note(word: str, child: str) -> str:
    return f"child: {word!r} = {child}"


def _start(mention: Mention) -> int:
    return mention.start


class ChildFinder:
    """Matches the registered first names of one household against the tokens of a message."""

    def __init__(self, children: tuple[str, ...]) -> None:
        self.children = children
        self.keys = {_key(child): child for child in children}
        self.max_words = max((len(fold(c).split()) for c in children), default=1)
        self._typos: dict[str, list[str]] = {}
        self.long_keys = tuple((key, child) for key, child in self.keys.items() if len(key) >= 5)
        # Names that are also words of the lexicon ("will", "may", "noel"): named only where a name goes.
        self.wordlike = frozenset(key for key in self.keys if key in VOCABULARY or key in WORDS)

    def _named_here(
        self, i: int, tokens: list[Token], texts: list[str], cased: Callable[[str], list[bool]] | None
    ) -> bool:
        word = texts[i]
        flags = cased(word) if cased is not None else []
        nth = sum(1 for t in texts[:i] if t == word)
        return word_is_name(i, tokens, nth < len(flags) and flags[nth])

    def find(
        self,
        tokens: list[Token],
        texts: list[str],
        capitalised: Callable[[], frozenset[str]],
        cased: Callable[[str], list[bool]] | None = None,
    ) -> tuple[list[Mention], list[str]]:
        """Mentions of children (exact names first, then one-typo names), and evidence notes.

        `cased(word)` tells, for each occurrence of a folded word in the original text, whether it is
        capitalised inside a sentence (used for names that are also common words).
        """
        mentions: list[Mention] = []
        names: list[str] = []  # notes of exact names, given after those of typos
        notes: list[str] = []
        used: set[int] = set()
        vocabulary = VOCABULARY
        if self.max_words == 1:
            # One pass: exact names, and the other unknown words (candidates for a typo or an unknown name).
            keys = self.keys
            candidates: list[int] = []
            wordlike = self.wordlike
            for i, tok in enumerate(tokens):
                child = keys.get(tok[0])
                if child is not None and tok[1] in "xWMLX":
                    if tok[0] in wordlike and not self._named_here(i, tokens, texts, cased):
                        continue
                    mentions.append(tuple.__new__(Mention, (i, i + 1, (child,), "name")))
                    names.append(_name_note(tok[0], child))
                    used.add(i)
                elif tok[1] == "x" and tok[0] not in vocabulary:
                    candidates.append(i)
            exact = {m.children[0] for m in mentions} if mentions else set()
        else:
            self._joined_names(tokens, texts, used, mentions, names)
            exact = {m.children[0] for m in mentions}
            self._joined_typos(tokens, used, exact, mentions, notes)
            candidates = [i for i, tok in enumerate(tokens) if tok[1] == "x" and tok[0] not in vocabulary]
        if not candidates:
            if len(mentions) > 1:
                mentions.sort(key=_start)
            return mentions, notes + names
        long_keys = self.long_keys
        if long_keys:
            for i in candidates:
                word = texts[i]
                if i in used or len(word) < 4:
                    continue
                matches = self._typos.get(word)
                if matches is None:
                    matches = [
                        child
                        for key, child in long_keys
                        if (word[0] == key[0] or word[-1] == key[-1]) and _one_edit(word, key)
                    ]
                    if len(self._typos) < 5000:
                        self._typos[word] = matches
                if len(matches) == 1:
                    if matches[0] in exact:
                        continue
                    mentions.append(Mention(i, i + 1, (matches[0],), "typo"))
                    notes.append(f"child: {word!r} ~ {matches[0]} (one typo)")
                    used.add(i)
                elif len(matches) > 1:
                    mentions.append(Mention(i, i + 1, tuple(matches), "ambiguous"))
                    notes.append(f"child: {word!r} is one typo from {', '.join(matches)}")
                    used.add(i)
        notes.extend(names)
        if not used.issuperset(candidates):
            mentions.extend(self._unknown(tokens, candidates, capitalised, used, notes))
        mentions.sort(key=_start)
        return mentions, notes

    def _joined_names(
        self, tokens: list[Token], texts: list[str], used: set[int], mentions: list[Mention], notes: list[str]
    ) -> None:
        """Exact names of one or more words ("Marie Claire"), longest first."""
        keys = self.keys
        n = len(tokens)
        for i in range(n):
            if i in used or tokens[i][1] not in "xWML":
                continue
            for width in range(min(self.max_words, n - i), 0, -1):
                joined = texts[i] if width == 1 else "".join(texts[i : i + width])
                child = keys.get(joined)
                if child is not None and all(tokens[j][1] in "xWML" for j in range(i + 1, i + width)):
                    mentions.append(Mention(i, i + width, (child,), "name"))
                    notes.append(f"child: {' '.join(texts[i : i + width])!r} = {child}")
                    used.update(range(i, i + width))
                    break

    def _joined_typos(
        self, tokens: list[Token], used: set[int], exact: set[str], mentions: list[Mention], notes: list[str]
    ) -> None:
        """Multi-word names written with one typo ("Mari-Claire")."""
        multi = [(key, child) for key, child in self.long_keys if len(fold(child).split()) > 1 and child not in exact]
        for i in range(len(tokens) - 1):
            for width in range(2, self.max_words + 1):
                span = range(i, i + width)
                if span.stop > len(tokens) or any(j in used or tokens[j].sym != "x" for j in span):
                    continue
                joined = "".join(tokens[j].text for j in span)
                matches = [child for key, child in multi if _one_edit(joined, key)]
                if len(matches) == 1:
                    mentions.append(Mention(i, i + width, (matches[0],), "typo"))
                    notes.append(f"child: {' '.join(tokens[j].text for j in span)!r} ~ {matches[0]} (one typo)")
                    used.update(span)

    def _unknown(
        self,
        tokens: list[Token],
        candidates: list[int],
        get_capitalised: Callable[[], frozenset[str]],
        used: set[int],
        notes: list[str],
    ) -> list[Mention]:
        found: list[Mention] = []
        capitalised: frozenset[str] | None = None
        for i in candidates:
            tok = tokens[i]
            if i in used or len(tok.text) < 3 or not tok.text.isalpha():
                continue
            if capitalised is None:
                capitalised = get_capitalised()
            prev = tokens[i - 1].text if i else ""
            nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
            at_start = i == 0 or tokens[i - 1].sym in "|.,"
            if prev in _DETERMINERS:
                continue  # "vom Mittagstisch", "the Canteen": a noun
            slot = prev in _NAME_SLOTS and (tok.text in capitalised or prev in ("pour", "for", "fur"))
            if (tok.text in capitalised and not at_start) or slot or (at_start and nxt in _NAME_FOLLOWERS):
                found.append(Mention(i, i + 1, (), "unknown"))
                notes.append(f"unknown name? {tok.text!r} matches no child of the household")
        return found
