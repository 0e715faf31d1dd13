"""`cantine demo seed`: the demo families, their balances and the coming two weeks booked."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from core.calendar import ServiceCalendar
from core.cli.context import AppContext, pass_app
from core.cli.menu_cmd import seed_demo_menus
from core.commands import Command, ReserveMeal
from core.families import FamilyImportError, import_families
from core.model import Source
from core.services import apply_commands

DEMO_SOURCE = Source(channel="demo")
BOOKED_DAYS_AHEAD = 14


@click.group("demo")
def demo_group() -> None:
    """Demo data for trying cantine."""


@demo_group.command("seed")
@pass_app
def seed_command(app: AppContext) -> None:
    """Create the demo families (config/demo/families.csv) if the database has no household yet."""
    click.echo(seed_demo(app))


def seed_demo(app: AppContext) -> str:
    """Seed when empty; returns a one-line account of what was done."""
    with app.uow() as uow:
        if uow.households.list():
            return "demo: families already present, nothing added"
    path = Path(app.settings.demo_families)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise click.ClickException(f"demo families file {path}: {error}") from None
    try:
        summary = import_families(text, app.uow, app.canteens, app.now(), app.settings.phone_region, source=DEMO_SOURCE)
    except FamilyImportError as error:
        raise click.ClickException(f"{path}: {error}") from None
    booked = _book_coming_days(app)
    return (
        f"demo: {summary.households} families and {summary.children} children created, "
        f"{booked} meals booked for the next {BOOKED_DAYS_AHEAD} days; {seed_demo_menus(app)}"
    )


def _book_coming_days(app: AppContext) -> int:
    now = app.now()
    commands: list[Command] = []
    with app.uow() as uow:
        households = list(uow.households.list())
    for household in households:
        for child in household.children:
            if child.id is None:
                continue
            canteen = app.canteen(child.canteen_id)
            today = now.astimezone(canteen.zone).date()
            days = ServiceCalendar(canteen).service_days(
                today + timedelta(days=1), today + timedelta(BOOKED_DAYS_AHEAD)
            )
            commands.extend(ReserveMeal(child.id, day, DEMO_SOURCE) for day in days)
    results = apply_commands(commands, app.uow(), app.canteens, now)
    return sum(1 for result in results if result.done)
