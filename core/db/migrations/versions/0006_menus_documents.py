"""Menus (dishes and allergens per day and meal type) and the canteen's documents.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Filled in with the tables of this revision."""


def downgrade() -> None:
    """Drops what upgrade() created."""
