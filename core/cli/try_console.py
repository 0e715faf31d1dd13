"""The try-it console: type a parent's message as a demo guardian and see the whole road answer it."""

from __future__ import annotations

import itertools

import click
from rich.console import Console

from core.cli.context import AppContext
from core.cli.pipeline_cmd import console_dispatcher
from core.messages import Channel, InboundMessage
from core.model import Guardian, Household
from core.pipeline.worker import Worker, receive


class TryConsole:
    """A read-send-print loop: each line goes through inbox, worker, core and outbox like a real SMS or email."""

    def __init__(self, app: AppContext, console: Console) -> None:
        self.app = app
        self.console = console
        self.counter = itertools.count(1)

    def loop(self, sender: str | None) -> None:
        guardian, household = self._choose(sender)
        channel, address = (Channel.SMS, guardian.phones[0]) if guardian.phones else (Channel.EMAIL, guardian.emails[0])
        names = ", ".join(c.first_name for c in household.children)
        self.console.print(
            f"Writing as [bold]{guardian.name}[/bold] ({household.name}: {names}) by {channel} from {address}. "
            "Type a message (empty line or Ctrl-D to quit).",
            highlight=False,
        )
        worker = Worker(self.app.uow, self.app.canteens, self.app.clock)
        dispatcher = console_dispatcher(self.app)
        while True:
            try:
                text = input("message> ").strip()
            except (EOFError, KeyboardInterrupt):
                break
            if not text:
                break
            message = InboundMessage(
                channel=channel,
                external_id=f"try-{self.app.now():%Y%m%d%H%M%S}-{next(self.counter)}",
                sender=address,
                text=text,
                received_at=self.app.now(),
            )
            receive(message, self.app.uow())
            worker.drain()
            dispatcher.deliver_due()

    def _choose(self, sender: str | None) -> tuple[Guardian, Household]:
        with self.app.uow() as uow:
            if sender:
                guardian = uow.households.guardian_by_email(sender.lower()) or uow.households.guardian_by_phone(sender)
                if guardian is None:
                    raise click.ClickException(f"no guardian with address or number {sender!r}")
            else:
                first = next(iter(uow.households.list()), None)
                if first is None:
                    raise click.ClickException("no family yet: run `cantine demo seed` or `cantine family import`")
                guardian = first.guardians[0]
            household = uow.households.get(guardian.household_id) if guardian.household_id else None
        if household is None:
            raise click.ClickException(f"{guardian.name} belongs to no household")
        return guardian, household
