"""`cantine staff add / passwd / accounts`: the staff console's accounts from the command line."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.table import Table

from core.cli.context import AppContext, pass_app
from core.i18n import LANGUAGES
from core.staff_accounts import Role
from core.staff_login import AccountError, add_account, set_active, set_password

DEMO_ADMIN = "admin"
DEMO_ADMIN_PASSWORD = "cantine-demo"  # demo mode only: documented in README.md, never created outside demo mode


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.STAFF.value, show_default=True)
@click.option("--name", "display_name", default="", help="The name shown in the console (default: the username).")
@click.option("--language", type=click.Choice(LANGUAGES), default="fr", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@pass_app
def staff_add_command(
    app: AppContext, username: str, role: str, display_name: str, language: str, password_stdin: bool
) -> None:
    """Create a staff console account (asks for the password twice)."""
    password = _password(password_stdin)
    try:
        account = add_account(
            app.uow(), username, password, app.now(), role=Role(role), display_name=display_name, language=language
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"staff account {account.username} ({account.role.value}) created")


@click.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@pass_app
def staff_passwd_command(app: AppContext, username: str, password_stdin: bool) -> None:
    """Set a new password for an account (its open sessions end)."""
    try:
        set_password(app.uow(), username, _password(password_stdin))
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"password of {username} changed")


@click.command("deactivate")
@click.argument("username")
@click.option("--undo", is_flag=True, help="Reactivate the account instead.")
@pass_app
def staff_deactivate_command(app: AppContext, username: str, undo: bool) -> None:
    """Stop an account from logging in (its sessions end), or reactivate it with --undo."""
    try:
        set_active(app.uow(), username, undo)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{username} {'reactivated' if undo else 'deactivated'}")


@click.command("accounts")
@pass_app
def staff_accounts_command(app: AppContext) -> None:
    """The staff console's accounts."""
    with app.uow() as uow:
        accounts = list(uow.accounts.list())
    if not accounts:
        click.echo("no staff account yet: cantine staff add USERNAME --role admin")
        return
    table = Table("username", "name", "role", "language", "active", "created")
    for account in accounts:
        table.add_row(
            account.username,
            account.display_name,
            account.role.value,
            account.language,
            "yes" if account.active else "no",
            f"{account.created_at:%Y-%m-%d}",
        )
    Console().print(table)


def ensure_demo_admin(app: AppContext) -> str:
    """Demo mode: the `admin` account with the documented demo password, created once; a line saying so."""
    with app.uow() as uow:
        exists = uow.accounts.by_username(DEMO_ADMIN) is not None
    if not exists:
        add_account(app.uow(), DEMO_ADMIN, DEMO_ADMIN_PASSWORD, app.now(), role=Role.ADMIN, display_name="Admin (demo)")
    return f"staff console: /console on the web app — demo login {DEMO_ADMIN} / {DEMO_ADMIN_PASSWORD} (demo only)"


ACCOUNT_COMMANDS = (staff_add_command, staff_passwd_command, staff_deactivate_command, staff_accounts_command)
