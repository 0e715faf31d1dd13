"""Console day sheet: for a date and canteen, meals by type, children with allergy notes, late cancellations; CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from bot.console.context import CONSOLE_PREFIX, web_deps
from bot.console.templating import page_language, render
from bot.web import WebDeps
from core import day_sheet as warning_registry
from core import i18n
from core.calendar import DayStatus, ServiceCalendar
from core.canteen import Canteen, MealType
from core.day_sheet import csv_filename, day_warnings, sheet_csv
from core.queries import DaySheet, day_sheet

router = APIRouter()
NAV = (("pages.nav.day", f"{CONSOLE_PREFIX}/day", "staff"),)
WARNING_SOURCES = warning_registry.WARNING_SOURCES  # the same list as core.day_sheet's (kept for older callers)


class SheetRequestError(ValueError):
    """An unknown canteen or an unreadable date: the page says which (catalog key and parameters)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class SheetPage:
    """What the day page shows: the canteen, the day, whether it is served, and the sheet."""

    canteen: Canteen
    day: date
    status: DayStatus
    sheet: DaySheet


def main_canteen(deps: WebDeps) -> Canteen:
    """The canteen with the most children (the first by id among equals): the page's default."""
    with deps.uow_factory() as uow:
        sizes = {canteen_id: len(uow.households.children_of_canteen(canteen_id)) for canteen_id in deps.canteens}
    return deps.canteens[min(sizes, key=lambda canteen_id: (-sizes[canteen_id], canteen_id))]


def sheet_page(deps: WebDeps, canteen_id: str | None, day_text: str | None) -> SheetPage:
    """The sheet asked for: the first canteen and today (in its zone) unless given; SheetRequestError if unknown."""
    if not deps.canteens:
        raise SheetRequestError("pages.day.unknown_canteen", canteen="-")
    if canteen_id:
        canteen = deps.canteens.get(canteen_id)
        if canteen is None:
            raise SheetRequestError("pages.day.unknown_canteen", canteen=canteen_id)
    else:
        canteen = main_canteen(deps)
    if day_text:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise SheetRequestError("pages.day.bad_date", value=day_text) from None
    else:
        day = deps.clock.now().astimezone(canteen.zone).date()
    warnings = day_warnings(deps.uow_factory, canteen, day)
    sheet = day_sheet(deps.uow_factory(), canteen, day, warnings)
    return SheetPage(canteen, day, ServiceCalendar(canteen).status(day), sheet)


def _no_service_text(status: DayStatus, language: str) -> str | None:
    if status.served:
        return None
    if status.closure is not None:
        reason = status.closure.name
    else:
        reason = i18n.message(language, f"pages.day.reason.{status.reason}")
    return i18n.message(language, "pages.day.no_service", reason=reason)


@router.get("/day", response_class=HTMLResponse)
def day_page(
    request: Request,
    deps: Annotated[WebDeps, Depends(web_deps)],
    canteen: str | None = None,
    day: Annotated[str | None, Query(alias="date")] = None,
) -> Response:
    try:
        page = sheet_page(deps, canteen, day)
    except SheetRequestError as error:
        language = page_language(request)
        message = i18n.message(language, error.key, **error.params)
        return render(request, "day/sheet.html", status_code=400, page=None, error=message, canteens=deps.canteens)
    return render(
        request,
        "day/sheet.html",
        page=page,
        error=None,
        canteens=deps.canteens,
        meals=list(MealType),
        no_service=_no_service_text(page.status, page_language(request)),
        previous_day=page.day - timedelta(days=1),
        next_day=page.day + timedelta(days=1),
        zone=str(page.canteen.zone),
    )


@router.get("/day.csv")
def day_csv(
    request: Request,
    deps: Annotated[WebDeps, Depends(web_deps)],
    canteen: str | None = None,
    day: Annotated[str | None, Query(alias="date")] = None,
) -> Response:
    language = page_language(request)
    try:
        page = sheet_page(deps, canteen, day)
    except SheetRequestError as error:
        return Response(i18n.message(language, error.key, **error.params), status_code=400, media_type="text/plain")
    body = sheet_csv(page.sheet, language)
    headers = {"Content-Disposition": f'attachment; filename="{csv_filename(page.sheet)}"'}
    return Response("\ufeff" + body, media_type="text/csv; charset=utf-8", headers=headers)
