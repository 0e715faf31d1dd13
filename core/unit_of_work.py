"""The unit of work and repository interfaces the services depend on (implementations live elsewhere)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Protocol, Self

from core.menu_store import DocumentRepository, MenuRepository
from core.messages import (
    AppliedRequest,
    Channel,
    InboundMessage,
    MessageStatus,
    OutgoingMessage,
    PendingQuestion,
    RuleHit,
    StaffItem,
    StoredMessage,
)
from core.model import Child, Guardian, Household, LedgerEntry, Reservation
from core.payments import BankPayment, BankPaymentStatus, OnlinePayment
from core.refunds import RefundRequest, RefundStatus
from core.staff_accounts import StaffAccount, StaffSession


class HouseholdRepository(Protocol):
    """Households with their guardians and children."""

    def add(self, household: Household) -> Household:
        """Store a new household; returns it with ids set on it, its guardians and children."""
        ...

    def get(self, household_id: int) -> Household | None: ...

    def update(self, household: Household) -> None:
        """Save changed fields of an existing household, its guardians and children (new ones are added)."""
        ...

    def child(self, child_id: int) -> Child | None: ...

    def list(self) -> Sequence[Household]: ...

    def search(self, text: str) -> Sequence[Household]:
        """Households whose name, a guardian's name/address or a child's first name contains `text`."""
        ...

    def guardian_by_email(self, address: str) -> Guardian | None:
        """Case-insensitive on the whole address."""
        ...

    def guardian_by_phone(self, e164: str) -> Guardian | None: ...

    def guardian_by_telegram(self, chat_id: str) -> Guardian | None: ...

    def children_of_canteen(self, canteen_id: str) -> Sequence[Child]: ...


class ReservationRepository(Protocol):
    """At most one reservation per child and day."""

    def get(self, child_id: int, day: date) -> Reservation | None: ...

    def add(self, reservation: Reservation) -> Reservation: ...

    def remove(self, child_id: int, day: date) -> None: ...

    def for_children(self, child_ids: Sequence[int], start: date, end: date) -> Sequence[Reservation]:
        """Reservations of these children from start to end, both included, ordered by day then child."""
        ...

    def for_day(self, canteen_id: str, day: date) -> Sequence[Reservation]: ...


class LedgerRepository(Protocol):
    """Append-only prepaid-account entries."""

    def add(self, entry: LedgerEntry) -> LedgerEntry: ...

    def get(self, entry_id: int) -> LedgerEntry | None: ...

    def balance(self, household_id: int) -> Decimal:
        """Sum of the household's entries (computed, never stored)."""
        ...

    def entries(self, household_id: int) -> Sequence[LedgerEntry]:
        """All entries of a household in the order they were made."""
        ...

    def by_reference(self, reference: str) -> LedgerEntry | None: ...

    def correction_of(self, entry_id: int) -> LedgerEntry | None: ...

    def meal_entries_on(self, canteen_id: str, day: date) -> Sequence[LedgerEntry]:
        """Entries about meals of this canteen's children on `day` (charges, credits), in the order made."""
        ...


class InboxRepository(Protocol):
    """Every message received, stored before the channel acknowledges it (unique on channel + external id)."""

    def store(self, message: InboundMessage) -> tuple[int, bool]:
        """Insert the message unless (channel, external id) is already stored; returns (id, newly stored)."""
        ...

    def claim_next(self) -> StoredMessage | None:
        """The oldest pending message, locked for this transaction (PostgreSQL: FOR UPDATE SKIP LOCKED)."""
        ...

    def get(self, message_id: int) -> StoredMessage | None: ...

    def finish(
        self,
        message_id: int,
        status: MessageStatus,
        hits: Sequence[RuleHit],
        processed_at: datetime,
        *,
        guardian_id: int | None = None,
        household_id: int | None = None,
        interpretation: Mapping[str, Any] | None = None,
    ) -> None:
        """Record the outcome; a finished message is never claimed again."""
        ...

    def count_from(self, channel: str, sender: str, since: datetime) -> int:
        """How many messages this sender sent on this channel since `since` (rate limit)."""
        ...

    def by_external_id(self, channel: str, external_id: str) -> StoredMessage | None: ...

    def pending_count(self) -> int: ...

    def of_household(self, household_id: int, limit: int) -> Sequence[StoredMessage]:
        """The household's latest `limit` messages (any channel, once identified), newest first."""
        ...


class OutboxRepository(Protocol):
    """Replies waiting to be delivered, written in the transaction that decided them."""

    def add(self, message: OutgoingMessage) -> OutgoingMessage: ...

    def claim_due(self, now: datetime, limit: int) -> Sequence[OutgoingMessage]:
        """Pending replies whose next attempt is due, locked for this transaction (SKIP LOCKED)."""
        ...

    def mark_sent(self, message_id: int, at: datetime, provider_id: str | None = None) -> None: ...

    def mark_retry(self, message_id: int, error: str, next_attempt_at: datetime, give_up: bool) -> None: ...

    def for_inbound(self, inbound_id: int) -> Sequence[OutgoingMessage]: ...

    def status(self, message_id: int) -> str: ...


class ConversationRepository(Protocol):
    """Open clarification questions and applied requests (for undo), per guardian."""

    def open_question(self, guardian_id: int, channel: str) -> PendingQuestion | None: ...

    def save_question(self, question: PendingQuestion) -> PendingQuestion: ...

    def close_question(self, question_id: int) -> None: ...

    def record_applied(self, request: AppliedRequest) -> AppliedRequest: ...

    def last_applied(self, guardian_id: int) -> AppliedRequest | None:
        """The guardian's latest applied request not yet undone."""
        ...

    def mark_undone(self, request_id: int) -> None: ...

    def notice_sent(self, sender: str, kind: str, day: date) -> bool:
        """Record a courtesy notice for (sender, kind, day); False when one was already recorded."""
        ...


class StaffRepository(Protocol):
    """Messages a person must handle."""

    def open(self, item: StaffItem) -> StaffItem: ...

    def get(self, item_id: int) -> StaffItem | None: ...

    def open_items(self) -> Sequence[StaffItem]:
        """Open items, oldest first."""
        ...

    def holding(self, thread_keys: Sequence[str], now: datetime) -> StaffItem | None:
        """An open item holding one of these conversations (email thread ids, or a chat within its hold)."""
        ...

    def attach(self, item_id: int, inbound_id: int) -> None: ...

    def resolve(self, item_id: int, by: str, at: datetime, resolution: str) -> None: ...


# Provider delivery statuses in the order they advance; the final ones (delivered, failed…) share the top rank.
DELIVERY_RANKS: dict[str, int] = {
    "accepted": 1, "scheduled": 1, "queued": 1, "sending": 2, "sent": 3,
    "delivered": 4, "read": 4, "undelivered": 4, "failed": 4, "canceled": 4,
}  # fmt: skip


def delivery_rank(status: str) -> int:
    """How far a provider status is along; an unknown status ranks lowest."""
    return DELIVERY_RANKS.get(status, 0)


class ChannelStateRepository(Protocol):
    """What the chat channels remember: SMS opt-outs, Telegram link tokens, provider delivery reports."""

    def opt_out(self, number: str, at: datetime) -> None:
        """No more SMS to this number (STOP); already opted out: unchanged."""
        ...

    def opt_in(self, number: str) -> None: ...

    def is_opted_out(self, number: str) -> bool: ...

    def add_link_token(self, token_hash: str, guardian_id: int, created_at: datetime, expires_at: datetime) -> None: ...

    def use_link_token(self, token_hash: str, chat_id: str, now: datetime) -> int | None:
        """The guardian of an unused, unexpired token, which is marked used by `chat_id`; else None."""
        ...

    def record_delivery(
        self, provider_id: str, channel: str, status: str, at: datetime, error_code: str | None = None
    ) -> str:
        """Record a provider status report, keeping the most advanced one; returns the status kept."""
        ...

    def delivery_status(self, provider_id: str) -> str | None: ...


class StaffAccountRepository(Protocol):
    """Staff console accounts, their login sessions (by token hash) and failed login attempts (by username)."""

    def add(self, account: StaffAccount) -> StaffAccount: ...

    def get(self, account_id: int) -> StaffAccount | None: ...

    def by_username(self, username: str) -> StaffAccount | None: ...

    def list(self) -> Sequence[StaffAccount]:
        """Every account, by username."""
        ...

    def update(self, account: StaffAccount) -> None:
        """Save the display name, role, password hash, language and active flag of a stored account."""
        ...

    def add_session(self, session: StaffSession) -> None: ...

    def session(self, token_hash: str) -> StaffSession | None: ...

    def end_session(self, token_hash: str) -> None: ...

    def end_sessions_of(self, account_id: int) -> None: ...

    def record_failure(self, username: str, at: datetime) -> None: ...

    def failures_since(self, username: str, since: datetime) -> Sequence[datetime]:
        """When the failed logins under this username happened, from `since` on."""
        ...

    def clear_failures(self, username: str) -> None: ...

    def prune(self, now: datetime, failures_before: datetime) -> None:
        """Forget sessions expired by `now` and failed logins older than `failures_before`."""
        ...


class MoneyRepository(Protocol):
    """Bank-file credits (stored once per AcctSvcrRef), refund requests and online-payment events."""

    def add_bank_payment(self, payment: BankPayment) -> BankPayment | None:
        """Store a credit unless its AcctSvcrRef is already stored (then None: it was booked before)."""
        ...

    def bank_payment(self, payment_id: int) -> BankPayment | None: ...

    def bank_payment_by_ref(self, acct_svcr_ref: str) -> BankPayment | None: ...

    def bank_payments(self, status: BankPaymentStatus | None = None) -> Sequence[BankPayment]:
        """Stored credits in the order imported, only those in `status` when given."""
        ...

    def update_bank_payment(self, payment: BankPayment) -> None:
        """Save the status, household, ledger entry and resolution of a stored credit."""
        ...

    def add_refund(self, request: RefundRequest) -> RefundRequest: ...

    def refund(self, request_id: int) -> RefundRequest | None: ...

    def refunds(self, status: RefundStatus | None = None, household_id: int | None = None) -> Sequence[RefundRequest]:
        """Requests in the order made, filtered by status and household when given."""
        ...

    def update_refund(self, request: RefundRequest) -> None:
        """Save the decision, booked entry and export time of a stored request."""
        ...

    def add_online_payment(self, payment: OnlinePayment) -> OnlinePayment | None:
        """Store a provider event unless (provider, event id) is already stored (then None: a replay)."""
        ...

    def online_payments(self, provider: str | None = None) -> Sequence[OnlinePayment]: ...

    def online_payment(self, payment_id: int) -> OnlinePayment | None: ...

    def update_online_payment(self, payment: OnlinePayment) -> None:
        """Save the status, household and ledger entry of a stored event (an unmatched one a person assigned)."""
        ...


@dataclass(frozen=True)
class ConversationState:
    """Where a sender's conversation stands: their latest question not closed on the channel (expired ones
    too), their latest request not undone, and the staff item holding one of the message's threads."""

    open_question: PendingQuestion | None = None
    last_applied: AppliedRequest | None = None
    holding: StaffItem | None = None


class AbstractUnitOfWork(ABC):
    """One transaction: `with uow: … uow.commit()`; leaving without commit rolls back."""

    households: HouseholdRepository
    reservations: ReservationRepository
    ledger: LedgerRepository
    inbox: InboxRepository
    outbox: OutboxRepository
    conversations: ConversationRepository
    staff: StaffRepository
    channels: ChannelStateRepository
    accounts: StaffAccountRepository
    menus: MenuRepository
    documents: DocumentRepository
    money: MoneyRepository

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.rollback()

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None: ...

    @abstractmethod
    def lock_household(self, household_id: int) -> None:
        """Serialise writers on one household's account until the transaction ends."""

    # Steps of a command that an implementation may do in fewer round trips (the defaults use the repositories).

    def lock_households_of_children(self, child_ids: Iterable[int]) -> None:
        """Lock the households of these children, as `lock_household` would in ascending household id order.

        Unknown children are skipped (their commands are refused later). A database may find the
        children and lock their households in one statement.
        """
        found = (self.households.child(child_id) for child_id in child_ids)
        for household_id in sorted({c.household_id for c in found if c is not None and c.household_id is not None}):
            self.lock_household(household_id)

    def add_reservation(self, reservation: Reservation, charge: LedgerEntry) -> tuple[Reservation, LedgerEntry]:
        """Store a reservation and the ledger entry that pays for it; both as stored (with their ids)."""
        return self.reservations.add(reservation), self.ledger.add(charge)

    def remove_reservation(self, child_id: int, day: date, credit: LedgerEntry) -> LedgerEntry:
        """Remove the reservation of `child_id` on `day` and add the entry crediting it back (as stored)."""
        self.reservations.remove(child_id, day)
        return self.ledger.add(credit)

    # Lookups of the message pipeline that an implementation may do in fewer round trips.

    def registered_sender(self, channel: str, sender: str) -> tuple[Guardian, Household] | None:
        """The guardian this address, number or chat belongs to, with their household; None when unknown.

        Email addresses are compared lower-cased; a sender on another channel than email, SMS and
        Telegram is looked up as an email address, then as a phone number. A database may find the
        guardian and the whole household in one query.
        """
        households, address = self.households, sender.strip()
        if channel == Channel.EMAIL:
            guardian = households.guardian_by_email(address.lower())
        elif channel == Channel.SMS:
            guardian = households.guardian_by_phone(address)
        elif channel == Channel.TELEGRAM:
            guardian = households.guardian_by_telegram(address)
        else:
            guardian = households.guardian_by_email(address.lower()) or households.guardian_by_phone(address)
        if guardian is None or guardian.household_id is None:
            return None
        household = households.get(guardian.household_id)
        return (guardian, household) if household is not None else None

    def sender_context(
        self, channel: str, sender: str, thread_keys: Sequence[str], now: datetime, recent_since: datetime
    ) -> tuple[Guardian, Household, ConversationState] | None:
        """`registered_sender` with, for a registered sender, their `conversation_state`; None when unknown.

        A database may read all of it in one query, and count the sender's messages since `recent_since`
        along (`InboxRepository.count_from(channel, sender, recent_since)` then answers from that count).
        """
        found = self.registered_sender(channel, sender)
        if found is None:
            return None
        guardian, household = found
        return guardian, household, self.conversation_state(guardian.id, channel, thread_keys, now)

    def conversation_state(
        self, guardian_id: int | None, channel: str, thread_keys: Sequence[str], now: datetime
    ) -> ConversationState:
        """The guardian's open question on `channel` and last applied request (none without a guardian),
        and the staff item holding one of `thread_keys` at `now`. A database may read them in one query."""
        conversations = self.conversations
        return ConversationState(
            open_question=conversations.open_question(guardian_id, channel) if guardian_id is not None else None,
            last_applied=conversations.last_applied(guardian_id) if guardian_id is not None else None,
            holding=self.staff.holding(thread_keys, now) if thread_keys else None,
        )
