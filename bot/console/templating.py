"""Console pages rendered with Jinja2 (autoescape on): `render(request, template, **context)` with `t()` and more.

Every template gets: `t(key, **params)` (the catalog text in the page's language), `lang`, `languages`,
`staff` (the logged-in StaffUser or None), `csrf_token` (put it in every form as a hidden `csrf_token`
field), `nav` (the entries this user may see), `current_path`, `notice` (a catalog text chosen by the
`notice` query parameter, when it names a `console.*` key), and the formatters `day_label(day)`,
`short_day(day)`, `money(amount, currency="CHF")`, `time_label(moment)`, `datetime_label(instant, zone)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from core import i18n

if TYPE_CHECKING:
    from bot.console.auth import StaffUser

TEMPLATES_DIR = Path(__file__).with_name("templates")
LANGUAGE_COOKIE = "console_lang"
STATE_NAV = "cantine_console_nav"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class NavEntry:
    """A link of the navigation bar: catalog key of its label, path, and who sees it (staff, admin, demo)."""

    key: str
    path: str
    role: str = "staff"


def page_language(request: Request) -> str:
    """The language cookie when set, else the staff account's language, else French."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in i18n.LANGUAGES:
        return str(chosen)
    staff: StaffUser | None = getattr(request.state, "staff", None)
    return staff.account.language if staff is not None else i18n.FALLBACK


def translator(language: str) -> Any:
    def t(key: str, **params: object) -> str:
        return i18n.message(language, key, **params)

    return t


def _visible(entry: NavEntry, staff: StaffUser | None, demo: bool) -> bool:
    if staff is None:
        return False
    if entry.role == "admin":
        return staff.is_admin
    if entry.role == "demo":
        return demo
    return True


def _notice(request: Request, language: str) -> str | None:
    key = request.query_params.get("notice", "")
    if key.startswith("console") and key in i18n.keys(language):
        return i18n.message(language, key)
    return None


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The template rendered for this request, as an HTML response."""
    language = page_language(request)
    staff: StaffUser | None = getattr(request.state, "staff", None)
    deps = getattr(request.app.state, "cantine_deps", None)
    demo = bool(deps is not None and deps.settings.demo)
    nav: list[NavEntry] = getattr(request.app.state, STATE_NAV, [])
    path = request.url.path
    values: dict[str, Any] = {
        "request": request,
        "lang": language,
        "languages": i18n.LANGUAGES,
        "t": translator(language),
        "say": lambda text: i18n.say(text, language),  # a keyed reason or warning in the page's language
        "staff": staff,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "nav": [entry for entry in nav if _visible(entry, staff, demo)],
        "current_path": path + (f"?{request.url.query}" if request.url.query else ""),
        "path": path,
        "notice": _notice(request, language),
        "demo": demo,
        "day_label": lambda day: i18n.day_label(day, language),
        "short_day": lambda day: i18n.short_day_label(day, language),
        "money": lambda amount, currency="CHF": i18n.money(Decimal(amount), currency, language),
        "time_label": lambda moment: i18n.time_label(moment, language),
        "datetime_label": lambda instant, zone=None: datetime_label(instant, language, zone),
    }
    values.update(context)
    html = environment.get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code)


def datetime_label(instant: datetime, language: str, zone: str | None = None) -> str:
    """An instant as staff read it: "lundi 23.11 07:40" in the canteen's zone (Europe/Zurich by default)."""
    local = instant.astimezone(ZoneInfo(zone or "Europe/Zurich"))
    return f"{i18n.day_label(local.date(), language)} {i18n.time_label(local.time(), language)}"
