"""The day sheet emailed to each canteen's kitchen once a day, after the cut-off (canteen key `kitchen_email`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from core import i18n, rules
from core.calendar import ServiceCalendar
from core.canteen import Canteen, MealType
from core.day_sheet import csv_filename, day_warnings, sheet_csv
from core.messages import Attachment, Channel, OutgoingMessage
from core.queries import DaySheet, day_sheet
from core.unit_of_work import AbstractUnitOfWork

KITCHEN_EMAIL_KEY = "kitchen_email"  # in the canteen file's [canteen] table
NOTICE_KIND = "kitchen:"  # + canteen id: the sheet queued for (kitchen address, kind, day), once
Warnings = Callable[[Canteen, date], Mapping[int, Sequence[str]]]


def kitchen_address(canteen: Canteen) -> str | None:
    """The kitchen's email address from the canteen file, if any."""
    value = canteen.extra.get(KITCHEN_EMAIL_KEY)
    return value.strip() if isinstance(value, str) and value.strip() else None


def due_day(canteen: Canteen, now: datetime) -> date | None:
    """Today (in the canteen's zone) once its cut-off has passed on a service day; else None."""
    today = now.astimezone(canteen.zone).date()
    if not ServiceCalendar(canteen).status(today).served:
        return None
    return None if rules.is_before_deadline(canteen, today, MealType.NORMAL, now) else today


def sheet_email(sheet: DaySheet, canteen: Canteen, language: str) -> tuple[str, str]:
    """The email's subject and plain text: counts by meal, plates with notes or warnings, late cancellations."""
    day = i18n.day_label(sheet.day, language)
    subject = i18n.message(language, "pages.kitchen.subject", canteen=canteen.name, day=day)
    lines = [i18n.message(language, "pages.kitchen.intro", day=day, total=sheet.total), ""]
    for meal in MealType:
        name = i18n.message(language, f"meal.{meal.value}")
        lines.append(i18n.message(language, "pages.kitchen.count", meal=name, count=sheet.counts[meal]))
    noted = [line for line in sheet.lines if line.allergy_note or sheet.warnings_for(line.child)]
    if noted:
        lines += ["", i18n.message(language, "pages.kitchen.notes")]
        for line in noted:
            warnings = [i18n.say(warning, language) for warning in sheet.warnings_for(line.child)]
            notes = "; ".join([n for n in (line.allergy_note, *warnings) if n])
            meal_name = i18n.message(language, f"meal.{line.meal.value}")
            lines.append(
                i18n.message(
                    language,
                    "pages.kitchen.note_line",
                    child=line.child.first_name,
                    family=line.household.name,
                    meal=meal_name,
                    notes=notes,
                )
            )
    if sheet.late_cancellations:
        names = ", ".join(f"{late.child.first_name} ({late.household.name})" for late in sheet.late_cancellations)
        lines += ["", i18n.message(language, "pages.kitchen.late", names=names)]
    lines += ["", i18n.message(language, "pages.kitchen.attached")]
    return subject, "\n".join(lines)


@dataclass
class KitchenSheetJob:
    """Queues each kitchen's day sheet in the outbox once per service day, after the cut-off.

    Run it from the worker loop as often as you like: before the cut-off it reads nothing; after, the
    sheet is queued once (a sender notice, unique per address and day, makes it once across workers
    and restarts), and this process remembers it so that it does not ask again that day.
    """

    uow_factory: Callable[[], AbstractUnitOfWork]
    canteens: Mapping[str, Canteen]
    warnings: Warnings | None = None  # None: the registered sources (core.day_sheet.WARNING_SOURCES)
    done: dict[str, date] = field(default_factory=dict)

    def run(self, now: datetime) -> list[str]:
        """Queue the sheets now due; returns the ids of the canteens whose sheet was queued by this call."""
        queued = []
        for canteen in self.canteens.values():
            address = kitchen_address(canteen)
            day = due_day(canteen, now) if address else None
            if address is None or day is None or self.done.get(canteen.id) == day:
                continue
            if self._queue(canteen, address, day, now):
                queued.append(canteen.id)
            self.done[canteen.id] = day
        return queued

    def _queue(self, canteen: Canteen, address: str, day: date, now: datetime) -> bool:
        warnings = self.warnings(canteen, day) if self.warnings else day_warnings(self.uow_factory, canteen, day)
        sheet = day_sheet(self.uow_factory(), canteen, day, warnings)
        language = canteen.languages[0] if canteen.languages else i18n.FALLBACK
        subject, text = sheet_email(sheet, canteen, language)
        csv_file = Attachment(csv_filename(sheet), "text/csv", sheet_csv(sheet, language).encode("utf-8"))
        uow = self.uow_factory()
        with uow:
            if not uow.conversations.notice_sent(address, (NOTICE_KIND + canteen.id)[:32], day):
                return False
            uow.outbox.add(
                OutgoingMessage(
                    channel=Channel.EMAIL,
                    recipient=address,
                    text=text,
                    created_at=now,
                    language=language,
                    subject=subject,
                    reply_from=canteen.email or None,
                    attachments=(csv_file,),
                )
            )
            uow.commit()
        return True
