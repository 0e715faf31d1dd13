"""What the routing rules and actions know about the message being processed, looked up once each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from core.canteen import Canteen
from core.messages import AppliedRequest, Attachment, Channel, PendingQuestion, RuleHit, StaffItem, StoredMessage
from core.model import Guardian, Household
from core.pipeline.addressing import audience_for, canteen_of, reply_to
from core.pipeline.config import PipelineConfig
from core.pipeline.undo import correction_text
from core.replies import Audience, Reply, ReplyComposer
from core.unit_of_work import AbstractUnitOfWork, ConversationState

if TYPE_CHECKING:
    from nlu.model import Interpretation


@dataclass(frozen=True)
class Registered:
    """The sender once identified: guardian and household, with their ids."""

    guardian: Guardian
    household: Household
    guardian_id: int
    household_id: int


@dataclass
class IntakeContext:
    """One message on its road, inside the worker's transaction."""

    stored: StoredMessage
    uow: AbstractUnitOfWork
    canteens: Mapping[str, Canteen]
    composer: ReplyComposer
    config: PipelineConfig
    now: datetime
    hits: list[RuleHit] = field(default_factory=list)

    @property
    def message_id(self) -> int:
        return self.stored.id

    @property
    def channel(self) -> str:
        return self.stored.message.channel

    @property
    def sender(self) -> str:
        return self.stored.message.sender

    @cached_property
    def _sender(self) -> tuple[Guardian, Household, ConversationState] | None:
        """Looked up once, with the conversation state and the count the rate limit needs (one query on SQL)."""
        since = self.now - self.config.rate_window  # the window `RateLimited` counts in
        return self.uow.sender_context(self.channel, self.sender, self.thread_keys, self.now, since)

    @cached_property
    def guardian(self) -> Guardian | None:
        """The guardian this address, number or chat belongs to."""
        found = self._sender
        return found[0] if found is not None else None

    @cached_property
    def household(self) -> Household | None:
        """The guardian's household, with its children (looked up with the guardian)."""
        found = self._sender
        return found[1] if found is not None and self.guardian is not None else None

    @property
    def registered(self) -> Registered:
        """The identified sender; only rules after `unknown_sender` use it (that rule stops the others)."""
        guardian, household = self.guardian, self.household
        if guardian is None or household is None or guardian.id is None or household.id is None:
            raise LookupError(f"{self.channel} {self.sender} is not a registered guardian")
        return Registered(guardian, household, guardian.id, household.id)

    @cached_property
    def canteen(self) -> Canteen:
        return canteen_of(self.household, self.canteens, self.stored.message.recipient)

    @cached_property
    def audience(self) -> Audience:
        return audience_for(self.stored, self.guardian, self.canteen)

    @cached_property
    def interpretation(self) -> Interpretation:
        """The understanding layer's reading of the message, in the canteen's time zone."""
        import nlu

        household = self.household
        children = tuple(child.first_name for child in household.children) if household else ()
        message = self.stored.message
        reading = nlu.Message(
            text=message.text,
            subject=message.subject,
            channel=message.channel if message.channel in ("email", "sms", "telegram") else "sms",
            at=message.received_at.astimezone(self.canteen.zone),
            children=children,
        )
        return nlu.parse(reading, self.canteen)

    @cached_property
    def conversation(self) -> ConversationState:
        """The sender's open question, last applied request and holding staff item, looked up together."""
        found = self._sender
        if found is not None:
            return found[2]
        return self.uow.conversation_state(None, self.channel, self.thread_keys, self.now)

    @cached_property
    def open_question(self) -> PendingQuestion | None:
        """The guardian's unanswered question on this channel, unless it has expired."""
        question = self.conversation.open_question
        if question is None or question.expires_at < self.now:
            return None
        return question

    @cached_property
    def last_applied(self) -> AppliedRequest | None:
        """The sender's last applied request, if recent enough to undo or correct."""
        last = self.conversation.last_applied
        if last is None or last.applied_at < self.now - self.config.undo_window:
            return None
        return last

    @cached_property
    def correction(self) -> list[dict[str, Any]] | None:
        """For "non, c'était mercredi": the last single-day request moved to the day now named, else None."""
        import nlu

        rest = correction_text(self.stored.message.text)
        if rest is None:
            return None
        last = self.last_applied
        if last is None or len({item["day"] for item in last.commands}) != 1:
            return None
        names = {c.id: c.first_name for c in self.registered.household.children}
        pending = tuple(
            dict.fromkeys(
                nlu.PendingCommand(item["action"], names.get(int(item["child_id"])), None, item.get("meal"))
                for item in last.commands
            )
        )
        today = self.now.astimezone(self.canteen.zone).date()
        options = tuple((today + timedelta(days=n)).isoformat() for n in range(28))
        reply = nlu.Message(text=rest, channel="sms", at=self.now.astimezone(self.canteen.zone))
        filled = nlu.answer(nlu.Question("date", options), pending, reply, canteen=self.canteen)
        if not filled or any(command.date.isoformat() == last.commands[0]["day"] for command in filled):
            return None
        return [command.to_json() for command in filled]

    @property
    def thread_keys(self) -> list[str]:
        """The conversations this message belongs to: its email thread, or the chat with this sender."""
        message = self.stored.message
        if self.channel == Channel.EMAIL:
            return list(message.thread_ids)
        return [self.chat_key]

    @property
    def chat_key(self) -> str:
        return f"{self.channel}:{self.sender}"

    @cached_property
    def holding_item(self) -> StaffItem | None:
        """The open staff item holding this conversation, if any."""
        return self.conversation.holding

    def already_known(self, name: str) -> Any:
        """A lazily looked-up value (interpretation, guardian, household) if it was needed, else None."""
        return self.__dict__.get(name)

    def record(self, rule: str, matched: bool, note: str = "") -> None:
        self.hits.append(RuleHit(rule, matched, note))

    def queue(
        self, reply: Reply, buttons: Sequence[tuple[str, str]] = (), *, attachments: Sequence[Attachment] = ()
    ) -> None:
        """Put a reply to the sender in the outbox, threaded when it is an email; chats show the buttons."""
        outgoing = reply_to(self.stored, reply, self.now)
        if buttons or attachments:
            outgoing = replace(outgoing, buttons=tuple(buttons), attachments=tuple(attachments))
        self.uow.outbox.add(outgoing)
