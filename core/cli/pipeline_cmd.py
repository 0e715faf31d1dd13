"""`cantine simulate`, `cantine worker` and `cantine staff …`: the conversation pipeline from the command line."""

from __future__ import annotations

import getpass
import threading
import uuid
from datetime import date

import click
from rich.console import Console
from rich.table import Table

from core.canteen import MealType
from core.cli.channels import outgoing_channels
from core.cli.context import AppContext, pass_app
from core.cli.staff_account_cmd import ACCOUNT_COMMANDS
from core.kitchen_sheet import KitchenSheetJob
from core.messages import Channel, InboundMessage
from core.pipeline.console import ConsoleSender
from core.pipeline.delivery import Dispatcher
from core.pipeline.serving import WorkLoop
from core.pipeline.staff import BookingChange, StaffError, get_item, open_items, resolve
from core.pipeline.wakeup import inbox_waiter
from core.pipeline.worker import Worker, receive


def console_dispatcher(app: AppContext, sender: ConsoleSender | None = None) -> Dispatcher:
    """A dispatcher printing every channel's replies (until real channels are configured)."""
    printer = sender or ConsoleSender()
    senders = {channel.value: printer for channel in Channel}
    return Dispatcher(app.uow, senders, app.clock)


@click.command("simulate")
@click.option("--from", "sender", required=True, help="The sender: an email address, a +E.164 number or a chat id.")
@click.option("--channel", type=click.Choice(["sms", "email", "telegram"]), default="sms", show_default=True)
@click.option("--subject", help="Email subject.")
@click.option("--to", "recipient", help="The canteen address or number written to (matters for unknown senders).")
@click.argument("text")
@pass_app
def simulate_command(
    app: AppContext, sender: str, channel: str, subject: str | None, recipient: str | None, text: str
) -> None:
    """Send TEXT as if it came from SENDER: the whole road runs against the configured database.

    The message is stored in the inbox, routed (sender, understanding, core, reply) and the reply is
    printed by the console channel, with every routing decision.
    """
    now = app.now()
    message = InboundMessage(
        channel=channel,
        external_id=f"simulate-{uuid.uuid4()}",
        sender=sender,
        text=text,
        received_at=now,
        subject=subject,
    )
    inbox_id, _ = receive(message, app.uow())
    Worker(app.uow, app.canteens, app.clock).drain()
    console_dispatcher(app).deliver_due()
    with app.uow() as uow:
        stored = uow.inbox.get(inbox_id)
    assert stored is not None
    decided = [hit for hit in stored.hits if hit.matched]
    console = Console()
    console.print(f"message {inbox_id}: [bold]{stored.status.value}[/bold]", highlight=False)
    for hit in decided:
        console.print(f"  {hit.rule}: {hit.note}", highlight=False)


@click.command("worker")
@click.option("--once", is_flag=True, help="Process what is waiting, deliver the replies, and stop.")
@click.option(
    "--interval",
    default=1.0,
    show_default=True,
    help="Longest sleep when idle. On PostgreSQL a new message wakes the worker at once (LISTEN/NOTIFY); on "
    "SQLite only one stored by this process does, so a separate worker polls at this interval.",
)
@click.option("--no-delivery", is_flag=True, help="Only process the inbox: leave the outbox to another worker.")
@click.option("--limit", type=click.IntRange(min=1), help="Stop after processing this many messages.")
@pass_app
def worker_command(app: AppContext, once: bool, interval: float, no_delivery: bool, limit: int | None) -> None:
    """Process the inbox and deliver the outbox through the configured channels (printed where none is).

    Several workers may run at once on PostgreSQL; on SQLite, run one.
    """
    worker = Worker(app.uow, app.canteens, app.clock)
    waiting = worker.warm_up()
    if not once:
        click.echo(f"worker ready: {waiting} message(s) waiting")
    dispatcher = None if no_delivery else outgoing_channels(app).dispatcher(app)
    kitchen = KitchenSheetJob(app.uow, app.canteens)  # the day sheet to each kitchen_email after the cut-off

    def between_batches() -> None:
        kitchen.run(app.now())
        if dispatcher is not None:
            dispatcher.deliver_due()

    loop = WorkLoop(worker, inbox_waiter(app.engine), interval, between=between_batches)
    total = loop.run(threading.Event(), limit=limit, until_idle=once)
    click.echo(f"processed {total} message(s)")


@click.group("staff")
def staff_group() -> None:
    """Messages waiting for a person (list, show, resolve) and the staff console's accounts (add, passwd…)."""


for _account_command in ACCOUNT_COMMANDS:
    staff_group.add_command(_account_command)


@staff_group.command("list")
@pass_app
def staff_list_command(app: AppContext) -> None:
    """Open items, oldest first, with why each was handed to staff."""
    views = open_items(app.uow())
    if not views:
        click.echo("nothing waits for staff")
        return
    table = Table("item", "opened", "channel", "from", "family", "why", "message")
    for view in views:
        message = view.message.message
        table.add_row(
            str(view.item.id),
            f"{view.item.opened_at:%d.%m %H:%M}",
            message.channel,
            message.sender,
            view.household.name if view.household else "unknown",
            view.item.reason,
            " ".join(message.text.split())[:60],
        )
    Console().print(table)


@staff_group.command("show")
@click.argument("item_id", type=int)
@pass_app
def staff_show_command(app: AppContext, item_id: int) -> None:
    """One item: the message, every routing decision, the suggested reading and the follow-ups."""
    try:
        view = get_item(app.uow(), item_id)
    except StaffError as error:
        raise click.ClickException(str(error)) from None
    message = view.message.message
    console = Console()
    console.print(f"[bold]item {item_id}[/bold] ({view.item.status}) — {view.item.reason}", highlight=False)
    console.print(f"from {message.sender} by {message.channel}, {message.received_at:%d.%m.%Y %H:%M}", highlight=False)
    if message.subject:
        console.print(f"subject: {message.subject}", highlight=False)
    console.print(message.text, highlight=False, markup=False)
    console.print("[bold]decisions[/bold]")
    for hit in view.message.hits:
        console.print(f"  {'✔' if hit.matched else '·'} {hit.rule} {hit.note}", highlight=False, markup=False)
    for command in view.suggestion:
        console.print(f"suggested: {command['action']} {command['child']} {command['date']}", highlight=False)
    for follow_up in view.follow_ups:
        console.print(f"follow-up {follow_up.id}: {follow_up.message.text}", highlight=False, markup=False)


def _changes(action: str, values: tuple[str, ...]) -> list[BookingChange]:
    changes = []
    for value in values:
        parts = value.split(":")
        if len(parts) not in (2, 3):
            raise click.BadParameter(f"{value!r}: write CHILD:YYYY-MM-DD or CHILD:YYYY-MM-DD:MEAL")
        try:
            day = date.fromisoformat(parts[1])
            meal = MealType(parts[2]) if len(parts) == 3 else None
        except ValueError as error:
            raise click.BadParameter(f"{value!r}: {error}") from None
        changes.append(BookingChange(action, parts[0], day, meal))
    return changes


@staff_group.command("resolve")
@click.argument("item_id", type=int)
@click.option("--apply", "apply_suggestion", is_flag=True, help="Apply the suggested reading as it is.")
@click.option("--reserve", multiple=True, metavar="CHILD:DATE[:MEAL]", help="Book a meal (repeatable).")
@click.option("--cancel", multiple=True, metavar="CHILD:DATE", help="Cancel a meal (repeatable).")
@click.option("--reply", "reply_text", help="Your own reply, sent on the parent's channel.")
@click.option("--dismiss", "dismiss_reason", help="Close without action, giving the reason.")
@click.option("--override", is_flag=True, help="Ignore the cut-off for these changes.")
@pass_app
def staff_resolve_command(
    app: AppContext,
    item_id: int,
    apply_suggestion: bool,
    reserve: tuple[str, ...],
    cancel: tuple[str, ...],
    reply_text: str | None,
    dismiss_reason: str | None,
    override: bool,
) -> None:
    """Resolve an item: apply the suggestion or your own changes, reply, or dismiss; the parent is answered."""
    changes = _changes("reserve", reserve) + _changes("cancel", cancel)
    try:
        if apply_suggestion:
            changes = [BookingChange.from_json(c) for c in get_item(app.uow(), item_id).suggestion] + changes
        results = resolve(
            app.uow(),
            item_id,
            getpass.getuser(),
            app.now(),
            app.canteens,
            changes=changes,
            reply_text=reply_text,
            dismiss_reason=dismiss_reason,
            override=override,
        )
    except StaffError as error:
        raise click.ClickException(str(error)) from None
    done = sum(result.done for result in results)
    click.echo(f"item {item_id} resolved" + (f": {done}/{len(results)} change(s) applied" if results else ""))
    outgoing_channels(app).dispatcher(app).deliver_due()
