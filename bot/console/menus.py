"""Console menus: the week grid of a canteen, a day's menu edited, last week copied, a file imported, the PDF."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

from bot.console.auth import StaffUser, current_staff
from bot.console.context import CONSOLE_PREFIX, web_deps
from bot.console.templating import page_language, render
from bot.web import WebDeps
from core import i18n
from core.calendar import DayStatus, ServiceCalendar
from core.canteen import Canteen, MealType
from core.menu_import import MenuRowError, parse_allergens, parse_menu_file
from core.menu_replies import allergen_names
from core.menu_service import copy_previous_week, save_menus, week_menus
from core.menus import Allergen, Dish, MenuDay, week_of

router = APIRouter()
NAV = (("menus.console.nav", f"{CONSOLE_PREFIX}/menus", "staff"),)
ROWS_PER_MEAL = 3  # dish rows offered per meal type on the edit page (more: save, then edit again)
MAX_IMPORT_BYTES = 1024 * 1024


class MenuRequestError(ValueError):
    """An unknown canteen or an unreadable date."""


@dataclass(frozen=True)
class GridDay:
    """One column of the week grid: the day, whether it is served, and its menu if entered."""

    day: date
    status: DayStatus
    menu: MenuDay | None


def _canteen(deps: WebDeps, canteen_id: str | None) -> Canteen:
    if canteen_id:
        if canteen_id not in deps.canteens:
            raise MenuRequestError(canteen_id)
        return deps.canteens[canteen_id]
    if not deps.canteens:
        raise MenuRequestError("-")
    return deps.canteens[sorted(deps.canteens)[0]]


def _date(deps: WebDeps, canteen: Canteen, text: str | None) -> date:
    if not text:
        return deps.clock.now().astimezone(canteen.zone).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise MenuRequestError(text) from None


def _grid(deps: WebDeps, canteen: Canteen, monday: date) -> list[GridDay]:
    from statements.menu_pdf import week_days

    calendar = ServiceCalendar(canteen)
    menus = {menu.day: menu for menu in week_menus(deps.uow_factory, canteen.id, monday)}
    return [GridDay(day, calendar.status(day), menus.get(day)) for day in week_days(canteen, monday)]


def _bad_request(request: Request, deps: WebDeps, value: str) -> Response:
    message = i18n.message(page_language(request), "menus.console.bad_request", value=value)
    return render(request, "menus/week.html", status_code=400, error=message, canteens=deps.canteens, grid=None)


def _week_url(canteen: Canteen, monday: date, **extra: object) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"canteen": canteen.id, "week": monday, **extra}.items())
    return f"{CONSOLE_PREFIX}/menus?{query}"


@router.get("/menus", response_class=HTMLResponse)
def week_page(
    request: Request,
    deps: Annotated[WebDeps, Depends(web_deps)],
    canteen: str | None = None,
    week: str | None = None,
    copied: int | None = None,
    saved: bool = False,
    imported: int | None = None,
) -> Response:
    try:
        chosen = _canteen(deps, canteen)
        monday, sunday = week_of(_date(deps, chosen, week))
    except MenuRequestError as error:
        return _bad_request(request, deps, str(error))
    language = page_language(request)
    message = None
    if copied is not None:
        message = i18n.message(language, "menus.console.copied", count=copied)
    elif imported is not None:
        message = i18n.message(language, "menus.console.imported", count=imported)
    elif saved:
        message = i18n.message(language, "menus.console.saved")
    return render(
        request,
        "menus/week.html",
        error=None,
        canteens=deps.canteens,
        canteen=chosen,
        monday=monday,
        sunday=sunday,
        grid=_grid(deps, chosen, monday),
        meals=list(MealType),
        previous_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7),
        message=message,
        allergens_of=lambda dish: allergen_names(language, dish),
        import_errors=(),
    )


@router.get("/menus.pdf")
def week_pdf(
    request: Request, deps: Annotated[WebDeps, Depends(web_deps)], canteen: str | None = None, week: str | None = None
) -> Response:
    from statements.menu_pdf import menu_pdf, menu_pdf_filename

    try:
        chosen = _canteen(deps, canteen)
        monday, _ = week_of(_date(deps, chosen, week))
    except MenuRequestError as error:
        return Response(f"unknown canteen or date: {error}", status_code=400, media_type="text/plain")
    language = page_language(request)
    today = deps.clock.now().astimezone(chosen.zone).date()
    data = menu_pdf(chosen, monday, week_menus(deps.uow_factory, chosen.id, monday), language, today)
    headers = {"Content-Disposition": f'attachment; filename="{menu_pdf_filename(monday, language)}"'}
    return Response(data, media_type="application/pdf", headers=headers)


@router.post("/menus/copy")
def copy_week(
    deps: Annotated[WebDeps, Depends(web_deps)],
    staff: Annotated[StaffUser, Depends(current_staff)],
    canteen: Annotated[str, Form()],
    week: Annotated[str, Form()],
) -> Response:
    try:
        chosen = _canteen(deps, canteen)
        day = _date(deps, chosen, week)
    except MenuRequestError:
        return Response("unknown canteen or date", status_code=400, media_type="text/plain")
    written = copy_previous_week(deps.uow_factory(), chosen, day, deps.clock.now(), staff.account.username)
    return RedirectResponse(_week_url(chosen, week_of(day)[0], copied=len(written)), status_code=303)


@router.post("/menus/import", response_class=HTMLResponse)
async def import_file(
    request: Request,
    deps: Annotated[WebDeps, Depends(web_deps)],
    staff: Annotated[StaffUser, Depends(current_staff)],
    canteen: Annotated[str, Form()],
    week: Annotated[str, Form()],
    menu_file: Annotated[UploadFile, File()],
) -> Response:
    try:
        chosen = _canteen(deps, canteen)
        monday, sunday = week_of(_date(deps, chosen, week))
    except MenuRequestError as error:
        return _bad_request(request, deps, str(error))
    raw = await menu_file.read(MAX_IMPORT_BYTES + 1)
    try:
        text = raw.decode("utf-8-sig") if len(raw) <= MAX_IMPORT_BYTES else None
    except UnicodeDecodeError:
        text = None
    if text is None:
        errors: Sequence[MenuRowError] = [MenuRowError(None, menu_file.filename or "file", "not UTF-8 text under 1 MB")]
        days: list[MenuDay] = []
    else:
        result = parse_menu_file(menu_file.filename or "menus.csv", text, deps.canteens, chosen.id)
        errors, days = result.errors, result.days
    if errors:
        language = page_language(request)
        return render(
            request,
            "menus/week.html",
            status_code=400,
            error=None,
            canteens=deps.canteens,
            canteen=chosen,
            monday=monday,
            sunday=sunday,
            grid=_grid(deps, chosen, monday),
            meals=list(MealType),
            previous_week=monday - timedelta(days=7),
            next_week=monday + timedelta(days=7),
            message=i18n.message(language, "menus.console.import_errors", count=len(errors)),
            allergens_of=lambda dish: allergen_names(language, dish),
            import_errors=[str(error) for error in errors],
        )
    count = save_menus(deps.uow_factory(), days, deps.clock.now(), staff.account.username)
    return RedirectResponse(_week_url(chosen, monday, imported=count), status_code=303)


def _edit_page(
    request: Request,
    deps: WebDeps,
    canteen: Canteen,
    day: date,
    rows: Mapping[MealType, list[tuple[str, str, str]]],
    note: str,
    errors: Sequence[str] = (),
    status_code: int = 200,
) -> Response:
    language = page_language(request)
    names = ", ".join(i18n.message(language, f"menus.allergen.{a.value}") for a in Allergen)
    return render(
        request,
        "menus/day.html",
        status_code=status_code,
        canteen=canteen,
        day=day,
        monday=week_of(day)[0],
        meals=list(MealType),
        rows=rows,
        note=note,
        errors=errors,
        allergen_hint=i18n.message(language, "menus.console.allergens_hint", names=names),
    )


def _rows_of(menu: MenuDay | None, language: str) -> dict[MealType, list[tuple[str, str, str]]]:
    rows: dict[MealType, list[tuple[str, str, str]]] = {}
    for meal in MealType:
        dishes = menu.dishes_of(meal) if menu else []
        filled = [(dish.name, allergen_names(language, dish), dish.note) for dish in dishes]
        rows[meal] = filled + [("", "", "")] * max(ROWS_PER_MEAL - len(filled), 1)
    return rows


@router.get("/menus/day", response_class=HTMLResponse)
def edit_day(
    request: Request,
    deps: Annotated[WebDeps, Depends(web_deps)],
    canteen: str | None = None,
    day: Annotated[str | None, Query(alias="date")] = None,
) -> Response:
    try:
        chosen = _canteen(deps, canteen)
        when = _date(deps, chosen, day)
    except MenuRequestError as error:
        return _bad_request(request, deps, str(error))
    with deps.uow_factory() as uow:
        menu = uow.menus.get_day(chosen.id, when)
    return _edit_page(request, deps, chosen, when, _rows_of(menu, page_language(request)), menu.note if menu else "")


def _read_form(
    form: FormData, language: str
) -> tuple[dict[MealType, list[tuple[str, str, str]]], list[Dish], list[str]]:
    """The dish rows as typed, the dishes they make, and the problems found (unknown allergens)."""
    rows: dict[MealType, list[tuple[str, str, str]]] = {}
    dishes: list[Dish] = []
    errors: list[str] = []
    for meal in MealType:
        names, allergens, notes = (form.getlist(f"{meal.value}_{field}") for field in ("name", "allergens", "note"))
        rows[meal] = []
        for name, allergen_text, note in zip(names, allergens, notes, strict=False):
            row = (" ".join(str(name).split()), str(allergen_text).strip(), " ".join(str(note).split()))
            rows[meal].append(row)
            if not row[0]:
                continue
            found, unknown = parse_allergens(row[1])
            if unknown:
                message = i18n.message(
                    language, "menus.console.unknown_allergens", dish=row[0], names=", ".join(unknown)
                )
                errors.append(message)
            dishes.append(Dish(meal, row[0], found, row[2]))
        rows[meal].append(("", "", ""))
    return rows, dishes, errors


@router.post("/menus/day", response_class=HTMLResponse)
async def save_day(
    request: Request,
    deps: Annotated[WebDeps, Depends(web_deps)],
    staff: Annotated[StaffUser, Depends(current_staff)],
) -> Response:
    form = await request.form()
    language = page_language(request)
    try:
        chosen = _canteen(deps, str(form.get("canteen") or ""))
        when = _date(deps, chosen, str(form.get("date") or "") or "?")
    except MenuRequestError as error:
        return _bad_request(request, deps, str(error))
    rows, dishes, errors = _read_form(form, language)
    note = " ".join(str(form.get("note") or "").split())
    if not ServiceCalendar(chosen).is_service_day(when):
        errors.append(i18n.message(language, "menus.console.not_service_day", day=i18n.day_label(when, language)))
    if errors:
        return _edit_page(request, deps, chosen, when, rows, note, errors, status_code=400)
    save_menus(
        deps.uow_factory(), [MenuDay(chosen.id, when, tuple(dishes), note)], deps.clock.now(), staff.account.username
    )
    return RedirectResponse(_week_url(chosen, week_of(when)[0], saved="1"), status_code=303)
