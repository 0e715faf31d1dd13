"""`cantine statement` and `cantine qrbill`: a family's statement PDF, tax year or dates, and its QR-bill."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from core.canteen import Canteen
from core.cli.context import AppContext, pass_app
from core.cli.lookup import find_household
from core.i18n import LANGUAGES
from core.model import Household


def household_canteen(app: AppContext, household: Household) -> Canteen:
    """The canteen of the household's children (the only canteen when it has none)."""
    for child in household.children:
        if child.canteen_id in app.canteens:
            return app.canteens[child.canteen_id]
    return app.canteen(None)


def household_language(household: Household, canteen: Canteen, language: str | None) -> str:
    """The language asked, else the first guardian's, else the canteen's."""
    if language:
        return language
    return household.language(canteen.default_language)


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option) from None


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise click.ClickException(f"{path}: cannot be written: {error}") from None


LANGUAGE = click.option("--language", type=click.Choice(LANGUAGES), help="Default: the first guardian's language.")
OUTPUT = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="PDF file (default: a name in this folder)."
)


@click.command("statement")
@click.argument("family")
@click.option("--from", "start_text", metavar="YYYY-MM-DD", help="First day of the period.")
@click.option("--to", "end_text", metavar="YYYY-MM-DD", help="Last day of the period.")
@click.option("--year", type=int, help="A calendar year: the tax statement with the meals paid per child.")
@LANGUAGE
@OUTPUT
@pass_app
def statement_command(
    app: AppContext,
    family: str,
    start_text: str | None,
    end_text: str | None,
    year: int | None,
    language: str | None,
    output: Path | None,
) -> None:
    """Write FAMILY's statement PDF: every ledger operation between two dates (--from/--to) or of a --year."""
    from statements.ledger_report import StatementError, build_statement, tax_year_statement
    from statements.statement_pdf import filename, render_statement

    start, end = _day(start_text, "--from"), _day(end_text, "--to")
    if (year is None) == (start is None and end is None):
        raise click.UsageError("give either --year or --from and --to")
    household = find_household(app, family)
    assert household.id is not None
    canteen = household_canteen(app, household)
    language = household_language(household, canteen, language)
    today = app.now().astimezone(canteen.zone).date()
    with app.uow() as uow:
        entries = uow.ledger.entries(household.id)
    try:
        if year is not None:
            statement = tax_year_statement(household, entries, year, canteen.zone)
        else:
            statement = build_statement(household, entries, start or end or today, end or today, canteen.zone)
    except StatementError as error:
        raise click.UsageError(str(error)) from None
    path = output or Path(filename(statement, language))
    _write(path, render_statement(statement, canteen, language, today))
    click.echo(
        f"wrote {path}: {household.name}, {statement.start} to {statement.end}, {len(statement.lines)} operation(s), "
        f"opening {statement.opening}, closing {statement.closing}, meals paid {statement.meals_paid}"
    )


@click.command("qrbill")
@click.argument("family")
@click.option("--amount", help="Amount printed on the bill (default: left for the payer to fill in).")
@LANGUAGE
@OUTPUT
@pass_app
def qrbill_command(app: AppContext, family: str, amount: str | None, language: str | None, output: Path | None) -> None:
    """Write FAMILY's QR-bill PDF for topping up the meal account (permanent reference of the family)."""
    from core import i18n
    from statements.qrbill_pdf import TopUpError, qrbill_pdf, top_up

    value = None
    if amount is not None:
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise click.BadParameter(f"{amount!r} is not an amount", param_hint="--amount") from None
    household = find_household(app, family)
    assert household.id is not None
    canteen = household_canteen(app, household)
    language = household_language(household, canteen, language)
    try:
        details = top_up(canteen, household.id, household.name, value)
    except TopUpError as error:
        raise click.ClickException(str(error)) from None
    path = output or Path(i18n.message(language, "topup.filename"))
    _write(path, qrbill_pdf(details, language))
    click.echo(f"wrote {path}: {household.name}, IBAN {details.printed_iban}, reference {details.printed_reference}")
