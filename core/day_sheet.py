"""The kitchen's day sheet as CSV: one row per plate, headers and meal names in the reader's language."""

from __future__ import annotations

import csv
import io

from core import i18n
from core.queries import DaySheet

CSV_COLUMNS = ("day", "child", "household", "meal", "allergy_note", "warnings")


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
                "; ".join(sheet.warnings_for(line.child)),
            ]
        )
    return buffer.getvalue()


def csv_filename(sheet: DaySheet) -> str:
    """A file name saying which canteen and day: `montval-2026-11-24.csv`."""
    return f"{sheet.canteen_id}-{sheet.day.isoformat()}.csv"
