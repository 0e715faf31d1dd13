"""Bank-file import: the credits of a camt file matched to households by reference, booked once each."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from core import ledger
from core.canteen import Canteen
from core.ledger import money
from core.model import PaymentMethod, Source
from core.money_services import notify_top_up
from core.payments import BankPayment, BankPaymentStatus
from core.unit_of_work import AbstractUnitOfWork
from statements.camt import Payment, parse_camt
from statements.qr_reference import household_of_reference

# Finds the household a payment reference stands for, inside the import's transaction (None: nobody).
ReferenceResolver = Callable[[AbstractUnitOfWork, str], int | None]


class LineOutcome(StrEnum):
    """What the import did with one credit."""

    BOOKED = "booked"  # matched and booked as a top-up
    ALREADY_BOOKED = "already_booked"  # its AcctSvcrRef was imported before (same or another file)
    UNMATCHED = "unmatched"  # kept for staff: no household for its reference (or another currency)


@dataclass(frozen=True)
class ImportLine:
    """One credit of the file and its outcome."""

    payment: Payment
    outcome: LineOutcome
    household_id: int | None = None
    note: str = ""  # why it is unmatched


@dataclass(frozen=True)
class ImportReport:
    """The outcome of importing one file, line by line in file order."""

    file: str
    kind: str
    message_id: str
    lines: tuple[ImportLine, ...]
    skipped: tuple[str, ...]

    def count(self, outcome: LineOutcome) -> int:
        return sum(1 for line in self.lines if line.outcome is outcome)


def canteen_resolver(canteens: Mapping[str, Canteen]) -> ReferenceResolver:
    """A resolver trying each canteen's reference scheme; the household must exist and belong to that canteen."""

    def resolve(uow: AbstractUnitOfWork, reference: str) -> int | None:
        for canteen in canteens.values():
            household_id = household_of_reference(canteen, reference)
            if household_id is None:
                continue
            household = uow.households.get(household_id)
            if household is not None and (
                not household.children or any(child.canteen_id == canteen.id for child in household.children)
            ):
                return household_id
        return None

    return resolve


def import_bank_file(
    uow: AbstractUnitOfWork,
    data: bytes,
    name: str,
    resolve: ReferenceResolver,
    now: datetime,
    currency: str = "CHF",
    canteens: Mapping[str, Canteen] | None = None,
) -> ImportReport:
    """Parse the file (CamtError before anything is stored), then import its credits in one transaction.

    With `canteens`, each family whose payment was booked is told (in the same transaction, by the outbox).
    """
    parsed = parse_camt(data, name)
    with uow:
        lines = import_payments(uow, parsed.payments, name, resolve, now, currency)
        if canteens:
            for line in lines:
                if line.outcome is LineOutcome.BOOKED and line.household_id is not None:
                    notify_top_up(uow, line.household_id, line.payment.amount, now, canteens)
        uow.commit()
    return ImportReport(name, parsed.kind, parsed.message_id, tuple(lines), parsed.skipped)


def import_payments(
    uow: AbstractUnitOfWork,
    payments: Sequence[Payment],
    source_file: str,
    resolve: ReferenceResolver,
    now: datetime,
    currency: str = "CHF",
) -> list[ImportLine]:
    """Store each credit once (unique AcctSvcrRef) and book the matched ones, in the caller's transaction.

    The households concerned are locked first, in ascending id order, and the credits are stored in
    AcctSvcrRef order: two imports of overlapping files wait for each other instead of deadlocking,
    and the second finds the credits already stored.
    """
    matches: dict[str, int | None] = {}
    notes: dict[str, str] = {}
    for payment in payments:
        household_id = None
        if payment.currency != currency:
            notes[payment.acct_svcr_ref] = f"currency {payment.currency}, not {currency}"
        elif not payment.reference:
            notes[payment.acct_svcr_ref] = "no reference"
        else:
            household_id = resolve(uow, payment.reference)
            if household_id is None:
                notes[payment.acct_svcr_ref] = f"no household has reference {payment.reference}"
        matches[payment.acct_svcr_ref] = household_id
    for household_id in sorted({h for h in matches.values() if h is not None}):
        uow.lock_household(household_id)
    outcomes: dict[int, ImportLine] = {}
    for index, payment in sorted(enumerate(payments), key=lambda item: item[1].acct_svcr_ref):
        outcomes[index] = _import_one(uow, payment, matches[payment.acct_svcr_ref], source_file, now, notes)
    return [outcomes[index] for index in range(len(payments))]


def _import_one(
    uow: AbstractUnitOfWork,
    payment: Payment,
    household_id: int | None,
    source_file: str,
    now: datetime,
    notes: Mapping[str, str],
) -> ImportLine:
    record = BankPayment(
        acct_svcr_ref=payment.acct_svcr_ref,
        amount=money(payment.amount),
        currency=payment.currency,
        reference=payment.reference,
        booked_on=payment.booked_on,
        debtor_name=payment.debtor_name[:140],
        source_file=source_file[-255:],
        imported_at=now,
        status=BankPaymentStatus.MATCHED if household_id is not None else BankPaymentStatus.UNMATCHED,
        household_id=household_id,
        message=payment.message,
    )
    stored = uow.money.add_bank_payment(record)
    if stored is None:
        earlier = uow.money.bank_payment_by_ref(payment.acct_svcr_ref)
        return ImportLine(payment, LineOutcome.ALREADY_BOOKED, earlier.household_id if earlier else None)
    if household_id is None:
        return ImportLine(payment, LineOutcome.UNMATCHED, None, notes.get(payment.acct_svcr_ref, ""))
    entry = uow.ledger.by_reference(payment.acct_svcr_ref)  # booked by hand before the file came
    if entry is None:
        memo = f"bank payment {payment.reference or ''} from {payment.debtor_name}".strip()
        entry = uow.ledger.add(
            ledger.top_up(
                household_id,
                record.amount,
                PaymentMethod.BANK_TRANSFER,
                now,
                Source("bank", message_id=payment.acct_svcr_ref),
                reference=payment.acct_svcr_ref,
                memo=memo,
            )
        )
    uow.money.update_bank_payment(replace(stored, ledger_entry_id=entry.id))
    return ImportLine(payment, LineOutcome.BOOKED, household_id)
