"""Console admin pages: the staff accounts (list, add, deactivate or reactivate, reset a password), the canteens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from bot.console.auth import StaffUser, require_admin
from bot.console.context import CONSOLE_PREFIX, web_deps
from bot.console.templating import page_language, render
from bot.web import WebDeps
from core import i18n
from core.staff_accounts import Role
from core.staff_login import AccountError, add_account, set_active, set_password

router = APIRouter()
NAV = (
    ("console.nav.staff_accounts", f"{CONSOLE_PREFIX}/admin/staff", "admin"),
    ("console.nav.canteens", f"{CONSOLE_PREFIX}/admin/canteens", "admin"),
)
ACCOUNTS_PAGE = f"{CONSOLE_PREFIX}/admin/staff"


def _accounts_page(request: Request, deps: WebDeps, status_code: int = 200, error: str | None = None) -> Response:
    with deps.uow_factory() as uow:
        accounts = list(uow.accounts.list())
    return render(
        request,
        "admin/staff.html",
        status_code=status_code,
        accounts=accounts,
        roles=[role.value for role in Role],
        error=error,
    )


@router.get("/admin/staff", response_class=HTMLResponse)
def staff_accounts(
    request: Request,
    admin: Annotated[StaffUser, Depends(require_admin)],
    deps: Annotated[WebDeps, Depends(web_deps)],
) -> Response:
    return _accounts_page(request, deps)


def _refused(request: Request, deps: WebDeps, error: AccountError) -> Response:
    message = i18n.message(page_language(request), "console.admin.refused", detail=str(error))
    return _accounts_page(request, deps, 400, message)


@router.post("/admin/staff")
def add_staff_account(
    request: Request,
    admin: Annotated[StaffUser, Depends(require_admin)],
    deps: Annotated[WebDeps, Depends(web_deps)],
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()] = Role.STAFF.value,
    display_name: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "fr",
) -> Response:
    try:
        chosen = Role(role)
        add_account(
            deps.uow_factory(),
            username,
            password,
            deps.clock.now(),
            role=chosen,
            display_name=display_name,
            language=language,
        )
    except ValueError as error:
        return _refused(request, deps, AccountError(str(error)))
    return RedirectResponse(f"{ACCOUNTS_PAGE}?notice=console.admin.added", status_code=303)


@router.post("/admin/staff/{username}/active")
def change_active(
    request: Request,
    username: str,
    admin: Annotated[StaffUser, Depends(require_admin)],
    deps: Annotated[WebDeps, Depends(web_deps)],
    active: Annotated[str, Form()] = "",
) -> Response:
    if username == admin.username and active != "1":
        return _refused(request, deps, AccountError("you cannot deactivate your own account"))
    try:
        set_active(deps.uow_factory(), username, active == "1")
    except AccountError as error:
        return _refused(request, deps, error)
    notice = "console.admin.activated" if active == "1" else "console.admin.deactivated"
    return RedirectResponse(f"{ACCOUNTS_PAGE}?notice={notice}", status_code=303)


@router.post("/admin/staff/{username}/password")
def reset_password(
    request: Request,
    username: str,
    admin: Annotated[StaffUser, Depends(require_admin)],
    deps: Annotated[WebDeps, Depends(web_deps)],
    password: Annotated[str, Form()],
) -> Response:
    try:
        set_password(deps.uow_factory(), username, password)
    except AccountError as error:
        return _refused(request, deps, error)
    return RedirectResponse(f"{ACCOUNTS_PAGE}?notice=console.admin.password_reset", status_code=303)


@router.get("/admin/canteens", response_class=HTMLResponse)
def canteens(
    request: Request,
    admin: Annotated[StaffUser, Depends(require_admin)],
    deps: Annotated[WebDeps, Depends(web_deps)],
) -> Response:
    """The canteens as configured (their files in the canteens directory are the place to change them)."""
    weekdays = {canteen.id: sorted(canteen.service_weekdays) for canteen in deps.canteens.values()}
    return render(
        request,
        "admin/canteens.html",
        canteens=list(deps.canteens.values()),
        weekdays=weekdays,
        canteens_dir=deps.settings.canteens_dir,
    )
