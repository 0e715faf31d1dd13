"""The example settings file stays true: it loads, and it names every setting there is."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from core.settings import (
    EmailSettings,
    PaymentSettings,
    Settings,
    SmsSettings,
    TelegramSettings,
    WebSettings,
    load_settings,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "cantine.example.toml"


def test_example_loads_and_documents_every_setting() -> None:
    settings = load_settings(EXAMPLE, env={})
    assert settings.email.smtp_port == 8025
    text = EXAMPLE.read_text(encoding="utf-8")
    for cls in (Settings, EmailSettings, SmsSettings, TelegramSettings, WebSettings, PaymentSettings):
        for item in fields(cls):
            if item.name not in ("email", "sms", "telegram", "web", "payments"):
                assert f"{item.name} =" in text, f"{cls.__name__}.{item.name} is not in {EXAMPLE.name}"
