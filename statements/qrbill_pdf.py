"""Top-up by QR-bill: the `qrbill` payment part for a household (QR-IBAN with QR reference, or IBAN with RF), as
SVG or as an A4 PDF page (svglib drawing on reportlab) with the canteen's header and a short explanation."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from qrbill import QRBill
from reportlab.graphics import renderPDF
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Paragraph
from svglib.svglib import svg2rlg

from core import i18n
from core.canteen import Billing, Canteen
from statements.qr_reference import format_reference, payment_reference

QRBILL_LANGUAGES = ("fr", "de", "en", "it")
MAX_AMOUNT = Decimal("999999999.99")
_MARGIN = 18 * mm
_TEXT = ParagraphStyle("topup", fontName="Helvetica", fontSize=10, leading=14)
_TITLE = ParagraphStyle("topup-title", parent=_TEXT, fontName="Helvetica-Bold", fontSize=15, leading=19)


class TopUpError(ValueError):
    """A QR-bill that cannot be made: the canteen has no [billing] section, or the amount is not payable."""


@dataclass(frozen=True)
class TopUp:
    """What a family needs to pay into its account: the account, the permanent reference and the amount, if any."""

    canteen: Canteen
    household_id: int
    household_name: str
    iban: str
    reference: str  # compact: 27 digits (QRR) or RF… (SCOR)
    amount: Decimal | None

    @property
    def reference_type(self) -> str:
        return "SCOR" if self.reference.startswith("RF") else "QRR"

    @property
    def printed_reference(self) -> str:
        return format_reference(self.reference)

    @property
    def printed_iban(self) -> str:
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))


def top_up(canteen: Canteen, household_id: int, household_name: str, amount: Decimal | None = None) -> TopUp:
    """The household's top-up details; TopUpError when the canteen takes no bank payments or the amount is bad."""
    billing = _billing(canteen)
    if amount is not None and (amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01"))):
        raise TopUpError(f"a QR-bill amount must be between 0.01 and {MAX_AMOUNT} with at most 2 decimals")
    reference = payment_reference(canteen, household_id)
    return TopUp(canteen, household_id, household_name, billing.iban, reference, amount)


def qr_bill(topup: TopUp, language: str) -> QRBill:
    """The `qrbill` object (validated by the library: IBAN, reference type against the account, amount)."""
    billing = _billing(topup.canteen)
    creditor = {
        "name": billing.creditor,
        "pcode": billing.postal_code,
        "city": billing.city,
        "country": billing.country,
    }
    if billing.street:
        creditor |= {"street": billing.street, "house_num": billing.house_number}
    return QRBill(
        account=billing.iban,
        creditor=creditor,
        amount=None if topup.amount is None else f"{topup.amount:.2f}",
        currency=topup.canteen.currency,
        reference_number=topup.reference,
        additional_information=f"{topup.canteen.name} - {topup.household_name}"[:140],
        language=language if language in QRBILL_LANGUAGES else "fr",
    )


def qrbill_svg(topup: TopUp, language: str) -> str:
    """The payment part and receipt (A4 width, 105 mm high) as SVG text."""
    out = io.StringIO()
    qr_bill(topup, language).as_svg(out)
    return out.getvalue()


def qrbill_pdf(topup: TopUp, language: str) -> bytes:
    """An A4 page: canteen header and explanation on top, the QR-bill (payment part and receipt) at the bottom."""
    drawing = svg2rlg(io.BytesIO(qrbill_svg(topup, language).encode("utf-8")))
    if drawing is None:  # pragma: no cover  (qrbill's SVG always parses)
        raise TopUpError("the QR-bill SVG could not be read")
    width, height = A4
    scale = width / drawing.width
    drawing.scale(scale, scale)
    drawing.width, drawing.height = width, drawing.height * scale
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle(i18n.message(language, "topup.title"))
    canvas.setAuthor(topup.canteen.name)
    renderPDF.draw(drawing, canvas, 0, 0)
    frame = Frame(_MARGIN, drawing.height + 10 * mm, width - 2 * _MARGIN, height - drawing.height - 25 * mm)
    frame.addFromList(_texts(topup, language), canvas)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _texts(topup: TopUp, language: str) -> list[Paragraph]:
    canteen = topup.canteen
    amount = i18n.money(topup.amount, canteen.currency, language) if topup.amount is not None else None
    lines = [
        Paragraph(escape(canteen.name), _TITLE),
        Paragraph(escape(canteen.address), _TEXT),
        Paragraph("&nbsp;", _TEXT),
        Paragraph(escape(i18n.message(language, "topup.title")), _TITLE),
        Paragraph(escape(i18n.message(language, "topup.household", name=topup.household_name)), _TEXT),
        Paragraph("&nbsp;", _TEXT),
        Paragraph(escape(i18n.message(language, "topup.iban", iban=topup.printed_iban)), _TEXT),
        Paragraph(escape(i18n.message(language, "topup.reference", reference=topup.printed_reference)), _TEXT),
    ]
    if amount is not None:
        lines.append(Paragraph(escape(i18n.message(language, "topup.amount", amount=amount)), _TEXT))
    lines += [Paragraph("&nbsp;", _TEXT), Paragraph(escape(i18n.message(language, "topup.explanation")), _TEXT)]
    return lines


def _billing(canteen: Canteen) -> Billing:
    if canteen.billing is None:
        raise TopUpError(f"canteen {canteen.id} has no [billing] section: it takes no bank payments")
    return canteen.billing
