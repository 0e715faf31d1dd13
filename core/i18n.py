"""Message catalogs (FR, EN, DE gettext .po files read with Babel) and locale-aware dates and money."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.numbers import format_currency

LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES: tuple[str, ...] = ("fr", "en", "de")
FALLBACK = "fr"


class MissingMessageError(KeyError):
    """A message key absent from a catalog: a programming error caught by the catalog tests."""


def catalog_files(language: str) -> list[Path]:
    """The .po files of one language: `fr.po` (replies) then each area's `AREA.fr.po` (console, money…)."""
    return [LOCALE_DIR / f"{language}.po", *sorted(LOCALE_DIR.glob(f"*.{language}.po"))]


@cache
def catalog(language: str) -> Catalog:
    """The catalog of one language, its files merged (read once per process); a key defined twice is an error."""
    if language not in LANGUAGES:
        language = FALLBACK
    merged = Catalog(locale=language)
    for path in catalog_files(language):
        with path.open("rb") as handle:
            part = read_po(handle, locale=language)
        for entry in part:
            if not entry.id:
                continue
            if entry.id in merged:
                raise ValueError(f"{path.name}: key {entry.id!r} is already defined in another {language} catalog")
            merged[entry.id] = entry
    return merged


def message(language: str, key: str, **params: object) -> str:
    """The text of `key` in `language`, with `{name}` placeholders filled from `params`."""
    entry = catalog(language).get(key)
    if entry is None or not entry.string:
        raise MissingMessageError(f"{key!r} is missing from the {language} catalog")
    template = entry.string if isinstance(entry.string, str) else entry.string[0]
    return template.format(**params)


@cache
def keys(language: str) -> frozenset[str]:
    """Every key the catalog of `language` defines (computed once per process, like the catalog)."""
    return frozenset(str(entry.id) for entry in catalog(language) if entry.id)


def _locale(language: str, currency: str = "CHF") -> str:
    region = "CH" if currency == "CHF" else {"fr": "FR", "de": "DE", "en": "GB"}.get(language, "CH")
    return f"{language if language in LANGUAGES else FALLBACK}_{region}"


@lru_cache(maxsize=4096)
def day_label(day: date, language: str) -> str:
    """A day as parents read it: "mardi 24.11", "Tuesday 24.11", "Dienstag 24.11"."""
    return format_date(day, "EEEE d.M", locale=_locale(language))


@lru_cache(maxsize=4096)
def short_day_label(day: date, language: str) -> str:
    """A compact day for SMS: "ma 24.11", "Tu 24.11", "Di 24.11"."""
    weekday = format_date(day, "EEEE", locale=_locale(language))[:2]
    return f"{weekday} {day.day}.{day.month}"


def time_label(moment: time, language: str) -> str:
    """A time of day: "08:15"."""
    return format_time(moment, "HH:mm", locale=_locale(language))


@lru_cache(maxsize=4096)
def money(amount: Decimal, currency: str, language: str) -> str:
    """An amount with its currency, plain spaces only (SMS-safe): "227,50 CHF", "CHF 227.50"."""
    text = format_currency(amount, currency, locale=_locale(language, currency))
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def warm_up(currencies: tuple[str, ...] = ("CHF",)) -> None:
    """Read every catalog and the Babel locale data of every language now, not on a parent's first message
    (a fresh process otherwise spends ~150 ms on its first replies loading them)."""
    sample = date(2026, 1, 5)
    for language in LANGUAGES:
        keys(language)
        day_label(sample, language)
        short_day_label(sample, language)
        time_label(time(8, 15), language)
        for currency in currencies:
            money(Decimal("1.00"), currency, language)


def say(text: str, language: str) -> str:
    """A reason in `language`: a `Keyed` text through its catalog key, any other text as it is (English)."""
    key = getattr(text, "key", None)
    if key and key in keys(language if language in LANGUAGES else FALLBACK):
        params: dict[str, str] = dict(getattr(text, "params", {}))
        try:
            return message(language, key, **params)
        except (KeyError, IndexError, ValueError):  # a stored reason older than its catalog text
            return str(text)
    return str(text)
