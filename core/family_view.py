"""What staff see of one family: its account with a running balance and its messages with their replies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core import ledger
from core.messages import OutgoingMessage, StoredMessage
from core.model import Household, LedgerEntry
from core.unit_of_work import AbstractUnitOfWork

MESSAGES_SHOWN = 30


@dataclass(frozen=True)
class AccountLine:
    """A ledger entry and the balance right after it."""

    entry: LedgerEntry
    balance: Decimal


@dataclass(frozen=True)
class Exchange:
    """A message received from the family and the replies written for it."""

    message: StoredMessage
    replies: Sequence[OutgoingMessage]


@dataclass(frozen=True)
class FamilyFile:
    """The household, its account (newest line first) and its latest messages (newest first)."""

    household: Household
    balance: Decimal
    account: Sequence[AccountLine]
    exchanges: Sequence[Exchange]


def account_lines(entries: Sequence[LedgerEntry]) -> list[AccountLine]:
    """Entries in the order made, each with the balance once it was booked; newest first."""
    lines: list[AccountLine] = []
    running = Decimal("0")
    for entry in entries:
        running += entry.amount
        lines.append(AccountLine(entry, ledger.money(running)))
    return lines[::-1]


def family_file(uow: AbstractUnitOfWork, household_id: int, messages: int = MESSAGES_SHOWN) -> FamilyFile | None:
    """Everything the family page shows except the week agenda; None for an unknown household."""
    with uow:
        household = uow.households.get(household_id)
        if household is None:
            return None
        lines = account_lines(uow.ledger.entries(household_id))
        exchanges = [
            Exchange(stored, uow.outbox.for_inbound(stored.id))
            for stored in uow.inbox.of_household(household_id, messages)
        ]
    balance = lines[0].balance if lines else ledger.money(Decimal("0"))
    return FamilyFile(household, balance, lines, exchanges)
