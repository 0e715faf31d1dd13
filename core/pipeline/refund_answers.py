"""The answer to a refund request by message: the IBAN and amount checked, the request kept for a person to approve.

Nothing is paid by the machine: the reply says a person checks the request within 15 days (or explains
the IBAN problem, or that there is nothing to refund). No amount named means the whole available balance.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from core.messages import MessageStatus
from core.money_services import refund_requested_text, request_refund
from core.pipeline.context import IntakeContext


def _amount(asked: float | None) -> Decimal | None:
    if asked is None:
        return None
    try:
        return Decimal(str(asked))
    except InvalidOperation:  # pragma: no cover - the understanding layer gives finite numbers
        return None


def answer_refund(ctx: IntakeContext) -> MessageStatus:
    """Record the refund request for staff approval and tell the parent, in their language, what happens next."""
    reading = ctx.interpretation
    audience = ctx.audience
    if not reading.iban:
        ctx.queue(ctx.composer.question(audience, "iban"))
        return MessageStatus.DONE
    registered = ctx.registered
    outcome = request_refund(
        ctx.uow,
        registered.household_id,
        reading.iban,
        _amount(reading.amount),
        ctx.now,
        ctx.channel,
        inbound_id=ctx.message_id,
        account_holder=registered.guardian.name,
    )
    text = refund_requested_text(audience.language, outcome, ctx.canteen.currency)
    ctx.queue(ctx.composer.free_text(audience, text))
    return MessageStatus.DONE
