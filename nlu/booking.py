"""Booking messages: one action per clause, children and days inherited between clauses, commands built."""

from __future__ import annotations

from datetime import date, timedelta

from nlu.analysis import Analysis, Clause
from nlu.model import Action, Command
from nlu.periods import booking_days
from nlu.reasons import reason
from nlu.temporal import Item, Resolver, UnclearError


class DeferError(Exception):
    """The booking cannot be acted on: route, reason and question kind/options."""

    def __init__(self, route: str, reason: str, kind: str = "", options: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.route = route
        self.reason = reason
        self.kind = kind
        self.options = options


_WEAK_RESERVE = frozenset({"weak_reserve", "vegetarian", "special", "normal"})
_ALSO = frozenset({"aussi", "egalement", "pareil", "idem", "too", "also", "auch", "ebenfalls", "genauso"})


class _Frame:
    """One clause being turned into commands: its action, children and days (inherited when missing)."""

    __slots__ = ("action", "children", "clause", "days", "except_only")

    def __init__(self, clause: Clause, action: str | None) -> None:
        self.clause = clause
        self.action = action  # cancel | reserve | neg | also | None
        self.children: tuple[str, ...] | None = None
        self.days: list[date] | None = None
        self.except_only = False


def _polarity(clause: Clause) -> str | None:
    kinds = clause.kind_set
    if not kinds:
        return None
    if "dont_cancel" in kinds:
        raise DeferError("clarify", reason("not_cancel"), "action")
    cancel = "cancel" in kinds
    reserve = "reserve" in kinds
    negated = "negation" in kinds
    if cancel:
        if negated and _negates_cancel(clause):
            if not clause.spans:
                return None  # "il n'est plus malade, il mange demain": context for the next clause
            raise DeferError("clarify", reason("negated_absence"), "action")
        return "cancel"
    if reserve:
        return "cancel" if negated else "reserve"
    if not kinds.isdisjoint(_WEAK_RESERVE):
        return "cancel" if negated else "reserve"
    if negated:
        return "neg"
    return None


_YES = frozenset({"oui", "yes", "ja"})
_NO = frozenset({"non", "nein"})
_AUXILIARIES = frozenset({"will", "does", "do", "is", "can"})  # "…, but Will will"


def _elliptic(clause: Clause, analysis: Analysis) -> str | None:
    """A child with a bare yes or no after another order ("…, Rose oui", "…, Noé non")."""
    if not clause.mentions or clause.start == 0:
        return None
    after = max(m.end for m in clause.mentions)
    words = {t.text for t in analysis.tokens[after : clause.end]}
    if not words.isdisjoint(_YES) or (words and words <= _AUXILIARIES):
        return "reserve"
    return "neg" if not words.isdisjoint(_NO) else None


def _negates_cancel(clause: Clause) -> bool:
    """A negation right before an absence word ("ne sera pas absent", "not sick")."""
    negations = [c for c in clause.cues if c.kind == "negation"]
    return any(0 <= k.start - n.end <= 1 for k in clause.cues if k.kind == "cancel" for n in negations)


PLACEHOLDER = "\x00"  # the child still to be asked for, in pending commands


def _iso(days: tuple[date, ...]) -> tuple[str, ...]:
    return tuple(d.isoformat() for d in days)


def tokens_before(clause: Clause, index: int) -> str:
    """The symbol of the token before a position inside the clause ('' at its start)."""
    return clause.symbols[index - clause.start - 1] if index > clause.start and clause.symbols else ""


_EVERY_CHILD_KINDS = frozenset({"all_children", "both_children"})


def clause_children(
    clause: Clause, household: tuple[str, ...], placeholder: bool = False
) -> tuple[tuple[str, ...] | None, list[str]]:
    """The children a clause designates (None when it names none); with placeholder, PLACEHOLDER for the unknown."""
    names: list[str] = []
    notes: list[str] = []
    if "sibling" in clause.kind_set:
        raise DeferError("clarify", reason("sibling"), "child", household)
    excluded = (
        {c for m in clause.mentions if m.start and tokens_before(clause, m.start) == "E" for c in m.children}
        if "E" in clause.symbols
        else None
    )
    if excluded:
        if clause.kind_set.isdisjoint(_EVERY_CHILD_KINDS):
            raise DeferError("clarify", reason("except_child"), "child", household)
        rest = tuple(c for c in household if c not in excluded)
        return rest, [f"children: all but {', '.join(sorted(excluded))}"]
    for m in clause.mentions:
        if m.how == "unknown":
            raise DeferError("staff", reason("unknown_child"), "child", household)
        if m.how == "ambiguous" and placeholder:
            names.append(PLACEHOLDER)
        elif m.how == "ambiguous":
            raise DeferError("clarify", reason("ambiguous_name", names=" / ".join(m.children)), "child", m.children)
        for child in m.children:
            if child not in names:
                names.append(child)
    if names:
        return tuple(names), notes
    kinds = clause.kind_set
    if not kinds:
        return None, notes
    if "all_children" in kinds:
        return household, [f"children: all of the household ({', '.join(household)})"]
    if "both_children" in kinds:
        if len(household) == 2:
            return household, [f"children: both ({', '.join(household)})"]
        if placeholder:
            return (PLACEHOLDER,), notes
        raise DeferError("clarify", reason("both_of_more", count=len(household)), "child", household)
    if "my_child" in kinds:
        if len(household) == 1:
            return household, [f"children: 'my child' = {household[0]} (only child)"]
        if placeholder:
            return (PLACEHOLDER,), notes
        raise DeferError("clarify", reason("my_child"), "child", household)
    return None, notes


def build(
    analysis: Analysis,
    resolver: Resolver,
    household: tuple[str, ...],
    fallback_children: tuple[str, ...] | None,
    fallback_days: list[date] | None,
    fallback_action: str | None,
    meal: str | None,
    placeholder: bool = False,
) -> tuple[list[Command], list[str]]:
    """Commands for a booking message, or DeferError; with placeholder, PLACEHOLDER stands for an unknown child."""
    if len(analysis.spans) > 1 and "W" in analysis.symbols:
        _bare_weekdays(analysis, resolver)
    if len(analysis.clauses) == 1:
        simple = _one_clause(analysis, resolver, household, fallback_children, meal, placeholder)
        if simple is not None:
            return simple
    frames: list[_Frame] = []
    notes: list[str] = []
    for clause in analysis.clauses:
        frame = _Frame(clause, _polarity(clause) or _elliptic(clause, analysis))
        frame.children, child_notes = clause_children(clause, household, placeholder)
        notes.extend(child_notes)
        items: list[Item] = []
        excepts: list[Item] = []
        for span in clause.spans:
            try:
                item = resolver.item(span, analysis.tokens)
            except UnclearError as unclear:
                raise DeferError("clarify", unclear.reason, unclear.kind, _iso(unclear.options)) from None
            if item.kind == "year":
                continue
            (excepts if item.kind == "except" else items).append(item)
            notes.append(item.note)
        back = "O" in analysis.symbols[clause.start : clause.end]
        if back and items and frame.action == "reserve":
            if not any(c.has("cancel") for c in analysis.clauses):
                raise DeferError("clarify", reason("eats_again_from"), "date")
            frame.action = None  # "il est malade, il mange à nouveau jeudi": the absence ends
        if items:
            try:
                frame.days, note = booking_days(items, excepts, back, resolver)
            except UnclearError as unclear:
                raise DeferError("clarify", unclear.reason, unclear.kind, _iso(unclear.options)) from None
            if note:
                notes.append(note)
        elif excepts and frames:
            target = next((f for f in reversed(frames) if f.days), None)
            if target is not None and target.days is not None:
                removed = {d for d in target.days for e in excepts if d.weekday() in e.weekdays or d in e.days}
                target.days = [d for d in target.days if d not in removed]
                notes.append(f"except: removed {len(removed)} day(s)")
            frame.except_only = True
        frames.append(frame)
    for f in frames:
        if (
            f.children
            and f.action is None
            and f.days is None
            and not _ALSO.isdisjoint([t.text for t in analysis.tokens[f.clause.start : f.clause.end]])
        ):
            f.action = "also"
    active = [f for f in frames if (f.action is not None or f.days is not None) and not f.except_only]
    active = [f for f in active if not _heading(f, frames)]
    if not active:
        if fallback_days is not None and (fallback_action or any(f.children for f in frames)):
            active = frames[:1]
        else:
            raise DeferError("clarify", reason("which_day"), "date")
    _inherit(frames, active, fallback_children, fallback_days, fallback_action, household, placeholder)
    used_children: set[str] = set()
    commands: list[Command] = []
    seen: set[tuple[str, str, date]] = set()
    for frame in active:
        assert frame.action in ("cancel", "reserve")
        assert frame.children is not None
        assert frame.days is not None
        action: Action = "cancel" if frame.action == "cancel" else "reserve"
        for child in frame.children:
            used_children.add(child)
            for day in frame.days:
                key = (action, child, day)
                if key in seen:
                    continue
                seen.add(key)
                commands.append(Command(action, child, day, meal))
    named = {c for f in frames if f.children for c in f.children if f.children != household or len(household) == 1}
    if named - used_children:
        unused = tuple(sorted(named - used_children))
        raise DeferError("clarify", reason("child_without_action"), "action", unused)
    if len({(c.child, c.date) for c in commands}) != len(commands):
        raise DeferError("clarify", reason("booked_and_cancelled"), "action")
    if not commands:
        raise DeferError("clarify", reason("no_service_day"), "date")
    return commands, notes


def _heading(frame: _Frame, frames: list[_Frame]) -> bool:
    """A clause naming no child whose period holds the days given after it ("Absences de décembre : Léo jeudi 3…")."""
    if frame.children is not None or not frame.days:
        return False
    index = frames.index(frame)
    if any(f.children for f in frames[:index]):
        return False
    later = [f.days for f in frames[index + 1 :] if f.days]
    own = set(frame.days)
    return bool(later) and all(set(days) <= own for days in later)


def _bare_weekdays(analysis: Analysis, resolver: Resolver) -> None:
    """A bare weekday beside a dated day of the same weekday or a named week ("lundi 7 et mardi 8, Zoé le mardi")."""
    bare: list[date] = []
    dated: list[date] = []
    weeks: list[tuple[date, date]] = []
    for span in analysis.spans:
        syms = analysis.symbols[span.start : span.end]
        try:
            item = resolver.item(span, analysis.tokens)
        except UnclearError:
            continue
        if span.kind == "date" and syms.replace("L", "") == "W":
            bare.extend(item.days)
        elif span.kind in ("inweek", "weekrange"):
            first = item.days[0] if item.days else item.lo
            assert first is not None
            monday = first - timedelta(days=first.weekday())
            weeks.append((monday, monday + timedelta(days=6)))
        elif "N" in syms or "n" in syms or "T" in syms:
            dated.extend(item.days or ([item.lo, item.hi] if item.lo and item.hi else []))
    for d in bare:
        if any(o.weekday() == d.weekday() and o != d for o in dated) or any(not lo <= d <= hi for lo, hi in weeks):
            raise DeferError("clarify", reason("weekday_beside_date", date=d.isoformat()), "date")


def _one_clause(
    analysis: Analysis,
    resolver: Resolver,
    household: tuple[str, ...],
    fallback_children: tuple[str, ...] | None,
    meal: str | None,
    placeholder: bool,
) -> tuple[list[Command], list[str]] | None:
    """The common case at once: one clause with its action, its days and its children (None: the general way)."""
    clause = analysis.clauses[0]
    action = _polarity(clause)
    if action != "cancel" and action != "reserve":
        return None
    children, notes = clause_children(clause, household, placeholder)
    if children is None:
        if fallback_children is not None:
            children = fallback_children
        elif len(household) == 1:
            children = household
        else:
            return None
    items: list[Item] = []
    for span in clause.spans:
        try:
            item = resolver.item(span, analysis.tokens)
        except UnclearError as unclear:
            raise DeferError("clarify", unclear.reason, unclear.kind, _iso(unclear.options)) from None
        if item.kind == "year":
            continue
        if item.kind == "except":
            return None
        items.append(item)
        notes.append(item.note)
    if not items:
        return None
    back = "O" in analysis.symbols[clause.start : clause.end]
    if back and action == "reserve":
        return None
    try:
        days, note = booking_days(items, [], back, resolver)
    except UnclearError as unclear:
        raise DeferError("clarify", unclear.reason, unclear.kind, _iso(unclear.options)) from None
    if note:
        notes.append(note)
    if not days:
        raise DeferError("clarify", reason("no_service_day"), "date")
    if len(set(days)) != len(days) or len(set(children)) != len(children):
        return None
    act: Action = "cancel" if action == "cancel" else "reserve"
    new = tuple.__new__  # the tuple itself: a NamedTuple's __new__ is a Python function
    return [new(Command, (act, child, day, meal)) for child in children for day in days], notes


def _inherit(
    frames: list[_Frame],
    active: list[_Frame],
    fallback_children: tuple[str, ...] | None,
    fallback_days: list[date] | None,
    fallback_action: str | None,
    household: tuple[str, ...],
    placeholder: bool = False,
) -> None:
    for frame in active:
        index = frames.index(frame)
        order = frames[index - 1 :: -1] if index else []
        later = frames[index + 1 :]
        if frame.children is None:
            source = next((f.children for f in order + later if f.children is not None), None)
            if source is None:
                source = fallback_children
            if source is None:
                if len(household) == 1:
                    source = household
                elif placeholder:
                    source = (PLACEHOLDER,)
                else:
                    raise DeferError("clarify", reason("which_child"), "child", household)
            frame.children = source
        if frame.days is None:
            days = next((f.days for f in order + later if f.days), None)
            if days is None:
                days = fallback_days
            if days is None:
                raise DeferError("clarify", reason("which_day"), "date")
            frame.days = days
        if frame.action == "also":
            frame.action = next((f.action for f in order if f.action not in (None, "neg", "also")), None)
            if frame.action is None:
                raise DeferError("clarify", reason("also_without_instruction"), "action")
        if frame.action in (None, "neg"):
            previous = next((f.action for f in order if f.action not in (None, "neg")), None)
            nxt = next((f.action for f in later if f.action not in (None, "neg")), None)
            if frame.action == "neg":
                if previous is None and nxt is None and fallback_action is None:
                    raise DeferError("clarify", reason("what_on_these_days"), "action")
                frame.action = "cancel"
            elif frame.clause.contrast:
                raise DeferError("clarify", reason("contrast_without_action"), "action")
            else:
                inherited = previous or nxt or fallback_action
                if inherited is None:
                    raise DeferError("clarify", reason("cancel_or_book"), "action")
                frame.action = inherited
