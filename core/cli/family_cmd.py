"""`cantine family …`: import families from CSV, list them, show one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from core.cli.context import AppContext, pass_app
from core.cli.lookup import find_household
from core.families import FamilyImportError, import_families
from core.model import Household


@click.group("family")
def family_group() -> None:
    """Families: households, guardians and children."""


@family_group.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", help="Country for phone numbers without +prefix (default: the phone_region setting).")
@pass_app
def import_command(app: AppContext, csv_file: Path, region: str | None) -> None:
    """Import households from CSV_FILE (one row per child; all rows or none are imported).

    Columns: household, guardian1_name, guardian1_language, guardian1_email, guardian1_phone,
    guardian2_name, guardian2_language, guardian2_email, guardian2_phone, child, canteen, meal,
    allergy_note, opening_balance. Guardian and balance columns are filled on a household's first row.
    Several addresses or numbers are separated by ';'.
    """
    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{csv_file}: cannot be read as UTF-8 text: {error}") from None
    console = Console(stderr=True)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("importing", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            imported = import_families(
                text, app.uow, app.canteens, app.now(), region or app.settings.phone_region, on_progress=advance
            )
        except FamilyImportError as error:
            for problem in error.errors:
                console.print(f"[red]{csv_file}:{problem.line}[/red]: {problem.message}", highlight=False)
            raise click.ClickException(f"{len(error.errors)} error(s): nothing was imported") from None
    click.echo(f"imported {imported.households} household(s), {imported.children} child(ren)")


@family_group.command("list")
@pass_app
def list_command(app: AppContext) -> None:
    """List all households with their children and balance."""
    with app.uow() as uow:
        table = Table("id", "household", "guardians", "children", "balance")
        for household in uow.households.list():
            assert household.id is not None
            table.add_row(
                str(household.id),
                household.name,
                ", ".join(g.name for g in household.guardians),
                ", ".join(c.first_name for c in household.children),
                str(uow.ledger.balance(household.id)),
            )
    Console().print(table)


@family_group.command("show")
@click.argument("name")
@click.option("--days", default=14, show_default=True, help="How many days of reservations to show.")
@pass_app
def show_command(app: AppContext, name: str, days: int) -> None:
    """Show the household matching NAME (household, guardian, child name, email or phone)."""
    household = find_household(app, name)
    _print_household(app, household, days)


def _print_household(app: AppContext, household: Household, days: int) -> None:
    console = Console()
    assert household.id is not None
    today = app.now().date()
    with app.uow() as uow:
        balance = uow.ledger.balance(household.id)
        child_ids = [c.id for c in household.children if c.id is not None]
        reservations = uow.reservations.for_children(child_ids, today, today + timedelta(days=days))
    console.print(f"[bold]{household.name}[/bold] (household {household.id}) — balance {balance}", highlight=False)
    guardians = Table("guardian", "language", "email", "mobile", "telegram", title="Guardians")
    for guardian in household.guardians:
        guardians.add_row(
            guardian.name,
            guardian.language,
            ", ".join(guardian.emails),
            ", ".join(guardian.phones),
            "linked" if guardian.telegram_chat_id else "—",
        )
    console.print(guardians)
    children = Table("child", "canteen", "default meal", "allergy note", title="Children")
    for child in household.children:
        children.add_row(child.first_name, child.canteen_id, child.default_meal.value, child.allergy_note or "—")
    console.print(children)
    names = {c.id: c.first_name for c in household.children}
    booked = Table("day", "child", "meal", "price", title=f"Reservations from {today} ({days} days)")
    for reservation in reservations:
        booked.add_row(
            f"{reservation.day:%a %d.%m.%Y}",
            names.get(reservation.child_id, "?"),
            reservation.meal.value,
            str(reservation.price),
        )
    console.print(booked if reservations else "No reservations in that period.")
