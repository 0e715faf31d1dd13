"""Staff-side booking commands: book, cancel, balance, top-up and the kitchen's day list."""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

import click
from rich.console import Console
from rich.table import Table

from core.calendar import ServiceCalendar
from core.canteen import WEEKDAY_KEYS, MealType
from core.cli.context import AppContext, pass_app
from core.cli.lookup import find_child, find_household
from core.commands import CancelMeal, Command, CommandResult, RecordTopUp, ReserveMeal
from core.model import Child, PaymentMethod, Source
from core.services import apply_commands, day_sheet


def _staff_source() -> Source:
    return Source(channel="cli", staff_user=getpass.getuser())


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _parse_weekdays(value: str | None) -> frozenset[int] | None:
    if not value:
        return None
    names = [part.strip().lower()[:3] for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in WEEKDAY_KEYS]
    if unknown:
        raise click.BadParameter(f"unknown weekday(s) {', '.join(unknown)}; use {','.join(WEEKDAY_KEYS)}")
    return frozenset(WEEKDAY_KEYS.index(name) for name in names)


def _days(app: AppContext, child: Child, first: str, until: str | None, weekdays: str | None) -> list[date]:
    """One day, or a recurring pattern: the service days from FIRST to --until on --weekdays."""
    start = _parse_day(first)
    if until is None:
        if weekdays:
            raise click.UsageError("--weekdays needs --until")
        return [start]
    end = _parse_day(until)
    if end < start:
        raise click.UsageError(f"--until {end} is before {start}")
    calendar = ServiceCalendar(app.canteen(child.canteen_id))
    chosen = _parse_weekdays(weekdays)
    if chosen is None:
        return calendar.service_days(start, end)
    return calendar.service_days_on_weekdays(start, end, chosen)


def _print_results(results: Sequence[CommandResult], names: dict[int, str]) -> None:
    table = Table("child", "day", "action", "result", "why")
    balance = None
    for result in results:
        command = result.command
        assert isinstance(command, ReserveMeal | CancelMeal)
        action = "book" if isinstance(command, ReserveMeal) else "cancel"
        why = ""
        if result.refusal is not None:
            details = ", ".join(f"{k}={v}" for k, v in result.details.items())
            why = f"{result.refusal.value}" + (f" ({details})" if details else "")
        table.add_row(
            names.get(command.child_id, str(command.child_id)),
            f"{command.day:%a %d.%m.%Y}",
            action,
            "[green]done[/green]" if result.done else "[red]refused[/red]",
            why,
        )
        balance = result.balance_after if result.balance_after is not None else balance
    console = Console()
    console.print(table)
    if balance is not None:
        console.print(f"balance: {balance}")


_booking_options = [
    click.argument("family"),
    click.argument("day"),
    click.option("--child", help="First name (may be left out when the household has one child)."),
    click.option("--until", help="Last day (YYYY-MM-DD): every service day from DAY to this one."),
    click.option("--weekdays", help="With --until: only these weekdays, e.g. mon,thu."),
    click.option("--override", is_flag=True, help="Staff override of the cut-off (never of the balance)."),
]


def _with_booking_options(function: click.decorators.FC) -> click.decorators.FC:
    for option in reversed(_booking_options):
        function = option(function)
    return function


@click.command("book")
@_with_booking_options
@click.option("--meal", type=click.Choice([m.value for m in MealType]), help="Meal type (default: the child's).")
@pass_app
def book_command(
    app: AppContext,
    family: str,
    day: str,
    child: str | None,
    until: str | None,
    weekdays: str | None,
    override: bool,
    meal: str | None,
) -> None:
    """Book meals for a child of FAMILY on DAY (YYYY-MM-DD), or a recurring pattern with --until/--weekdays."""
    _, kid = find_child(app, family, child)
    assert kid.id is not None
    source = _staff_source()
    commands: list[Command] = [
        ReserveMeal(kid.id, d, source, MealType(meal) if meal else None, override)
        for d in _days(app, kid, day, until, weekdays)
    ]
    _print_results(apply_commands(commands, app.uow(), app.canteens, app.now()), {kid.id: kid.first_name})


@click.command("cancel")
@_with_booking_options
@pass_app
def cancel_command(
    app: AppContext, family: str, day: str, child: str | None, until: str | None, weekdays: str | None, override: bool
) -> None:
    """Cancel meals of a child of FAMILY on DAY (YYYY-MM-DD), or a recurring pattern with --until/--weekdays."""
    _, kid = find_child(app, family, child)
    assert kid.id is not None
    source = _staff_source()
    commands: list[Command] = [CancelMeal(kid.id, d, source, override) for d in _days(app, kid, day, until, weekdays)]
    if not commands:
        raise click.ClickException("no service day in that period")
    _print_results(apply_commands(commands, app.uow(), app.canteens, app.now()), {kid.id: kid.first_name})


@click.command("balance")
@click.argument("family")
@pass_app
def balance_command(app: AppContext, family: str) -> None:
    """Show the prepaid balance of FAMILY and its last operations."""
    household = find_household(app, family)
    assert household.id is not None
    names = {c.id: c.first_name for c in household.children}
    zone = app.canteen(household.children[0].canteen_id).zone if household.children else None
    with app.uow() as uow:
        balance = uow.ledger.balance(household.id)
        entries = list(uow.ledger.entries(household.id))[-15:]
    table = Table("when", "operation", "child", "day", "amount", "source", title=f"{household.name}: last operations")
    for entry in entries:
        table.add_row(
            f"{entry.at.astimezone(zone):%d.%m.%Y %H:%M}",
            entry.kind.value,
            names.get(entry.child_id, "") if entry.child_id else "",
            f"{entry.day:%d.%m.%Y}" if entry.day else "",
            str(entry.amount),
            entry.source.describe(),
        )
    console = Console()
    console.print(table)
    console.print(f"[bold]balance: {balance}[/bold]")


@click.command("topup")
@click.argument("family")
@click.argument("amount")
@click.option(
    "--method", type=click.Choice([m.value for m in PaymentMethod]), default=PaymentMethod.CASH.value, show_default=True
)
@click.option("--reference", help="The bank's reference, so the same payment is never booked twice.")
@pass_app
def topup_command(app: AppContext, family: str, amount: str, method: str, reference: str | None) -> None:
    """Record money received for FAMILY (AMOUNT such as 50 or 50.00)."""
    household = find_household(app, family)
    assert household.id is not None
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise click.BadParameter(f"{amount!r} is not an amount") from None
    command = RecordTopUp(household.id, value, PaymentMethod(method), _staff_source(), reference)
    [result] = apply_commands([command], app.uow(), app.canteens, app.now())
    if not result.done:
        assert result.refusal is not None
        raise click.ClickException(f"refused: {result.refusal.value} {dict(result.details)}")
    click.echo(f"recorded {value} for {household.name}; balance {result.balance_after}")


@click.command("day")
@click.argument("day", required=False)
@click.option("--canteen", "canteen_id", help="Canteen id (needed when there are several).")
@pass_app
def day_command(app: AppContext, day: str | None, canteen_id: str | None) -> None:
    """The kitchen's list for DAY (default: today): meals by type and children with allergy notes."""
    canteen = app.canteen(canteen_id)
    when = _parse_day(day) if day else app.now().astimezone(canteen.zone).date()
    status = ServiceCalendar(canteen).status(when)
    console = Console()
    title = f"{canteen.name} — {when:%A %d.%m.%Y}"
    if not status.served:
        why = status.closure.name if status.closure else (status.reason.value if status.reason else "")
        console.print(f"{title}: no service ({why})")
        return
    sheet = day_sheet(app.uow(), canteen, when)
    counts = Table("meal", "count", title=title)
    for meal in MealType:
        counts.add_row(meal.value, str(sheet.counts.get(meal, 0)))
    counts.add_row("[bold]total[/bold]", f"[bold]{sum(sheet.counts.values())}[/bold]")
    console.print(counts)
    allergies = Table("child", "household", "meal", "allergy note", title="Allergy notes")
    for line in sheet.lines:
        if line.allergy_note:
            allergies.add_row(line.child.first_name, line.household.name, line.meal.value, line.allergy_note)
    console.print(allergies if allergies.row_count else "No allergy notes among the children booked.")
