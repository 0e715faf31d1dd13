"""Console downloads: a family's statement PDF (dates or tax year) and its QR-bill for top-ups."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from bot.console.auth import StaffUser, current_staff
from bot.console.context import web_deps
from bot.web import WebDeps
from core.canteen import Canteen
from core.i18n import LANGUAGES
from core.model import Household
from core.pipeline.addressing import canteen_of

router = APIRouter()
PDF = "application/pdf"


def _household(deps: WebDeps, household_id: int) -> Household:
    with deps.uow_factory() as uow:
        household = uow.households.get(household_id)
    if household is None:
        raise HTTPException(404, f"no family {household_id}")
    return household


def _canteen(deps: WebDeps, household: Household) -> Canteen:
    if not deps.canteens:
        raise HTTPException(404, "no canteen is configured")
    return canteen_of(household, deps.canteens)


def _language(household: Household, canteen: Canteen, asked: str | None) -> str:
    if asked is not None:
        if asked not in LANGUAGES:
            raise HTTPException(400, f"language must be one of {', '.join(LANGUAGES)}")
        return asked
    return household.language(canteen.default_language)


def _day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise HTTPException(400, f"{name} must be a date (YYYY-MM-DD), got {text!r}") from None


def _pdf(data: bytes, filename: str) -> Response:
    return Response(data, media_type=PDF, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/families/{household_id}/statement.pdf")
def statement_pdf(
    household_id: int,
    staff: Annotated[StaffUser, Depends(current_staff)],
    deps: Annotated[WebDeps, Depends(web_deps)],
    start: Annotated[str | None, Query(alias="from")] = None,
    end: Annotated[str | None, Query(alias="to")] = None,
    year: int | None = None,
    language: str | None = None,
) -> Response:
    """The statement between `from` and `to` (default: this month up to today), or of the tax `year`."""
    from statements.ledger_report import StatementError, build_statement, tax_year_statement
    from statements.statement_pdf import filename, render_statement

    household = _household(deps, household_id)
    canteen = _canteen(deps, household)
    language = _language(household, canteen, language)
    today = deps.clock.now().astimezone(canteen.zone).date()
    with deps.uow_factory() as uow:
        entries = uow.ledger.entries(household_id)
    try:
        if year is not None:
            if not 2000 <= year <= 2100:
                raise HTTPException(400, f"year {year} is out of range")
            statement = tax_year_statement(household, entries, year, canteen.zone)
        else:
            first, last = _day(start, "from"), _day(end, "to")
            statement = build_statement(household, entries, first or today.replace(day=1), last or today, canteen.zone)
    except StatementError as error:
        raise HTTPException(400, str(error)) from None
    return _pdf(render_statement(statement, canteen, language, today), filename(statement, language))


@router.get("/families/{household_id}/qrbill.pdf")
def qrbill_pdf(
    household_id: int,
    staff: Annotated[StaffUser, Depends(current_staff)],
    deps: Annotated[WebDeps, Depends(web_deps)],
    amount: str | None = None,
    language: str | None = None,
) -> Response:
    """The family's QR-bill, with `amount` printed when given."""
    from core import i18n
    from statements import qrbill_pdf as bills

    household = _household(deps, household_id)
    canteen = _canteen(deps, household)
    language = _language(household, canteen, language)
    value = None
    if amount:
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise HTTPException(400, f"{amount!r} is not an amount") from None
    try:
        details = bills.top_up(canteen, household_id, household.name, value)
    except bills.TopUpError as error:
        raise HTTPException(400, str(error)) from None
    return _pdf(bills.qrbill_pdf(details, language), i18n.message(language, "topup.filename"))
