"""Answers about menus ("menu demain ?", "menu de la semaine prochaine ?") and the canteen's documents."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from core import i18n
from core.calendar import ServiceCalendar
from core.canteen import MealType
from core.documents import Document, find_document
from core.menu_replies import document_list_lines, menu_lines
from core.menus import week_of
from core.messages import Attachment, Channel, MessageStatus, OutgoingMessage
from core.pipeline.actions import to_staff
from core.pipeline.context import IntakeContext
from core.pipeline.notes import routing_note
from core.replies import Reply

# Before this local time a question without a day is about today's menu, after it about the next service day.
TODAY_UNTIL = time(14, 0)
MAX_MENU_DAYS = 10  # service days answered at most (a message stays readable, an SMS short)


def default_menu_day(ctx: IntakeContext) -> date:
    """Today while it is a service day before TODAY_UNTIL, else the next service day (else today)."""
    local = ctx.now.astimezone(ctx.canteen.zone)
    calendar = ServiceCalendar(ctx.canteen)
    today = local.date()
    if calendar.is_service_day(today) and local.time() < TODAY_UNTIL:
        return today
    return calendar.next_service_day(today) or today


def answer_menu(ctx: IntakeContext) -> MessageStatus:
    """The menu of the day or period asked; by email, a week's question also gets the printable PDF."""
    reading = ctx.interpretation
    canteen = ctx.canteen
    if reading.period is not None:
        start, end = reading.period.start, reading.period.end
    else:
        start = end = default_menu_day(ctx)
    days = ServiceCalendar(canteen).service_days(start, end)
    if len(days) > MAX_MENU_DAYS:  # "le menu du mois": the first two weeks, the rest when asked
        end = days[MAX_MENU_DAYS - 1]
    menus = {menu.day: menu for menu in ctx.uow.menus.between(canteen.id, start, end)}
    household = ctx.registered.household
    meals = sorted({child.default_meal for child in household.children}, key=list(MealType).index) or [MealType.NORMAL]
    lines = menu_lines(ctx.audience, start, end, menus, meals)
    attachments: list[Attachment] = []
    if ctx.channel == Channel.EMAIL and (end - start).days >= 2 and menus:
        attachments.append(weekly_pdf_attachment(ctx, start))
        lines += ["", i18n.message(ctx.audience.language, "menus.pdf.attached")]
    ctx.queue(ctx.composer.free_text(ctx.audience, "\n".join(lines)), attachments=attachments)
    return MessageStatus.DONE


def weekly_pdf_attachment(ctx: IntakeContext, day: date) -> Attachment:
    """The printable menu of the week of `day`, in the parent's language."""
    from statements.menu_pdf import menu_pdf, menu_pdf_filename

    monday, sunday = week_of(day)
    language = ctx.audience.language
    menus = ctx.uow.menus.between(ctx.canteen.id, monday, sunday)
    today = ctx.now.astimezone(ctx.canteen.zone).date()
    data = menu_pdf(ctx.canteen, monday, menus, language, today)
    return Attachment(menu_pdf_filename(monday, language), "application/pdf", data)


def answer_document(ctx: IntakeContext) -> MessageStatus:
    """The document asked, attached to an email (by SMS/Telegram: emailed, and said so); vague: the list."""
    wanted = ctx.interpretation.document
    available = ctx.uow.documents.list(ctx.canteen.id)
    if not available:
        return to_staff(ctx, routing_note("no_document", document=wanted or "-"))
    listed = find_document(available, wanted)
    document = ctx.uow.documents.get(listed.id) if listed is not None and listed.id is not None else None
    audience = ctx.audience
    if document is None:
        ctx.queue(ctx.composer.free_text(audience, "\n".join(document_list_lines(audience, available, wanted))))
        return MessageStatus.DONE
    title = document.title(audience.language)
    attachment = Attachment(document.filename, document.content_type, document.data)
    if ctx.channel == Channel.EMAIL:
        text = i18n.message(audience.language, "documents.sent", title=title)
        ctx.queue(ctx.composer.free_text(audience, text), attachments=[attachment])
        return MessageStatus.DONE
    guardian = ctx.registered.guardian
    if not guardian.emails:
        ctx.queue(ctx.composer.free_text(audience, i18n.message(audience.language, "documents.no_email", title=title)))
        return MessageStatus.DONE
    address = guardian.emails[0]
    ctx.uow.outbox.add(_document_email(ctx, document, address, attachment))
    ctx.queue(
        ctx.composer.free_text(
            audience, i18n.message(audience.language, "documents.emailed", title=title, address=address)
        )
    )
    return MessageStatus.DONE


def _document_email(ctx: IntakeContext, document: Document, address: str, attachment: Attachment) -> OutgoingMessage:
    """An email to the guardian carrying the document asked for on a chat channel."""
    audience = replace(ctx.audience, short=False, subject=None)
    language = audience.language
    title = document.title(language)
    body: Reply = ctx.composer.free_text(audience, i18n.message(language, "documents.sent", title=title))
    return OutgoingMessage(
        channel=Channel.EMAIL,
        recipient=address,
        text=body.text,
        created_at=ctx.now,
        language=language,
        subject=i18n.message(language, "documents.email.subject", title=title),
        reply_from=ctx.canteen.email or None,
        inbound_id=ctx.message_id,
        attachments=(attachment,),
    )


MENU_ANSWERS = {"menu": answer_menu, "document": answer_document}
