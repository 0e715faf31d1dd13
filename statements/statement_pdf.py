"""The statement as an A4 PDF (reportlab, core Helvetica): canteen header, every operation, totals, meals per child."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core import i18n
from core.canteen import Canteen
from core.model import EntryKind
from statements.ledger_report import Statement, StatementLine

_BASE = ParagraphStyle("statement", fontName="Helvetica", fontSize=9, leading=11)
_TITLE = ParagraphStyle("statement-title", parent=_BASE, fontName="Helvetica-Bold", fontSize=15, leading=19)
_HEADING = ParagraphStyle("statement-heading", parent=_BASE, fontName="Helvetica-Bold", fontSize=11, leading=14)
_NOTE = ParagraphStyle("statement-note", parent=_BASE, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
_INK = colors.HexColor("#1f3d5a")
_PALE = colors.HexColor("#eef2f6")
_MARGIN = 18 * mm
_TOP = 42 * mm  # room for the header drawn on every page
_COLUMNS = (24 * mm, 96 * mm, 27 * mm, 27 * mm)


@lru_cache(maxsize=4096)
def day_text(day: date, language: str) -> str:
    """A day in a statement: 03.11.2026 (the Swiss form in the three languages)."""
    return format_date(day, "dd.MM.yyyy", locale=f"{language if language in i18n.LANGUAGES else i18n.FALLBACK}_CH")


def title(statement: Statement, language: str) -> str:
    """ "Décompte du 01.11.2026 au 30.11.2026" or "Décompte fiscal 2026"."""
    if statement.year is not None:
        return i18n.message(language, "statement.title.year", year=statement.year)
    start, end = day_text(statement.start, language), day_text(statement.end, language)
    return i18n.message(language, "statement.title.period", start=start, end=end)


def filename(statement: Statement, language: str) -> str:
    """The attachment's file name: decompte-fiscal-2026.pdf, statement-2026-11-01-2026-11-30.pdf."""
    if statement.year is not None:
        return i18n.message(language, "statement.filename.year", year=statement.year)
    start, end = statement.start.isoformat(), statement.end.isoformat()
    return i18n.message(language, "statement.filename.period", start=start, end=end)


def operation_text(line: StatementLine, language: str) -> str:
    """What a line records, in words: "Repas Léa, 03.11.2026", "Versement (virement, réf. X)"."""
    day = day_text(line.meal_day, language) if line.meal_day else ""
    child = line.child_name or ""
    if line.kind is EntryKind.MEAL_CHARGE:
        return i18n.message(language, "statement.kind.meal_charge", child=child, day=day)
    if line.kind is EntryKind.MEAL_CREDIT:
        return i18n.message(language, "statement.kind.meal_credit", child=child, day=day)
    if line.kind is EntryKind.CORRECTION and line.child_id is not None:
        return i18n.message(language, "statement.kind.correction.meal", child=child, day=day)
    text = i18n.message(language, f"statement.kind.{line.kind.value}")
    details = []
    if line.method is not None:
        details.append(i18n.message(language, f"statement.method.{line.method.value}"))
    if line.reference:
        details.append(line.reference)
    return f"{text} ({', '.join(details)})" if details else text


def render_statement(statement: Statement, canteen: Canteen, language: str, issued_on: date) -> bytes:
    """The statement's PDF bytes, in `language`, with the canteen's name and address on every page."""
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_TOP,
        bottomMargin=16 * mm,
        title=title(statement, language),
        author=canteen.name,
        invariant=True,  # the same statement gives the same bytes (tests, de-duplication)
    )
    header = _Header(statement, canteen, language, issued_on)
    document.build(_story(statement, canteen.currency, language), onFirstPage=header, onLaterPages=header)
    return out.getvalue()


class _Header:
    """Draws the canteen's name and address, the household and the page number at the top of each page."""

    def __init__(self, statement: Statement, canteen: Canteen, language: str, issued_on: date) -> None:
        self.canteen_lines = [canteen.name, canteen.address, " ".join(p for p in (canteen.email, canteen.phone) if p)]
        self.household = i18n.message(language, "statement.household", name=statement.household_name)
        self.issued = i18n.message(language, "statement.issued", date=day_text(issued_on, language))
        self.language = language

    def __call__(self, canvas: Canvas, document: Any) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setFillColor(_INK)
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(_MARGIN, height - 18 * mm, self.canteen_lines[0])
        canvas.setFont("Helvetica", 9)
        y = height - 23 * mm
        for text in self.canteen_lines[1:]:
            if text:
                canvas.drawString(_MARGIN, y, text)
                y -= 4.5 * mm
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawRightString(width - _MARGIN, height - 18 * mm, self.household)
        canvas.setFont("Helvetica", 9)
        canvas.drawRightString(width - _MARGIN, height - 23 * mm, self.issued)
        page = i18n.message(self.language, "statement.page", page=document.page)
        canvas.drawRightString(width - _MARGIN, 10 * mm, page)
        canvas.setStrokeColor(_INK)
        canvas.line(_MARGIN, height - 34 * mm, width - _MARGIN, height - 34 * mm)
        canvas.restoreState()


def _story(statement: Statement, currency: str, language: str) -> list[Any]:
    def amount(value: Decimal) -> str:
        return i18n.money(value, currency, language)

    def msg(key: str, **params: object) -> str:
        return i18n.message(language, key, **params)

    rows: list[list[str]] = [
        [msg("statement.column.date"), msg("statement.column.operation"), msg("statement.column.amount"),
         msg("statement.column.balance")],
        [day_text(statement.start, language), msg("statement.opening"), "", amount(statement.opening)],
    ]  # fmt: skip
    for line in statement.lines:
        rows.append(
            [day_text(line.recorded_on, language), operation_text(line, language), amount(line.amount),
             amount(line.balance)]
        )  # fmt: skip
    rows.append([day_text(statement.end, language), msg("statement.closing"), "", amount(statement.closing)])
    story: list[Any] = [Paragraph(escape(title(statement, language)), _TITLE), Spacer(1, 4 * mm)]
    story.append(_table(rows, bold_rows=(1, len(rows) - 1)))
    if not statement.lines:
        story += [Spacer(1, 2 * mm), Paragraph(escape(msg("statement.empty")), _NOTE)]
    totals = statement.totals
    summary = [
        [msg("statement.opening"), amount(statement.opening)],
        [msg("statement.total.charged"), amount(totals.charged)],
        [msg("statement.total.recredited"), amount(totals.recredited)],
        [msg("statement.total.topped_up"), amount(totals.topped_up)],
        [msg("statement.total.refunded"), amount(totals.refunded)],
        [msg("statement.total.corrected"), amount(totals.corrected)],
        [msg("statement.closing"), amount(statement.closing)],
    ]
    story += [Spacer(1, 6 * mm), Paragraph(escape(msg("statement.summary")), _HEADING), Spacer(1, 2 * mm)]
    story.append(_pairs(summary, bold_rows=(0, len(summary) - 1)))
    children = [
        [msg("statement.child", child=child.name, meals=child.meals), amount(child.paid)]
        for child in statement.children
    ]
    children.append([msg("statement.children.total"), amount(statement.meals_paid)])
    story += [Spacer(1, 6 * mm), Paragraph(escape(msg("statement.children")), _HEADING), Spacer(1, 2 * mm)]
    story.append(_pairs(children, bold_rows=(len(children) - 1,)))
    if statement.year is not None:
        story += [Spacer(1, 3 * mm), Paragraph(escape(msg("statement.tax_note", year=statement.year)), _NOTE)]
    return story


def _table(rows: list[list[str]], bold_rows: tuple[int, ...]) -> Table:
    table = Table(rows, colWidths=_COLUMNS, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), _INK),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#c8d2dc")),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for row in bold_rows:
        style += [("FONT", (0, row), (-1, row), "Helvetica-Bold", 8.5), ("BACKGROUND", (0, row), (-1, row), _PALE)]
    table.setStyle(TableStyle(style))
    return table


def _pairs(rows: list[list[str]], bold_rows: tuple[int, ...]) -> Table:
    table = Table(rows, colWidths=(90 * mm, 35 * mm), hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8d2dc")),
    ]
    for row in bold_rows:
        style.append(("FONT", (0, row), (-1, row), "Helvetica-Bold", 9))
    table.setStyle(TableStyle(style))
    return table
