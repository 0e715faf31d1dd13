"""The `cantine` command: one group, a sub-command per task, `--help` on each."""

from __future__ import annotations

import click

from core.cli.bank_cmd import bank_group, payments_group, refunds_group
from core.cli.booking_cmd import balance_command, book_command, cancel_command, day_command, topup_command
from core.cli.context import AppContext
from core.cli.db_cmd import db_group
from core.cli.demo_cmd import demo_group
from core.cli.family_cmd import family_group
from core.cli.menu_cmd import document_group, menu_group
from core.cli.pipeline_cmd import simulate_command, staff_group, worker_command
from core.cli.run_cmd import run_command
from core.cli.statement_cmd import qrbill_command, statement_command
from core.cli.telegram_cmd import telegram_group
from nlu.cli import nlu_group


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    envvar="CANTINE_CONFIG",
    help="Settings file (default: config/cantine.toml when present; env CANTINE_CONFIG).",
)
@click.version_option(package_name="cantine")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None) -> None:
    """cantine: school-canteen meals booked and cancelled by email, SMS and Telegram.

    Settings come from config/cantine.toml (see config/cantine.example.toml) and CANTINE_*
    environment variables; the embedded default is a SQLite file in var/.
    """
    ctx.obj = AppContext(config_file=config_file)


for command in (
    db_group,
    demo_group,
    family_group,
    book_command,
    cancel_command,
    balance_command,
    topup_command,
    day_command,
    run_command,
    simulate_command,
    worker_command,
    staff_group,
    nlu_group,
    telegram_group,
    bank_group,
    refunds_group,
    payments_group,
    menu_group,
    document_group,
    statement_command,
    qrbill_command,
):
    cli.add_command(command)
