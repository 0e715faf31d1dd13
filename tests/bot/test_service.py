"""The chat channels as `cantine run` starts them, and `cantine telegram link`."""

from __future__ import annotations

import shutil
import threading
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.linking import token_hash
from bot.service import start_chat
from core.canteen_files import load_canteens
from core.cli.main import cli
from core.clock import FixedClock
from core.settings import Settings, SmsSettings, TelegramSettings, WebSettings
from core.unit_of_work import AbstractUnitOfWork

ROOT = Path(__file__).resolve().parents[2]
CANTEENS = load_canteens(ROOT / "config" / "canteens")
CLOCK = FixedClock(datetime(2026, 11, 23, 7, 40, tzinfo=UTC))


def test_without_credentials_the_web_app_runs_and_each_channel_says_so_in_one_line(
    uow_factory: Callable[[], AbstractUnitOfWork],
) -> None:
    stop = threading.Event()
    lines = start_chat(Settings(web=WebSettings(port=0)), uow_factory, CANTEENS, stop, CLOCK)
    try:
        web, sms, telegram = lines
        assert web.startswith("web: http://127.0.0.1:")
        assert sms == "sms: not configured (no [sms] account_sid)"
        assert telegram == "telegram: not configured (no [telegram] token)"
        address = web.split()[1]
        with urllib.request.urlopen(f"{address}/healthz", timeout=5) as response:  # loopback only
            assert response.read() == b'{"status":"ok"}'
    finally:
        stop.set()


def test_an_unreachable_bot_api_or_a_taken_port_is_reported_not_fatal(
    uow_factory: Callable[[], AbstractUnitOfWork],
) -> None:
    stop = threading.Event()
    first = start_chat(Settings(web=WebSettings(port=0)), uow_factory, CANTEENS, stop, CLOCK)
    port = int(first[0].split()[1].rsplit(":", 1)[1])
    settings = Settings(
        sms=SmsSettings(account_sid="AC1", auth_token="t", from_number="+41215550000"),
        telegram=TelegramSettings(token="1:x", api_base_url="http://127.0.0.1:9/bot"),
        web=WebSettings(port=port),
    )
    try:
        web, sms, telegram = start_chat(settings, uow_factory, CANTEENS, stop, CLOCK)
        assert web.startswith(f"web: not started on 127.0.0.1:{port}")
        assert sms.startswith("sms: Twilio +41215550000, webhook")
        assert telegram.startswith("telegram: not started (NetworkError")
    finally:
        stop.set()


@pytest.fixture
def project(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    shutil.copytree(ROOT / "config", tmp_path / "config")
    monkeypatch.chdir(tmp_path)
    env = {"CANTINE_DATABASE_URL": database_url, "CANTINE_NOW": "2026-11-23T07:40:00+01:00", "CANTINE_CONFIG": ""}
    assert CliRunner().invoke(cli, ["demo", "seed"], env=env).exit_code == 0
    return env


def test_telegram_link_prints_a_one_time_deep_link(project: dict[str, str], database_url: str) -> None:
    runner = CliRunner()
    refused = runner.invoke(cli, ["telegram", "link", "claire.dupont@example.ch"], env=project)
    assert refused.exit_code != 0
    assert "bot_username" in refused.output
    env = project | {"CANTINE_TELEGRAM_BOT_USERNAME": "cantine_bot"}
    result = runner.invoke(cli, ["telegram", "link", "claire.dupont@example.ch"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Claire Dupont: https://t.me/cantine_bot?start=")
    token = result.output.split("start=")[1].split()[0]
    from core.db.unit_of_work import SqlAlchemyUnitOfWork

    with SqlAlchemyUnitOfWork.from_url(database_url) as uow:
        now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
        assert uow.channels.use_link_token(token_hash(token), "555", now) is not None
    two = runner.invoke(cli, ["telegram", "link", "Dupont"], env=env)
    assert two.exit_code != 0
    assert "Dupont:Name" in two.output
    marc = runner.invoke(cli, ["telegram", "link", "Dupont:Marc"], env=env)
    assert marc.output.startswith("Marc Dupont: https://t.me/cantine_bot?start=")
