"""Requests other than bookings: refund, top-up, statement, menu and status periods, documents; the result builder.

Document keys (Interpretation.document, see DOCUMENT_KEYS): "rules", "registration", "charter"; None when a request
for documents names none or several (the answer is then the list of documents).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from nlu.analysis import Analysis
from nlu.iban import find_iban, mask
from nlu.model import Command, Interpretation, PendingCommand, Period, Question, Route
from nlu.normalize import fold
from nlu.reasons import reason
from nlu.temporal import Item, Resolver, UnclearError

_AMOUNT_CURRENCY = re.compile(
    r"(?:(?:chf|fr\.?|sfr\.?|eur|€|euros?|\$|£)\s*(\d{1,5}(?:[.,]\d{1,2})?)(?!\d))"
    r"|(?:(?<![\d.,])(\d{1,5}(?:[.,]\d{1,2})?)\s*(?:chf|fr\b|francs?|sfr|eur\b|euros?|€|\$|£|dollars?|pounds?|\.-|-\.))",
    re.IGNORECASE,
)
_CURRENCY_WORD = re.compile(
    r"(\b(?:chf|s?fr|francs?)\b|\.-|-\.)|(\b(?:eur|euros?)\b|€)|(\b(?:usd|dollars?)\b|\$)|(\b(?:gbp|pounds?)\b|£)",
    re.IGNORECASE,
)
_CURRENCY_CODES = ("CHF", "EUR", "USD", "GBP")
_NUMBER = re.compile(r"(?<![\d.,/:])(\d{1,5}(?:[.,]\d{1,2})?)(?![\d/:]|\.\d)")
# Amounts written in words ("septante francs", "fifty francs", "hundert Franken").
_NUMBER_WORDS: dict[str, int] = {
    **dict.fromkeys(("un", "une", "one", "ein", "eins"), 1),
    **dict.fromkeys(("deux", "two", "zwei"), 2),
    **dict.fromkeys(("trois", "three", "drei"), 3),
    **dict.fromkeys(("quatre", "four", "vier"), 4),
    **dict.fromkeys(("cinq", "five", "funf", "fuenf"), 5),
    **dict.fromkeys(("six", "sechs"), 6),
    **dict.fromkeys(("dix", "ten", "zehn"), 10),
    **dict.fromkeys(("quinze", "fifteen", "funfzehn"), 15),
    **dict.fromkeys(("vingt", "twenty", "zwanzig"), 20),
    **dict.fromkeys(("trente", "thirty", "dreissig"), 30),
    **dict.fromkeys(("quarante", "forty", "vierzig"), 40),
    **dict.fromkeys(("cinquante", "fifty", "funfzig", "fuenfzig"), 50),
    **dict.fromkeys(("soixante", "sixty", "sechzig"), 60),
    **dict.fromkeys(("septante", "seventy", "siebzig"), 70),
    **dict.fromkeys(("huitante", "octante", "eighty", "achtzig"), 80),
    **dict.fromkeys(("nonante", "ninety", "neunzig"), 90),
}
_HUNDREDS = frozenset({"cent", "cents", "hundred", "hundert"})
_JOINERS = frozenset({"et", "and", "und", "a"})
_CURRENCY_AFTER = re.compile(r"\s*(?:chf|s?fr\b|francs?|franken|\.-)")
_PER_CHILD = re.compile(
    r"\b(?:each|per|par|pro|chaque|chacun\w*|jede\w*)\b(?:\s+\w+){0,2}?\s*\b(?:child|kid|enfant|kind)\w*|\bchacun\w*",
    re.IGNORECASE,
)


def _amount_in_words(text: str) -> tuple[float | None, bool]:
    """(the amount written in words before a currency, whether such words were seen)."""
    folded = fold(text)
    seen = False
    for m in re.finditer(r"[a-z]+(?:\s+[a-z]+)*", folded):
        words = m.group().split()
        i = 0
        while i < len(words):
            if words[i] not in _NUMBER_WORDS and words[i] not in _HUNDREDS:
                i += 1
                continue
            total, j = 0, i
            while j < len(words) and (
                words[j] in _NUMBER_WORDS
                or words[j] in _HUNDREDS
                or (words[j] in _JOINERS and j + 1 < len(words) and words[j + 1] in _NUMBER_WORDS)
            ):
                w = words[j]
                if w in _HUNDREDS:
                    total = max(total, 1) * 100
                elif w in _NUMBER_WORDS:
                    value = _NUMBER_WORDS[w]
                    total = total * 20 if value == 20 and total == 4 else total + value
                j += 1
            rest = " ".join(words[j : j + 1])
            if _CURRENCY_AFTER.match(" " + rest):
                seen = True
                return float(total), seen
            i = j
    return None, seen


def result(
    intent: str,
    route: Route,
    evidence: list[str],
    reason: str | None = None,
    *,
    question: Question | None = None,
    commands: tuple[Command, ...] = (),
    period: Period | None = None,
    amount: float | None = None,
    iban: str | None = None,
    document: str | None = None,
    children: tuple[str, ...] = (),
    pending: tuple[PendingCommand, ...] = (),
    understood: bool = True,
) -> Interpretation:
    return Interpretation(
        intent,
        route,
        commands=commands,
        period=period,
        amount=amount,
        iban=iban,
        reason=reason,
        document=document,
        question=question,
        children=children,
        evidence=tuple(evidence),
        pending=pending,
        understood=understood,
    )


_NEW_DETAILS = re.compile(
    r"\b(?:nouvel(?:le)? (?:iban|compte|coordonnees)|nouveau (?:compte|iban)|changement d iban|futur\w*|a l avenir"
    r"|new (?:iban|bank|account)|future|from now on|neue[sn]? (?:iban|konto|bankverbindung)|kunftig\w*|zukunftig\w*)\b"
)


# The documents a parent may ask for by name: the keys of Interpretation.document (core.documents.DocumentKey).
#   rules         the canteen's rules: "règlement", "règles de la cantine", "house rules", "Reglement", "Hausordnung"
#   registration  the registration form: "fiche/formulaire d'inscription", "registration form", "Anmeldeformular"
#   charter       the charter: "charte", "charter", "Charta"
# A request for documents naming none ("vous avez des documents ?", "what documents do you have?", "welche
# Unterlagen…"), or naming several, has document None: the answer is the list. Prices are no document: a question
# about prices goes to staff (intent other).
DOCUMENT_KEYS: tuple[str, ...] = ("rules", "registration", "charter")
# Documents being sent to the canteen, not asked for: a person reads them.
_DELIVERS = re.compile(
    r"\b(?:ci joint\w*|en piece jointe|en annexe|je vous (?:envoie|transmets|fais parvenir)|attached|enclosed"
    r"|attaching|(?:i am|i m|we are) sending|here (?:is|are) (?:the|my|our)|im anhang|anbei|beiliegend"
    r"|in der beilage|(?:ich|wir) (?:sende|schicke|senden|schicken) (?:ihnen|euch|dir))\b"
)
_ASKING_FOR = re.compile(
    r"\b(?:pouvez|pourriez|pourrais|peux|voulez|merci de|merci d|svp|stp|please|pls|can|could|would|konnen"
    r"|konnten|kannst|bitte|je voudrais|je souhaite|i would like|i d like|ich mochte|ich hatte gern|avez|auriez"
    r"|have|gibt es|habt|haben sie|send|envoy\w*|schick\w*|where|ou|wo|quel\w*|what|which|welche\w*)\b"
)


def document(a: Analysis, evidence: list[str], staff: bool) -> Interpretation:
    """A request for one of the canteen's documents (see DOCUMENT_KEYS), or for their list."""
    named = [key for key in DOCUMENT_KEYS if key in a.kind_set]
    if staff:
        return result("document", "staff", evidence, reason("document_mixed"))
    if _DELIVERS.search(a.folded):
        return result("document", "staff", evidence, reason("documents_sent"))
    if not named and "?" not in a.folded and not _ASKING_FOR.search(a.folded):
        if "thanks" in a.kind_set:  # "merci pour les documents"
            return result("thanks", "auto", evidence)
        return result("document", "staff", evidence, reason("documents_mentioned"))
    return result("document", "auto", evidence, document=named[0] if len(named) == 1 else None)


def refund(raw: str, evidence: list[str], mixed: bool) -> Interpretation:
    iban, valid, note = find_iban(raw)
    if note:
        evidence.append(note)
    if _NEW_DETAILS.search(fold(raw)):
        return result("other", "staff", evidence, reason("new_bank_details"))
    if mixed:
        return result("refund", "staff", evidence, reason("refund_mixed"))
    if iban is None:
        return result(
            "refund", "clarify", evidence, "a refund needs the IBAN of the account to pay to", question=Question("iban")
        )
    if not valid:
        return result("refund", "clarify", evidence, f"the IBAN {iban} is not valid", question=Question("iban"))
    return result("refund", "auto", evidence, iban=iban)


def topup(raw: str, evidence: list[str], currency: str) -> Interpretation:
    raw = mask(raw)
    if _PER_CHILD.search(raw):
        return result(
            "topup", "clarify", evidence, "an amount per child: how much in all?", question=Question("amount")
        )
    found = list(_AMOUNT_CURRENCY.finditer(raw))
    named = {_CURRENCY_CODES[w.lastindex - 1] for w in _CURRENCY_WORD.finditer(raw) if w.lastindex}
    if named - {currency.upper()}:
        return result(
            "topup", "clarify", evidence, f"an amount in another currency than {currency}", question=Question("amount")
        )
    amounts = [m.group(1) or m.group(2) for m in found]
    if not amounts:
        amounts = _NUMBER.findall(raw)
    values = sorted({float(x.replace(",", ".")) for x in amounts})
    if len(values) > 1:
        return result("topup", "clarify", evidence, "several amounts named", question=Question("amount"))
    if values:
        evidence.append(f"amount: {values[0]:g}")
        return result("topup", "auto", evidence, amount=values[0])
    worded, _ = _amount_in_words(raw)
    if worded:
        evidence.append(f"amount in words: {worded:g}")
        return result("topup", "auto", evidence, amount=worded)
    if named:
        return result("topup", "clarify", evidence, "how much should be added?", question=Question("amount"))
    return result("topup", "auto", evidence)


def resolve_items(a: Analysis, resolver: Resolver) -> list[Item]:
    return [resolver.item(span, a.tokens) for span in a.spans]


def statement(a: Analysis, resolver: Resolver, evidence: list[str]) -> Interpretation:
    past = Resolver(resolver.data, resolver.today, past=True)
    try:
        items = [i for i in resolve_items(a, past) if i.kind in ("year", "range", "day", "week")]
    except UnclearError as unclear:
        return result("statement", "clarify", evidence, unclear.reason, question=Question("period"))
    if not items:
        return result(
            "statement", "clarify", evidence, "which period should the statement cover?", question=Question("period")
        )
    lo = min(i.lo or i.days[0] for i in items)
    hi = max(i.hi or i.days[-1] for i in items)
    evidence.extend(i.note for i in items)
    return result("statement", "auto", evidence, period=Period(lo, hi))


def default_week(today: date) -> Period:
    if today.weekday() >= 5:
        monday = today + timedelta(days=7 - today.weekday())
        return Period(monday, monday + timedelta(days=4))
    return Period(today, today + timedelta(days=4 - today.weekday()))


def period_answer(
    intent: str, a: Analysis, resolver: Resolver, evidence: list[str], household: tuple[str, ...]
) -> Interpretation:
    children = tuple(c for m in a.mentions if m.how in ("name", "typo") for c in m.children)
    try:
        items = [i for i in resolve_items(a, resolver) if i.kind in ("range", "day", "week")]
    except UnclearError as unclear:
        return result(intent, "clarify", evidence, unclear.reason, question=Question("date"))
    if not items:
        period = default_week(resolver.today)
        evidence.append(f"no date: this week {period.start} to {period.end}")
    else:
        lo = min(i.lo or i.days[0] for i in items)
        hi = max(i.hi or i.days[-1] for i in items)
        if any(i.kind == "week" for i in items):
            hi = min(hi, hi - timedelta(days=max(hi.weekday() - 4, 0)))
        period = Period(lo, hi)
        evidence.extend(i.note for i in items)
    return result(intent, "auto", evidence, period=period, children=children)
