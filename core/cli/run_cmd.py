"""`cantine run`: prepare the database, seed the demo, then serve: the worker, and the try-it console."""

from __future__ import annotations

import sys
import threading

import click
from rich.console import Console
from rich.table import Table

from core.calendar import ServiceCalendar
from core.cli.channels import Channels, outgoing_channels, start_incoming
from core.cli.context import AppContext, pass_app
from core.cli.demo_cmd import seed_demo
from core.cli.staff_account_cmd import ensure_demo_admin
from core.cli.try_console import TryConsole
from core.kitchen_sheet import KitchenSheetJob
from core.pipeline.serving import WorkLoop
from core.pipeline.wakeup import LOCAL_BELL, inbox_waiter
from core.pipeline.worker import Worker


@click.command("run")
@click.option("--as", "sender", help="Try-it console: write as this guardian (email or mobile number).")
@click.option("--check", is_flag=True, help="Prepare and report, then exit (nothing is served).")
@click.option(
    "--interval", default=1.0, show_default=True, help="Longest sleep when idle: a new message wakes the worker."
)
@pass_app
def run_command(app: AppContext, sender: str | None, check: bool, interval: float) -> None:
    """Start cantine: upgrade the database, seed the demo families (demo mode), then serve.

    Serves email (SMTP on the configured local port, 8025 by default; IMAP when configured) and the
    worker, which processes the inbox and delivers replies (printed on this terminal for channels
    without a configured relay). On a terminal, the try-it console lets you write as a demo guardian.
    Stop with Ctrl-C.
    """
    console = Console()
    app.upgrade_database()
    if app.settings.demo:
        console.print(seed_demo(app), highlight=False)
        console.print(ensure_demo_admin(app), highlight=False, markup=False)
    _report(app, console)
    if check:
        return
    stop = threading.Event()
    channels = outgoing_channels(app)
    for line in [*start_incoming(app, stop), *channels.report]:
        console.print(line, highlight=False, markup=False)
    serving = threading.Thread(target=_serve, args=(app, channels, stop, interval), name="worker", daemon=True)
    serving.start()
    console.print("Worker started: inbox → understanding → core → outbox.", highlight=False)
    try:
        if sys.stdin.isatty():
            TryConsole(app, console).loop(sender)
        else:
            serving.join()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        LOCAL_BELL.ring()  # wake the worker if it sleeps on this process's bell
        serving.join(timeout=5)
        console.print("stopped", highlight=False)


def _serve(app: AppContext, channels: Channels, stop: threading.Event, interval: float) -> None:
    worker = Worker(app.uow, app.canteens, app.clock)
    worker.warm_up()
    dispatcher = channels.dispatcher(app)
    kitchen = KitchenSheetJob(app.uow, app.canteens)  # the day sheet to each kitchen_email after the cut-off

    def between_batches() -> None:
        kitchen.run(app.now())
        dispatcher.deliver_due()

    WorkLoop(worker, inbox_waiter(app.engine), interval, between=between_batches).run(stop)


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
    console.print(
        "Try: cantine family show Dupont · cantine day --canteen montval · "
        'cantine simulate --from +41791234567 "annuler demain pour Basile"',
        highlight=False,
    )
