"""`cantine menu …` (import, show, copy, pdf) and `cantine document …` (add, list, remove): menus and documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from core.cli.context import AppContext, pass_app
from core.documents import DocumentKey, new_document
from core.menu_import import parse_menu_file
from core.menu_service import copy_previous_week, save_menus, shift_to_week, week_menus
from core.menus import menu_lines, week_of
from core.model import LANGUAGES, DomainError

_canteen_option = click.option("--canteen", "canteen_id", help="Canteen id (needed when there are several).")
_week_option = click.option("--week", help="Any day of the week (YYYY-MM-DD); default: this week.")


def _day(value: str | None, app: AppContext, canteen_id: str | None) -> date:
    if value is None:
        return app.now().astimezone(app.canteen(canteen_id).zone).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.group("menu")
def menu_group() -> None:
    """Menus: dishes and allergens per day and meal type."""


@menu_group.command("import")
@click.argument("menu_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_canteen_option
@click.option("--skip-errors", is_flag=True, help="Import the days without error (by default one error stops all).")
@click.option("--by", default="cli", show_default=True, help="Who entered these menus (kept with them).")
@pass_app
def import_command(app: AppContext, menu_file: Path, canteen_id: str | None, skip_errors: bool, by: str) -> None:
    """Import menus from MENU_FILE (.csv or .toml); each day found replaces the stored one.

    CSV columns: date (YYYY-MM-DD or DD.MM.YYYY), meal (normal, vegetarian, special; FR/EN/DE names
    accepted, empty = normal), dish, allergens (codes or FR/EN/DE names separated by ';' or ','), note,
    and optionally canteen. One row per dish; a row with a note and no dish is the day's note.
    TOML: [[day]] tables (date, note) with [[day.dish]] tables (meal, name, allergens = [...], note).
    Every row is checked; with errors nothing is imported, unless --skip-errors (days with an error are left out).
    """
    if canteen_id is not None:
        app.canteen(canteen_id)
    try:
        text = menu_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{menu_file}: cannot be read as UTF-8 text: {error}") from None
    result = parse_menu_file(menu_file.name, text, app.canteens, canteen_id)
    console = Console(stderr=True)
    for problem in result.errors:
        console.print(f"[red]{menu_file}[/red]: {problem}", highlight=False)
    if result.errors and not skip_errors:
        raise click.ClickException(f"{len(result.errors)} error(s): nothing was imported (see --skip-errors)")
    count = save_menus(app.uow(), result.days, app.now(), by)
    dishes = sum(len(menu.dishes) for menu in result.days)
    skipped = f", {len(result.skipped_days)} day(s) with errors left out" if result.skipped_days else ""
    click.echo(f"imported {count} day(s), {dishes} dish(es){skipped}")


@menu_group.command("show")
@_canteen_option
@_week_option
@pass_app
def show_command(app: AppContext, canteen_id: str | None, week: str | None) -> None:
    """Show the menus of one week."""
    canteen = app.canteen(canteen_id)
    monday, sunday = week_of(_day(week, app, canteen_id))
    menus = week_menus(app.uow, canteen.id, monday)
    if not menus:
        click.echo(f"{canteen.id}: no menu from {monday} to {sunday}")
        return
    table = Table("day", "menu", title=f"{canteen.name}: menus from {monday} to {sunday}")
    for menu in menus:
        table.add_row(f"{menu.day:%a %d.%m.%Y}", escape("\n".join(menu_lines(menu))))
    Console(width=200).print(table)


@menu_group.command("copy")
@_canteen_option
@_week_option
@click.option("--overwrite", is_flag=True, help="Also replace the days that already have a menu.")
@pass_app
def copy_command(app: AppContext, canteen_id: str | None, week: str | None, overwrite: bool) -> None:
    """Copy the previous week's menus onto the week (service days only)."""
    canteen = app.canteen(canteen_id)
    day = _day(week, app, canteen_id)
    written = copy_previous_week(app.uow(), canteen, day, app.now(), "cli", overwrite)
    click.echo(f"copied {len(written)} day(s): {', '.join(d.isoformat() for d in written) or 'none'}")


@menu_group.command("pdf")
@_canteen_option
@_week_option
@click.option("--language", type=click.Choice(LANGUAGES), help="Language (default: the canteen's first).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="PDF file.")
@pass_app
def pdf_command(app: AppContext, canteen_id: str | None, week: str | None, language: str | None, output: Path) -> None:
    """Write the printable menu of one week (A4, one column per service day) to a PDF file."""
    from statements.menu_pdf import menu_pdf

    canteen = app.canteen(canteen_id)
    monday, _ = week_of(_day(week, app, canteen_id))
    today = app.now().astimezone(canteen.zone).date()
    data = menu_pdf(
        canteen, monday, week_menus(app.uow, canteen.id, monday), language or canteen.default_language, today
    )
    output.write_bytes(data)
    click.echo(f"{output}: menus of the week of {monday} ({len(data)} bytes)")


@click.group("document")
def document_group() -> None:
    """The canteen's documents (rules, registration form, charter…) sent to parents who ask."""


@document_group.command("add")
@click.argument("pdf_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_canteen_option
@click.option("--key", type=click.Choice([k.value for k in DocumentKey]), required=True, help="What it is.")
@click.option("--title-fr", default="", help="Title in French.")
@click.option("--title-en", default="", help="Title in English.")
@click.option("--title-de", default="", help="Title in German.")
@click.option("--by", default="cli", show_default=True, help="Who uploaded it.")
@pass_app
def add_command(
    app: AppContext,
    pdf_file: Path,
    canteen_id: str | None,
    key: str,
    title_fr: str,
    title_en: str,
    title_de: str,
    by: str,
) -> None:
    """Add PDF_FILE; it replaces the canteen's previous document of that key (except 'other')."""
    canteen = app.canteen(canteen_id)
    titles = {"fr": title_fr, "en": title_en, "de": title_de}
    try:
        document = new_document(canteen.id, key, titles, pdf_file.name, pdf_file.read_bytes(), app.now(), by)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    with app.uow() as uow:
        stored = uow.documents.add(document)
        uow.commit()
    click.echo(
        f"document {stored.id} ({stored.key.value}) added to {canteen.id}: {stored.filename}, {stored.size} bytes"
    )


@document_group.command("list")
@_canteen_option
@pass_app
def list_command(app: AppContext, canteen_id: str | None) -> None:
    """List the canteen's documents."""
    canteen = app.canteen(canteen_id)
    with app.uow() as uow:
        documents = list(uow.documents.list(canteen.id))
    if not documents:
        click.echo(f"{canteen.id}: no document")
        return
    table = Table("id", "key", "titles", "file", "size", "uploaded", title=f"{canteen.name}: documents")
    for document in documents:
        titles = "\n".join(f"{lang}: {title}" for lang, title in document.titles.items())
        uploaded = f"{document.uploaded_at:%Y-%m-%d %H:%M} by {document.uploaded_by}"
        cells = (str(document.id), document.key.value, titles, document.filename, str(document.size), uploaded)
        table.add_row(*(escape(cell) for cell in cells))
    Console(width=200).print(table)


@document_group.command("remove")
@click.argument("document_id", type=int)
@pass_app
def remove_command(app: AppContext, document_id: int) -> None:
    """Remove a document by its id (see `cantine document list`)."""
    with app.uow() as uow:
        if uow.documents.get(document_id) is None:
            raise click.ClickException(f"no document {document_id}")
        uow.documents.remove(document_id)
        uow.commit()
    click.echo(f"document {document_id} removed")


def seed_demo_menus(app: AppContext) -> str:
    """Demo menus (config/demo/menus.csv moved to this week and the next ones) and demo documents as PDFs."""
    import tomllib

    from statements.menu_pdf import text_document_pdf

    folder = Path(app.settings.demo_families).parent
    path = folder / "menus.csv"
    if not path.exists():
        return "no demo menus"
    result = parse_menu_file(path.name, path.read_text(encoding="utf-8-sig"), app.canteens)
    if result.errors:
        raise click.ClickException(f"{path}: {result.errors[0]}")
    today = app.now().date()
    monday, _ = week_of(today)
    count = save_menus(app.uow(), shift_to_week(result.days, app.canteens, monday), app.now(), "demo")
    documents = 0
    documents_path = folder / "menus.documents.toml"
    if documents_path.exists():
        with app.uow() as uow:
            for item in tomllib.loads(documents_path.read_text(encoding="utf-8")).get("document", []):
                canteen = app.canteens.get(str(item.get("canteen")))
                if canteen is None:
                    continue
                titles = {lang: str(item.get(f"title_{lang}", "")) for lang in LANGUAGES}
                title = titles.get(canteen.default_language) or next(t for t in titles.values() if t)
                data = text_document_pdf(canteen, title, str(item.get("text", "")))
                filename = f"{item['key']}.pdf"
                uow.documents.add(new_document(canteen.id, str(item["key"]), titles, filename, data, app.now(), "demo"))
                documents += 1
            uow.commit()
    return f"{count} menu days and {documents} documents"
