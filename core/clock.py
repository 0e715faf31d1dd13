"""The one clock of the running system: the real time, or a fixed instant set by a setting."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Gives the current instant as an aware datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """Always the same instant (demos, end-to-end tests at a chosen date)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError(f"a fixed clock needs a time zone offset: {at.isoformat()}")
        self.at = at

    def now(self) -> datetime:
        return self.at


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with offset, e.g. 2026-11-23T07:40:00+01:00."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not an ISO 8601 date-time: {text!r} (example: 2026-11-23T07:40:00+01:00)") from None
    if value.tzinfo is None:
        raise ValueError(f"the date-time needs an offset such as +01:00: {text!r}")
    return value


def clock_from_setting(fixed_now: str | None) -> Clock:
    """The system clock, or a fixed one when the setting gives an instant."""
    return FixedClock(parse_instant(fixed_now)) if fixed_now else SystemClock()
