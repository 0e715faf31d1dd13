"""Resolving temporal expressions against the school calendar: single days, ranges, weeks, recurrences, holidays."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from core.canteen import Closure
from nlu.grammar import Span
from nlu.normalize import Token, numeric_date
from nlu.reasons import reason
from nlu.schoolcal import CalendarData, calendar_data, easter

__all__ = ["CalendarData", "Item", "Parts", "Resolver", "UnclearError", "calendar_data", "easter"]


class UnclearError(Exception):
    """A temporal expression that cannot be acted on: the reason and the question kind."""

    def __init__(self, reason: str, kind: str = "date", options: tuple[date, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.options = options


_SEASON_MONTHS = {5: (9, 10, 11), 6: (3, 4, 5), 7: (1, 2, 3)}


@dataclass(slots=True)
class Parts:
    """The components found in the tokens of one date expression."""

    weekday: int | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    rel: int | None = None
    next: bool = False

    @classmethod
    def of(cls, tokens: list[Token]) -> Parts:
        p = cls()
        for t in tokens:
            sym = t[1]
            if sym == "W":
                p.weekday = t.val
            elif sym == "N" or sym == "n":
                p.day = t.val
            elif sym == "M":
                p.month = t.val
            elif sym == "Y":
                p.year = t.val
            elif sym == "D":
                p.rel = t.val
            elif sym == "K":
                p.next = True
            elif sym == "T":
                parsed = numeric_date(t.text)
                if parsed:
                    p.day, p.month, p.year = parsed
        return p


@dataclass(slots=True)
class Item:
    """A resolved temporal expression."""

    kind: str  # day | range | fromon | recur | except | noend | back
    start: int
    days: list[date] = field(default_factory=list)
    lo: date | None = None
    hi: date | None = None
    weekdays: frozenset[int] = frozenset()
    note: str = ""


@lru_cache(maxsize=4096)
def _days_in(year: int, month: int) -> int:
    """The number of days of a month (calendar.monthrange, cached: two Python calls each time otherwise)."""
    return monthrange(year, month)[1]


@lru_cache(maxsize=4096)
def _date_note(words: str, d: date) -> str:
    return f"date: {words!r} -> {d.isoformat()}"


class Resolver:
    """Turns spans into dates, knowing today, the school calendar and whether the past is meant."""

    def __init__(self, data: CalendarData, today: date, *, today_said: bool = False, past: bool = False) -> None:
        self.data = data
        self.today = today
        self.today_said = today_said
        self.past = past
        self.pick: int | None = None  # set: an ambiguous weekday resolves to that option instead of raising

    def picking(self, index: int) -> Resolver:
        """A copy that resolves an ambiguous weekday to its option `index` (to build the pending commands)."""
        copy = Resolver(self.data, self.today, today_said=self.today_said, past=self.past)
        copy.pick = index
        return copy

    def _ambiguous(self, reason: str, options: tuple[date, date]) -> date:
        if self.pick is not None:
            return options[self.pick]
        raise UnclearError(reason, "date", options)

    # single dates -------------------------------------------------------------------------------
    def day_of(
        self, tokens: list[Token], *, base: date | None = None, month: int | None = None, year: int | None = None
    ) -> date:
        words = tokens[0].text if len(tokens) == 1 else " ".join([t.text for t in tokens])
        if len(tokens) == 1 and tokens[0].sym in "DW":  # "demain", "vendredi": no parts to gather
            if tokens[0].sym == "D":
                return self.today + timedelta(days=tokens[0].val)
            return self._weekday(tokens[0].val, False, base, words)
        p = Parts.of(tokens)
        today = self.today
        if p.rel is not None:
            result = today + timedelta(days=p.rel)
        elif p.day is not None:
            result = self._day_month(
                p.day, p.month or month, p.year or year, base or today, words, past=self.past and base is None
            )
        elif p.weekday is not None:
            result = self._weekday(p.weekday, p.next, base, words)
        else:
            raise UnclearError(reason("no_date_in", words=repr(words)))
        if p.weekday is not None and result.weekday() != p.weekday:
            raise UnclearError(reason("not_that_weekday", words=repr(words), date=result.isoformat()))
        return result

    def _day_month(self, day: int, month: int | None, year: int | None, base: date, words: str, *, past: bool) -> date:
        if month is None:
            y, m = base.year, base.month
            for _ in range(14):
                if day <= _days_in(y, m):
                    candidate = date(y, m, day)
                    if (candidate <= base) if past else (candidate >= base):
                        return candidate
                y, m = (y, m + (-1 if past else 1))
                if m == 0:
                    y, m = y - 1, 12
                elif m == 13:
                    y, m = y + 1, 1
            raise UnclearError(reason("not_day_of_month", words=repr(words)))
        if year is None:
            year = base.year
            if not 1 <= day <= _days_in(year, month):
                raise UnclearError(reason("not_a_date", words=repr(words)))
            candidate = date(year, month, day)
            if past and candidate > base:
                year -= 1
            elif not past and candidate < base:
                year += 1
        if not 1 <= day <= _days_in(year, month):
            raise UnclearError(reason("not_a_date", words=repr(words)))
        return date(year, month, day)

    def _weekday(self, weekday: int, nxt: bool, base: date | None, words: str) -> date:
        today = self.today
        if base is not None:
            return base + timedelta(days=(weekday - base.weekday()) % 7)
        ahead = (weekday - today.weekday()) % 7
        if nxt:
            result = today + timedelta(days=ahead or 7)
            if result.isocalendar()[:2] == today.isocalendar()[:2]:
                why = reason("this_or_next_week", words=repr(words))
                return self._ambiguous(why, (result, result + timedelta(days=7)))
            return result
        if ahead == 0:
            if self.today_said:
                return today
            return self._ambiguous(reason("today_or_next_week", words=repr(words)), (today, today + timedelta(days=7)))
        return today + timedelta(days=ahead)

    # closures and feasts ---------------------------------------------------------------------------
    def closure_for(self, tokens: list[Token]) -> Closure | None:
        feast = next((t.val for t in tokens if t.sym == "X"), None)
        month = next((t.val for t in tokens if t.sym == "M"), None)
        upcoming = [c for c in self.data.closures if c.end >= self.today]
        if feast in (1, 2, 3, 4):
            for c in upcoming:
                for y in (c.start.year, c.end.year):
                    fd = {
                        1: date(y, 12, 25),
                        2: easter(y),
                        3: easter(y) + timedelta(days=39),
                        4: easter(y) + timedelta(days=50),
                    }[feast]
                    if c.contains(fd):
                        return c
            return None
        months = _SEASON_MONTHS.get(feast or 0, (month,) if month else ())
        matching = [c for c in upcoming if c.start.month in months or c.end.month in months]
        if not matching:
            return None
        return max(matching[:2], key=lambda c: (c.end - c.start).days) if feast else matching[0]

    def current_holidays(self) -> Closure | None:
        """The holidays under way today, else the next ones."""
        now = next((c for c in self.data.closures if c.start <= self.today <= c.end), None)
        return now or self.next_holidays()

    def next_holidays(self) -> Closure | None:
        return next((c for c in self.data.closures if c.start > self.today), None)

    # spans ------------------------------------------------------------------------------------------
    def item(self, span: Span, tokens: list[Token]) -> Item:
        kind, start, end = span
        if kind == "date" and end - start == 1 and tokens[start].sym in "DW":  # "demain", "vendredi"
            tok = tokens[start]
            d = (
                self.today + timedelta(days=tok.val)
                if tok.sym == "D"
                else self._weekday(tok.val, False, None, tok.text)
            )
            return Item("day", start, [d], None, None, frozenset(), _date_note(tok.text, d))
        toks = tokens[start:end]
        words = toks[0].text if end - start == 1 else " ".join([t.text for t in toks])
        if kind == "date":
            d = self.day_of(toks)
            return Item("day", start, [d], note=f"date: {words!r} -> {d.isoformat()}")
        if kind == "past" and self.past and any(t.sym == "Q" for t in toks):
            first = self.today.replace(day=1) - timedelta(days=1)
            lo, hi = first.replace(day=1), first
            return Item("range", span.start, lo=lo, hi=hi, note=f"last month: {words!r} -> {lo} to {hi}")
        if kind == "past":
            raise UnclearError(reason("words_in_past", words=repr(words)))
        if kind == "noend":
            raise UnclearError(reason("until_further_notice"), "period")
        if kind == "vague":
            raise UnclearError(reason("which_days_exactly"))
        if kind == "inweek" or kind == "weekrange":
            return self._in_week(toks, span.start, words, kind == "weekrange")
        if kind == "nextlist":
            days = [self.day_of([t, Token("", "K", 0)]) for t in toks if t.sym == "W"]
            return Item("day", span.start, days, note=f"dates: {words!r} -> {', '.join(map(str, days))}")
        if kind == "range":
            lo, hi = self._range(toks, words)
            return Item("range", span.start, lo=lo, hi=hi, note=f"range: {words!r} -> {lo} to {hi}")
        if kind == "week":
            return self._week(toks, span.start, words)
        if kind == "until":
            hi = self._until(toks[1:], words)
            return Item("range", span.start, lo=self.today, hi=hi, note=f"until: {words!r} -> {self.today} to {hi}")
        if kind == "fromon":
            lo = self._start(toks[1:], words)
            return Item("fromon", span.start, lo=lo, note=f"from: {words!r} -> {lo} on")
        if kind == "recur":
            weekdays = frozenset(t.val for t in toks if t.sym in "PW") or frozenset(range(7))
            return Item("recur", span.start, weekdays=weekdays, note=f"recurrence: {words!r}")
        if kind == "except":
            weekdays = frozenset(t.val for t in toks if t.sym in "PW" and not any(x.sym in "NnT" for x in toks))
            days = [] if weekdays else [self.day_of(toks[1:])]
            return Item("except", span.start, days, weekdays=weekdays, note=f"except: {words!r}")
        if kind == "holiday":
            closure = self.closure_for(toks)
            if closure is None:
                raise UnclearError(reason("no_such_holidays", words=repr(words)))
            return Item("range", span.start, lo=closure.start, hi=closure.end, note=f"holidays: {closure.name}")
        if kind == "schoolyear":
            return Item("range", span.start, lo=self.today, hi=self.data.year_end, note="the whole school year")
        if kind == "month":
            lo, hi = self._month(toks, words)
            return Item("range", span.start, lo=lo, hi=hi, note=f"month: {words!r} -> {lo} to {hi}")
        if kind == "year":
            y = toks[0].val
            return Item("year", span.start, lo=date(y, 1, 1), hi=date(y, 12, 31), note=f"year {y}")
        raise UnclearError(reason("cannot_read", words=repr(words)))

    def _split(self, toks: list[Token]) -> tuple[list[Token], list[Token]]:
        seen_value = False
        for i, t in enumerate(toks):
            if t.sym in "WNnTDM":
                seen_value = True
            elif seen_value and t.sym in "aUe":
                return toks[:i], toks[i + 1 :]
        raise UnclearError(reason("unreadable_range"))

    def _range(self, toks: list[Token], words: str) -> tuple[date, date]:
        first, second = self._split(toks)
        p1, p2 = Parts.of(first), Parts.of(second)
        if p1.month is not None and p1.day is None and p2.day is None and p2.month is not None:
            lo = self._month(first, words)[0]
            hi = self._month(second, words, base=lo)[1]
        elif p1.day is not None and p1.month is None and p2.month is not None:
            hi = self.day_of(second)
            lo = date(hi.year, hi.month, 1)
            if p1.day > _days_in(hi.year, hi.month):
                raise UnclearError(reason("not_a_date", words=repr(words)))
            lo = lo.replace(day=p1.day)
            if lo > hi:
                raise UnclearError(reason("range_ends_before_start", words=repr(words)))
        else:
            lo = self.day_of(first)
            hi = self.day_of(
                second, base=lo, month=p1.month if p2.month is None else None, year=p1.year if p2.year is None else None
            )
        if hi < lo:
            raise UnclearError(reason("range_ends_before_start", words=repr(words)))
        return lo, hi

    def _in_week(self, toks: list[Token], start: int, words: str, is_range: bool) -> Item:
        """Weekdays of a named week ("mardi de la semaine prochaine", "Monday to Thursday next week")."""
        monday = self.today - timedelta(days=self.today.weekday())
        if any(t.sym == "K" for t in toks):
            monday += timedelta(days=7)
        days = [monday + timedelta(days=t.val) for t in toks if t.sym == "W"]
        if any(d < self.today for d in days):
            raise UnclearError(reason("weekday_past", words=repr(words)))
        if is_range:
            if days[-1] < days[0]:
                raise UnclearError(reason("range_ends_before_start", words=repr(words)))
            return Item("range", start, lo=days[0], hi=days[-1], note=f"range: {words!r} -> {days[0]} to {days[-1]}")
        return Item("day", start, days, note=f"dates: {words!r} -> {', '.join(map(str, days))}")

    def _week(self, toks: list[Token], start: int, words: str) -> Item:
        monday = self.today - timedelta(days=self.today.weekday())
        if any(t.sym == "K" for t in toks):
            lo = monday + timedelta(days=7)
        elif any(t.sym in "WNnTD" for t in toks):
            d = self.day_of(toks[1:], month=None)
            lo = d - timedelta(days=d.weekday())
        else:
            lo = self.today
        hi = lo - timedelta(days=lo.weekday()) + timedelta(days=6)
        lo = max(lo, self.today)
        return Item("week", start, lo=lo, hi=hi, note=f"week: {words!r} -> {lo} to {hi}")

    def _until(self, toks: list[Token], words: str) -> date:
        syms = "".join(t.sym for t in toks if t.sym not in "LIoF")
        if not syms:
            raise UnclearError(reason("until_when", words=repr(words)))
        if syms[0] in "HX":
            closure = self.closure_for(toks) if "X" in syms or "M" in syms else self.next_holidays()
            if closure is None:
                raise UnclearError(reason("no_such_holidays", words=repr(words)))
            return closure.start - timedelta(days=1)
        if syms[0] == "G":
            return self.data.year_end
        if syms[0] == "Z":
            rest = syms[1:2]
            if rest == "M":
                month_tokens = [t for t in toks if t.sym in "MY"]
                return self._month(month_tokens, words)[1]
            if rest == "S":
                return self.today + timedelta(days=6 - self.today.weekday())
            if rest == "Q":
                return self.today.replace(day=_days_in(self.today.year, self.today.month))
            if rest == "G":
                return self.data.year_end
            raise UnclearError(reason("end_of_which_period", words=repr(words)))
        if syms == "M" or syms == "MY":
            raise UnclearError(reason("up_to_or_through_month", words=repr(words)))
        return self.day_of(toks, base=None)

    def _start(self, toks: list[Token], words: str) -> date:
        syms = "".join(t.sym for t in toks if t.sym not in "Lox")
        if "S" in syms and syms[:1] in ("K", "S", "C"):
            monday = self.today - timedelta(days=self.today.weekday())
            return monday + timedelta(days=7) if "K" in syms else self.today
        if syms[:1] in ("H", "X"):
            closure = self.closure_for(toks) if "X" in syms or "M" in syms else self.current_holidays()
            if closure is None:
                raise UnclearError(reason("no_such_holidays", words=repr(words)))
            return closure.end + timedelta(days=1)
        if syms and syms[0] == "M" and "N" not in syms and "n" not in syms:
            return max(self._month(toks, words)[0], self.today)
        return self.day_of(toks)

    def _month(self, toks: list[Token], words: str, base: date | None = None) -> tuple[date, date]:
        today = base or self.today
        if any(t.sym == "K" for t in toks):
            y, m = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        elif any(t.sym == "C" for t in toks) or not any(t.sym == "M" for t in toks):
            y, m = today.year, today.month
        else:
            m = next(t.val for t in toks if t.sym == "M")
            year = next((t.val for t in toks if t.sym == "Y"), None)
            if year is not None:
                y = year
            elif self.past:
                y = today.year if m <= today.month else today.year - 1
            else:
                y = today.year if m >= today.month else today.year + 1
        lo, hi = date(y, m, 1), date(y, m, _days_in(y, m))
        if not self.past and lo < self.today <= hi:
            lo = self.today
        return lo, hi
