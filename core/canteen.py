"""A canteen's settings: calendar, cut-offs and prices, parsed from TOML text with precise errors."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from stdnum import iban as stdnum_iban

WEEKDAY_KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SUPPORTED_LANGUAGES: frozenset[str] = frozenset({"fr", "en", "de"})


class MealType(StrEnum):
    """The three meal types a canteen prices and cooks."""

    NORMAL = "normal"
    VEGETARIAN = "vegetarian"
    SPECIAL = "special"


@dataclass(frozen=True)
class Closure:
    """A named period without service, both ends included."""

    name: str
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Billing:
    """Where parents pay their top-ups: the creditor printed on the QR-bill and its account ([billing])."""

    creditor: str
    street: str
    house_number: str
    postal_code: str
    city: str
    country: str  # ISO 3166 alpha-2, "CH"
    iban: str  # compact; a QR-IBAN (institution id 30000-31999) takes QR references, a plain IBAN RF references
    reference_prefix: str = ""  # digits opening every QR reference (when the bank assigns a customer id)

    @property
    def is_qr_iban(self) -> bool:
        return self.iban[:2] in ("CH", "LI") and 30000 <= int(self.iban[4:9]) <= 31999


@dataclass(frozen=True)
class Canteen:
    """Everything the core and the understanding layer need to know about one canteen."""

    id: str
    name: str
    timezone: str
    currency: str
    languages: tuple[str, ...]
    service_weekdays: frozenset[int]  # 0 = Monday … 6 = Sunday
    school_year_start: date
    school_year_end: date
    closures: tuple[Closure, ...]
    cutoff_same_day: time
    special_days_before: int
    prices: Mapping[MealType, Decimal]
    address: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    billing: Billing | None = None  # top-ups by QR-bill; None: the canteen takes no bank payments

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def price(self, meal: MealType) -> Decimal:
        return self.prices[meal]


class CanteenConfigError(ValueError):
    """A canteen file that cannot be used, with the key and line at fault."""

    def __init__(self, source: str, key: str, line: int | None, problem: str) -> None:
        self.source = source
        self.key = key
        self.line = line
        self.problem = problem
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: key '{key}': {problem}")


class _Locator:
    """Finds the line of a key in TOML text, table by table (tomllib keeps no positions)."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?\s*(#.*)?$")

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()

    def line_of(self, table: str, key: str | None, index: int | None = None) -> int | None:
        current = ""
        occurrence = -1
        table_line: int | None = 1 if table == "" else None
        for number, raw in enumerate(self._lines, start=1):
            header = self._HEADER.match(raw)
            if header:
                current = header.group(2)
                if current == table:
                    occurrence += 1
                    if index is None or occurrence == index:
                        table_line = number
                continue
            in_table = current == table and (index is None or occurrence == index)
            if in_table and key is not None and re.match(rf"^\s*{re.escape(key)}\s*=", raw):
                return number
        return table_line


class _Reader:
    """Reads typed values out of the parsed TOML, raising errors that name key and line."""

    def __init__(self, source: str, text: str, data: Mapping[str, Any]) -> None:
        self.source = source
        self.data = data
        self.locator = _Locator(text)

    def fail(self, table: str, key: str, problem: str, index: int | None = None) -> CanteenConfigError:
        dotted = f"{table}.{key}" if table else key
        if index is not None:
            dotted = f"{table}[{index + 1}].{key}"
        return CanteenConfigError(self.source, dotted, self.locator.line_of(table, key, index), problem)

    def table(self, name: str) -> Mapping[str, Any]:
        value = self.data.get(name)
        if not isinstance(value, Mapping):
            raise CanteenConfigError(self.source, name, None, f"missing table [{name}]")
        return value

    def get(
        self,
        table: str,
        values: Mapping[str, Any],
        key: str,
        kind: type | tuple[type, ...],
        *,
        index: int | None = None,
        default: Any = ...,
        label: str = "",
    ) -> Any:
        if key not in values:
            if default is not ...:
                return default
            raise self.fail(table, key, "is missing", index)
        value = values[key]
        if isinstance(value, bool) and kind is not bool:
            raise self.fail(table, key, f"must be {label or _kind_name(kind)}, not a boolean", index)
        if not isinstance(value, kind):
            raise self.fail(table, key, f"must be {label or _kind_name(kind)}, got {value!r}", index)
        return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", float: "a number", list: "a list", date: "a date (YYYY-MM-DD)"}
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _parse_time(reader: _Reader, value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value):
        hours, minutes = (int(part) for part in value.split(":"))
        if hours < 24 and minutes < 60:
            return time(hours, minutes)
    raise reader.fail("cutoff", "same_day", f'must be a time of day such as "08:15", got {value!r}')


def _parse_prices(reader: _Reader) -> dict[MealType, Decimal]:
    table = reader.table("prices")
    prices: dict[MealType, Decimal] = {}
    for meal in MealType:
        raw = reader.get("prices", table, meal.value, (int, float, str), label="a price such as 7.50")
        try:
            amount = Decimal(str(raw))
        except InvalidOperation:
            raise reader.fail("prices", meal.value, f"is not a price: {raw!r}") from None
        if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise reader.fail("prices", meal.value, f"must be zero or more with at most 2 decimals, got {raw!r}")
        prices[meal] = amount.quantize(Decimal("0.01"))
    unknown = sorted(set(table) - {m.value for m in MealType})
    if unknown:
        raise reader.fail("prices", unknown[0], "is not a meal type (normal, vegetarian, special)")
    return prices


def _parse_closures(reader: _Reader, year_start: date, year_end: date) -> tuple[Closure, ...]:
    raw = reader.data.get("closures", [])
    if not isinstance(raw, list):
        raise CanteenConfigError(
            reader.source, "closures", reader.locator.line_of("", "closures"), "must be an array of tables [[closures]]"
        )
    closures: list[Closure] = []
    for index, item in enumerate(raw):
        name = reader.get("closures", item, "name", str, index=index)
        start = reader.get("closures", item, "from", date, index=index)
        end = reader.get("closures", item, "to", date, index=index)
        if end < start:
            raise reader.fail("closures", "to", f"{end} is before 'from' {start}", index)
        if not name.strip():
            raise reader.fail("closures", "name", "must not be empty", index)
        closures.append(Closure(name=name.strip(), start=start, end=end))
    return tuple(sorted(closures, key=lambda c: c.start))


def _parse_billing(reader: _Reader) -> Billing | None:
    if "billing" not in reader.data:
        return None
    table = reader.table("billing")
    text = {key: reader.get("billing", table, key, str).strip() for key in ("creditor", "postal_code", "city", "iban")}
    for key, value in text.items():
        if not value:
            raise reader.fail("billing", key, "must not be empty")
    iban = "".join(text["iban"].split()).upper()
    if not stdnum_iban.is_valid(iban):
        raise reader.fail("billing", "iban", f"is not a valid IBAN: {text['iban']!r}")
    if iban[:2] not in ("CH", "LI"):
        raise reader.fail("billing", "iban", "must be a Swiss or Liechtenstein IBAN (CH…, LI…) for QR-bills")
    prefix = reader.get("billing", table, "reference_prefix", str, default="").strip()
    if not re.fullmatch(r"\d{0,10}", prefix):
        raise reader.fail("billing", "reference_prefix", f"must be up to 10 digits, got {prefix!r}")
    country = reader.get("billing", table, "country", str, default="CH").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise reader.fail("billing", "country", f"must be an ISO 3166 code such as CH, got {country!r}")
    unknown = sorted(set(table) - {*text, "street", "house_number", "country", "reference_prefix"})
    if unknown:
        raise reader.fail("billing", unknown[0], "is not a billing key")
    return Billing(
        creditor=text["creditor"],
        street=reader.get("billing", table, "street", str, default="").strip(),
        house_number=reader.get("billing", table, "house_number", str, default="").strip(),
        postal_code=text["postal_code"],
        city=text["city"],
        country=country,
        iban=iban,
        reference_prefix=prefix,
    )


def parse_canteen(text: str, source: str = "<canteen>") -> Canteen:
    """Parse the TOML text of a canteen file (format of shared/nlu/montval.toml, extended)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise CanteenConfigError(
            source, "(syntax)", int(match.group(1)) if match else None, f"not valid TOML: {error}"
        ) from None
    reader = _Reader(source, text, data)
    info = reader.table("canteen")
    canteen_id = reader.get("canteen", info, "id", str)
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", canteen_id):
        raise reader.fail("canteen", "id", "must be lower-case letters, digits, '-' or '_'")
    name = reader.get("canteen", info, "name", str)
    timezone = reader.get("canteen", info, "timezone", str)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise reader.fail("canteen", "timezone", f"unknown time zone {timezone!r}") from None
    currency = reader.get("canteen", info, "currency", str)
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise reader.fail("canteen", "currency", f"must be an ISO 4217 code such as CHF, got {currency!r}")
    languages = reader.get("canteen", info, "languages", list)
    if not languages or any(lang not in SUPPORTED_LANGUAGES for lang in languages):
        raise reader.fail("canteen", "languages", f"must list some of fr, en, de, got {languages!r}")
    weekdays = reader.get("canteen", info, "service_days", list)
    if not weekdays or any(day not in WEEKDAY_KEYS for day in weekdays):
        raise reader.fail(
            "canteen", "service_days", f"must list days among {', '.join(WEEKDAY_KEYS)}, got {weekdays!r}"
        )

    year = reader.table("school_year")
    year_start = reader.get("school_year", year, "start", date)
    year_end = reader.get("school_year", year, "end", date)
    if year_end <= year_start:
        raise reader.fail("school_year", "end", f"{year_end} is not after start {year_start}")

    cutoff = reader.table("cutoff")
    same_day = _parse_time(reader, reader.get("cutoff", cutoff, "same_day", (str, time), label='a time "HH:MM"'))
    days_before = reader.get("cutoff", cutoff, "special_days_before", int)
    if days_before < 0:
        raise reader.fail("cutoff", "special_days_before", "must be zero or more")

    contact: dict[str, str] = {}
    for key in ("address", "email", "phone", "website"):
        contact[key] = reader.get("canteen", info, key, str, default="")

    known = {"id", "name", "timezone", "currency", "languages", "service_days", *contact}
    extra = {key: value for key, value in info.items() if key not in known}
    return Canteen(
        id=canteen_id,
        name=name,
        timezone=timezone,
        currency=currency,
        languages=tuple(languages),
        service_weekdays=frozenset(WEEKDAY_KEYS.index(day) for day in weekdays),
        school_year_start=year_start,
        school_year_end=year_end,
        closures=_parse_closures(reader, year_start, year_end),
        cutoff_same_day=same_day,
        special_days_before=days_before,
        prices=_parse_prices(reader),
        extra=extra,
        billing=_parse_billing(reader),
        **contact,
    )
