"""Deployment settings: a TOML file (optional) overridden by CANTINE_* environment variables."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_CONFIG_FILE = Path("config/cantine.toml")


class SettingsError(ValueError):
    """A settings file or variable that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Where the data lives and how the system tells time."""

    database_url: str = "sqlite:///var/cantine.sqlite3"
    canteens_dir: str = "config/canteens"
    demo_families: str = "config/demo/families.csv"
    fixed_now: str | None = None  # ISO instant: run the whole system at a chosen time
    phone_region: str = "CH"  # how local numbers without +country are read
    demo: bool = True  # demo mode: seeded families, try-it console

    def resolved(self, base: Path) -> Settings:
        """Relative paths taken from `base`."""

        def absolute(value: str) -> str:
            return value if Path(value).is_absolute() else str(base / value)

        url = self.database_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
            url = prefix + absolute(url[len(prefix) :])
        return replace(
            self, database_url=url, canteens_dir=absolute(self.canteens_dir), demo_families=absolute(self.demo_families)
        )


_ENV = {
    "CANTINE_DATABASE_URL": "database_url",
    "CANTINE_CANTEENS_DIR": "canteens_dir",
    "CANTINE_DEMO_FAMILIES": "demo_families",
    "CANTINE_NOW": "fixed_now",
    "CANTINE_PHONE_REGION": "phone_region",
    "CANTINE_DEMO": "demo",
}


def _coerce(name: str, value: Any, origin: str) -> Any:
    if name == "demo":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            return value.lower() in {"1", "true", "yes", "on"}
        raise SettingsError(f"{origin}: 'demo' must be true or false, got {value!r}")
    if not isinstance(value, str):
        raise SettingsError(f"{origin}: '{name}' must be a string, got {value!r}")
    return value or None if name == "fixed_now" else value


def load_settings(config_file: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the file (CANTINE_CONFIG or config/cantine.toml, when present) then the environment.

    Relative paths (database file, canteens directory) are taken from the working directory.
    """
    environ = os.environ if env is None else env
    path = Path(config_file or environ.get("CANTINE_CONFIG") or DEFAULT_CONFIG_FILE)
    values: dict[str, Any] = {}
    base = Path.cwd()
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise SettingsError(f"{path}: {error}") from None
        known = {f.name for f in fields(Settings)}
        section = data.get("cantine", {})
        for key, value in section.items():
            if key not in known:
                raise SettingsError(f"{path}: unknown setting [cantine].{key} (known: {', '.join(sorted(known))})")
            values[key] = _coerce(key, value, str(path))
    elif config_file is not None or environ.get("CANTINE_CONFIG"):
        raise SettingsError(f"settings file not found: {path}")
    for variable, name in _ENV.items():
        if variable in environ:
            values[name] = _coerce(name, environ[variable], variable)
    return Settings(**values).resolved(base)
