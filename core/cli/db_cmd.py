"""`cantine db …`: database schema management."""

from __future__ import annotations

import click

from core.cli.context import AppContext, pass_app


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@pass_app
def upgrade_command(app: AppContext) -> None:
    """Create or upgrade the database schema to the latest version."""
    app.upgrade_database()
    click.echo(f"database up to date: {_safe_url(app.settings.database_url)}")


def _safe_url(url: str) -> str:
    """The URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
