"""The kitchen's day sheet as CSV (headers and meals in the reader's language), and where menu warnings come from."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from core import i18n
from core.canteen import Canteen
from core.menu_service import day_sheet_warnings
from core.queries import DaySheet
from core.unit_of_work import AbstractUnitOfWork

CSV_COLUMNS = ("day", "child", "household", "meal", "allergy_note", "warnings")

# Where allergen warnings about the day's dishes come from (the menus area registers its own): each
# source gets a unit-of-work factory, the canteen and the day, and returns child id -> warnings. The
# console's day page and the kitchen email both read them.
WarningSource = Callable[[Callable[[], AbstractUnitOfWork], Canteen, date], Mapping[int, Sequence[str]]]
WARNING_SOURCES: list[WarningSource] = [day_sheet_warnings]  # the menus' allergen warnings


def day_warnings(uow_factory: Callable[[], AbstractUnitOfWork], canteen: Canteen, day: date) -> dict[int, list[str]]:
    """Every warning source's warnings for the day, merged per child."""
    merged: dict[int, list[str]] = {}
    for source in WARNING_SOURCES:
        for child_id, warnings in source(uow_factory, canteen, day).items():
            merged.setdefault(child_id, []).extend(warnings)
    return merged


def sheet_csv(sheet: DaySheet, language: str) -> str:
    """The sheet's plates as CSV text (comma-separated, CRLF lines, a header row first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([i18n.message(language, f"pages.day.csv.{column}") for column in CSV_COLUMNS])
    for line in sheet.lines:
        writer.writerow(
            [
                sheet.day.isoformat(),
                line.child.first_name,
                line.household.name,
                i18n.message(language, f"meal.{line.meal.value}"),
                line.allergy_note,
                "; ".join(i18n.say(warning, language) for warning in sheet.warnings_for(line.child)),
            ]
        )
    return buffer.getvalue()


def csv_filename(sheet: DaySheet) -> str:
    """A file name saying which canteen and day: `montval-2026-11-24.csv`."""
    return f"{sheet.canteen_id}-{sheet.day.isoformat()}.csv"
