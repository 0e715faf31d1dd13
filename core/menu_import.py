"""Reading menus from a CSV or TOML file: the days found and every row-level error (line, column, problem)."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from core.calendar import ServiceCalendar
from core.canteen import Canteen, MealType
from core.menus import MEAL_WORDS, Allergen, Dish, MenuDay, MenuDraft, allergen_named, fold

CSV_COLUMNS: tuple[str, ...] = ("date", "meal", "dish", "allergens", "note")
REQUIRED_CSV_COLUMNS: tuple[str, ...] = ("date", "dish")
MAX_DISH_LENGTH = 200


@dataclass(frozen=True)
class MenuRowError:
    """A problem on one row of an import file: where (line, column or TOML path) and what."""

    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line is not None else ""
        return f"{where}{self.column}: {self.message}"


@dataclass
class MenuImport:
    """The days read (rows with errors left out, with the whole day they belong to) and the errors."""

    days: list[MenuDay] = field(default_factory=list)
    errors: list[MenuRowError] = field(default_factory=list)
    skipped_days: list[tuple[str, date]] = field(default_factory=list)  # days left out because of an error


class _Collector:
    """Gathers dishes per (canteen, day), remembering which days had an error."""

    def __init__(self, canteens: Mapping[str, Canteen], default_canteen: str | None) -> None:
        self.canteens = canteens
        self.default_canteen = default_canteen
        self.drafts: dict[tuple[str, date], MenuDraft] = {}
        self.bad_days: set[tuple[str, date]] = set()
        self.errors: list[MenuRowError] = []

    def error(self, line: int | None, column: str, message: str) -> None:
        self.errors.append(MenuRowError(line, column, message))

    def canteen(self, raw: object, line: int | None, column: str) -> Canteen | None:
        name = str(raw).strip() if raw not in (None, "") else self.default_canteen
        if not name:
            if len(self.canteens) == 1:
                return next(iter(self.canteens.values()))
            self.error(line, column, f"no canteen: add this column or choose one ({', '.join(self.canteens)})")
            return None
        if name not in self.canteens:
            self.error(line, column, f"unknown canteen {name!r} (known: {', '.join(self.canteens)})")
            return None
        return self.canteens[name]

    def day(self, raw: object, canteen: Canteen | None, line: int | None, column: str) -> date | None:
        day = _parse_date(raw)
        if day is None:
            self.error(line, column, f"not a date (YYYY-MM-DD or DD.MM.YYYY): {raw!r}")
            return None
        if canteen is not None:
            status = ServiceCalendar(canteen).status(day)
            if not status.served:
                why = status.closure.name if status.closure else str(status.reason)
                self.error(line, column, f"{day.isoformat()} is not a service day of {canteen.id} ({why})")
                return None
        return day

    def draft(self, canteen: Canteen, day: date) -> MenuDraft:
        return self.drafts.setdefault((canteen.id, day), MenuDraft(canteen.id, day))

    def result(self) -> MenuImport:
        days = [d.build() for key, d in sorted(self.drafts.items()) if key not in self.bad_days]
        return MenuImport(days, self.errors, sorted(self.bad_days))


def _parse_date(raw: object) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        found = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
        if found:
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
    except ValueError:
        return None
    return None


def parse_meal(raw: str) -> MealType | None:
    """A meal type from its code or a FR/EN/DE name; empty means normal."""
    folded = fold(raw).strip()
    return MealType.NORMAL if not folded else MEAL_WORDS.get(folded)


def parse_allergens(raw: str | list[Any]) -> tuple[frozenset[Allergen], list[str]]:
    """Allergens from "gluten; lait, Sellerie" (or a TOML list): the ones found and the names not understood."""
    parts = [str(p) for p in raw] if isinstance(raw, list) else re.split(r"[;,|]", raw)
    found: set[Allergen] = set()
    unknown: list[str] = []
    for part in (p.strip() for p in parts):
        if not part or fold(part) in ("-", "aucun", "none", "keine"):
            continue
        allergen = allergen_named(part)
        if allergen is None:
            unknown.append(part)
        else:
            found.add(allergen)
    return frozenset(found), unknown


def _add_row(
    collector: _Collector,
    canteen: Canteen | None,
    day: date | None,
    values: Mapping[str, Any],
    line: int | None,
    prefix: str,
) -> None:
    """One dish (or a day note when the dish is empty) from a row's values; errors keep the day out."""
    before = len(collector.errors)
    meal = parse_meal(str(values.get("meal") or ""))
    if meal is None:
        collector.error(
            line, f"{prefix}meal", f"unknown meal type {values.get('meal')!r} (normal, vegetarian, special)"
        )
    name = " ".join(str(values.get("dish") or values.get("name") or "").split())
    note = " ".join(str(values.get("note") or "").split())
    if len(name) > MAX_DISH_LENGTH:
        collector.error(line, f"{prefix}dish", f"longer than {MAX_DISH_LENGTH} characters")
    allergens, unknown = parse_allergens(values.get("allergens") or "")
    if unknown:
        collector.error(line, f"{prefix}allergens", f"unknown allergen(s): {', '.join(unknown)}")
    if not name and not note:
        collector.error(line, f"{prefix}dish", "empty: give a dish, or a note for the whole day")
    if canteen is None or day is None:
        return
    key = (canteen.id, day)
    if len(collector.errors) > before:
        collector.bad_days.add(key)
        return
    draft = collector.draft(canteen, day)
    if not name:
        draft.note = f"{draft.note} {note}".strip()
        return
    assert meal is not None
    draft.dishes.append(Dish(meal, name, allergens, note))


def parse_menu_csv(text: str, canteens: Mapping[str, Canteen], default_canteen: str | None = None) -> MenuImport:
    """CSV with columns date, meal, dish, allergens, note (and optionally canteen); `;` or `,` separated.

    One row per dish (several rows per day and meal type for starter, main course, dessert); a row with
    no dish and a note gives the day's note. Every row is checked; a day with any error is left out whole.
    """
    collector = _Collector(canteens, default_canteen)
    text = text.lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [fold(name or "").strip() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_CSV_COLUMNS if column not in header]
    if missing:
        collector.error(1, ", ".join(missing), "missing column(s); expected: " + ", ".join(CSV_COLUMNS))
        return collector.result()
    for raw_row in reader:
        line = reader.line_num
        row = {fold(key or "").strip(): (value or "").strip() for key, value in raw_row.items() if key is not None}
        if not any(row.values()):
            continue
        canteen = collector.canteen(row.get("canteen"), line, "canteen")
        day = collector.day(row.get("date", ""), canteen, line, "date")
        _add_row(collector, canteen, day, row, line, "")
    return collector.result()


def parse_menu_toml(text: str, canteens: Mapping[str, Canteen], default_canteen: str | None = None) -> MenuImport:
    """TOML: optional top-level `canteen`, then `[[day]]` tables (date, note) with `[[day.dish]]` tables
    (meal, name, allergens = [...], note). Errors name the table path (day[2].dish[1].allergens)."""
    collector = _Collector(canteens, default_canteen)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        collector.error(int(found.group(1)) if found else None, "(syntax)", f"not valid TOML: {error}")
        return collector.result()
    top_canteen = data.get("canteen")
    days = data.get("day", [])
    if not isinstance(days, list):
        collector.error(None, "day", "must be an array of tables [[day]]")
        return collector.result()
    for index, item in enumerate(days, start=1):
        where = f"day[{index}]"
        if not isinstance(item, dict):
            collector.error(None, where, "must be a table")
            continue
        canteen = collector.canteen(item.get("canteen", top_canteen), None, f"{where}.canteen")
        day = collector.day(item.get("date", ""), canteen, None, f"{where}.date")
        if canteen is not None and day is not None:
            draft = collector.draft(canteen, day)
            draft.note = " ".join(str(item.get("note", "")).split())
        dishes = item.get("dish", [])
        if not isinstance(dishes, list) or not dishes:
            collector.error(None, f"{where}.dish", "needs at least one [[day.dish]] table")
            if canteen is not None and day is not None:
                collector.bad_days.add((canteen.id, day))
            continue
        for number, dish in enumerate(dishes, start=1):
            values = dish if isinstance(dish, dict) else {}
            _add_row(collector, canteen, day, values, None, f"{where}.dish[{number}].")
    return collector.result()


def parse_menu_file(
    name: str, text: str, canteens: Mapping[str, Canteen], default_canteen: str | None = None
) -> MenuImport:
    """By extension: .toml files as TOML, anything else as CSV."""
    if name.lower().endswith(".toml"):
        return parse_menu_toml(text, canteens, default_canteen)
    return parse_menu_csv(text, canteens, default_canteen)
