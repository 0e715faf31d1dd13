"""`cantine run`: prepare the database, seed the demo, show the system's state and serve what exists."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table

from core.calendar import ServiceCalendar
from core.cli.context import AppContext, pass_app
from core.cli.demo_cmd import seed_demo
from core.cli.try_console import TryConsole


@click.command("run")
@click.option("--as", "sender", help="Try-it console: write as this guardian (email or mobile number).")
@click.option("--no-console", is_flag=True, help="Prepare and report only; do not open the try-it console.")
@pass_app
def run_command(app: AppContext, sender: str | None, no_console: bool) -> None:
    """Start cantine: upgrade the database, seed the demo families (demo mode), then serve.

    Today the system serves the try-it console on a terminal: type a parent's message as a demo
    guardian and see it understood and applied to the canteen core. Without a terminal it
    prepares everything, reports and exits.
    """
    console = Console()
    app.upgrade_database()
    if app.settings.demo:
        console.print(seed_demo(app), highlight=False)
    _report(app, console)
    if no_console or not sys.stdin.isatty():
        console.print(
            "Ready. Try: cantine family show Dupont · cantine day · "
            "cantine nlu parse --canteen config/canteens/montval.toml --children Alban,Basile "
            '"annuler demain pour Basile"',
            highlight=False,
        )
        return
    TryConsole(app, console).loop(sender)


def _report(app: AppContext, console: Console) -> None:
    now = app.now()
    table = Table(
        "canteen", "name", "today", "next service day", "families", title=f"cantine — now {now:%Y-%m-%d %H:%M %Z}"
    )
    with app.uow() as uow:
        households = list(uow.households.list())
    for canteen in app.canteens.values():
        calendar = ServiceCalendar(canteen)
        today = now.astimezone(canteen.zone).date()
        status = calendar.status(today)
        today_text = "service" if status.served else (status.closure.name if status.closure else str(status.reason))
        following = calendar.next_service_day(today)
        families = sum(1 for h in households if any(c.canteen_id == canteen.id for c in h.children))
        table.add_row(
            canteen.id, canteen.name, today_text, f"{following:%a %d.%m.%Y}" if following else "—", str(families)
        )
    console.print(table)
