"""Finding the one household or child a staff member means on the command line."""

from __future__ import annotations

import click

from core.cli.context import AppContext
from core.model import Child, Household


def find_household(app: AppContext, text: str) -> Household:
    """The household whose name, guardian, child, address or number matches `text`; exactly one."""
    with app.uow() as uow:
        if text.isdigit():
            by_id = uow.households.get(int(text))
            if by_id is not None:
                return by_id
        matches = list(uow.households.search(text))
    exact = [h for h in matches if h.name.casefold() == text.casefold()]
    if len(exact) == 1:
        return exact[0]
    if not matches:
        raise click.ClickException(f"no household matches {text!r} (try `cantine family list`)")
    if len(matches) > 1:
        names = ", ".join(f"{h.name} (id {h.id})" for h in matches[:10])
        raise click.ClickException(f"{len(matches)} households match {text!r}: {names}; be more precise or give the id")
    return matches[0]


def find_child(app: AppContext, family: str, first_name: str | None) -> tuple[Household, Child]:
    """A child of the household matching `family`; the first name may be left out in one-child households."""
    household = find_household(app, family)
    if first_name is None:
        if len(household.children) == 1:
            return household, household.children[0]
        names = ", ".join(c.first_name for c in household.children)
        raise click.UsageError(f"{household.name} has several children ({names}): give --child")
    child = household.child_named(first_name)
    if child is None:
        names = ", ".join(c.first_name for c in household.children)
        raise click.ClickException(f"{household.name} has no child named {first_name!r} (children: {names})")
    return household, child
