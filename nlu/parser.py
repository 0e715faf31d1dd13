"""From one message to one interpretation: intent, route, commands and the evidence for the route."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import lru_cache
from operator import itemgetter

from core.canteen import Canteen
from nlu.analysis import INTENT_KINDS, Analysis, Cue, analyse
from nlu.booking import PLACEHOLDER, DeferError, build
from nlu.lexicon import VOCABULARY
from nlu.model import Command, Interpretation, Message, PendingCommand, Question
from nlu.questions import ASKING, REMARK_BLOCKERS, SHIFTS, asks, dated_remarks, person_questions
from nlu.quotes import clean_subject, strip_quotes
from nlu.reasons import reason
from nlu.requests import DOCUMENT_KEYS, default_week, document, period_answer, refund, result, statement, topup
from nlu.suggest import without_staff_part
from nlu.temporal import Resolver, UnclearError, calendar_data

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SLASH = re.compile(r"^\s*/([a-zA-Z_]+)")
_SLASH_INTENTS = {
    "balance": "balance",
    "solde": "balance",
    "saldo": "balance",
    "guthaben": "balance",
    "credit": "balance",
    "menu": "menu",
    "menus": "menu",
    "speiseplan": "menu",
    "help": "help",
    "aide": "help",
    "hilfe": "help",
    "start": "help",
    "status": "status",
    "statut": "status",
    "reservations": "status",
    "bookings": "status",
    "buchungen": "status",
    "topup": "topup",
    "recharger": "topup",
    "aufladen": "topup",
}
_REQUEST = re.compile(
    r"\b(?:pouvez|pourriez|pourrais|peux|peut on|voulez|voudriez|merci de|merci d|svp|please|pls|can you|could you"
    r"|would you|konnen sie|konnten sie|kannst du|bitte|je voudrais|je souhaite|i would like|i d like|ich mochte"
    r"|est il possible|is it possible|ist es moglich|est ce possible)\b"
)
_THANKS_EMOJI = re.compile("[\U0001f44d\U0001f64f\u2764\U0001f60a\U0001f642\U0001f44c\u2705\U0001f970\U0001f600]")
_INTENT_CUES = INTENT_KINDS
_EVIDENCE_CUES = _INTENT_CUES | {"uncertain", "thanks", "negation", "vegetarian", "special", "normal"}
_BOOKING_CUES = frozenset({"cancel", "reserve", "dont_cancel"})
_ORDER_KINDS = _BOOKING_CUES | {"weak_reserve", "vegetarian", "special", "normal"}
_STATEMENT_KINDS = frozenset({"statement", "fiscal"})
# The documents one may ask for by name, in the order of the keys (see nlu.requests.document); "documents" is
# a request for the documents without naming one (answered with their list).
_DOCUMENT_KINDS = frozenset(DOCUMENT_KEYS)
_ANY_DOCUMENT_KINDS = _DOCUMENT_KINDS | {"documents"}
_QUESTIONS = frozenset({"menu", "status", "balance"})  # with a document request: a person answers both
_MEAL_KINDS = frozenset({"vegetarian", "special"})
_MEALS = frozenset({"vegetarian", "special", "normal"})
_ACTION = itemgetter(0)  # the action of a command
_NEGATION_OR_MEAL = frozenset({"negation", "vegetarian", "special"})
_HOUSEHOLD_KINDS = frozenset({"all_children", "both_children", "my_child"})


_NO_SUBJECT = ("", False, False)  # what clean_subject gives for none
_MIXED = reason("booking_mixed_question")
_ASKS_MORE = reason("asks_more")
_REMARK = reason("remark_with_date")
_SUGGESTED = frozenset({_MIXED, _ASKS_MORE, _REMARK})


def parse(message: Message, canteen: Canteen) -> Interpretation:
    """Interpret one message for one canteen (pure: no clock, no I/O).

    A booking sent to staff because it is mixed with something a person must handle still carries, in
    `commands`, the reading made without that part (never acted on by the pipeline; staff may apply it).
    """
    reading = _parse(message, canteen)
    if reading.route == "staff" and reading.reason in _SUGGESTED:
        return _with_suggestion(reading, message, canteen)
    return reading


def _with_suggestion(reading: Interpretation, message: Message, canteen: Canteen) -> Interpretation:
    household, languages = tuple(message.children), tuple(canteen.languages)
    body, _ = strip_quotes(message.text or "")
    subject = clean_subject(message.subject)[0] if message.subject else ""
    text = without_staff_part(body, household, languages)
    rest = without_staff_part(subject, household, languages) if subject else ""
    if text is None or rest is None or (text == body and rest == subject):
        return reading
    kept_subject = message.subject if rest == subject else rest or None  # unchanged: as sent, reply prefix too
    alone = _parse(replace(message, text=text, subject=kept_subject), canteen)
    if alone.route != "auto" or not alone.commands:
        return reading
    note = f"suggested without the part for staff (not acted on): {interpret_commands(alone.commands)}"
    return replace(reading, intent=alone.intent, commands=alone.commands, evidence=(*reading.evidence, note))


def _parse(message: Message, canteen: Canteen) -> Interpretation:
    data = calendar_data(canteen)
    today = message.at.astimezone(data.zone).date()
    household = tuple(message.children)
    languages = tuple(canteen.languages)
    evidence: list[str] = [_received(today, canteen.timezone)]
    body, quote_notes = strip_quotes(message.text or "")
    if quote_notes:
        evidence.extend(quote_notes)
    subject, is_reply, is_echo = clean_subject(message.subject) if message.subject else _NO_SUBJECT
    slash = _SLASH.match(body) if "/" in body else None
    if slash and body[slash.end() :].strip():
        evidence.append(f"telegram command /{slash.group(1)} with arguments: read as text")
        body = body[slash.start(1) :]
        slash = None
    if slash:
        intent = _SLASH_INTENTS.get(slash.group(1).lower(), "help")
        evidence.append(f"telegram command /{slash.group(1)} -> {intent}")
        if intent == "menu":
            return Interpretation("menu", "auto", period=default_week(today), evidence=tuple(evidence))
        if intent == "status":
            return Interpretation("status", "auto", period=default_week(today), evidence=tuple(evidence))
        return Interpretation(intent, "auto", evidence=tuple(evidence))
    analysis = analyse(body, household, languages)
    side: _Side | None = None
    if subject and not is_echo:
        if not is_reply and not (analysis.kinds() & _INTENT_CUES):
            analysis = analyse(subject + "\n" + body, household, languages)
            evidence.append(f"subject {subject!r} read with the body")
        else:
            side = _Side(subject, household, languages, days=not is_reply)
    elif subject:
        evidence.append(f"subject {subject!r} echoes our own message: ignored")
    evidence.extend(analysis.notes)
    today_said = False
    if "D" in analysis.symbols:
        for token in analysis.tokens:
            if token[1] == "D" and token[2] == 0:
                today_said = True
                break
    resolver = Resolver(data, today, today_said=today_said)
    return _decide(analysis, side, resolver, household, evidence, message.text or "")


@lru_cache(maxsize=8192)
def _cue_note(cue: Cue) -> str:
    """The evidence note of a cue ('' for the kinds not shown)."""
    return f"cue {cue.kind}: {cue.text!r}" if cue.kind in _EVIDENCE_CUES else ""


@lru_cache(maxsize=1024)
def _received(today: date, timezone: str) -> str:
    return f"received {today.isoformat()} ({_DAY_NAMES[today.weekday()]}) in {timezone}"


class _Side:
    """The subject of an email, analysed only when the body lacks a child or a day."""

    def __init__(self, subject: str, household: tuple[str, ...], languages: tuple[str, ...], *, days: bool) -> None:
        self.subject, self.household, self.languages, self.days = subject, household, languages, days
        self._analysis: Analysis | None = None

    @property
    def analysis(self) -> Analysis:
        if self._analysis is None:
            self._analysis = analyse(self.subject, self.household, self.languages)
        return self._analysis


def _decide(
    a: Analysis, side: _Side | None, resolver: Resolver, household: tuple[str, ...], evidence: list[str], raw: str
) -> Interpretation:
    kinds = a.kind_set
    if a.cues:
        evidence.extend(filter(None, map(_cue_note, a.cues)))
    booking = bool(kinds & _BOOKING_CUES)
    staff = "staff" in kinds
    if not a.text.strip() and side is None:
        return result("other", "staff", evidence, reason("empty"))
    if not a.tokens and _THANKS_EMOJI.search(a.text) and side is None:
        return result("thanks", "auto", evidence, "emoji only")
    if "refund" in kinds:
        return refund(raw, evidence, staff or booking)
    if "topup" in kinds:
        if staff or booking:
            return result("topup", "staff", evidence, reason("topup_mixed"))
        return topup(raw, evidence, resolver.data.canteen.currency)
    if kinds & _STATEMENT_KINDS and ("statement" in kinds or ("fiscal" in kinds and not booking)):
        if staff or booking:
            return result("statement", "staff", evidence, reason("statement_mixed"))
        return statement(a, resolver, evidence)
    if not kinds.isdisjoint(_ANY_DOCUMENT_KINDS) and not kinds.isdisjoint(_QUESTIONS):
        return result("document", "staff", evidence, reason("document_mixed_question"))
    if kinds & _DOCUMENT_KINDS and not a.spans:
        return document(a, evidence, staff)
    if "menu" in kinds:
        if staff or _booking_outside(a, ("menu", "status")) or "status" in kinds:
            return result("menu", "staff", evidence, reason("menu_mixed"))
        return period_answer("menu", a, resolver, evidence, household)
    if "status" in kinds:
        if staff or _booking_outside(a, ("menu", "status")):
            return result("status", "staff", evidence, reason("status_mixed"))
        return period_answer("status", a, resolver, evidence, household)
    if "balance" in kinds:
        if staff or booking:
            return result("balance", "staff", evidence, reason("balance_mixed"))
        return result("balance", "auto", evidence)
    if "documents" in kinds and not a.spans and not booking:
        return document(a, evidence, staff)
    weak = ("weak_reserve" in kinds or kinds & _MEAL_KINDS) and a.spans and a.mentions
    if booking or (weak and (_REQUEST.search(a.folded) or kinds & _NEGATION_OR_MEAL)):
        return _booking(a, side, resolver, household, evidence)
    if "help" in kinds and not staff:
        return result("help", "auto", evidence)
    if staff:
        return result("other", "staff", evidence, reason("person_request"))
    if "thanks" in kinds and not a.spans and not any(t.sym == "|" and t.text == "?" for t in a.tokens):
        return result("thanks", "auto", evidence)
    if a.spans and a.mentions:
        return result(
            "cancel",
            "clarify",
            evidence,
            "a child and a day, but what should be done?",
            question=Question("action", ("cancel", "reserve")),
        )
    return result("other", "staff", evidence, reason("not_understood"), understood=False)


def _booking_outside(a: Analysis, kinds: tuple[str, ...]) -> bool:
    """A booking cue in a clause without the menu/status question ("qu'est-ce qu'ils mangent" is no order)."""
    if len(a.clauses) == 1:
        clause = a.clauses[0]
        return not clause.kind_set.isdisjoint(_BOOKING_CUES) and clause.kind_set.isdisjoint(kinds)
    return any(c.has("cancel", "reserve", "dont_cancel") and not c.has(*kinds) for c in a.clauses)


def _booking(
    a: Analysis, side: _Side | None, resolver: Resolver, household: tuple[str, ...], evidence: list[str]
) -> Interpretation:
    kinds = a.kind_set
    guess = "reserve" if ("reserve" in kinds and "negation" not in kinds and "cancel" not in kinds) else "cancel"
    if "uncertain" in kinds:
        return result(
            guess,
            "clarify",
            evidence,
            "the message is uncertain or conditional: not an order",
            question=Question("uncertain"),
        )
    if "staff" in kinds:
        return result(guess, "staff", evidence, _MIXED)
    if _asks_a_person(a):
        return result(guess, "staff", evidence, _ASKS_MORE)
    if _dated_remark(a):
        return result(guess, "staff", evidence, _REMARK)
    if not kinds.isdisjoint(_ANY_DOCUMENT_KINDS):
        return result(guess, "staff", evidence, reason("booking_with_document"))
    if _alternative(a):
        return result(guess, "clarify", evidence, "the message offers alternatives ('or')", question=Question("date"))
    if "?" in a.folded and not _REQUEST.search(a.folded) and asks(a.tokens, a.spans):
        return result(
            guess,
            "clarify",
            evidence,
            "a question, not an order: what should be done?",
            question=Question("action", ("cancel", "reserve")),
        )
    meals = [k for k in ("vegetarian", "special", "normal") if k in kinds] if not kinds.isdisjoint(_MEALS) else []
    if len(meals) > 1:
        return result(guess, "clarify", evidence, "several meal types named", question=Question("meal", tuple(meals)))
    meal = meals[0] if meals else None
    fallback_children = fallback_days = None
    fallback_action = None
    need_children = len(household) != 1 and kinds.isdisjoint(_HOUSEHOLD_KINDS)
    if need_children:
        for mention in a.mentions:
            if mention[3] != "unknown":
                need_children = False
                break
    if side is not None and (need_children or not a.spans):
        sub = side.analysis
        evidence.extend(f"subject: {n}" for n in sub.notes)
        fallback_children = _side_children(sub, household)
        fallback_days = _side_days(sub, resolver) if side.days else None
    try:
        commands, notes = build(a, resolver, household, fallback_children, fallback_days, fallback_action, meal)
    except DeferError as defer:
        if defer.route == "staff":
            return result(guess, "staff", evidence, defer.reason)
        pending: tuple[PendingCommand, ...] = ()
        if defer.kind == "child" or (defer.kind == "date" and defer.options):
            again = resolver.picking(0) if defer.kind == "date" else resolver
            try:
                done, _ = build(
                    a,
                    again,
                    household,
                    fallback_children,
                    fallback_days,
                    fallback_action,
                    meal,
                    placeholder=defer.kind == "child",
                )
            except DeferError:
                done = []
            pending = _pending(done, defer.kind, defer.options)
        question = Question(defer.kind or "date", defer.options)
        return result(guess, "clarify", evidence, defer.reason, question=question, pending=pending)
    evidence.extend(notes)
    actions = set(map(_ACTION, commands))
    intent = "booking" if len(actions) > 1 else next(iter(actions))
    return result(intent, "auto", evidence, commands=tuple(commands))


def _pending(done: list[Command], kind: str, options: tuple[str, ...]) -> tuple[PendingCommand, ...]:
    """The commands with the asked-for child or date left as None (empty when the gap is not exactly one)."""
    if kind == "child":
        pending = tuple(
            PendingCommand(c.action, None if c.child == PLACEHOLDER else c.child, c.date, c.meal) for c in done
        )
        return tuple(dict.fromkeys(pending)) if any(p.child is None for p in pending) else ()
    first = options[0] if options else None
    pending = tuple(
        PendingCommand(c.action, c.child, None if c.date.isoformat() == first else c.date, c.meal) for c in done
    )
    return pending if any(p.date is None for p in pending) else ()


def _side_children(side: Analysis, household: tuple[str, ...]) -> tuple[str, ...] | None:
    names = [c for m in side.mentions if m.how in ("name", "typo") for c in m.children]
    return tuple(dict.fromkeys(names)) or None


def _side_days(side: Analysis, resolver: Resolver) -> list[date] | None:
    days: list[date] = []
    for span in side.spans:
        try:
            item = resolver.item(span, side.tokens)
        except UnclearError:
            return None
        if item.kind != "day":
            return None
        days.extend(item.days)
    return days or None


def _alternative(a: Analysis) -> bool:
    if "r" not in a.symbols:
        return False
    ends = {s.end for s in a.spans} | {m.end for m in a.mentions}
    starts = {s.start for s in a.spans} | {m.start for m in a.mentions}
    return any(t.sym == "r" and i in ends and (i + 1 in starts or i + 2 in starts) for i, t in enumerate(a.tokens))


def _asks_a_person(a: Analysis) -> bool:
    """A question for a person beside the order (rule 13): its dates and names never feed the order."""
    if "?" not in a.folded and ASKING.isdisjoint(a.texts) and SHIFTS.isdisjoint(a.texts):
        return False
    asked = person_questions(a.tokens, a.spans, a.cues, a.mentions)
    if not asked:
        return False
    return any(c.kind in _ORDER_KINDS and not any(lo <= c.start < hi for lo, hi in asked) for c in a.cues)


def _dated_remark(a: Analysis) -> bool:
    """A sentence with a date that says something else: its dates must not extend the order (rule 13)."""
    if not a.spans:
        return False
    if SHIFTS.isdisjoint(a.texts):
        for c in a.clauses:
            if c.spans and not c.mentions and c.kind_set.isdisjoint(REMARK_BLOCKERS):
                break
        else:
            return False  # every dated clause holds an order word or a child
    return bool(dated_remarks(a.tokens, a.spans, a.cues, a.mentions, VOCABULARY))


def interpret_commands(commands: tuple[Command, ...]) -> str:
    """A one-line summary of commands (for people trying the CLI)."""
    return "; ".join(
        f"{c.action} {c.child} {c.date.isoformat()}" + (f" ({c.meal})" if c.meal else "") for c in commands
    )
