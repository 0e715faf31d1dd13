"""The statement PDF: rendered by poppler (pdftotext, pdftoppm) and checked for its key figures, in fr, en and de."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from core.canteen import Canteen, parse_canteen
from core.model import EntryKind, PaymentMethod
from statements.ledger_report import StatementLine, build_statement, tax_year_statement
from statements.statement_pdf import day_text, filename, operation_text, render_statement
from tests.statements.ledger_builders import LEA, ZURICH, Book, dupont, school_year, zurich

ROOT = Path(__file__).resolve().parents[2]
ISSUED = date(2027, 1, 15)


def montval() -> Canteen:
    return parse_canteen((ROOT / "config/canteens/montval.toml").read_text(encoding="utf-8"), "montval.toml")


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "statement.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def year_pdf() -> bytes:
    statement = tax_year_statement(dupont(), school_year(180).entries, 2026, ZURICH)
    return render_statement(statement, montval(), "fr", ISSUED)


def test_the_tax_statement_shows_the_canteen_the_totals_and_the_meals_per_child(
    year_pdf: bytes, tmp_path: Path
) -> None:
    text = pdf_text(year_pdf, tmp_path)
    assert year_pdf.startswith(b"%PDF")
    for expected in (
        "Réfectoire scolaire de Montval",
        "Rue de l'École 12, 1880 Montval",
        "Famille Dupont",
        "Établi le 15.01.2027",
        "Décompte fiscal 2026",
        "Solde au début de la période",
        "Solde à la fin de la période",
        "495,00 CHF",  # 12 x 150 - 180 x 7.50 + 6 x 7.50
        "Léa : 90 repas",
        "675,00 CHF",
        "Tom : 84 repas",
        "630,00 CHF",
        "1 305,00 CHF",
        "Repas Tom, 13.02.2026, recrédité",
        "Versement (virement, TOPUP-1)",
        "31 décembre 2026",
    ):
        assert expected in text, expected
    assert "Page 5" in text


def test_the_first_page_renders_to_an_image_with_ink(year_pdf: bytes, tmp_path: Path) -> None:
    (tmp_path / "y.pdf").write_bytes(year_pdf)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-singlefile", str(tmp_path / "y.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    page = Image.open(tmp_path / "page.png").convert("L")
    assert page.size == (414, 585)  # A4 at 50 dpi
    dark = sum(page.histogram()[:128])
    assert dark > 5000  # text and the table header band, not a blank page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["Décompte du 01.11.2026 au 30.11.2026", "Solde au début de la période", "100,00 CHF", "122,50 CHF",
                "Remboursement", "Correction repas Léa, 06.11.2026", "Frais de repas par enfant"]),
        ("en", ["Statement from 01.11.2026 to 30.11.2026", "Opening balance", "CHF 100.00", "CHF 122.50", "Refund",
                "Correction meal Léa, 06.11.2026", "Meal costs per child", "Dupont family"]),
        ("de", ["Abrechnung vom 01.11.2026 bis 30.11.2026", "Anfangssaldo", "CHF 100.00", "CHF 122.50",
                "Rückerstattung", "Korrektur Mahlzeit Léa, 06.11.2026", "Verpflegungskosten pro Kind", "Seite 1"]),
    ],
)  # fmt: skip
def test_a_month_in_each_language(language: str, expected: list[str], tmp_path: Path) -> None:
    book = Book()
    book.top_up(zurich(2026, 10, 30), "100.00")
    book.top_up(zurich(2026, 11, 2, 6), "50.00")
    book.charge(zurich(2026, 11, 2), LEA, date(2026, 11, 3))
    wrong = book.charge(zurich(2026, 11, 5), LEA, date(2026, 11, 6))
    book.correct(wrong, zurich(2026, 11, 6, 10))
    book.refund(zurich(2026, 11, 30, 20), "20.00")
    statement = build_statement(dupont(), book.entries, date(2026, 11, 1), date(2026, 11, 30), ZURICH)
    text = pdf_text(render_statement(statement, montval(), language, ISSUED), tmp_path)
    for phrase in expected:
        assert phrase in text, (language, phrase)


def test_an_empty_period_says_so(tmp_path: Path) -> None:
    statement = build_statement(dupont(), [], date(2026, 11, 1), date(2026, 11, 30), ZURICH)
    text = pdf_text(render_statement(statement, montval(), "en", ISSUED), tmp_path)
    assert "No transactions in this period." in text
    assert "CHF 0.00" in text


def test_the_same_statement_gives_the_same_bytes() -> None:
    statement = build_statement(dupont(), [], date(2026, 11, 1), date(2026, 11, 30), ZURICH)
    assert render_statement(statement, montval(), "fr", ISSUED) == render_statement(statement, montval(), "fr", ISSUED)


def _line(kind: EntryKind, **fields: object) -> StatementLine:
    return StatementLine(
        recorded_on=date(2026, 11, 2),
        at=zurich(2026, 11, 2),
        kind=kind,
        amount=Decimal("1.00"),
        balance=Decimal("1.00"),
        **fields,  # type: ignore[arg-type]  # test table: the optional fields of StatementLine
    )


@pytest.mark.parametrize(
    ("line", "language", "text"),
    [
        (_line(EntryKind.TOPUP, method=PaymentMethod.CASH), "fr", "Versement (espèces)"),
        (_line(EntryKind.TOPUP, method=PaymentMethod.ONLINE, reference="pi_1"), "en", "Top-up (online payment, pi_1)"),
        (_line(EntryKind.TOPUP), "de", "Einzahlung"),
        (_line(EntryKind.REFUND, method=PaymentMethod.BANK_TRANSFER), "de", "Rückerstattung (Überweisung)"),
        (_line(EntryKind.CORRECTION), "fr", "Correction"),
        (_line(EntryKind.MEAL_CHARGE, child_id=1, child_name="Léa", meal_day=date(2026, 11, 3)), "de",
         "Mahlzeit Léa, 03.11.2026"),
        (_line(EntryKind.MEAL_CREDIT, child_id=1, child_name="Léa", meal_day=date(2026, 11, 3)), "en",
         "Meal Léa, 03.11.2026, credited back"),
    ],
)  # fmt: skip
def test_operation_texts(line: StatementLine, language: str, text: str) -> None:
    assert operation_text(line, language) == text


def test_file_names_and_days() -> None:
    month = build_statement(dupont(), [], date(2026, 11, 1), date(2026, 11, 30), ZURICH)
    year = tax_year_statement(dupont(), [], 2026, ZURICH)
    assert filename(month, "en") == "statement-2026-11-01-2026-11-30.pdf"
    assert filename(year, "fr") == "decompte-fiscal-2026.pdf"
    assert filename(year, "de") == "steuerbescheinigung-2026.pdf"
    assert day_text(date(2026, 3, 4), "it") == "04.03.2026"


def test_a_full_year_with_180_meals_renders_within_200_ms() -> None:
    import statistics
    import time

    canteen, entries = montval(), school_year(180).entries
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        render_statement(tax_year_statement(dupont(), entries, 2026, ZURICH), canteen, "fr", ISSUED)
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) <= 0.200
