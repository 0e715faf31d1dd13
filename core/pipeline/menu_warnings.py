"""Allergy warnings for a booking's confirmation: a booked child's allergy note against that day's dishes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from core.canteen import MealType
from core.commands import CommandResult, ReserveMeal
from core.menu_replies import allergy_warning_lines
from core.menus import AllergenWarning, allergy_warnings
from core.pipeline.context import IntakeContext


def booking_allergy_lines(ctx: IntakeContext, results: Sequence[CommandResult]) -> list[str]:
    """Lines for the confirmation: per child with an allergy note and reserved day whose meal declares it."""
    children = {child.id: child for child in ctx.registered.household.children if child.allergy_note.strip()}
    found: dict[tuple[str, date], list[AllergenWarning]] = {}
    for result in results:
        command = result.command
        if not result.done or not isinstance(command, ReserveMeal) or command.child_id not in children:
            continue
        child = children[command.child_id]
        meal = MealType(result.details.get("meal") or child.default_meal)
        menu = ctx.uow.menus.get_day(child.canteen_id, command.day)
        warnings = allergy_warnings(child.allergy_note, menu, meal)
        if warnings:
            found[(child.first_name, command.day)] = warnings
    return allergy_warning_lines(ctx.audience, found) if found else []
