"""A console on a database with the demo families and two accounts; a client that logs in and fills forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bot.web import WebDeps, create_app
from core.db.unit_of_work import SqlAlchemyUnitOfWork
from core.messages import Channel, StoredMessage
from core.settings import Settings, WebSettings
from core.staff_accounts import Role
from core.staff_login import add_account
from tests.pipeline.road import Road

MONDAY_MORNING = "2026-11-23T07:40:00+01:00"
CLAIRE_SMS = "+41791234567"
ADMIN, STAFF, PASSWORD = "anne", "sam", "correct-horse-battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


@dataclass
class Console:
    """The console app on a test database, with the road that fills its inbox."""

    road: Road
    settings: Settings
    client: TestClient
    cases_file: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def new_client(self) -> TestClient:
        return TestClient(self.client.app, base_url="http://testserver")

    def login(self, username: str = STAFF, password: str = PASSWORD, client: TestClient | None = None) -> TestClient:
        client = client or self.client
        page = client.get("/console/login")
        answer = client.post(
            "/console/login",
            data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        return client

    def form_token(self, path: str, client: TestClient | None = None) -> str:
        """The CSRF token of the forms on a page."""
        return csrf_of((client or self.client).get(path).text)

    def flagged(self, text: str, sender: str = CLAIRE_SMS, channel: str = Channel.SMS, **fields: object) -> int:
        """Send a message through the road; returns the id of the staff item it opened."""
        stored: StoredMessage = self.road.send(sender, text, channel, **fields)
        with self.road.uow_factory() as uow:
            items = [item for item in uow.staff.open_items() if item.inbound_id == stored.id]
        assert items, f"message {stored.id} was not handed to staff: {stored.status} {stored.hits}"
        assert items[0].id is not None
        return items[0].id

    def later(self, minutes: int) -> None:
        self.road.clock.at = self.road.clock.at + timedelta(minutes=minutes)


@pytest.fixture
def console(db_engine: Engine, tmp_path: Path) -> Iterator[Console]:
    def uow_factory() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork.from_engine(db_engine)

    road = Road.with_demo_families(uow_factory, MONDAY_MORNING)
    now = datetime.fromisoformat(MONDAY_MORNING)
    add_account(uow_factory(), ADMIN, PASSWORD, now, role=Role.ADMIN, display_name="Anne Admin")
    add_account(uow_factory(), STAFF, PASSWORD, now, role=Role.STAFF, display_name="Sam Staff", language="fr")
    cases_file = tmp_path / "cases" / "staff_cases.jsonl"
    settings = Settings(web=WebSettings(staff_cases_file=str(cases_file)))
    app = create_app(WebDeps(settings, uow_factory, road.clock, canteens=road.canteens))
    with TestClient(app, base_url="http://testserver") as client:
        yield Console(road, settings, client, cases_file)
