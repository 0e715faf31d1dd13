"""What happens when a rule matches: drop, hand to staff, ask, apply, answer, undo."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.canteen import MealType
from core.commands import CancelMeal, Command, CommandResult, ReserveMeal
from core.messages import AppliedRequest, MessageStatus, PendingQuestion, StaffItem
from core.model import Household, Source
from core.pipeline.context import IntakeContext
from core.pipeline.menu_warnings import booking_allergy_lines
from core.pipeline.undo import applied_command_json, reversing_commands
from core.services import execute_commands

if TYPE_CHECKING:
    from nlu.model import Interpretation


def drop(ctx: IntakeContext, note: str) -> MessageStatus:
    """Kept for the record, never answered."""
    return MessageStatus.DROPPED


def to_staff(ctx: IntakeContext, note: str, *, tell_parent: bool = True) -> MessageStatus:
    """Open a staff item holding this conversation; the parent is told a person will answer."""
    is_chat = ctx.channel != "email"
    ctx.uow.staff.open(
        StaffItem(
            inbound_id=ctx.message_id,
            reason=note,
            opened_at=ctx.now,
            thread_key=ctx.chat_key if is_chat else ctx.stored.message.external_id,
            hold_until=ctx.now + ctx.config.staff_hold if is_chat else None,
        )
    )
    if tell_parent:
        ctx.queue(ctx.composer.staff_handoff(ctx.audience))
    return MessageStatus.STAFF


def unknown_sender(ctx: IntakeContext, note: str) -> MessageStatus:
    """How to register, in the canteen's languages, at most once a day per sender; then staff."""
    today = ctx.now.astimezone(ctx.canteen.zone).date()
    if ctx.uow.conversations.notice_sent(ctx.sender, "unknown_sender", today):
        ctx.queue(ctx.composer.unknown_sender(ctx.canteen, short=ctx.channel == "sms"))
    return to_staff(ctx, note, tell_parent=False)


def unauthenticated(ctx: IntakeContext, note: str) -> MessageStatus:
    """Possibly not from the guardian: nothing applied, no reply to a possibly forged address."""
    return to_staff(ctx, note, tell_parent=False)


def rate_limited(ctx: IntakeContext, note: str) -> MessageStatus:
    today = ctx.now.astimezone(ctx.canteen.zone).date()
    tell = ctx.uow.conversations.notice_sent(ctx.sender, "rate_limited", today)
    if tell:
        ctx.queue(ctx.composer.rate_limited(ctx.audience))
    return to_staff(ctx, note, tell_parent=False)


def attach_to_staff(ctx: IntakeContext, note: str) -> MessageStatus:
    """A follow-up in a conversation a person holds joins it, unanswered by the machine."""
    item = ctx.holding_item
    if item is None or item.id is None:
        raise LookupError("no staff item holds this conversation")
    ctx.uow.staff.attach(item.id, ctx.message_id)
    return MessageStatus.STAFF


def _source(ctx: IntakeContext) -> Source:
    return Source(channel=ctx.channel, message_id=str(ctx.message_id))


def _names(household: Household) -> dict[int, str]:
    return {child.id: child.first_name for child in household.children if child.id is not None}


def _core_commands(ctx: IntakeContext, items: Sequence[Mapping[str, Any]]) -> list[Command]:
    """Interpretation commands (child names, ISO dates) as core commands on the household's children."""
    household = ctx.registered.household
    source = _source(ctx)
    commands: list[Command] = []
    for item in items:
        child = household.child_named(str(item["child"]))
        if child is None or child.id is None:
            continue
        day = item["date"]
        day = day if not isinstance(day, str) else datetime.fromisoformat(day).date()
        if item["action"] == "reserve":
            meal = MealType(item["meal"]) if item.get("meal") else None
            commands.append(ReserveMeal(child.id, day, source, meal))
        else:
            commands.append(CancelMeal(child.id, day, source))
    return commands


def apply_booking(ctx: IntakeContext, items: Sequence[Mapping[str, Any]]) -> MessageStatus:
    """Apply the commands in this transaction, remember them for undo, and answer with the results."""
    return _apply_and_answer(ctx, _core_commands(ctx, items))


def _apply_and_answer(ctx: IntakeContext, commands: Sequence[Command], remembered_from: int = 0) -> MessageStatus:
    """Apply a batch; the done commands from `remembered_from` on become the request "ANNULER" would undo."""
    sender = ctx.registered
    results = execute_commands(commands, ctx.uow, ctx.canteens, ctx.now)
    done = [applied_command_json(r.command, r.details.get("meal")) for r in results[remembered_from:] if r.done]
    if done:
        ctx.uow.conversations.record_applied(AppliedRequest(sender.guardian_id, ctx.message_id, ctx.now, tuple(done)))
    balance = ctx.uow.ledger.balance(sender.household_id)
    notes = booking_allergy_lines(ctx, results)
    reply = ctx.composer.booking(ctx.audience, results, _names(sender.household), ctx.now, balance, notes=notes)
    ctx.queue(reply, undo_button(ctx) if done else ())
    return MessageStatus.DONE


def undo_button(ctx: IntakeContext) -> list[tuple[str, str]]:
    """Chats: one button sending the undo keyword (understood in every language)."""
    from core import i18n

    return [(i18n.message(ctx.audience.language, "button.undo"), "UNDO")]


def option_buttons(labels: Sequence[str]) -> list[tuple[str, str]]:
    """Chats: one button per option, answering with the option as the question wrote it."""
    return [(label, label) for label in labels]


def undo_last(ctx: IntakeContext, note: str) -> MessageStatus:
    """Reverse the guardian's last applied request while the cut-offs allow."""
    sender = ctx.registered
    last = ctx.uow.conversations.last_applied(sender.guardian_id)
    results: list[CommandResult] = []
    if last is not None and last.id is not None and last.applied_at >= ctx.now - ctx.config.undo_window:
        results = execute_commands(reversing_commands(last.commands, _source(ctx)), ctx.uow, ctx.canteens, ctx.now)
        ctx.uow.conversations.mark_undone(last.id)
    balance = ctx.uow.ledger.balance(sender.household_id)
    ctx.queue(ctx.composer.undo(ctx.audience, results, _names(sender.household), ctx.now, balance))
    return MessageStatus.DONE


def correct_last(ctx: IntakeContext, note: str) -> MessageStatus:
    """Undo the last request and apply it to the day now named, in one batch, answered together."""
    last = ctx.last_applied
    corrected = ctx.correction
    if last is None or last.id is None or corrected is None:
        raise LookupError("nothing to correct")
    ctx.uow.conversations.mark_undone(last.id)
    reverse = reversing_commands(last.commands, _source(ctx))
    return _apply_and_answer(ctx, reverse + _core_commands(ctx, corrected), remembered_from=len(reverse))


def ask(ctx: IntakeContext, note: str, asked_before: int = 0) -> MessageStatus:
    """One precise question; the request waits for the answer (never more than the configured number)."""
    reading = ctx.interpretation
    sender = ctx.registered
    question = reading.question
    kind = question.kind if question else "generic"
    options = tuple(question.options) if question else ()
    pending = tuple(_pending_json(reading))
    labels = option_labels(ctx, kind, options)
    example = sender.household.children[0].first_name if sender.household.children else ""
    answerable = bool(pending and options)
    ctx.queue(
        ctx.composer.question(ctx.audience, kind, labels, example=example), option_buttons(labels) if answerable else ()
    )
    if answerable:
        ctx.uow.conversations.save_question(
            PendingQuestion(
                guardian_id=sender.guardian_id,
                channel=ctx.channel,
                inbound_id=ctx.message_id,
                asked_at=ctx.now,
                expires_at=ctx.now + ctx.config.question_ttl,
                kind=kind,
                options=options,
                pending=pending,
                intent=reading.intent,
                questions_asked=asked_before + 1,
            )
        )
    return MessageStatus.DONE


def _pending_json(reading: Interpretation) -> list[dict[str, Any]]:
    pending = getattr(reading, "pending", ())
    out: list[dict[str, Any]] = []
    for item in pending:
        data = item.to_json() if hasattr(item, "to_json") else dict(item)
        out.append(data)
    return out


def option_labels(ctx: IntakeContext, kind: str, options: Sequence[str]) -> list[str]:
    """Options as the parent reads them: dates as "mardi 24.11", names as they are."""
    from core import i18n

    if kind != "date":
        return list(options)
    labels = []
    for option in options:
        try:
            day = datetime.fromisoformat(option).date()
        except ValueError:
            labels.append(option)
            continue
        labels.append(i18n.day_label(day, ctx.audience.language))
    return labels
