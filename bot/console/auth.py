"""Console login: the session cookie, `current_staff` / `require_admin` dependencies, CSRF, login and logout pages."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from bot.console.context import CONSOLE_PREFIX, safe_next, web_deps
from bot.console.templating import LANGUAGE_COOKIE, page_language, render
from bot.web import WebDeps
from core import i18n
from core.staff_accounts import StaffAccount, StaffSession
from core.staff_login import DEFAULT_POLICY, LoginRefusedError, log_in, log_out, session_of

SESSION_COOKIE = "cantine_console"
LOGIN_CSRF_COOKIE = "cantine_console_csrf"  # the login form's token (double-submit: no session yet)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class StaffUser:
    """The logged-in person of this request: the account and its session."""

    account: StaffAccount
    session: StaffSession

    @property
    def username(self) -> str:
        return self.account.username

    @property
    def display_name(self) -> str:
        return self.account.display_name

    @property
    def is_admin(self) -> bool:
        return self.account.is_admin

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token


class LoginRequiredError(Exception):
    """No valid session: pages redirect to the login page, other requests get 401."""


class ForbiddenError(Exception):
    """Logged in but not allowed (a staff user on an admin page, a missing or wrong CSRF token): 403."""

    def __init__(self, reason_key: str) -> None:
        super().__init__(reason_key)
        self.reason_key = reason_key


def current_staff(request: Request, deps: Annotated[WebDeps, Depends(web_deps)]) -> StaffUser:
    """The logged-in staff user (a FastAPI dependency); raises LoginRequiredError without a valid session."""
    token = request.cookies.get(SESSION_COOKIE)
    found = session_of(deps.uow_factory(), token, deps.clock.now()) if token else None
    if found is None:
        raise LoginRequiredError()
    user = StaffUser(*found)
    request.state.staff = user
    request.state.csrf_token = user.csrf_token
    return user


def require_admin(staff: Annotated[StaffUser, Depends(current_staff)]) -> StaffUser:
    """The logged-in user if an admin, else 403."""
    if not staff.is_admin:
        raise ForbiddenError("console.error.admin_only")
    return staff


async def submitted_csrf(request: Request) -> str:
    """The token a form or script sent: the X-CSRF-Token header, else the `csrf_token` form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if "form" not in content_type:
        return ""
    value = (await request.form()).get(CSRF_FIELD)
    return value if isinstance(value, str) else ""


async def protect(request: Request, staff: Annotated[StaffUser, Depends(current_staff)]) -> StaffUser:
    """Login required, and on every unsafe method (POST…) the session's CSRF token, else 403.

    Every area router is mounted with this dependency, so its pages need no code of their own for it.
    """
    if request.method not in SAFE_METHODS:
        sent = await submitted_csrf(request)
        if not sent or not secrets.compare_digest(sent, staff.csrf_token):
            raise ForbiddenError("console.error.csrf")
    return staff


router = APIRouter()


def _login_page(request: Request, status_code: int = 200, error: str | None = None, username: str = "") -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    request.state.csrf_token = token
    next_path = safe_next(request.query_params.get("next"))
    response = render(
        request, "login.html", status_code=status_code, error=error, username=username, next_path=next_path
    )
    deps: WebDeps = web_deps(request)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=deps.settings.web.cookie_secure,
        path=CONSOLE_PREFIX,
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
async def login_submit(
    request: Request,
    deps: Annotated[WebDeps, Depends(web_deps)],
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf_token, expected):
        raise ForbiddenError("console.error.csrf")
    language = page_language(request)
    try:
        token, _ = await run_in_threadpool(log_in, deps.uow_factory(), username, password, deps.clock.now())
    except LoginRefusedError as refused:
        if refused.locked_until is not None:
            seconds = (refused.locked_until - deps.clock.now()).total_seconds()
            minutes = max(1, math.ceil(seconds / 60))
            error = i18n.message(language, "console.login.locked", minutes=minutes)
            return _login_page(request, 429, error, username)
        return _login_page(request, 401, i18n.message(language, "console.login.failed"), username)
    response = RedirectResponse(safe_next(next_path), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(DEFAULT_POLICY.session.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=deps.settings.web.cookie_secure,
        path=CONSOLE_PREFIX,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=CONSOLE_PREFIX)
    return response


@router.post("/logout")
def logout(
    request: Request,
    deps: Annotated[WebDeps, Depends(web_deps)],
    staff: Annotated[StaffUser, Depends(protect)],
) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    log_out(deps.uow_factory(), token)
    response = RedirectResponse(f"{CONSOLE_PREFIX}/login?notice=console.login.logged_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=CONSOLE_PREFIX)
    return response


@router.get("/language/{code}")
def switch_language(request: Request, code: str) -> Response:
    """Remember the chosen language in a cookie (fr, en, de) and go back to the page."""
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    if code in i18n.LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax", path=CONSOLE_PREFIX)
    return response


def login_redirect(request: Request) -> Response:
    """Where a request without a session goes: pages to the login form (coming back after), the rest 401."""
    if request.method in SAFE_METHODS:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{CONSOLE_PREFIX}/login?next={quote(target)}", status_code=303)
    return Response("login required", status_code=401, media_type="text/plain")


def forbidden_page(request: Request, error: ForbiddenError) -> Response:
    return render(request, "error.html", status_code=403, message_key=error.reason_key)
