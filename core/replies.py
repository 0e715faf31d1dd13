"""Composing replies to parents from results, in their language, full (email, Telegram) or short (SMS)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from core import i18n
from core.calendar import ServiceCalendar
from core.canteen import Canteen, MealType
from core.commands import CancelMeal, CommandResult, Refusal, ReserveMeal
from core.gsm7 import sms_safe
from core.rules import is_before_deadline


@dataclass(frozen=True)
class Reply:
    """A reply ready for the outbox: language, subject (email) and text."""

    language: str
    text: str
    subject: str | None = None


@dataclass(frozen=True)
class Audience:
    """Who the reply is for and in what form."""

    language: str
    canteen: Canteen
    short: bool = False  # SMS: no greeting, compact days, one paragraph
    name: str | None = None  # the guardian's name for the greeting
    subject: str | None = None  # the subject being answered (email)


def _join(items: Sequence[str], language: str, key: str = "list.and") -> str:
    """ "a, b and c" (or "a, b or c" with key "list.or") in the language."""
    if len(items) <= 1:
        return "".join(items)
    return i18n.message(language, key, head=", ".join(items[:-1]), last=items[-1])


class ReplyComposer:
    """Turns what happened into words from the catalogs; never decides anything itself."""

    def _day(self, audience: Audience, day: date) -> str:
        if audience.short:
            return i18n.short_day_label(day, audience.language)
        return i18n.day_label(day, audience.language)

    def _money(self, audience: Audience, amount: object) -> str:
        assert isinstance(amount, Decimal), amount
        return i18n.money(amount, audience.canteen.currency, audience.language)

    def _hint(self, audience: Audience, key: str, **params: object) -> str:
        """A hint, in its SMS variant (`key.sms`) when the reply is short and one exists."""
        short_key = f"{key}.sms"
        if audience.short and short_key in i18n.keys(audience.language):
            key = short_key
        return i18n.message(audience.language, key, **params)

    def _wrap(self, audience: Audience, lines: Sequence[str]) -> Reply:
        language = audience.language
        subject = audience.subject
        if not subject:
            subject = i18n.message(language, "reply.subject.default")
        elif not subject.lower().startswith("re:"):
            subject = i18n.message(language, "reply.subject", subject=subject)
        if audience.short:
            return Reply(language, sms_safe(" ".join(line for line in lines if line)), subject)
        greeting = (
            i18n.message(language, "reply.greeting", name=audience.name)
            if audience.name
            else i18n.message(language, "reply.greeting.anonymous")
        )
        body = "\n".join([greeting, "", *lines, "", audience.canteen.name])
        return Reply(language, body, subject)

    def booking(
        self,
        audience: Audience,
        results: Sequence[CommandResult],
        child_names: Mapping[int, str],
        now: datetime,
        balance: Decimal | None = None,
        undo_possible: bool = True,
        notes: Sequence[str] = (),
    ) -> Reply:
        """Per child and day what was done or refused and why, then the balance (once all is applied) and undo;
        `notes` (allergy warnings about the days booked) come last."""
        lines = self._booking_lines(audience, results, child_names, now, balance, undo_possible)
        return self._wrap(audience, [*lines, *notes])

    def _booking_lines(
        self,
        audience: Audience,
        results: Sequence[CommandResult],
        child_names: Mapping[int, str],
        now: datetime,
        balance: Decimal | None,
        undo_possible: bool,
    ) -> list[str]:
        language = audience.language
        groups: dict[tuple[str, str, str], list[date]] = {}
        details_of: dict[tuple[str, str, str], list[Mapping[str, object]]] = {}
        hints: set[str] = set()
        for result in results:
            command = result.command
            if not isinstance(command, ReserveMeal | CancelMeal):
                continue
            child = child_names.get(command.child_id, "?")
            action = "reserve" if isinstance(command, ReserveMeal) else "cancel"
            key = (child, action, self._kind(result, action))
            groups.setdefault(key, []).append(command.day)
            details_of.setdefault(key, []).append(result.details)
            if result.refusal is Refusal.INSUFFICIENT_BALANCE:
                hints.add("hint.topup")
            if result.refusal is Refusal.TOO_LATE:
                hints.add("hint.next_changeable")
        lines = [self._line(audience, key, days, details_of[key]) for key, days in groups.items()]
        if "hint.next_changeable" in hints:
            following = self.next_changeable_day(audience.canteen, now)
            if following is not None:
                lines.append(self._hint(audience, "hint.next_changeable", day=self._day(audience, following)))
        if "hint.topup" in hints:
            lines.append(self._hint(audience, "hint.topup"))
        if balance is not None:
            lines.append(i18n.message(language, "balance.line", balance=self._money(audience, balance)))
        if undo_possible and any(result.done for result in results):
            lines.append(self._hint(audience, "hint.undo"))
        return lines

    @staticmethod
    def _kind(result: CommandResult, action: str) -> str:
        if result.done:
            meal = result.details.get("meal")
            explicit = isinstance(result.command, ReserveMeal) and result.command.meal not in (None, MealType.NORMAL)
            return f"done:{meal}" if explicit and meal else "done"
        refusal = result.refusal
        if refusal is Refusal.NOT_SERVICE_DAY:
            return f"no_service:{result.details.get('reason', 'weekday')}:{result.details.get('closure') or ''}"
        if refusal is Refusal.TOO_LATE:
            return f"too_late:{result.details.get('deadline')}"
        return str(refusal.value if refusal else "other")

    def _line(
        self,
        audience: Audience,
        key: tuple[str, str, str],
        days: Sequence[date],
        all_details: Sequence[Mapping[str, object]],
    ) -> str:
        child, action, kind = key
        language = audience.language
        details = all_details[0]
        day_text = _join([self._day(audience, d) for d in sorted(days)], language)
        if kind.startswith("done"):
            meal = kind.partition(":")[2]
            if meal:
                meal_text = i18n.message(language, f"meal.{MealType(meal).value}")
                return i18n.message(language, "booking.reserve.done.meal", child=child, day=day_text, meal=meal_text)
            return i18n.message(language, f"booking.{action}.done", child=child, day=day_text)
        if kind.startswith("no_service"):
            reason = kind.split(":")[1]
            closure = details.get("closure") or ""
            return i18n.message(language, f"refusal.no_service.{reason}", child=child, day=day_text, closure=closure)
        if kind.startswith("too_late"):
            deadline = details.get("deadline")
            assert isinstance(deadline, datetime)
            local = deadline.astimezone(audience.canteen.zone)
            when = i18n.message(
                language,
                "deadline",
                day=self._day(audience, local.date()),
                time=i18n.time_label(local.time(), language),
            )
            return i18n.message(language, f"refusal.too_late.{action}", child=child, day=day_text, deadline=when)
        if kind == Refusal.INSUFFICIENT_BALANCE.value:
            # Several days refused: what is missing to book them all, not just the first.
            prices = [d.get("price") for d in all_details]
            balance = details.get("balance")
            missing = details.get("missing")
            if len(prices) > 1 and isinstance(balance, Decimal) and all(isinstance(p, Decimal) for p in prices):
                missing = sum((p for p in prices if isinstance(p, Decimal)), Decimal(0)) - balance
            return i18n.message(
                language,
                "refusal.insufficient_balance",
                child=child,
                day=day_text,
                missing=self._money(audience, missing),
            )
        if kind in (Refusal.ALREADY_BOOKED.value, Refusal.NOT_BOOKED.value):
            return i18n.message(language, f"refusal.{kind}", child=child, day=day_text)
        return i18n.message(language, "refusal.other", child=child, day=day_text)

    @staticmethod
    def next_changeable_day(canteen: Canteen, now: datetime) -> date | None:
        """The first service day whose normal-meal cut-off has not passed."""
        calendar = ServiceCalendar(canteen)
        day: date | None = now.astimezone(canteen.zone).date()
        assert day is not None
        if not (calendar.is_service_day(day) and is_before_deadline(canteen, day, MealType.NORMAL, now)):
            day = calendar.next_service_day(day)
        while day is not None and not is_before_deadline(canteen, day, MealType.NORMAL, now):
            day = calendar.next_service_day(day)
        return day

    def question(self, audience: Audience, kind: str, options: Sequence[str] = (), example: str = "") -> Reply:
        """One precise question: which child, which day, until when, a valid IBAN…"""
        language = audience.language
        key = f"question.{kind}" if f"question.{kind}" in i18n.keys(language) else "question.generic"
        choices = _join(list(options), language, "list.or")
        return self._wrap(audience, [i18n.message(language, key, options=choices, example=example)])

    def staff_handoff(self, audience: Audience) -> Reply:
        """The parent is told a person will answer."""
        return self._wrap(audience, [i18n.message(audience.language, "staff.handoff")])

    def balance(self, audience: Audience, amount: Decimal) -> Reply:
        return self._wrap(
            audience, [i18n.message(audience.language, "balance.line", balance=self._money(audience, amount))]
        )

    def status(self, audience: Audience, start: date, end: date, booked: Mapping[date, Sequence[str]]) -> Reply:
        """What is booked in a period, day by day."""
        language = audience.language
        bounds = {"start": self._day(audience, start), "end": self._day(audience, end)}
        if not any(booked.values()):
            return self._wrap(audience, [i18n.message(language, "status.none", **bounds)])
        lines = [i18n.message(language, "status.header", **bounds)]
        for day in sorted(booked):
            if booked[day]:
                lines.append(
                    i18n.message(
                        language,
                        "status.line",
                        day=self._day(audience, day),
                        children=_join(list(booked[day]), language),
                    )
                )
        return self._wrap(audience, lines)

    def help(self, audience: Audience, example: str) -> Reply:
        canteen = audience.canteen
        contact = ", ".join(part for part in (canteen.email, canteen.phone) if part) or canteen.name
        return self._wrap(audience, [i18n.message(audience.language, "help", example=example, contact=contact)])

    def unknown_sender(self, canteen: Canteen, short: bool) -> Reply:
        """In each of the canteen's languages: how to register; the message went to staff."""
        contact = ", ".join(part for part in (canteen.email, canteen.phone) if part)
        paragraphs = []
        key = "unknown_sender.sms" if short else "unknown_sender"
        for language in canteen.languages:
            suffix = i18n.message(language, "contact.suffix", contact=contact) if contact else ""
            paragraphs.append(i18n.message(language, key, canteen=canteen.name, contact=suffix))
        first = canteen.languages[0]
        separator = " / " if short else "\n\n"
        text = separator.join(paragraphs)
        return Reply(first, sms_safe(text) if short else text, i18n.message(first, "reply.subject.default"))

    def undo(
        self,
        audience: Audience,
        results: Sequence[CommandResult],
        child_names: Mapping[int, str],
        now: datetime,
        balance: Decimal | None = None,
    ) -> Reply:
        """What undoing the last request did (or that there was nothing to undo)."""
        language = audience.language
        if not results:
            return self._wrap(audience, [i18n.message(language, "undo.nothing")])
        lines = self._booking_lines(audience, results, child_names, now, balance, undo_possible=False)
        return self._wrap(audience, [i18n.message(language, "undo.done"), *lines])

    def free_text(self, audience: Audience, text: str) -> Reply:
        """A person's own words, framed like every other reply (greeting and signature on email)."""
        return self._wrap(audience, [text])

    def rate_limited(self, audience: Audience) -> Reply:
        return self._wrap(audience, [i18n.message(audience.language, "rate_limited")])
