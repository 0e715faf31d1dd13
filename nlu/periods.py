"""The days a booking clause covers: explicit days as named, periods expanded to service days."""

from __future__ import annotations

from datetime import date, timedelta

from nlu.reasons import reason
from nlu.temporal import Item, Resolver, UnclearError


def booking_days(items: list[Item], excepts: list[Item], back: bool, resolver: Resolver) -> tuple[list[date], str]:
    """The days a booking clause covers: explicit days as named, periods as service days; with a note."""
    data, today = resolver.data, resolver.today
    if len(items) == 1 and not back and not excepts and items[0].kind == "day":  # the common case: days as named
        for d in items[0].days:
            if d < today:
                raise UnclearError(reason("day_in_past", date=d))
            if not data.year_start <= d <= data.year_end:
                raise UnclearError(reason("day_outside_year", date=d))
        return sorted(set(items[0].days)), ""
    days: set[date] = set()
    notes: list[str] = []
    recurs: list[Item] = []
    spans: list[Item] = []
    starts: list[Item] = []
    singles: list[Item] = []
    for i in items:
        kind = i.kind
        if kind == "day":
            singles.append(i)
        elif kind == "range" or kind == "week":
            spans.append(i)
        elif kind == "fromon":
            starts.append(i)
        elif kind == "recur":
            recurs.append(i)
    if back:
        if spans or recurs or len(singles) + len(starts) != 1:
            raise UnclearError(reason("absence_bounds"))
        ret = (singles or starts)[0]
        back_day = ret.days[0] if ret.days else ret.lo
        assert back_day is not None
        if back_day <= today:
            raise UnclearError(reason("return_not_after_today"))
        spans = [Item("range", ret.start, lo=today, hi=back_day - timedelta(days=1))]
        notes.append(f"back on {back_day}: absent from {today} to {back_day - timedelta(days=1)}")
        singles, starts = [], []
    if starts:
        if spans and not recurs:
            hi = min(s.hi for s in spans if s.hi is not None)
            spans = [Item("range", starts[0].start, lo=max(st.lo for st in starts if st.lo is not None), hi=hi)]
        elif not recurs:
            raise UnclearError(reason("no_end_given"), "period")
    if recurs:
        weekdays = frozenset().union(*(r.weekdays for r in recurs))
        lo = max([today] + [s.lo for s in starts if s.lo is not None])
        bounds = [(max(lo, s.lo or lo), s.hi or data.year_end) for s in spans] or [(lo, data.year_end)]
        for b_lo, b_hi in bounds:
            days.update(data.service_days(b_lo, b_hi, weekdays))
        notes.append(f"recurrence on weekdays {sorted(weekdays)} from {bounds[0][0]} to {bounds[-1][1]}")
    else:
        for s in spans:
            assert s.lo is not None
            assert s.hi is not None
            days.update(data.service_days(max(s.lo, today), s.hi))
    for single in singles:
        for d in single.days:
            if d < today:
                raise UnclearError(reason("day_in_past", date=d))
            if not data.year_start <= d <= data.year_end:
                raise UnclearError(reason("day_outside_year", date=d))
            days.add(d)
    for ex in excepts:
        removed = {d for d in days if d.weekday() in ex.weekdays or d in ex.days}
        days -= removed
        notes.append(f"{ex.note}: removed {len(removed)} day(s)")
    return sorted(days), "; ".join(notes)
