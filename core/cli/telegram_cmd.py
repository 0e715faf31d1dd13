"""`cantine telegram link`: a one-time deep link that connects a guardian's Telegram chat to their family."""

from __future__ import annotations

import click

from core.cli.context import AppContext, pass_app
from core.cli.lookup import find_household
from core.model import Guardian


@click.group("telegram")
def telegram_group() -> None:
    """The Telegram bot: link guardians' chats."""


@telegram_group.command("link")
@click.argument("who")
@click.option("--days", default=7, show_default=True, help="Days before the link expires.")
@pass_app
def link_command(app: AppContext, who: str, days: int) -> None:
    """Print a one-time link for WHO (a guardian's email, or a family with one guardian, or `FAMILY:Name`)."""
    from datetime import timedelta

    from bot.linking import deep_link, new_link_token

    username = app.settings.telegram.bot_username
    if not username:
        raise click.ClickException("no [telegram] bot_username configured (CANTINE_TELEGRAM_BOT_USERNAME)")
    guardian = _guardian(app, who)
    assert guardian.id is not None
    with app.uow() as uow:
        token = new_link_token(uow, guardian.id, app.now(), timedelta(days=days))
        uow.commit()
    click.echo(f"{guardian.name}: {deep_link(username, token)}  (single use, valid {days} days)")


def _guardian(app: AppContext, who: str) -> Guardian:
    if "@" in who and ":" not in who:
        with app.uow() as uow:
            found = uow.households.guardian_by_email(who.strip().lower())
        if found is None:
            raise click.ClickException(f"no guardian with the address {who}")
        return found
    family, _, name = who.partition(":")
    household = find_household(app, family)
    guardians = [g for g in household.guardians if not name or name.casefold() in g.name.casefold()]
    if len(guardians) != 1:
        names = ", ".join(g.name for g in household.guardians)
        raise click.ClickException(f"{household.name} has guardians {names}: say {household.name}:Name, or an email")
    return guardians[0]
