"""Answers about money: the statement of a period or tax year (PDF) and the QR-bill to top the account up.

By email the PDF is attached to the reply. By SMS or Telegram the PDF goes by email to the guardian's first
address and the chat reply says so; without an address the chat reply gives a short summary (statement)
or the IBAN and reference in text (top-up).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from core import i18n
from core.messages import Attachment, Channel, MessageStatus, OutgoingMessage
from core.pipeline.actions import to_staff
from core.pipeline.context import IntakeContext
from core.pipeline.notes import routing_note

if TYPE_CHECKING:  # the PDF libraries load on the first money question, not with every worker
    from statements.ledger_report import Statement
    from statements.qrbill_pdf import TopUp

PDF = "application/pdf"


def statement_period(ctx: IntakeContext) -> tuple[date, date]:
    """The period asked; without one, the current month up to today."""
    period = ctx.interpretation.period
    if period is not None:
        return period.start, period.end
    today = ctx.now.astimezone(ctx.canteen.zone).date()
    return today.replace(day=1), today


def household_statement(ctx: IntakeContext, start: date, end: date) -> Statement:
    """The household's statement, a tax-year one when the period is a whole calendar year."""
    from statements.ledger_report import build_statement, tax_year_statement

    registered = ctx.registered
    entries = ctx.uow.ledger.entries(registered.household_id)
    zone = ctx.canteen.zone
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return tax_year_statement(registered.household, entries, start.year, zone)
    return build_statement(registered.household, entries, min(start, end), max(start, end), zone)


def answer_statement(ctx: IntakeContext) -> MessageStatus:
    """The statement PDF of the period asked: attached by email, emailed (or summed up) on a chat channel."""
    from statements.statement_pdf import filename, render_statement, title

    audience = ctx.audience
    language = audience.language
    start, end = statement_period(ctx)
    statement = household_statement(ctx, start, end)
    heading = title(statement, language)
    today = ctx.now.astimezone(ctx.canteen.zone).date()
    pdf = Attachment(filename(statement, language), PDF, render_statement(statement, ctx.canteen, language, today))
    if ctx.channel == Channel.EMAIL:
        text = i18n.message(language, "statement.reply.attached", title=heading)
        ctx.queue(ctx.composer.free_text(audience, text), attachments=[pdf])
        return MessageStatus.DONE
    address = _email_address(ctx)
    if address is None:
        ctx.queue(ctx.composer.free_text(audience, _summary(statement, heading, language, ctx.canteen.currency)))
        return MessageStatus.DONE
    subject = i18n.message(language, "statement.email.subject", title=heading)
    body = i18n.message(language, "statement.reply.attached", title=heading)
    ctx.uow.outbox.add(_email(ctx, address, subject, body, pdf))
    ctx.queue(ctx.composer.free_text(audience, i18n.message(language, "statement.reply.emailed", title=heading,
                                                            address=address)))  # fmt: skip
    return MessageStatus.DONE


def answer_topup(ctx: IntakeContext) -> MessageStatus:
    """The family's QR-bill (with the amount asked, if any); a canteen without billing data hands over to staff."""
    from statements.qrbill_pdf import TopUpError, qrbill_pdf, top_up

    audience = ctx.audience
    language = audience.language
    registered = ctx.registered
    try:
        details = top_up(ctx.canteen, registered.household_id, registered.household.name, _amount(ctx))
    except TopUpError as error:
        return to_staff(ctx, routing_note("topup_failed", error=error))
    pdf = Attachment(i18n.message(language, "topup.filename"), PDF, qrbill_pdf(details, language))
    text = _topup_text(details, language, ctx.canteen.currency)
    if ctx.channel == Channel.EMAIL:
        lines = [i18n.message(language, "topup.reply.attached"), text]
        ctx.queue(ctx.composer.free_text(audience, "\n\n".join(lines)), attachments=[pdf])
        return MessageStatus.DONE
    address = _email_address(ctx)
    if address is not None:
        subject = i18n.message(language, "topup.email.subject")
        body = "\n\n".join([i18n.message(language, "topup.reply.attached"), text])
        ctx.uow.outbox.add(_email(ctx, address, subject, body, pdf))
        text = f"{text} {i18n.message(language, 'topup.reply.emailed', address=address)}"
    ctx.queue(ctx.composer.free_text(audience, text))
    return MessageStatus.DONE


def _amount(ctx: IntakeContext) -> Decimal | None:
    """The amount asked, when it is one a QR-bill can carry (else the payer fills it in)."""
    asked = ctx.interpretation.amount
    if asked is None:
        return None
    try:
        amount = Decimal(str(asked)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return amount if Decimal("0") < amount < Decimal("1000000") else None


def _topup_text(details: TopUp, language: str, currency: str) -> str:
    text = i18n.message(language, "topup.reply.details", iban=details.printed_iban, reference=details.printed_reference)
    if details.amount is not None:
        text += " " + i18n.message(
            language, "topup.reply.amount", amount=i18n.money(details.amount, currency, language)
        )
    return text


def _summary(statement: Statement, heading: str, language: str, currency: str) -> str:
    def amount(value: Decimal) -> str:
        return i18n.money(value, currency, language)

    totals = statement.totals
    summary = i18n.message(
        language,
        "statement.reply.summary",
        title=heading,
        opening=amount(statement.opening),
        meals=amount(-totals.meals_net),
        topups=amount(totals.topped_up),
        closing=amount(statement.closing),
    )
    return f"{summary} {i18n.message(language, 'statement.reply.no_email')}"


def _email_address(ctx: IntakeContext) -> str | None:
    emails = ctx.registered.guardian.emails
    return emails[0] if emails else None


def _email(ctx: IntakeContext, address: str, subject: str, text: str, attachment: Attachment) -> OutgoingMessage:
    """An email to the guardian carrying a PDF asked for on a chat channel."""
    audience = replace(ctx.audience, short=False, subject=None)
    body = ctx.composer.free_text(audience, text)
    return OutgoingMessage(
        channel=Channel.EMAIL,
        recipient=address,
        text=body.text,
        created_at=ctx.now,
        language=audience.language,
        subject=subject,
        reply_from=ctx.canteen.email or None,
        inbound_id=ctx.message_id,
        attachments=(attachment,),
    )


MONEY_ANSWERS = {"statement": answer_statement, "topup": answer_topup}
