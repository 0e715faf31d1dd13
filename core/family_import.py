"""Reading families from CSV text: one row per child, guardians on the household's first row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from core.canteen import MealType
from core.model import Child, Guardian, Household

REQUIRED_COLUMNS: tuple[str, ...] = ("household", "guardian1_name", "child", "canteen")
GUARDIAN_FIELDS: tuple[str, ...] = ("name", "language", "email", "phone")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    *(f"guardian{n}_{f}" for n in (1, 2) for f in GUARDIAN_FIELDS if not (n == 1 and f == "name")),
    "meal",
    "allergy_note",
    "opening_balance",
)


@dataclass
class ImportedHousehold:
    """A household read from the file, with the line it starts on and its opening balance."""

    household: Household
    line: int
    opening_balance: Decimal | None = None
    child_lines: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class RowError:
    """A problem on one line of the file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    """Households read and the errors found; a file with any error is imported not at all."""

    households: list[ImportedHousehold] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]


def _guardian(row: dict[str, str], number: int) -> Guardian | None:
    name = row.get(f"guardian{number}_name", "").strip()
    if not name:
        return None
    return Guardian(
        name=name,
        language=(row.get(f"guardian{number}_language", "").strip().lower() or "fr"),
        emails=[e.lower() for e in _split(row.get(f"guardian{number}_email", ""))],
        phones=_split(row.get(f"guardian{number}_phone", "")),
    )


def _has_guardian_columns(row: dict[str, str]) -> bool:
    return any(row.get(f"guardian{n}_{f}", "").strip() for n in (1, 2) for f in GUARDIAN_FIELDS)


def read_families(text: str) -> ImportResult:
    """Parse the CSV text; the caller validates households (addresses, canteens) and stores them."""
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        result.errors.append(RowError(1, f"missing column(s): {', '.join(missing)}"))
        return result
    unknown = [column for column in header if column not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        result.errors.append(RowError(1, f"unknown column(s): {', '.join(unknown)}"))
        return result
    by_key: dict[str, ImportedHousehold] = {}
    for raw in reader:
        line = reader.line_num
        row = {(k or "").strip(): (v or "") for k, v in raw.items() if k is not None}
        if None in raw:
            result.errors.append(RowError(line, "more fields than columns in the header"))
            continue
        if not any(value.strip() for value in row.values()):
            continue
        key = row["household"].strip()
        if not key:
            result.errors.append(RowError(line, "household is empty"))
            continue
        imported = by_key.get(key)
        if imported is None:
            guardians = [g for g in (_guardian(row, 1), _guardian(row, 2)) if g is not None]
            if not guardians:
                result.errors.append(RowError(line, f"household {key!r}: its first row needs guardian1_name"))
                continue
            imported = ImportedHousehold(Household(name=key, guardians=guardians), line)
            balance = row.get("opening_balance", "").strip()
            if balance:
                try:
                    imported.opening_balance = Decimal(balance.replace("'", ""))
                except InvalidOperation:
                    result.errors.append(RowError(line, f"opening_balance is not an amount: {balance!r}"))
            by_key[key] = imported
            result.households.append(imported)
        elif _has_guardian_columns(row) or row.get("opening_balance", "").strip():
            result.errors.append(
                RowError(
                    line,
                    f"household {key!r} was started on line {imported.line}: leave its guardian and balance "
                    "columns empty on later rows",
                )
            )
            continue
        first_name = row["child"].strip()
        canteen_id = row["canteen"].strip()
        if not first_name or not canteen_id:
            result.errors.append(RowError(line, "child and canteen are required"))
            continue
        meal_text = row.get("meal", "").strip().lower() or MealType.NORMAL.value
        if meal_text not in {m.value for m in MealType}:
            result.errors.append(RowError(line, f"meal must be normal, vegetarian or special, got {meal_text!r}"))
            continue
        if imported.household.child_named(first_name):
            result.errors.append(RowError(line, f"household {key!r} already has a child named {first_name}"))
            continue
        imported.household.children.append(
            Child(
                first_name=first_name,
                canteen_id=canteen_id,
                default_meal=MealType(meal_text),
                allergy_note=row.get("allergy_note", "").strip(),
            )
        )
        imported.child_lines.append(line)
    return result
