"""Console money pages: the cash desk with printable receipts, the refunds queue, and unmatched bank payments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from bot.console.auth import StaffUser, current_staff
from bot.console.context import CONSOLE_PREFIX, web_deps
from bot.console.templating import datetime_label, page_language, render, translator
from bot.web import WebDeps
from core import i18n
from core.canteen import Canteen
from core.model import EntryKind, Household, PaymentMethod
from core.money_services import (
    MoneyError,
    approve_refund,
    assign_bank_payment,
    assign_online_payment,
    record_cash,
    refund_requested_text,
    refuse_refund,
    request_refund,
)
from core.payments import BankPaymentStatus, OnlinePaymentStatus
from core.pipeline.addressing import canteen_of
from core.refunds import RefundStatus, format_iban
from core.rules import amount_problem
from core.unit_of_work import AbstractUnitOfWork
from statements.bank_import import ImportReport, canteen_resolver, import_bank_file
from statements.camt import CamtError
from statements.pain001 import Debtor, PainError
from statements.refund_export import export_refunds, refunds_to_pay

router = APIRouter()
NAV = (("money.console.nav", f"{CONSOLE_PREFIX}/money", "staff"),)
MONEY = f"{CONSOLE_PREFIX}/money"
MAX_BANK_FILE = 10 * 1024 * 1024
DECISION_DELAY = timedelta(days=15)  # parents are told a person checks their refund request within 15 days

Deps = Annotated[WebDeps, Depends(web_deps)]
Staff = Annotated[StaffUser, Depends(current_staff)]


def _currency(deps: WebDeps) -> str:
    return next(iter(deps.canteens.values())).currency if deps.canteens else "CHF"


def _canteen_of(deps: WebDeps, household: Household) -> Canteen | None:
    return canteen_of(household, deps.canteens) if deps.canteens else None


def _t(request: Request, key: str, **params: object) -> str:
    return i18n.message(page_language(request), f"money.console.{key}", **params)


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ".").replace("'", ""))
    except InvalidOperation:
        return None
    return value if amount_problem(value) is None else None


# --- Cash desk -------------------------------------------------------------------------------------------


def _cash_page(
    request: Request, deps: WebDeps, q: str, household_id: int | None, status_code: int = 200, **extra: Any
) -> Response:
    with deps.uow_factory() as uow:
        found = list(uow.households.search(q))[:20] if q.strip() else []
        chosen = uow.households.get(household_id) if household_id is not None else None
        balance = uow.ledger.balance(chosen.id) if chosen is not None and chosen.id is not None else None
    values: dict[str, Any] = {"error": None, "amount": "", "memo": ""}
    values.update(extra)
    return render(
        request,
        "money/cash.html",
        status_code=status_code,
        tab="cash",
        q=q,
        found=found,
        chosen=chosen,
        balance=balance,
        currency=_currency(deps),
        **values,
    )


@router.get("/money", response_class=HTMLResponse)
def cash_page(request: Request, deps: Deps, q: str = "", household: int | None = None) -> Response:
    """Find a family, then record the cash it hands over."""
    return _cash_page(request, deps, q, household)


@router.post("/money/cash", response_class=HTMLResponse)
def cash_submit(
    request: Request,
    staff: Staff,
    deps: Deps,
    household_id: Annotated[int, Form()],
    amount: Annotated[str, Form()],
    memo: Annotated[str, Form()] = "",
) -> Response:
    """Record a cash top-up, then show its receipt (POST then redirect: a reload records nothing twice)."""
    value = _amount(amount)
    if value is None:
        error = _t(request, "error.amount", amount=amount)
        return _cash_page(request, deps, "", household_id, 400, error=error, amount=amount, memo=memo)
    with deps.uow_factory() as uow:
        try:
            entry = record_cash(uow, household_id, value, deps.clock.now(), staff.username, memo.strip()[:200])
        except MoneyError:
            raise HTTPException(404, f"no family {household_id}") from None
        uow.commit()
    return RedirectResponse(f"{MONEY}/receipts/{entry.id}", status_code=303)


@router.get("/money/receipts/{entry_id}", response_class=HTMLResponse)
def receipt(request: Request, deps: Deps, entry_id: int) -> Response:
    """A printable receipt of a cash top-up: number, date, family, amount, who took it, balance after."""
    with deps.uow_factory() as uow:
        entry = uow.ledger.get(entry_id)
        if entry is None or entry.kind is not EntryKind.TOPUP or entry.method is not PaymentMethod.CASH:
            raise HTTPException(404, f"no cash receipt {entry_id}")
        household = uow.households.get(entry.household_id)
        entries = uow.ledger.entries(entry.household_id)
    balance_after = sum((e.amount for e in entries if e.id is not None and e.id <= entry_id), Decimal("0.00"))
    canteen = _canteen_of(deps, household) if household is not None else None
    currency = canteen.currency if canteen else _currency(deps)
    zone = str(canteen.zone) if canteen else None
    # The receipt is the family's: in its guardian's language (the page around it in the staff's).
    fallback = canteen.default_language if canteen else page_language(request)
    language = household.language(fallback) if household is not None else fallback
    if language not in i18n.LANGUAGES:
        language = fallback
    return render(
        request,
        "money/receipt.html",
        entry=entry,
        household=household,
        canteen=canteen,
        receipt_lang=language,
        rt=translator(language),
        amount_text=i18n.money(entry.amount, currency, language),
        balance_text=i18n.money(balance_after, currency, language),
        date_text=datetime_label(entry.at, language, zone),
    )


# --- Refunds ---------------------------------------------------------------------------------------------


def _refunds_page(
    request: Request, deps: WebDeps, status_code: int = 200, error: str | None = None, message: str | None = None
) -> Response:
    with deps.uow_factory() as uow:
        families = sorted(uow.households.list(), key=lambda h: h.name.casefold())
        requests = list(uow.money.refunds())
        names = {r.household_id: _name(uow.households.get(r.household_id)) for r in requests}
        waiting = [r for r in requests if r.status is RefundStatus.REQUESTED]
        balances = {r.household_id: uow.ledger.balance(r.household_id) for r in waiting}
        to_pay = refunds_to_pay(uow)
    decided = [r for r in reversed(requests) if r.status is not RefundStatus.REQUESTED][:50]
    now = deps.clock.now()
    deadlines = {r.id: r.requested_at + DECISION_DELAY for r in waiting}
    overdue = {request_id for request_id, deadline in deadlines.items() if deadline < now}
    payments = deps.settings.payments
    return render(
        request,
        "money/refunds.html",
        status_code=status_code,
        tab="refunds",
        waiting=waiting,
        decided=decided,
        names=names,
        balances=balances,
        to_pay=to_pay,
        export_ready=bool(payments.refund_account_name and payments.refund_account_iban),
        families=families,
        deadlines=deadlines,
        overdue=overdue,
        format_iban=format_iban,
        currency=_currency(deps),
        error=error,
        message=message,
    )


def _name(household: Household | None) -> str:
    return household.name if household is not None else "?"


@router.get("/money/refunds", response_class=HTMLResponse)
def refunds_page(request: Request, deps: Deps, done: str | None = None) -> Response:
    """Requests waiting for a decision (oldest first), what is approved but not yet paid, then the decided ones."""
    return _refunds_page(request, deps, message=_done(request, done))


def _done(request: Request, done: str | None) -> str | None:
    """The confirmation of the action just done (after its redirect), if `done` names one."""
    return _t(request, f"done.{done}") if done in ("approved", "refused", "assigned", "requested") else None


@router.post("/money/refunds/request", response_class=HTMLResponse)
def refund_request(
    request: Request,
    staff: Staff,
    deps: Deps,
    household_id: Annotated[int, Form()],
    iban: Annotated[str, Form()],
    amount: Annotated[str, Form()] = "",
) -> Response:
    """A request a family made at the desk or by phone, recorded like one made by message (a person decides)."""
    value = None
    if amount.strip():
        value = _amount(amount)
        if value is None:
            return _refunds_page(request, deps, 400, _t(request, "error.amount", amount=amount))
    with deps.uow_factory() as uow:
        try:
            outcome = request_refund(
                uow, household_id, iban, value, deps.clock.now(), "console", requested_by=staff.username
            )
        except MoneyError:
            raise HTTPException(404, f"no family {household_id}") from None
        uow.commit()
    if outcome.request is None:
        problem = refund_requested_text(page_language(request), outcome, _currency(deps))
        return _refunds_page(request, deps, 400, problem)
    return RedirectResponse(f"{MONEY}/refunds?done=requested", status_code=303)


@router.post("/money/refunds/{request_id}/approve", response_class=HTMLResponse)
def refund_approve(request: Request, staff: Staff, deps: Deps, request_id: int) -> Response:
    """Approve: the refund is booked (never beyond the balance) and the family is told."""
    problem: str | None = None
    with deps.uow_factory() as uow:
        try:
            approve_refund(uow, request_id, staff.username, deps.clock.now(), deps.canteens)
            uow.commit()
        except MoneyError as error:
            problem = str(error)
    if problem is not None:  # shown once the transaction is over (SQLite: one writer at a time)
        return _refunds_page(request, deps, 409, _t(request, "error.refused_action", detail=problem))
    return RedirectResponse(f"{MONEY}/refunds?done=approved", status_code=303)


@router.post("/money/refunds/{request_id}/refuse", response_class=HTMLResponse)
def refund_refuse(
    request: Request, staff: Staff, deps: Deps, request_id: int, reason: Annotated[str, Form()] = ""
) -> Response:
    """Refuse with a reason the family reads; nothing is booked."""
    if not reason.strip():
        return _refunds_page(request, deps, 400, _t(request, "error.reason"))
    problem: str | None = None
    with deps.uow_factory() as uow:
        try:
            refuse_refund(uow, request_id, staff.username, reason.strip()[:500], deps.clock.now(), deps.canteens)
            uow.commit()
        except MoneyError as error:
            problem = str(error)
    if problem is not None:
        return _refunds_page(request, deps, 409, _t(request, "error.refused_action", detail=problem))
    return RedirectResponse(f"{MONEY}/refunds?done=refused", status_code=303)


@router.post("/money/refunds/export")
def refund_export(request: Request, deps: Deps) -> Response:
    """The pain.001 file of the approved refunds not yet paid, for the bank; they are marked exported."""
    payments = deps.settings.payments
    debtor = Debtor(payments.refund_account_name, payments.refund_account_iban, payments.refund_account_bic)
    now = deps.clock.now()
    document = b""
    problem: str | None = None
    with deps.uow_factory() as uow:
        try:
            document, _ = export_refunds(uow, debtor, now, now.date() + timedelta(days=1))
            uow.commit()
        except PainError as error:
            problem = str(error)
    if problem is not None:
        return _refunds_page(request, deps, 409, _t(request, "error.refused_action", detail=problem))
    filename = f"refunds-{now:%Y%m%d-%H%M%S}.xml"
    return Response(
        document, media_type="application/xml", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


# --- Bank payments ---------------------------------------------------------------------------------------


def _bank_page(
    request: Request,
    deps: WebDeps,
    status_code: int = 200,
    error: str | None = None,
    report: ImportReport | None = None,
    message: str | None = None,
) -> Response:
    with deps.uow_factory() as uow:
        unmatched = list(uow.money.bank_payments(BankPaymentStatus.UNMATCHED))
        online = [p for p in uow.money.online_payments() if p.status is OnlinePaymentStatus.UNMATCHED]
        families = sorted(uow.households.list(), key=lambda h: h.name.casefold())
    return render(
        request,
        "money/bank.html",
        status_code=status_code,
        tab="bank",
        unmatched=unmatched,
        online=online,
        families=families,
        currency=_currency(deps),
        error=error,
        report=report,
        message=message,
    )


@router.get("/money/bank", response_class=HTMLResponse)
def bank_page(request: Request, deps: Deps, done: str | None = None) -> Response:
    """Bank credits no family's reference matched, to assign; and a bank file to import."""
    return _bank_page(request, deps, message=_done(request, done))


@router.post("/money/bank/{payment_id}/assign", response_class=HTMLResponse)
def bank_assign(
    request: Request, staff: Staff, deps: Deps, payment_id: int, household_id: Annotated[int, Form()]
) -> Response:
    """Book an unmatched credit for the family a person recognised."""

    def assign(uow: AbstractUnitOfWork) -> object:
        return assign_bank_payment(uow, payment_id, household_id, staff.username, deps.clock.now(), deps.canteens)

    return _assigned(request, deps, assign)


@router.post("/money/online/{payment_id}/assign", response_class=HTMLResponse)
def online_assign(
    request: Request, staff: Staff, deps: Deps, payment_id: int, household_id: Annotated[int, Form()]
) -> Response:
    """Credit an online payment that reached no family to the family a person recognised."""

    def assign(uow: AbstractUnitOfWork) -> object:
        now = deps.clock.now()
        return assign_online_payment(uow, payment_id, household_id, staff.username, now, _currency(deps), deps.canteens)

    return _assigned(request, deps, assign)


def _assigned(request: Request, deps: WebDeps, assign: Callable[[AbstractUnitOfWork], object]) -> Response:
    """Run one assignment in its own transaction: back to the bank page, or the refusal on it (409)."""
    with deps.uow_factory() as uow:
        try:
            assign(uow)
            uow.commit()
        except MoneyError as error:
            problem = str(error)
        else:
            return RedirectResponse(f"{MONEY}/bank?done=assigned", status_code=303)
    return _bank_page(request, deps, 409, _t(request, "error.refused_action", detail=problem))


@router.post("/money/bank/import", response_class=HTMLResponse)
async def bank_import(request: Request, deps: Deps, bank_file: UploadFile) -> Response:
    """Import a camt.054 / camt.053 file: matched credits are booked once, the others listed here."""
    data = await bank_file.read(MAX_BANK_FILE + 1)
    name = bank_file.filename or "bank-file.xml"
    if len(data) > MAX_BANK_FILE:
        return _bank_page(request, deps, 413, _t(request, "error.too_big"))
    resolve = canteen_resolver(deps.canteens)

    def run() -> ImportReport:
        return import_bank_file(
            deps.uow_factory(), data, name, resolve, deps.clock.now(), _currency(deps), deps.canteens
        )

    try:
        report = await run_in_threadpool(run)
    except CamtError as error:
        return _bank_page(request, deps, 400, _t(request, "error.bank_file", detail=str(error)))
    return await run_in_threadpool(_bank_page, request, deps, 200, None, report)
