"""`cantine statement` and `cantine qrbill` on the demo families: PDFs written, figures echoed, bad input explained."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from core.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-23T07:40:00+01:00"
Invoke = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    shutil.copytree(ROOT / "config", tmp_path / "config")
    monkeypatch.chdir(tmp_path)
    env = {"CANTINE_DATABASE_URL": database_url, "CANTINE_NOW": NOW, "CANTINE_CONFIG": "", "COLUMNS": "200"}

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)

    result = invoke("demo", "seed")
    assert result.exit_code == 0, result.output
    return invoke


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, timeout=60).stdout.decode()


def test_a_statement_between_two_dates(run: Invoke, tmp_path: Path) -> None:
    result = run("statement", "Dupont", "--from", "2026-11-01", "--to", "2026-11-30", "-o", "nov.pdf")
    assert result.exit_code == 0, result.output
    assert "wrote nov.pdf: Dupont, 2026-11-01 to 2026-11-30" in result.output
    text = pdf_text(tmp_path / "nov.pdf")
    assert "Décompte du 01.11.2026 au 30.11.2026" in text
    assert "Famille Dupont" in text


def test_a_tax_year_in_english_with_the_default_file_name(run: Invoke, tmp_path: Path) -> None:
    result = run("statement", "Smith", "--year", "2026")
    assert result.exit_code == 0, result.output
    text = pdf_text(tmp_path / "tax-statement-2026.pdf")
    assert "Tax statement 2026" in text
    assert "Meal costs per child" in text


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["statement", "Dupont"], "give either --year or --from and --to"),
        (["statement", "Dupont", "--year", "2026", "--from", "2026-01-01"], "give either --year or --from and --to"),
        (["statement", "Dupont", "--from", "1er mars"], "is not a date (YYYY-MM-DD)"),
        (["statement", "Dupont", "--from", "2026-11-30", "--to", "2026-11-01"], "cannot end"),
        (["statement", "Zorro", "--year", "2026"], "no household matches 'Zorro'"),
        (["qrbill", "Dupont", "--amount", "douze"], "'douze' is not an amount"),
        (["qrbill", "Dupont", "--amount", "-5"], "amount must be between"),
    ],
)
def test_bad_requests_are_explained(run: Invoke, args: list[str], problem: str) -> None:
    result = run(*args)
    assert result.exit_code != 0
    assert problem in result.output


def test_a_qr_bill_for_a_family(run: Invoke, tmp_path: Path) -> None:
    result = run("qrbill", "Müller", "--amount", "80", "-o", "bill.pdf")
    assert result.exit_code == 0, result.output
    assert "IBAN CH44 3199 9123 0008 8901 2, reference" in result.output
    text = pdf_text(tmp_path / "bill.pdf")
    assert "Einzahlung auf das Verpflegungskonto" in text
    assert "80.00" in text


def test_a_qr_bill_at_a_canteen_with_a_plain_iban(run: Invoke, tmp_path: Path) -> None:
    result = run("qrbill", "Favre", "--language", "en")
    assert result.exit_code == 0, result.output
    assert "reference RF" in result.output
    assert "Top-up of the meal account" in pdf_text(tmp_path / "qr-bill.pdf")
