"""Deployment settings: a TOML file (optional) overridden by CANTINE_* environment variables.

The file has a [cantine] table and one table per channel ([email], [sms], [telegram], [web]);
`CANTINE_<FIELD>` overrides a [cantine] field and `CANTINE_<SECTION>_<FIELD>` a channel field,
e.g. CANTINE_DATABASE_URL, CANTINE_EMAIL_SMTP_PORT, CANTINE_SMS_AUTH_TOKEN.
"""

from __future__ import annotations

import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_CONFIG_FILE = Path("config/cantine.toml")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingsError(ValueError):
    """A settings file or variable that cannot be used."""


@dataclass(frozen=True)
class EmailSettings:
    """Email in (SMTP server, IMAP mailbox) and out (SMTP submission)."""

    smtp_listen: bool = True  # serve SMTP (canteens that own their MX)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_max_bytes: int = 25 * 1024 * 1024
    smtp_tls_cert: str = ""  # STARTTLS when a certificate and key are given
    smtp_tls_key: str = ""
    imap_host: str = ""  # empty: no mailbox polling
    imap_port: int = 993
    imap_tls: bool = True
    imap_user: str = ""
    imap_password: str = ""
    imap_folder: str = "INBOX"
    imap_processed_folder: str = ""  # empty: processed mail is only marked \Seen
    relay_host: str = ""  # empty: replies printed on the console (demo)
    relay_port: int = 587
    relay_security: str = "starttls"  # starttls, tls or none
    relay_user: str = ""
    relay_password: str = ""
    authentication: str = "check"  # off, check (act on failures) or require (no header: staff)
    trusted_authserv_id: str = ""  # the receiving MTA's authserv-id in Authentication-Results


@dataclass(frozen=True)
class SmsSettings:
    """Twilio: inbound webhook and outbound REST API."""

    account_sid: str = ""  # empty: no SMS channel
    auth_token: str = ""
    from_number: str = ""
    api_base_url: str = "https://api.twilio.com"
    public_base_url: str = ""  # the URL Twilio calls (signatures are checked against it)


@dataclass(frozen=True)
class TelegramSettings:
    """The Telegram bot (polling by default, webhook when a URL is given)."""

    token: str = ""  # empty: no Telegram channel
    api_base_url: str = "https://api.telegram.org/bot"
    file_base_url: str = "https://api.telegram.org/file/bot"
    bot_username: str = ""
    webhook_url: str = ""
    secret_token: str = ""


@dataclass(frozen=True)
class WebSettings:
    """The web app (Twilio webhook, staff console)."""

    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = ""  # signs session cookies; generated per run when empty (sessions then end at restart)
    cookie_secure: bool = False  # staff console cookies only over https (set when the site is served by https)
    staff_cases_file: str = "var/staff_cases.jsonl"  # staff's corrected readings, for the understanding tests


@dataclass(frozen=True)
class PaymentSettings:
    """Online payments (card, TWINT) through a provider, and the account refunds are paid from (pain.001)."""

    provider: str = ""  # "stripe"; empty: no online payment
    api_key: str = ""  # the provider's secret API key
    webhook_secret: str = ""  # signs the provider's payment confirmations (checked on every webhook)
    api_base_url: str = ""  # empty: the provider's own API (tests point it at a local fake)
    public_base_url: str = ""  # where parents come back after paying, e.g. https://cantine.example.ch
    refund_account_name: str = ""  # the debtor of refund transfers: the canteen's account holder
    refund_account_iban: str = ""  # a regular IBAN (a QR-IBAN cannot be debited)
    refund_account_bic: str = ""  # optional


@dataclass(frozen=True)
class Settings:
    """Where the data lives, how the system tells time, and how each channel is reached."""

    database_url: str = "sqlite:///var/cantine.sqlite3"
    canteens_dir: str = "config/canteens"
    demo_families: str = "config/demo/families.csv"
    fixed_now: str | None = None  # ISO instant: run the whole system at a chosen time
    phone_region: str = "CH"  # how local numbers without +country are read
    demo: bool = True  # demo mode: seeded families, try-it console
    email: EmailSettings = field(default_factory=EmailSettings)
    sms: SmsSettings = field(default_factory=SmsSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    web: WebSettings = field(default_factory=WebSettings)
    payments: PaymentSettings = field(default_factory=PaymentSettings)

    def resolved(self, base: Path) -> Settings:
        """Relative paths taken from `base`."""

        def absolute(value: str) -> str:
            return value if Path(value).is_absolute() else str(base / value)

        url = self.database_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
            url = prefix + absolute(url[len(prefix) :])
        return replace(
            self,
            database_url=url,
            canteens_dir=absolute(self.canteens_dir),
            demo_families=absolute(self.demo_families),
        )


_SECTIONS: dict[str, type] = {"email": EmailSettings, "sms": SmsSettings, "telegram": TelegramSettings,
                              "web": WebSettings, "payments": PaymentSettings}  # fmt: skip


def _field_types(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in fields(cls) if f.name not in _SECTIONS}


def _coerce(name: str, kind: Any, value: Any, origin: str) -> Any:
    """The value in the field's type, or a SettingsError naming where it came from."""
    optional = isinstance(kind, types.UnionType) and type(None) in typing.get_args(kind)
    if optional and (value is None or value == ""):
        return None
    base = next(k for k in typing.get_args(kind) if k is not type(None)) if optional else kind
    if base is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        raise SettingsError(f"{origin}: '{name}' must be true or false, got {value!r}")
    if base is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        raise SettingsError(f"{origin}: '{name}' must be a whole number, got {value!r}")
    if not isinstance(value, str):
        raise SettingsError(f"{origin}: '{name}' must be a string, got {value!r}")
    return value


def _read_table(cls: type, table: Mapping[str, Any], origin: str, label: str) -> dict[str, Any]:
    types_by_name = _field_types(cls)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in _SECTIONS and cls is Settings:
            continue
        if key not in types_by_name:
            raise SettingsError(
                f"{origin}: unknown setting [{label}].{key} (known: {', '.join(sorted(types_by_name))})"
            )
        values[key] = _coerce(key, types_by_name[key], value, origin)
    return values


_ENV_NAMES = {"fixed_now": "CANTINE_NOW"}  # shorter names for the variables people type most


def _from_env(cls: type, environ: Mapping[str, str], prefix: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, kind in _field_types(cls).items():
        variable = _ENV_NAMES.get(name, f"{prefix}{name.upper()}") if cls is Settings else f"{prefix}{name.upper()}"
        if variable in environ:
            values[name] = _coerce(name, kind, environ[variable], variable)
    return values


def load_settings(config_file: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the file (CANTINE_CONFIG or config/cantine.toml, when present) then the environment.

    Relative paths (database file, canteens directory) are taken from the working directory.
    """
    environ = os.environ if env is None else env
    path = Path(config_file or environ.get("CANTINE_CONFIG") or DEFAULT_CONFIG_FILE)
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise SettingsError(f"{path}: {error}") from None
        unknown = sorted(set(data) - {"cantine", *_SECTIONS})
        if unknown:
            raise SettingsError(f"{path}: unknown table [{unknown[0]}] (known: cantine, {', '.join(_SECTIONS)})")
    elif config_file is not None or environ.get("CANTINE_CONFIG"):
        raise SettingsError(f"settings file not found: {path}")
    origin = str(path)
    root = _read_table(Settings, data.get("cantine", {}), origin, "cantine") | _from_env(Settings, environ, "CANTINE_")
    sections = {
        name: cls(**(_read_table(cls, data.get(name, {}), origin, name)
                     | _from_env(cls, environ, f"CANTINE_{name.upper()}_")))
        for name, cls in _SECTIONS.items()
    }  # fmt: skip
    return Settings(**root, **sections).resolved(Path.cwd())
