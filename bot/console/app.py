"""The staff console mounted on the web app: login, then one area router per part of the work.

How to add an area (families, day sheet, cash desk, menus…):

1. Write a module `bot/console/<area>.py` exposing `router = fastapi.APIRouter()` whose paths are
   relative to the console (`@router.get("/families")` serves `/console/families`), and optionally
   `NAV: tuple[tuple[str, str, str], ...]` = ((catalog_key, path, role), …) for the navigation bar,
   where path is the full path ("/console/families") and role is "staff" (every logged-in user),
   "admin" (admins only) or "demo" (staff, in demo mode only).
2. Add the module's name to AREA_ROUTERS below (one line: `"bot.console.<area>",`); its order is the
   navigation bar's order.
3. Templates go under `bot/console/templates/<area>/` and extend "base.html" (`{% extends "base.html" %}`,
   `{% block title %}`, `{% block content %}`); render them with
   `bot.console.templating.render(request, "<area>/page.html", **context)`. Texts come from your own
   catalog files `core/locale/<area>.<lang>.po` through `t("key", **params)` in the template.

Every route of an area router requires a logged-in user and, on POST/PUT/PATCH/DELETE, the session's
CSRF token (hidden form field `csrf_token` = `{{ csrf_token }}`, or header `X-CSRF-Token`): this is
done here, by mounting each router with the `protect` dependency. In a handler, get the user with
`staff: Annotated[StaffUser, Depends(current_staff)]` (or `require_admin` for admin-only pages, 403
otherwise) and the app's dependencies (units of work, clock, canteens, settings) with
`deps: Annotated[WebDeps, Depends(web_deps)]`. Handlers that touch the database are plain `def`
(FastAPI runs them in a thread); build a new unit of work per use with `deps.uow_factory()` and take
the time from `deps.clock.now()`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from bot.console import auth
from bot.console.context import CONSOLE_PREFIX, STATE_DEPS
from bot.console.templating import STATE_NAV, NavEntry

if TYPE_CHECKING:
    from bot.web import WebDeps

# The console's areas, by module name: each has `router` and may have `NAV` (see the module docstring).
AREA_ROUTERS: tuple[str, ...] = (
    "bot.console.inbox",
    "bot.console.admin",
    "bot.console.family",
    "bot.console.day",
    "bot.console.menus",
    "bot.console.documents",
    "bot.console.statements",
    "bot.console.money",
    "bot.console.try_it",
)

STATIC_DIR = Path(__file__).with_name("static")


def mount_console(app: FastAPI, deps: WebDeps) -> None:
    """Serve the console under /console on `app`: static files, login/logout, and every area router."""
    setattr(app.state, STATE_DEPS, deps)
    nav: list[NavEntry] = []
    for name in AREA_ROUTERS:
        module = importlib.import_module(name)
        app.include_router(module.router, prefix=CONSOLE_PREFIX, dependencies=[Depends(auth.protect)])
        nav.extend(NavEntry(key, path, role) for key, path, role in getattr(module, "NAV", ()))
    setattr(app.state, STATE_NAV, nav)
    app.include_router(auth.router, prefix=CONSOLE_PREFIX)
    app.mount(f"{CONSOLE_PREFIX}/static", StaticFiles(directory=STATIC_DIR), name="console-static")

    @app.get(CONSOLE_PREFIX, include_in_schema=False)
    @app.get(f"{CONSOLE_PREFIX}/", include_in_schema=False)
    def console_home() -> Response:
        return RedirectResponse(f"{CONSOLE_PREFIX}/inbox", status_code=303)

    @app.exception_handler(auth.LoginRequiredError)
    def login_required(request: Request, error: auth.LoginRequiredError) -> Response:
        return auth.login_redirect(request)

    @app.exception_handler(auth.ForbiddenError)
    def forbidden(request: Request, error: auth.ForbiddenError) -> Response:
        return auth.forbidden_page(request, error)
