"""The try-it console: type a parent's message, see how it is understood and what the core does."""

from __future__ import annotations

from collections.abc import Sequence

import click
from rich.console import Console
from rich.table import Table

from core.cli.context import AppContext
from core.commands import CancelMeal, Command, CommandResult, ReserveMeal
from core.model import Guardian, Household, Source


class TryConsole:
    """A read-apply-print loop acting as one guardian (demo mode)."""

    def __init__(self, app: AppContext, console: Console) -> None:
        self.app = app
        self.console = console
        self.counter = 0

    def loop(self, sender: str | None) -> None:
        guardian, household = self._choose(sender)
        names = ", ".join(c.first_name for c in household.children)
        self.console.print(
            f"Writing as [bold]{guardian.name}[/bold] ({household.name}: {names}). "
            "Type a message (empty line or Ctrl-D to quit).",
            highlight=False,
        )
        while True:
            try:
                text = input("message> ").strip()
            except (EOFError, KeyboardInterrupt):
                break
            if not text:
                break
            self.handle(household, text)

    def _choose(self, sender: str | None) -> tuple[Guardian, Household]:
        with self.app.uow() as uow:
            if sender:
                guardian = uow.households.guardian_by_email(sender) or uow.households.guardian_by_phone(sender)
                if guardian is None:
                    raise click.ClickException(f"no guardian with address or number {sender!r}")
            else:
                first = next(iter(uow.households.list()), None)
                if first is None:
                    raise click.ClickException("no family yet: run `cantine demo seed` or `cantine family import`")
                guardian = first.guardians[0]
            assert guardian.household_id is not None
            household = uow.households.get(guardian.household_id)
        assert household is not None
        return guardian, household

    def handle(self, household: Household, text: str) -> None:
        import nlu

        assert household.id is not None
        canteen = self.app.canteen(household.children[0].canteen_id)
        now = self.app.now()
        message = nlu.Message(
            text=text,
            subject=None,
            channel="sms",
            at=now.astimezone(canteen.zone),
            children=tuple(c.first_name for c in household.children),
        )
        reading = nlu.parse(message, canteen)
        self.console.print(
            f"understood: intent [bold]{reading.intent}[/bold], route [bold]{reading.route}[/bold]"
            + (f" — {reading.reason}" if reading.reason else ""),
            highlight=False,
        )
        if reading.route != "auto":
            return
        self.counter += 1
        source = Source(channel="demo", message_id=f"try-{now:%Y%m%d%H%M%S}-{self.counter}")
        children = {c.first_name: c for c in household.children}
        commands: list[Command] = []
        for item in reading.commands:
            child = children[item.child]
            assert child.id is not None
            if item.action == "reserve":
                meal = None if item.meal is None else type(child.default_meal)(item.meal)
                commands.append(ReserveMeal(child.id, item.date, source, meal))
            else:
                commands.append(CancelMeal(child.id, item.date, source))
        if commands:
            from core.services import apply_commands

            self._print(
                apply_commands(commands, self.app.uow(), self.app.canteens, now),
                {c.id: c.first_name for c in household.children if c.id is not None},
            )
        elif reading.intent == "balance":
            with self.app.uow() as uow:
                self.console.print(f"balance: {uow.ledger.balance(household.id)}")

    def _print(self, results: Sequence[CommandResult], names: dict[int, str]) -> None:
        table = Table("child", "day", "action", "result")
        for result in results:
            command = result.command
            assert isinstance(command, ReserveMeal | CancelMeal)
            verdict = "done" if result.done else f"refused: {result.refusal}"
            table.add_row(
                names[command.child_id],
                f"{command.day:%a %d.%m}",
                "book" if isinstance(command, ReserveMeal) else "cancel",
                verdict,
            )
        self.console.print(table)
        last = results[-1].balance_after if results else None
        if last is not None:
            self.console.print(f"balance: {last}")
