"""The printable weekly menu: A4 landscape, the canteen's name, one column per service weekday, allergens listed."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core import i18n
from core.calendar import ServiceCalendar
from core.canteen import Canteen, MealType
from core.menus import Dish, MenuDay

_BASE = ParagraphStyle("base", fontName="Helvetica", fontSize=9, leading=11)
_DISH = ParagraphStyle("dish", parent=_BASE, fontName="Helvetica-Bold")
_SMALL = ParagraphStyle("small", parent=_BASE, fontSize=7.5, leading=9, textColor=colors.HexColor("#444444"))
_HEAD = ParagraphStyle("head", parent=_BASE, fontName="Helvetica-Bold", fontSize=10, textColor=colors.white)
_TITLE = ParagraphStyle("title", parent=_BASE, fontName="Helvetica-Bold", fontSize=18, leading=22)
_SUBTITLE = ParagraphStyle("subtitle", parent=_BASE, fontSize=12, leading=15)
_GREEN = colors.HexColor("#2f6b3a")
_PALE = colors.HexColor("#eef5ef")


def week_days(canteen: Canteen, monday: date) -> list[date]:
    """The days of the week starting `monday` that fall on the canteen's service weekdays (closed ones included)."""
    return [monday + timedelta(days=n) for n in range(7) if n in canteen.service_weekdays]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _dish_cell(dishes: Sequence[Dish], language: str) -> list[Paragraph]:
    cell = []
    for dish in dishes:
        cell.append(Paragraph(escape(dish.name), _DISH))
        if dish.note:
            cell.append(Paragraph(f"<i>{escape(dish.note)}</i>", _SMALL))
        if dish.allergens:
            names = ", ".join(i18n.message(language, f"menus.allergen.{a.value}") for a in dish.sorted_allergens())
            cell.append(Paragraph(escape(i18n.message(language, "menus.contains", allergens=names)), _SMALL))
        cell.append(Spacer(1, 2 * mm))
    return cell


def menu_pdf(canteen: Canteen, monday: date, menus: Sequence[MenuDay], language: str, printed_on: date) -> bytes:
    """The week's menu as PDF bytes, in `language` (texts from the catalogs)."""
    calendar = ServiceCalendar(canteen)
    days = week_days(canteen, monday)
    by_day = {menu.day: menu for menu in menus if menu.canteen_id == canteen.id}
    meals = [meal for meal in MealType if any(menu.dishes_of(meal) for menu in by_day.values())] or [MealType.NORMAL]
    message = i18n.message

    header = [Paragraph("", _HEAD)] + [Paragraph(escape(_capital(i18n.day_label(d, language))), _HEAD) for d in days]
    rows: list[list[object]] = [header]
    for meal in meals:
        row: list[object] = [Paragraph(escape(message(language, f"menus.meal.{meal.value}")), _DISH)]
        for day in days:
            status = calendar.status(day)
            menu = by_day.get(day)
            if not status.served:
                closed = message(language, "menus.pdf.no_service")
                name = f" ({status.closure.name})" if status.closure else ""
                row.append(Paragraph(escape(closed + name), _SMALL))
            elif menu is None:
                row.append(Paragraph(escape(message(language, "menus.pdf.not_published")), _SMALL))
            else:
                row.append(_dish_cell(menu.dishes_of(meal), language))
        rows.append(row)
    notes = [by_day[d].note if d in by_day else "" for d in days]
    if any(notes):
        label = message(language, "menus.pdf.note")
        rows.append([Paragraph(escape(label), _DISH), *(Paragraph(escape(note), _SMALL) for note in notes)])

    page = landscape(A4)
    margin = 12 * mm
    first = 32 * mm
    width = (page[0] - 2 * margin - first) / max(len(days), 1)
    table = Table(rows, colWidths=[first] + [width] * len(days), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), _GREEN),
                ("BACKGROUND", (0, 1), (0, -1), _PALE),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9bb59f")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    end = days[-1] if days else monday
    contact = ", ".join(part for part in (canteen.email, canteen.phone) if part) or canteen.name
    story = [
        Paragraph(escape(canteen.name), _TITLE),
        Paragraph(
            escape(
                message(
                    language,
                    "menus.pdf.title",
                    start=i18n.day_label(monday, language),
                    end=i18n.day_label(end, language),
                )
            ),
            _SUBTITLE,
        ),
        Spacer(1, 5 * mm),
        table,
        Spacer(1, 5 * mm),
        Paragraph(escape(message(language, "menus.pdf.legend", contact=contact)), _SMALL),
        Paragraph(escape(message(language, "menus.pdf.printed", day=i18n.day_label(printed_on, language))), _SMALL),
    ]
    buffer = io.BytesIO()
    title = message(language, "menus.pdf.title", start=monday.isoformat(), end=end.isoformat())
    document = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author=canteen.name,
        invariant=1,  # the same bytes for the same menus: no creation date or random id inside
    )
    document.build(story)
    return buffer.getvalue()


def menu_pdf_filename(monday: date, language: str) -> str:
    """The attachment's file name: "menus-2026-11-30.pdf"."""
    return i18n.message(language, "menus.pdf.filename", start=monday.isoformat()) + ".pdf"


def text_document_pdf(canteen: Canteen, title: str, text: str) -> bytes:
    """A plain A4 document (the canteen's name, a title, one paragraph per line of `text`): demo documents."""
    story: list[object] = [
        Paragraph(escape(canteen.name), _SUBTITLE),
        Paragraph(escape(title), _TITLE),
        Spacer(1, 6 * mm),
    ]
    body = ParagraphStyle("body", parent=_BASE, fontSize=11, leading=15, spaceAfter=6)
    story += [Paragraph(escape(line.strip()), body) for line in text.splitlines() if line.strip()]
    buffer = io.BytesIO()
    margin = 20 * mm
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=title, author=canteen.name, invariant=1,
    )  # fmt: skip
    document.build(story)
    return buffer.getvalue()
