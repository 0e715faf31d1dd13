"""`cantine menu …` and `cantine document …` end to end on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from core.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
THURSDAY = "2026-11-26T10:00:00+01:00"
Invoke = Callable[..., Result]
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "config", tmp_path / "config")
    return tmp_path


@pytest.fixture
def run(project: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.chdir(project)
    env = {"CANTINE_DATABASE_URL": database_url, "CANTINE_NOW": THURSDAY, "CANTINE_CONFIG": "", "COLUMNS": "200"}

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)

    return invoke


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_import_show_copy_and_pdf(run: Invoke, project: Path) -> None:
    menus = project / "next.csv"
    menus.write_text(
        "date;meal;dish;allergens;note\n"
        "2026-11-30;normal;Lasagnes;gluten, lait;maison\n"
        "2026-11-30;végétarien;Gratin;lait;\n"
        "2026-12-01;normal;Poulet satay;arachides;\n",
        encoding="utf-8",
    )
    assert "imported 2 day(s), 3 dish(es)" in ok(run("menu", "import", str(menus), "--canteen", "montval"))
    shown = ok(run("menu", "show", "--canteen", "montval", "--week", "2026-12-02"))
    assert "normal: Lasagnes [gluten, milk] (maison)" in shown
    assert "vegetarian: Gratin [milk]" in shown
    assert "normal: Poulet satay [peanuts]" in shown
    copied = ok(run("menu", "copy", "--canteen", "montval", "--week", "2026-12-07"))
    assert "copied 2 day(s): 2026-12-07, 2026-12-08" in copied
    assert "Poulet satay" in ok(run("menu", "show", "--canteen", "montval", "--week", "2026-12-08"))
    assert "no menu from 2026-11-23" in ok(run("menu", "show", "--canteen", "montval"))
    out = project / "week.pdf"
    assert "menus of the week of 2026-11-30" in ok(
        run("menu", "pdf", "--canteen", "montval", "--week", "2026-11-30", "--language", "de", "-o", str(out))
    )
    assert out.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert "Erdnüsse" in text


def test_an_import_with_errors_imports_nothing_unless_asked(run: Invoke, project: Path) -> None:
    menus = project / "bad.csv"
    menus.write_text(
        "date,meal,dish,allergens\n2026-11-30,normal,Soupe,\n2026-12-02,normal,Soupe,\n2026-12-03,normal,Tarte,chocolat\n",
        encoding="utf-8",
    )
    refused = run("menu", "import", str(menus), "--canteen", "montval")
    assert refused.exit_code == 1
    assert "line 3, date: 2026-12-02 is not a service day" in refused.output
    assert "line 4, allergens: unknown allergen(s): chocolat" in refused.output
    assert "2 error(s): nothing was imported" in refused.output
    assert "no menu" in ok(run("menu", "show", "--canteen", "montval", "--week", "2026-11-30"))
    skipped = ok(run("menu", "import", str(menus), "--canteen", "montval", "--skip-errors"))
    assert "imported 1 day(s), 1 dish(es), 1 day(s) with errors left out" in skipped


def test_documents_added_listed_and_removed(run: Invoke, project: Path) -> None:
    rules = project / "Règlement 2026.pdf"
    rules.write_bytes(PDF)
    added = ok(
        run(
            "document",
            "add",
            str(rules),
            "--canteen",
            "montval",
            "--key",
            "rules",
            "--title-fr",
            "Règlement",
            "--title-de",
            "Reglement",
        )
    )
    assert "(rules) added to montval: R_glement_2026.pdf" in added
    listed = ok(run("document", "list", "--canteen", "montval"))
    assert "fr: Règlement" in listed
    assert "de: Reglement" in listed
    not_pdf = project / "x.pdf"
    not_pdf.write_bytes(b"<html>")
    refused = run("document", "add", str(not_pdf), "--canteen", "montval", "--key", "charter", "--title-fr", "Charte")
    assert refused.exit_code == 1
    assert "not a PDF" in refused.output
    document_id = added.split()[1]
    assert "removed" in ok(run("document", "remove", document_id))
    assert "no document" in ok(run("document", "list", "--canteen", "montval"))
    assert run("document", "remove", document_id).exit_code == 1


def test_the_demo_seeds_menus_and_documents(run: Invoke) -> None:
    assert "menu days and 2 documents" in ok(run("demo", "seed"))
    # the demo's reference fortnight is moved onto this week and the next
    assert "Lasagnes à la bolognaise" in ok(run("menu", "show", "--canteen", "montval"))
    assert "Spaghetti carbonara" in ok(run("menu", "show", "--canteen", "montval", "--week", "2026-11-30"))
    assert "Fiche d'inscription" in ok(run("document", "list", "--canteen", "montval"))
