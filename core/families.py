"""Importing families: validate every row, then store all households in one transaction, or none."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from core.canteen import Canteen
from core.family_import import ImportedHousehold, RowError, read_families
from core.households import validate_household
from core.model import DomainError, EntryKind, LedgerEntry, PaymentMethod, Source
from core.unit_of_work import AbstractUnitOfWork


class FamilyImportError(ValueError):
    """The file has errors; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


@dataclass(frozen=True)
class ImportSummary:
    """How much was imported."""

    households: int
    children: int


def import_families(
    text: str,
    uow_factory: Callable[[], AbstractUnitOfWork],
    canteens: Mapping[str, Canteen],
    now: datetime,
    phone_region: str,
    on_progress: Callable[[int, int], None] | None = None,
    source: Source | None = None,
) -> ImportSummary:
    """Validate and store the families of a CSV text; opening balances become cash top-ups."""
    parsed = read_families(text)
    errors = list(parsed.errors)
    for item in parsed.households:
        try:
            item.household = validate_household(item.household, set(canteens), phone_region)
        except DomainError as error:
            errors.append(RowError(item.line, f"household {item.household.name!r}: {error}"))
        if item.opening_balance is not None and (
            item.opening_balance < 0 or item.opening_balance != item.opening_balance.quantize(Decimal("0.01"))
        ):
            errors.append(RowError(item.line, "opening_balance must be positive with 2 decimals at most"))
    if not errors:
        errors.extend(_clashes_with_stored(parsed.households, uow_factory))
    if errors:
        raise FamilyImportError(sorted(errors, key=lambda e: e.line))
    origin = source or Source(channel="import")
    total = len(parsed.households)
    uow = uow_factory()
    with uow:
        for done, item in enumerate(parsed.households, start=1):
            stored = uow.households.add(item.household)
            if item.opening_balance and stored.id is not None:
                uow.ledger.add(
                    LedgerEntry(
                        household_id=stored.id,
                        kind=EntryKind.TOPUP,
                        amount=item.opening_balance,
                        at=now,
                        source=origin,
                        method=PaymentMethod.CASH,
                        memo="opening balance",
                    )
                )
            if on_progress is not None:
                on_progress(done, total)
        uow.commit()
    return ImportSummary(total, sum(len(item.household.children) for item in parsed.households))


def _clashes_with_stored(
    households: list[ImportedHousehold], uow_factory: Callable[[], AbstractUnitOfWork]
) -> list[RowError]:
    """Addresses and numbers already used by a stored guardian, or twice in the file."""
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    with uow_factory() as uow:
        for item in households:
            for guardian in item.household.guardians:
                for address in guardian.emails:
                    if uow.households.guardian_by_email(address) is not None:
                        errors.append(RowError(item.line, f"{address} already belongs to a stored guardian"))
                    elif seen.setdefault(address, item.line) != item.line:
                        errors.append(RowError(item.line, f"{address} is also on line {seen[address]}"))
                for number in guardian.phones:
                    if uow.households.guardian_by_phone(number) is not None:
                        errors.append(RowError(item.line, f"{number} already belongs to a stored guardian"))
                    elif seen.setdefault(number, item.line) != item.line:
                        errors.append(RowError(item.line, f"{number} is also on line {seen[number]}"))
    return errors
