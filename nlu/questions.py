"""Questions for a person: sentences asking something other than the booking itself (rule 13)."""

from __future__ import annotations

from nlu.analysis import Cue
from nlu.children import Mention
from nlu.grammar import Span
from nlu.normalize import Token

# A question holding one of these asks about the booking itself ("pouvez-vous annuler… ?").
_ORDER_CUES = frozenset({"cancel", "reserve", "dont_cancel", "uncertain"})
# A question holding only these asks for no answer of its own ("ok ?", "pouvez-vous confirmer ?").
_NEUTRAL_CUES = frozenset({"thanks", "confirm"})
# Words that open a question (folded): French, English, German.
ASKING = frozenset(
    {
        "qui",
        "quoi",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "pourquoi",
        "comment",
        "quand",
        "combien",
        "_estce",
        "who",
        "whom",
        "whose",
        "what",
        "whats",
        "which",
        "how",
        "why",
        "where",
        "when",
        "wer",
        "wen",
        "wem",
        "was",
        "wie",
        "warum",
        "wieso",
        "weshalb",
        "wo",
        "wann",
        "welche",
        "welcher",
        "welches",
        "welchen",
        "welchem",
    }
)
# Question words that make any sentence a question, an order word in it too ("who runs the book fair?").
_WH = ASKING - {"_estce"}
# Words before the question proper ("et au fait, qui…", "by the way, who…", "übrigens, wer…").
_LEADS = frozenset(
    {"et", "mais", "sinon", "au", "fait", "ps", "and", "but", "btw", "by", "the", "way", "also", "oh", "und", "aber"}
    | {"ubrigens", "noch", "eine", "frage", "petite", "autre", "chose", "one", "more", "thing", "question"}
    | {"bonjour", "bonsoir", "salut", "coucou", "madame", "monsieur", "hello", "hi", "hey", "dear", "hallo", "liebe"}
)
# Topic shifts: a new sentence starts at them ("…, au fait qui…", "…, btw who…").
SHIFTS = frozenset({"btw", "ubrigens", "ps", "fait", "way"})
# Auxiliaries and copulas: a sentence with one says something ("le cuisinier est super").
_VERBS = frozenset(
    {"est", "sont", "etait", "etaient", "sera", "seront", "a", "ont", "fait", "is", "are", "was", "were", "has"}
    | {"have", "been", "will", "ist", "sind", "war", "waren", "hat", "haben", "wird", "werden"}
)
# Words that make a remark about the child ("il sera chez sa grand-mère jeudi" gives the order's days).
_ABOUT_CHILD = frozenset({"il", "elle", "ils", "elles", "he", "she", "they", "him", "her", "them", "er", "sie"})
# Openings that ask nothing: greetings and "as agreed".
_NOT_ASKING = (
    ("ca", "va"),
    ("comment", "allez", "vous"),
    ("comment", "vas", "tu"),
    ("comment", "ca", "va"),
    ("how", "are", "you"),
    ("how", "are", "u"),
    ("how", "r", "u"),
    ("how", "is", "it", "going"),
    ("how", "s", "it", "going"),
    ("hows", "it", "going"),
    ("wie", "geht"),
    ("wie", "gehts"),
    ("wie", "besprochen"),
    ("wie", "vereinbart"),
    ("wie", "gesagt"),
    ("wie", "immer"),
    ("wie", "telefonisch"),
    ("wie", "angekundigt"),
    ("wie", "jede"),
    ("wie", "jeden"),
    ("wie", "jedes"),
    ("wie", "letzte"),
    ("wie", "letzten"),
    ("as", "discussed"),
    ("comme", "convenu"),
)


def sentences(tokens: list[Token], spans: list[Span]) -> list[tuple[int, int, str]]:
    """Sentences as token ranges [start, end) with their closing mark ('?', '!', '.', a line break or '')."""
    inside: set[int] = set()
    for s in spans:
        if s.end - s.start > 1:
            inside.update(range(s.start + 1, s.end - 1))
    out: list[tuple[int, int, str]] = []
    begin = 0
    for i, tok in enumerate(tokens):
        if tok.text in SHIFTS and i > begin and _shift(tokens, i):
            out.append((begin, i + 1 if tok.text in ("fait", "way") else i, ","))
            begin = i + 1 if tok.text in ("fait", "way") else i
            continue
        if tok.sym == "|" or (tok.sym == "." and i not in inside):
            if i > begin:
                out.append((begin, i, tok.text))
            elif tok.text == "?" and out and out[-1][2] != "?":  # "…?!" or "? ?": the question mark wins
                out[-1] = (out[-1][0], out[-1][1], "?")
            begin = i + 1
    if begin < len(tokens):
        out.append((begin, len(tokens), ""))
    return out


def _shift(tokens: list[Token], i: int) -> bool:
    word = tokens[i].text
    if word == "fait":
        return tokens[i - 1].text == "au"
    if word == "way":
        return i >= 2 and tokens[i - 1].text == "the" and tokens[i - 2].text == "by"
    return True


def _not_asking(words: list[str]) -> bool:
    return any(words[: len(g)] == list(g) for g in _NOT_ASKING)


def asks(tokens: list[Token], spans: list[Span]) -> bool:
    """Whether a sentence other than a greeting ("ça va ?", "how are you?") ends with a question mark."""
    for lo, hi, mark in sentences(tokens, spans):
        if mark == "?" and not _not_asking(_opening([t.text for t in tokens[lo:hi] if t.sym != ","])):
            return True
    return False


def _opening(words: list[str]) -> list[str]:
    i = 0
    while i < len(words) - 1 and words[i] in _LEADS:
        i += 1
    return words[i:]


def person_questions(
    tokens: list[Token], spans: list[Span], cues: list[Cue], mentions: list[Mention]
) -> list[tuple[int, int]]:
    """The sentences that ask a person something other than the booking: no order cue of their own.

    A sentence is a question when it ends with '?' or opens with a question word (after "et au fait",
    "by the way"…); greetings ("ça va ?", "how are you?") and bare confirmations ("ok ?") ask nothing.
    """
    out: list[tuple[int, int]] = []
    for lo, hi, mark in sentences(tokens, spans):
        words = _opening([t.text for t in tokens[lo:hi] if t.sym != ","])
        if not words:
            continue
        if mark != "?" and (mark == "!" or words[0] not in ASKING or len(words) < 2):
            continue
        if _not_asking(words) or (mark != "?" and ("betrifft" in words or "angeht" in words)):
            continue
        kinds = {c.kind for c in cues if lo <= c.start < hi}
        if (kinds & _ORDER_CUES and words[0] not in _WH) or (kinds and kinds <= _NEUTRAL_CUES):
            continue
        known = kinds or any(lo <= s.start < hi for s in spans) or any(lo <= m.start < hi for m in mentions)
        if not known and hi - lo < 2:
            continue
        out.append((lo, hi))
    return out


def dated_remarks(
    tokens: list[Token],
    spans: list[Span],
    cues: list[Cue],
    mentions: list[Mention],
    vocabulary: frozenset[str],
) -> list[tuple[int, int]]:
    """Sentences with a date that say something else ("le nouveau cuisinier est super ce mois-ci").

    No cue of an order, no child (named or as a pronoun), and three words outside the lexicon, or two
    and a verb ("tournoi de foot vendredi" is a reason with its day): their dates are not the order's.
    """
    out: list[tuple[int, int]] = []
    for lo, hi, _ in sentences(tokens, spans):
        inner = [s for s in spans if lo <= s.start < hi]
        if not inner or any(lo <= m.start < hi for m in mentions):
            continue
        if any(lo <= c.start < hi and c.kind in REMARK_BLOCKERS for c in cues):
            continue
        dated = {i for s in inner for i in range(s.start, s.end)}
        words = [t.text for i, t in enumerate(tokens[lo:hi], lo) if i not in dated and t.sym == "x"]
        if not _ABOUT_CHILD.isdisjoint(words):
            continue
        unknown = sum(1 for w in words if len(w) > 2 and w not in vocabulary)
        if unknown >= 3 or (unknown == 2 and not _VERBS.isdisjoint(words)):
            out.append((lo, hi))
    return out


REMARK_BLOCKERS = frozenset(
    {"cancel", "reserve", "weak_reserve", "dont_cancel", "negation", "vegetarian", "special", "normal"}
    | {"all_children", "both_children", "my_child"}
)
