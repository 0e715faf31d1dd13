"""A live console on a fresh SQLite database with the demo families, and a headless Chromium logged in to it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from bot.console.auth import SESSION_COOKIE
from bot.web import WebServer
from core.canteen import Canteen
from core.clock import FixedClock
from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.db.unit_of_work import SqlAlchemyUnitOfWork
from core.staff_login import add_account, log_in
from core.unit_of_work import AbstractUnitOfWork
from tests.console.pages_client import PASSWORD, ROOT, demo_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"


@dataclass
class LiveConsole:
    """The server's address, the database, canteens and clock, and the browser page logged in as `alice`."""

    address: str
    uow_factory: Callable[[], AbstractUnitOfWork]
    canteens: Mapping[str, Canteen]
    clock: FixedClock
    page: Page

    def child(self, family: str, first_name: str) -> int:
        with self.uow_factory() as uow:
            household = next(h for h in uow.households.list() if h.name == family)
        child = household.child_named(first_name)
        assert child is not None
        assert child.id is not None
        return child.id

    def artifact(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        return ARTIFACTS / name


def chromium_available() -> bool:
    return shutil.which(CHROMIUM) is not None


@contextmanager
def live_console(tmp_path: Path, at: str, viewport: tuple[int, int] = (1280, 900)) -> Iterator[LiveConsole]:
    """Serve the console on an ephemeral port and open it in Chromium; everything is stopped afterwards."""
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    upgrade(url)
    engine = make_engine(url)

    def uow_factory() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork.from_engine(engine)

    app, deps, clock = demo_app(uow_factory, at)
    add_account(uow_factory(), "alice", PASSWORD, clock.now(), display_name="Alice")
    token, _ = log_in(uow_factory(), "alice", PASSWORD, clock.now())
    server = WebServer(app, "127.0.0.1", 0)
    server.start()
    try:
        with sync_playwright() as playwright:
            browser: Browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="fr-CH")
                context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": server.address}])
                yield LiveConsole(server.address, uow_factory, deps.canteens, clock, context.new_page())
                context.close()
            finally:
                browser.close()
    finally:
        server.stop()
        engine.dispose()
