"""Money services: top-ups booked once per reference, cash at the desk, refund requests and staff decisions.

Every function works inside the caller's open unit of work (the caller commits), locks the household
before reading its balance, and never edits a ledger entry: it only adds them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from core import i18n, ledger
from core.canteen import Canteen
from core.messages import Channel, OutgoingMessage
from core.model import DomainError, Household, LedgerEntry, PaymentMethod, Source
from core.payments import BankPayment, BankPaymentStatus, OnlinePayment, OnlinePaymentStatus, checkout_reference
from core.pipeline.addressing import audience_for, canteen_of, reply_to
from core.refunds import (
    IbanProblem,
    RefundProblem,
    RefundRequest,
    RefundStatus,
    approved,
    check_refund_iban,
    format_iban,
    refund_amount,
    refused,
)
from core.replies import Audience, Reply, ReplyComposer
from core.unit_of_work import AbstractUnitOfWork


class MoneyError(DomainError):
    """A money operation staff asked for that cannot be done (the text says why)."""


def book_top_up(
    uow: AbstractUnitOfWork,
    household_id: int,
    amount: Decimal,
    method: PaymentMethod,
    now: datetime,
    source: Source,
    reference: str | None = None,
    memo: str = "",
) -> LedgerEntry | None:
    """Add a top-up entry; None when an entry with `reference` is already booked (a reference counts once)."""
    if uow.households.get(household_id) is None:
        raise MoneyError(f"household {household_id} does not exist")
    uow.lock_household(household_id)
    if reference and uow.ledger.by_reference(reference) is not None:
        return None
    return uow.ledger.add(ledger.top_up(household_id, amount, method, now, source, reference=reference, memo=memo))


def record_cash(
    uow: AbstractUnitOfWork, household_id: int, amount: Decimal, now: datetime, staff_user: str, memo: str = ""
) -> LedgerEntry:
    """Cash received at the desk by `staff_user`: a top-up entry (its id numbers the receipt)."""
    entry = book_top_up(
        uow, household_id, amount, PaymentMethod.CASH, now, Source("staff", staff_user=staff_user), memo=memo
    )
    assert entry is not None  # no reference: never a duplicate
    return entry


def assign_bank_payment(
    uow: AbstractUnitOfWork,
    payment_id: int,
    household_id: int,
    staff_user: str,
    now: datetime,
    canteens: Mapping[str, Canteen] | None = None,
) -> BankPayment:
    """Book an unmatched bank credit for the household a person recognised (told when `canteens` are given)."""
    payment = uow.money.bank_payment(payment_id)
    if payment is None:
        raise MoneyError(f"bank payment {payment_id} does not exist")
    if payment.status is not BankPaymentStatus.UNMATCHED:
        raise MoneyError(f"bank payment {payment_id} is already {payment.status}")
    source = Source("bank", message_id=payment.acct_svcr_ref, staff_user=staff_user)
    memo = f"bank payment {payment.acct_svcr_ref} from {payment.debtor_name}".strip()
    entry = book_top_up(
        uow, household_id, payment.amount, PaymentMethod.BANK_TRANSFER, now, source, payment.acct_svcr_ref, memo
    )
    if entry is None:
        raise MoneyError(f"bank reference {payment.acct_svcr_ref} is already booked on the ledger")
    resolved = replace(
        payment,
        status=BankPaymentStatus.RESOLVED,
        household_id=household_id,
        ledger_entry_id=entry.id,
        resolved_by=staff_user,
        resolved_at=now,
    )
    uow.money.update_bank_payment(resolved)
    if canteens:
        notify_top_up(uow, household_id, payment.amount, now, canteens)
    return resolved


def assign_online_payment(
    uow: AbstractUnitOfWork,
    payment_id: int,
    household_id: int,
    staff_user: str,
    now: datetime,
    currency: str,
    canteens: Mapping[str, Canteen] | None = None,
) -> OnlinePayment:
    """Credit an unmatched online payment to the household a person recognised (told when `canteens` are given).

    Refused: a payment already credited, an amount of nothing, or a currency other than the ledger's.
    """
    payment = uow.money.online_payment(payment_id)
    if payment is None:
        raise MoneyError(f"online payment {payment_id} does not exist")
    if payment.status is not OnlinePaymentStatus.UNMATCHED:
        raise MoneyError(f"online payment {payment_id} is already {payment.status}")
    if payment.amount <= 0 or payment.currency != currency:
        raise MoneyError(
            f"online payment {payment_id} is {payment.amount} {payment.currency}: nothing to credit in {currency}"
        )
    if uow.households.get(household_id) is None:
        raise MoneyError(f"household {household_id} does not exist")
    uow.lock_household(household_id)
    source = Source("online", message_id=payment.event_id, staff_user=staff_user)
    reference = checkout_reference(payment.provider, payment.session_id)
    memo = f"{payment.provider} checkout {payment.session_id}"
    entry = book_top_up(uow, household_id, payment.amount, PaymentMethod.ONLINE, now, source, reference, memo)
    if entry is None:
        raise MoneyError(f"checkout {payment.session_id} is already booked on the ledger")
    credited = replace(
        payment, status=OnlinePaymentStatus.CREDITED, household_id=household_id, ledger_entry_id=entry.id
    )
    uow.money.update_online_payment(credited)
    if canteens:
        notify_top_up(uow, household_id, payment.amount, now, canteens)
    return credited


@dataclass(frozen=True)
class RefundOutcome:
    """What became of a refund request: stored, or the IBAN / amount problem that stopped it."""

    request: RefundRequest | None
    iban_problem: IbanProblem | None = None
    amount_problem: RefundProblem | None = None
    available: Decimal = Decimal("0.00")  # what could be refunded (balance less pending requests)
    balance: Decimal = Decimal("0.00")


def pending_refunds(uow: AbstractUnitOfWork, household_id: int) -> Decimal:
    """The total of the household's requests still waiting for a decision."""
    waiting = uow.money.refunds(RefundStatus.REQUESTED, household_id)
    return sum((request.amount for request in waiting), Decimal("0.00"))


def request_refund(
    uow: AbstractUnitOfWork,
    household_id: int,
    iban_text: str,
    amount: Decimal | None,
    now: datetime,
    source_channel: str,
    *,
    inbound_id: int | None = None,
    requested_by: str | None = None,
    account_holder: str = "",
) -> RefundOutcome:
    """Check the IBAN and the amount (none: all that is available) and record the request for staff approval."""
    household = uow.households.get(household_id)
    if household is None:
        raise MoneyError(f"household {household_id} does not exist")
    uow.lock_household(household_id)
    balance = ledger.money(uow.ledger.balance(household_id))
    check = check_refund_iban(iban_text)
    if check.problem is not None:
        return RefundOutcome(None, iban_problem=check.problem, balance=balance)
    wanted = refund_amount(amount, balance, pending_refunds(uow, household_id))
    if wanted.amount is None:
        return RefundOutcome(None, amount_problem=wanted.problem, available=wanted.available, balance=balance)
    assert check.iban is not None
    request = RefundRequest(
        household_id=household_id,
        iban=check.iban,
        amount=wanted.amount,
        requested_at=now,
        source_channel=source_channel,
        account_holder=account_holder or household.name,
        inbound_id=inbound_id,
        requested_by=requested_by,
    )
    return RefundOutcome(uow.money.add_refund(request), available=wanted.available, balance=balance)


def _open_request(uow: AbstractUnitOfWork, request_id: int) -> RefundRequest:
    request = uow.money.refund(request_id)
    if request is None:
        raise MoneyError(f"refund request {request_id} does not exist")
    if request.status is not RefundStatus.REQUESTED:
        raise MoneyError(f"refund request {request_id} is already {request.status}")
    return request


def approve_refund(
    uow: AbstractUnitOfWork, request_id: int, staff_user: str, now: datetime, canteens: Mapping[str, Canteen]
) -> RefundRequest:
    """A person approves: the refund is booked (never more than the balance) and the family is told."""
    request = _open_request(uow, request_id)
    uow.lock_household(request.household_id)
    balance = ledger.money(uow.ledger.balance(request.household_id))
    if request.amount > balance:
        raise MoneyError(
            f"refund request {request_id} asks {request.amount} but the balance is now {balance}: refuse it"
        )
    source = Source("staff", message_id=f"refund-{request_id}", staff_user=staff_user)
    entry = uow.ledger.add(
        ledger.refund(
            request.household_id, request.amount, now, source, iban=request.iban, memo=f"refund request {request_id}"
        )
    )
    assert entry.id is not None
    decided = approved(request, staff_user, now, entry.id)
    uow.money.update_refund(decided)
    notify_refund_decision(uow, decided, now, canteens)
    return decided


def refuse_refund(
    uow: AbstractUnitOfWork,
    request_id: int,
    staff_user: str,
    reason: str,
    now: datetime,
    canteens: Mapping[str, Canteen],
) -> RefundRequest:
    """A person refuses, with the reason the family is told; nothing is booked."""
    decided = refused(_open_request(uow, request_id), staff_user, now, reason)
    uow.money.update_refund(decided)
    notify_refund_decision(uow, decided, now, canteens)
    return decided


def refund_requested_text(language: str, outcome: RefundOutcome, currency: str) -> str:
    """The words answering a refund request: recorded (a person checks within 15 days), or the problem."""
    if outcome.iban_problem is not None:
        return i18n.message(language, f"money.iban.{outcome.iban_problem.value}")
    if outcome.amount_problem is not None:
        return i18n.message(
            language,
            f"money.refund.{outcome.amount_problem.value}",
            balance=i18n.money(outcome.balance, currency, language),
            available=i18n.money(outcome.available, currency, language),
        )
    assert outcome.request is not None
    request = outcome.request
    return i18n.message(
        language,
        "money.refund.requested",
        amount=i18n.money(request.amount, currency, language),
        iban=format_iban(request.iban),
    )


def _decision_text(language: str, request: RefundRequest, currency: str) -> str:
    params = {"amount": i18n.money(request.amount, currency, language), "iban": format_iban(request.iban)}
    if request.status is RefundStatus.APPROVED:
        return i18n.message(language, "money.refund.approved", **params)
    return i18n.message(language, "money.refund.refused", reason=request.reason, **params)


def notify_refund_decision(
    uow: AbstractUnitOfWork, request: RefundRequest, now: datetime, canteens: Mapping[str, Canteen]
) -> OutgoingMessage | None:
    """Tell the family of the decision: in reply to their message when they asked by one, else to a guardian."""
    household = uow.households.get(request.household_id)
    if household is None:  # pragma: no cover - the foreign key keeps the household
        return None
    canteen = canteen_of(household, canteens)
    composer = ReplyComposer()

    def compose(audience: Audience) -> Reply:
        return composer.free_text(audience, _decision_text(audience.language, request, canteen.currency))

    stored = uow.inbox.get(request.inbound_id) if request.inbound_id is not None else None
    outgoing: OutgoingMessage | None
    if stored is not None:
        guardian = next((g for g in household.guardians if g.id == stored.guardian_id), None)
        outgoing = reply_to(stored, compose(audience_for(stored, guardian, canteen)), now)
    else:
        outgoing = _to_household(household, canteen, now, compose)
    return uow.outbox.add(outgoing) if outgoing is not None else None


def notify_top_up(
    uow: AbstractUnitOfWork, household_id: int, amount: Decimal, now: datetime, canteens: Mapping[str, Canteen]
) -> OutgoingMessage | None:
    """Tell the family a payment reached its account, with the new balance, in the guardian's language."""
    household = uow.households.get(household_id)
    if household is None or not canteens:
        return None
    canteen = canteen_of(household, canteens)
    balance = ledger.money(uow.ledger.balance(household_id))

    def compose(audience: Audience) -> Reply:
        language = audience.language
        text = i18n.message(
            language,
            "money.topup.received",
            amount=i18n.money(ledger.money(amount), canteen.currency, language),
            balance=i18n.money(balance, canteen.currency, language),
        )
        return ReplyComposer().free_text(audience, text)

    outgoing = _to_household(household, canteen, now, compose)
    return uow.outbox.add(outgoing) if outgoing is not None else None


def _to_household(
    household: Household, canteen: Canteen, now: datetime, compose: Callable[[Audience], Reply]
) -> OutgoingMessage | None:
    """A message to the household's first reachable guardian: email, else SMS, else Telegram."""
    for guardian in household.guardians:
        if guardian.emails:
            channel, recipient = Channel.EMAIL, guardian.emails[0]
        elif guardian.phones:
            channel, recipient = Channel.SMS, guardian.phones[0]
        elif guardian.telegram_chat_id:
            channel, recipient = Channel.TELEGRAM, guardian.telegram_chat_id
        else:
            continue
        language = guardian.language if guardian.language in i18n.LANGUAGES else canteen.default_language
        first_name = guardian.name.split()[0] if guardian.name.strip() else None
        audience = Audience(language=language, canteen=canteen, short=channel == Channel.SMS, name=first_name)
        reply = compose(audience)
        return OutgoingMessage(
            channel=channel.value,
            recipient=recipient,
            text=reply.text,
            created_at=now,
            language=reply.language,
            subject=reply.subject if channel == Channel.EMAIL else None,
        )
    return None
