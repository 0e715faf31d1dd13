"""Browser fixtures: a live cantine web app on a seeded SQLite database, and Debian's Chromium through Playwright.

- `live_server`: the web app (uvicorn, 127.0.0.1, an ephemeral port) on a fresh migrated SQLite database
  seeded like `cantine run` in demo mode (demo canteens and families, two weeks booked, the demo admin),
  with a fixed clock at Monday 2026-11-23 07:40 Zurich time; `live_server.flag(text)` sends a parent's
  message through the whole road and returns the staff item it opened.
- `browser` (one per session), `page` (a fresh context per test), `logged_in_page` (logged in as the
  demo admin), `phone_page` (a 390x844 touch viewport, not logged in).
- `screenshot(page, name)`: a full-page PNG in test-artifacts/ (kept by CI as a test artefact).

Chromium is /usr/bin/chromium (`make system-deps`); the tests are skipped when it is missing.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.web import WebDeps, WebServer, create_app
from core.cli.context import AppContext
from core.cli.demo_cmd import seed_demo
from core.cli.staff_account_cmd import DEMO_ADMIN, DEMO_ADMIN_PASSWORD, ensure_demo_admin
from core.clock import FixedClock
from core.messages import Channel, InboundMessage
from core.pipeline.worker import Worker, receive
from core.settings import Settings, WebSettings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MONDAY_MORNING = "2026-11-23T07:40:00+01:00"
CLAIRE_SMS = "+41791234567"


@dataclass
class LiveServer:
    """The running web app and what it runs on: the application context (settings, clock, units of work)."""

    url: str
    app: AppContext
    clock: FixedClock
    cases_file: Path

    def page_url(self, path: str) -> str:
        return self.url + path

    def send(self, text: str, sender: str = CLAIRE_SMS, channel: str = Channel.SMS, subject: str | None = None) -> int:
        """A parent's message stored in the inbox and processed by the worker; returns its inbox id."""
        message = InboundMessage(
            channel=channel,
            external_id=f"browser-{time.monotonic_ns()}",
            sender=sender,
            text=text,
            received_at=self.clock.now(),
            subject=subject,
        )
        inbox_id, _ = receive(message, self.app.uow())
        Worker(self.app.uow, self.app.canteens, self.clock).drain()
        return inbox_id

    def flag(self, text: str, sender: str = CLAIRE_SMS, channel: str = Channel.SMS, subject: str | None = None) -> int:
        """Send a message that staff must handle; returns the id of its staff item."""
        inbox_id = self.send(text, sender, channel, subject)
        with self.app.uow() as uow:
            items = [item.id for item in uow.staff.open_items() if item.inbound_id == inbox_id]
        assert items, f"message {inbox_id} was not handed to staff"
        assert items[0] is not None
        return items[0]


def _wait_until_up(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.05)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    cases_file = tmp_path / "staff_cases.jsonl"
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'cantine.sqlite3'}",
        canteens_dir=str(ROOT / "config" / "canteens"),
        demo_families=str(ROOT / "config" / "demo" / "families.csv"),
        fixed_now=MONDAY_MORNING,
        web=WebSettings(staff_cases_file=str(cases_file)),
    )
    app = AppContext(_settings=settings)
    app.upgrade_database()
    seed_demo(app)
    ensure_demo_admin(app)
    clock = app.clock
    assert isinstance(clock, FixedClock)
    deps = WebDeps(settings, app.uow, clock, canteens=app.canteens)
    server = WebServer(create_app(deps), "127.0.0.1", 0)
    server.start()
    try:
        _wait_until_up(server.address)
        yield LiveServer(server.address, app, clock, cases_file)
    finally:
        server.stop()
        app.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make system-deps)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


def _page(browser: Browser, **options: Any) -> Iterator[Page]:
    context = browser.new_context(locale="fr-CH", timezone_id="Europe/Zurich", **options)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A desktop-sized page in a fresh browser context (no cookies)."""
    yield from _page(browser, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page (390x844, touch) in a fresh browser context."""
    yield from _page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)


def log_in(page: Page, server: LiveServer, username: str = DEMO_ADMIN, password: str = DEMO_ADMIN_PASSWORD) -> None:
    """Log in through the login form (French labels) and wait for the inbox."""
    page.goto(server.page_url("/console/login"))
    page.get_by_label("Nom d'utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/console/inbox")


@pytest.fixture
def logged_in_page(page: Page, live_server: LiveServer) -> Page:
    """A page logged in to the console as the demo admin, on the inbox."""
    log_in(page, live_server)
    return page


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """Save a full-page screenshot as test-artifacts/<name>.png; returns its path."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
