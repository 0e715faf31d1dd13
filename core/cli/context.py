"""What every command needs, built once from the settings: canteens, clock, database, units of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

import click

from core.canteen import Canteen, CanteenConfigError
from core.canteen_files import load_canteens
from core.clock import Clock, clock_from_setting
from core.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from core.db.unit_of_work import SqlAlchemyUnitOfWork


@dataclass
class AppContext:
    """Lazily built services for one CLI invocation."""

    config_file: str | None = None
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.config_file)
            except SettingsError as error:
                raise click.ClickException(str(error)) from None
        return self._settings

    @cached_property
    def canteens(self) -> dict[str, Canteen]:
        try:
            canteens = load_canteens(self.settings.canteens_dir)
        except CanteenConfigError as error:
            raise click.ClickException(str(error)) from None
        if not canteens:
            raise click.ClickException(f"no canteen file (*.toml) in {self.settings.canteens_dir}")
        return canteens

    @cached_property
    def clock(self) -> Clock:
        try:
            return clock_from_setting(self.settings.fixed_now)
        except ValueError as error:
            raise click.ClickException(f"CANTINE_NOW / fixed_now: {error}") from None

    def now(self) -> datetime:
        return self.clock.now()

    @cached_property
    def engine(self) -> Engine:
        from core.db.engine import make_engine

        self._prepare_sqlite_directory()
        return make_engine(self.settings.database_url)

    def uow(self) -> SqlAlchemyUnitOfWork:
        from core.db.unit_of_work import SqlAlchemyUnitOfWork

        return SqlAlchemyUnitOfWork.from_engine(self.engine)

    def upgrade_database(self) -> None:
        from core.db.migrate import upgrade

        self._prepare_sqlite_directory()
        upgrade(self.settings.database_url)

    def canteen(self, canteen_id: str | None) -> Canteen:
        if canteen_id is None:
            if len(self.canteens) == 1:
                return next(iter(self.canteens.values()))
            raise click.UsageError(f"several canteens: choose one with --canteen ({', '.join(self.canteens)})")
        try:
            return self.canteens[canteen_id]
        except KeyError:
            raise click.UsageError(f"unknown canteen {canteen_id!r} (known: {', '.join(self.canteens)})") from None

    def _prepare_sqlite_directory(self) -> None:
        from pathlib import Path

        prefix = "sqlite:///"
        url = self.settings.database_url
        if url.startswith(prefix) and ":memory:" not in url:
            Path(url[len(prefix) :]).parent.mkdir(parents=True, exist_ok=True)


pass_app = click.make_pass_decorator(AppContext, ensure=True)
