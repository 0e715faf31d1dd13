"""Console families: search and list, and one family's page (guardians, children, week agenda, account, messages)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from bot.console.auth import StaffUser, current_staff
from bot.console.context import CONSOLE_PREFIX, web_deps
from bot.console.templating import page_language, render
from bot.web import WebDeps
from core import i18n
from core.agenda import Change, WeekGrid, change_meal, week_grid
from core.canteen import Canteen
from core.commands import CancelMeal, CommandResult, Refusal
from core.family_view import family_file
from core.model import Household, Source

router = APIRouter()
NAV = (("pages.nav.families", f"{CONSOLE_PREFIX}/families", "staff"),)
LISTED = 200  # families shown at most on the list page
ACCOUNT_LINES = 100  # ledger lines shown at most on the family page


@dataclass(frozen=True)
class FamilyRow:
    """One family on the list page."""

    household: Household
    balance: Decimal


@dataclass(frozen=True)
class Outcome:
    """What a click on the agenda did, in the page's language."""

    text: str
    done: bool


def _today(deps: WebDeps, canteens: Sequence[Canteen]) -> date:
    zone = canteens[0].zone if canteens else None
    now = deps.clock.now()
    return (now.astimezone(zone) if zone else now).date()


def _canteens_of(household: Household, canteens: Mapping[str, Canteen]) -> list[Canteen]:
    found = [canteens[c.canteen_id] for c in household.children if c.canteen_id in canteens]
    return found or list(canteens.values())


def channel_label(channel: str, language: str) -> str:
    """A channel's name in the page's language ("E-mail", "SMS"…); an unknown channel as it is stored."""
    key = f"pages.channel.{channel}"
    return i18n.message(language, key) if key in i18n.keys(language) else channel


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/families", response_class=HTMLResponse)
def family_list(request: Request, deps: Annotated[WebDeps, Depends(web_deps)], q: str = "") -> Response:
    query = q.strip()
    with deps.uow_factory() as uow:
        found = uow.households.search(query) if query else uow.households.list()
        rows = [FamilyRow(h, uow.ledger.balance(h.id)) for h in list(found)[:LISTED] if h.id is not None]
    currency = next(iter(deps.canteens.values())).currency if deps.canteens else "CHF"
    return render(request, "family/list.html", rows=rows, query=query, total=len(found), currency=currency)


def agenda_outcome(result: CommandResult, child_name: str, day: date, language: str, currency: str) -> Outcome:
    """What a booking or cancellation did, as the page says it: done with the balance, or refused and why."""
    day_text = i18n.day_label(day, language)
    if result.done:
        key = "pages.agenda.done.cancel" if isinstance(result.command, CancelMeal) else "pages.agenda.done.reserve"
        balance = i18n.money(result.balance_after or Decimal("0"), currency, language)
        return Outcome(i18n.message(language, key, child=child_name, day=day_text, balance=balance), True)
    reason = _refusal_text(result, language, currency)
    return Outcome(i18n.message(language, "pages.agenda.refused", child=child_name, day=day_text, reason=reason), False)


def _refusal_text(result: CommandResult, language: str, currency: str) -> str:
    refusal, details = result.refusal, result.details
    if refusal is Refusal.TOO_LATE:
        deadline = details["deadline"]
        when = f"{i18n.day_label(deadline.date(), language)} {i18n.time_label(deadline.time(), language)}"
        return i18n.message(language, "pages.refusal.too_late", deadline=when)
    if refusal is Refusal.INSUFFICIENT_BALANCE:
        missing = i18n.money(details["missing"], currency, language)
        return i18n.message(language, "pages.refusal.insufficient_balance", missing=missing)
    if refusal in (Refusal.NOT_SERVICE_DAY, Refusal.ALREADY_BOOKED, Refusal.NOT_BOOKED):
        return i18n.message(language, f"pages.refusal.{refusal.value}")
    return i18n.message(language, "pages.refusal.other", code=str(refusal))


def _family_page(
    request: Request,
    deps: WebDeps,
    household_id: int,
    week: date | None,
    outcome: Outcome | None = None,
    override: bool = False,
    status_code: int = 200,
) -> Response:
    found = family_file(deps.uow_factory(), household_id)
    if found is None:
        return render(request, "family/missing.html", status_code=404)
    household = found.household
    canteens = _canteens_of(household, deps.canteens)
    today = _today(deps, canteens)
    grid: WeekGrid = week_grid(deps.uow_factory(), household, deps.canteens, week or today, now=deps.clock.now())
    context: dict[str, Any] = {
        "file": found,
        "household": household,
        "grid": grid,
        "today": today,
        "outcome": outcome,
        "override": override,
        "currency": canteens[0].currency if canteens else "CHF",
        "zone": str(canteens[0].zone) if canteens else None,
        "canteen_names": {c.id: c.name for c in deps.canteens.values()},
        "account": found.account[:ACCOUNT_LINES],
        "child_names": {c.id: c.first_name for c in household.children},
        "channel_label": lambda channel: channel_label(channel, page_language(request)),
    }
    return render(request, "family/show.html", status_code=status_code, **context)


@router.get("/families/{household_id}", response_class=HTMLResponse)
def family_show(
    request: Request, household_id: int, deps: Annotated[WebDeps, Depends(web_deps)], week: str | None = None
) -> Response:
    return _family_page(request, deps, household_id, _parse_day(week))


@router.post("/families/{household_id}/agenda", response_class=HTMLResponse)
def family_agenda_change(
    request: Request,
    household_id: int,
    deps: Annotated[WebDeps, Depends(web_deps)],
    staff: Annotated[StaffUser, Depends(current_staff)],
    cell: Annotated[str, Form()] = "",
    week: Annotated[str, Form()] = "",
    override: Annotated[str, Form()] = "",
) -> Response:
    """Book or cancel the clicked cell (`cell` = "CHILD_ID:YYYY-MM-DD:reserve|cancel") and show the page again."""
    language = page_language(request)
    shown_week = _parse_day(week)
    forced = override == "1"
    try:
        child_text, day_text, change_text = cell.split(":")
        child_id, day, change = int(child_text), date.fromisoformat(day_text), Change(change_text)
    except ValueError:
        problem = i18n.message(language, "pages.agenda.bad_request", problem=cell or "-")
        return _family_page(request, deps, household_id, shown_week, Outcome(problem, False), forced, 400)
    with deps.uow_factory() as uow:
        household = uow.households.get(household_id)
    child = next((c for c in household.children if c.id == child_id), None) if household is not None else None
    if household is None or child is None:
        problem = i18n.message(language, "pages.agenda.bad_request", problem=cell)
        return _family_page(request, deps, household_id, shown_week, Outcome(problem, False), forced, 400)
    source = Source("staff", staff_user=staff.username)
    result = change_meal(
        deps.uow_factory(), deps.canteens, deps.clock.now(), child_id, day, change, source, override=forced
    )
    canteen = deps.canteens.get(child.canteen_id)
    outcome = agenda_outcome(result, child.first_name, day, language, canteen.currency if canteen else "CHF")
    return _family_page(request, deps, household_id, shown_week or day, outcome, forced, 200 if result.done else 409)
