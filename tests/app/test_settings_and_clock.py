"""Settings from file and environment, and the one clock a setting can fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.clock import FixedClock, SystemClock, clock_from_setting, parse_instant
from core.settings import Settings, SettingsError, load_settings


def test_defaults_resolve_relative_paths_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert settings.database_url == f"sqlite:///{tmp_path}/var/cantine.sqlite3"
    assert settings.canteens_dir == str(tmp_path / "config/canteens")
    assert settings.fixed_now is None
    assert settings.demo is True


def test_file_then_environment(tmp_path: Path) -> None:
    config = tmp_path / "cantine.toml"
    config.write_text('[cantine]\ndatabase_url = "postgresql://x@127.0.0.1/db"\nphone_region = "FR"\ndemo = false\n')
    settings = load_settings(config, env={"CANTINE_PHONE_REGION": "DE", "CANTINE_NOW": "2026-11-23T07:40:00+01:00"})
    assert settings.database_url == "postgresql://x@127.0.0.1/db"
    assert settings.phone_region == "DE"
    assert settings.demo is False
    assert settings.fixed_now == "2026-11-23T07:40:00+01:00"


@pytest.mark.parametrize(
    ("content", "env", "fragment"),
    [
        pytest.param("[cantine]\ncolour = 'blue'\n", {}, "unknown setting [cantine].colour", id="unknown-key"),
        pytest.param("[cantine\n", {}, "cantine.toml", id="syntax"),
        pytest.param("[cantine]\ndemo = 'perhaps'\n", {}, "'demo' must be true or false", id="bad-bool"),
        pytest.param("[cantine]\ndatabase_url = 5\n", {}, "'database_url' must be a string", id="bad-type"),
        pytest.param("", {"CANTINE_DEMO": "maybe"}, "CANTINE_DEMO", id="bad-env"),
    ],
)
def test_bad_settings_are_refused_clearly(tmp_path: Path, content: str, env: dict[str, str], fragment: str) -> None:
    config = tmp_path / "cantine.toml"
    config.write_text(content)
    with pytest.raises(SettingsError, match=None) as caught:
        load_settings(config, env=env)
    assert fragment in str(caught.value)


def test_a_missing_named_settings_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not found"):
        load_settings(tmp_path / "nope.toml", env={})


def test_empty_fixed_now_means_the_real_clock() -> None:
    assert load_settings(env={"CANTINE_NOW": ""}).fixed_now is None
    assert isinstance(clock_from_setting(None), SystemClock)


def test_fixed_clock_gives_its_instant_and_needs_an_offset() -> None:
    clock = clock_from_setting("2026-11-23T07:40:00+01:00")
    assert isinstance(clock, FixedClock)
    assert clock.now() == datetime(2026, 11, 23, 7, 40, tzinfo=timezone(timedelta(hours=1)))
    with pytest.raises(ValueError, match="offset"):
        parse_instant("2026-11-23T07:40:00")
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_instant("next tuesday")
    with pytest.raises(ValueError, match="time zone"):
        FixedClock(datetime(2026, 11, 23, 7, 40))


def test_system_clock_is_aware() -> None:
    assert SystemClock().now().tzinfo is UTC


def test_settings_is_a_plain_value() -> None:
    assert Settings().resolved(Path("/srv")).canteens_dir == "/srv/config/canteens"
    assert Settings(database_url="sqlite:///:memory:").resolved(Path("/srv")).database_url == "sqlite:///:memory:"


def test_channel_sections_from_file_and_environment(tmp_path: Path) -> None:
    config = tmp_path / "cantine.toml"
    config.write_text('[email]\nsmtp_port = 2525\nrelay_host = "smtp.example.ch"\n[sms]\naccount_sid = "AC1"\n')
    settings = load_settings(config, env={"CANTINE_EMAIL_SMTP_PORT": "2526", "CANTINE_SMS_AUTH_TOKEN": "secret",
                                          "CANTINE_WEB_PORT": "9000", "CANTINE_EMAIL_SMTP_LISTEN": "off"})  # fmt: skip
    assert settings.email.smtp_port == 2526
    assert settings.email.relay_host == "smtp.example.ch"
    assert settings.email.smtp_listen is False
    assert settings.sms.account_sid == "AC1"
    assert settings.sms.auth_token == "secret"
    assert settings.web.port == 9000
    assert settings.telegram.token == ""


@pytest.mark.parametrize(
    ("content", "env", "fragment"),
    [
        pytest.param("[email]\nsmtp_port = 'x'\n", {}, "'smtp_port' must be a whole number", id="bad-int"),
        pytest.param("[email]\ncolour = 1\n", {}, "unknown setting [email].colour", id="unknown-section-key"),
        pytest.param("[mail]\nx = 1\n", {}, "unknown table [mail]", id="unknown-table"),
        pytest.param("", {"CANTINE_WEB_PORT": "eighty"}, "CANTINE_WEB_PORT", id="bad-env-int"),
    ],
)
def test_bad_channel_settings_are_refused(tmp_path: Path, content: str, env: dict[str, str], fragment: str) -> None:
    config = tmp_path / "cantine.toml"
    config.write_text(content)
    with pytest.raises(SettingsError) as caught:
        load_settings(config, env=env)
    assert fragment in str(caught.value)
