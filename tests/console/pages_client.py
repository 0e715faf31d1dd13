"""A logged-in console client on a database holding the demo families (for the family, day and try-it page tests)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.console.auth import SESSION_COOKIE
from bot.web import WebDeps, create_app
from core.canteen import Canteen
from core.canteen_files import load_canteens
from core.clock import FixedClock
from core.families import import_families
from core.model import Household
from core.settings import Settings
from core.staff_login import add_account, log_in
from core.unit_of_work import AbstractUnitOfWork

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough staff password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class PagesClient:
    """The test client, its clock and database, logged in as `alice`, with the page's CSRF token at hand."""

    client: TestClient
    clock: FixedClock
    uow_factory: Callable[[], AbstractUnitOfWork]
    canteens: dict[str, Canteen]

    def csrf(self, path: str) -> str:
        found = CSRF.search(self.client.get(path).text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def family(self, name: str) -> Household:
        with self.uow_factory() as uow:
            return next(h for h in uow.households.list() if h.name == name)


def demo_app(
    uow_factory: Callable[[], AbstractUnitOfWork], at: str, *, demo: bool = True
) -> tuple[FastAPI, WebDeps, FixedClock]:
    """The web app on a database filled with the demo families, its clock fixed at `at`."""
    canteens = load_canteens(ROOT / "config" / "canteens")
    clock = FixedClock(datetime.fromisoformat(at))
    text = (ROOT / "config" / "demo" / "families.csv").read_text(encoding="utf-8")
    import_families(text, uow_factory, canteens, clock.now(), "CH")
    deps = WebDeps(Settings(demo=demo), uow_factory, clock, canteens=canteens)
    return create_app(deps), deps, clock


def logged_in(uow_factory: Callable[[], AbstractUnitOfWork], at: str, *, demo: bool = True) -> PagesClient:
    """A client logged in as the staff user `alice` (French), on the demo families."""
    app, deps, clock = demo_app(uow_factory, at, demo=demo)
    add_account(uow_factory(), "alice", PASSWORD, clock.now(), display_name="Alice")
    token, _ = log_in(uow_factory(), "alice", PASSWORD, clock.now())
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, token)
    return PagesClient(client, clock, uow_factory, dict(deps.canteens))
