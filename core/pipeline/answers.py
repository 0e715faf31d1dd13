"""Answers to clear requests that are not bookings: one handler per intent, registered in ANSWERS.

A handler queues the reply (and does whatever the request asks, inside the message's transaction) and
returns the message's final status. Issues that automate an intent add their handler module's entries
to ANSWERS; an intent without a handler goes to staff (see rules.NeedsPerson).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from core.messages import MessageStatus
from core.pipeline.context import IntakeContext
from core.pipeline.menu_answers import answer_document, answer_menu
from core.pipeline.money_answers import answer_statement, answer_topup
from core.pipeline.refund_answers import answer_refund
from core.replies import Reply

AnswerHandler = Callable[[IntakeContext], MessageStatus]


def answer_balance(ctx: IntakeContext) -> MessageStatus:
    """The household's balance."""
    ctx.queue(ctx.composer.balance(ctx.audience, ctx.uow.ledger.balance(ctx.registered.household_id)))
    return MessageStatus.DONE


def answer_status(ctx: IntakeContext) -> MessageStatus:
    """What is booked for the period asked (today when none), for the children named (all when none)."""
    reading = ctx.interpretation
    start = reading.period.start if reading.period else None
    end = reading.period.end if reading.period else None
    ctx.queue(_status_reply(ctx, start, end, reading.children))
    return MessageStatus.DONE


def _status_reply(ctx: IntakeContext, start: date | None, end: date | None, names: tuple[str, ...]) -> Reply:
    household = ctx.registered.household
    today = ctx.now.astimezone(ctx.canteen.zone).date()
    start = start or today
    end = end or start
    wanted = {name.casefold() for name in names}
    children = [c for c in household.children if c.id is not None and (not wanted or c.first_name.casefold() in wanted)]
    booked: dict[date, list[str]] = {}
    by_id = {child.id: child.first_name for child in children}
    for reservation in ctx.uow.reservations.for_children([c.id for c in children if c.id], start, end):
        booked.setdefault(reservation.day, []).append(by_id[reservation.child_id])
    return ctx.composer.status(ctx.audience, start, end, booked)


def answer_help(ctx: IntakeContext) -> MessageStatus:
    """How to write to the canteen, with one of the household's children as the example."""
    household = ctx.registered.household
    example = household.children[0].first_name if household.children else ""
    ctx.queue(ctx.composer.help(ctx.audience, example))
    return MessageStatus.DONE


def answer_thanks(ctx: IntakeContext) -> MessageStatus:
    """Politeness needing no answer."""
    return MessageStatus.DONE


ANSWERS: Mapping[str, AnswerHandler] = {
    "balance": answer_balance,
    "status": answer_status,
    "help": answer_help,
    "thanks": answer_thanks,
    "menu": answer_menu,
    "document": answer_document,
    "statement": answer_statement,
    "topup": answer_topup,
    "refund": answer_refund,
}
