"""Requests other than bookings: refund, top-up, statement, menu and status periods; the result builder."""

from __future__ import annotations

import re
from datetime import date, timedelta

from nlu.analysis import Analysis
from nlu.iban import find_iban
from nlu.model import Command, Interpretation, PendingCommand, Period, Question, Route
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


def refund(raw: str, evidence: list[str], mixed: bool) -> Interpretation:
    iban, valid, note = find_iban(raw)
    if note:
        evidence.append(note)
    if mixed:
        return result("refund", "staff", evidence, "a refund mixed with another request")
    if iban is None:
        return result(
            "refund", "clarify", evidence, "a refund needs the IBAN of the account to pay to", question=Question("iban")
        )
    if not valid:
        return result("refund", "clarify", evidence, f"the IBAN {iban} is not valid", question=Question("iban"))
    return result("refund", "auto", evidence, iban=iban)


def topup(raw: str, evidence: list[str], currency: str) -> Interpretation:
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
