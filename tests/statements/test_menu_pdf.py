"""The printable weekly menu: rendered by poppler (pdftotext, pdftoppm), accents intact, one column per service day."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from core.canteen_files import load_canteens
from core.menu_import import parse_menu_csv
from statements.menu_pdf import menu_pdf, menu_pdf_filename, week_days

ROOT = Path(__file__).resolve().parents[2]
CANTEENS = load_canteens(ROOT / "config" / "canteens")
MENUS = """\
date,meal,dish,allergens,note
2026-12-14,normal,Lasagnes à la bolognaise,gluten; lait; oeufs,maison
2026-12-14,normal,Salade de fruits,,
2026-12-14,végétarien,Gratin de légumes,lait,
2026-12-14,,,,Produits locaux & de saison
2026-12-15,normal,Émincé de volaille <au curry>,céleri,
2026-12-17,special,Riz sans gluten,,
"""

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _pdf(language: str) -> bytes:
    result = parse_menu_csv(MENUS, CANTEENS, "montval")
    assert result.errors == []
    return menu_pdf(CANTEENS["montval"], date(2026, 12, 14), result.days, language, date(2026, 12, 10))


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "menu.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_week_days_are_the_service_weekdays() -> None:
    assert week_days(CANTEENS["montval"], date(2026, 12, 14)) == [
        date(2026, 12, 14),
        date(2026, 12, 15),
        date(2026, 12, 17),
        date(2026, 12, 18),
    ]


@needs_poppler
def test_french_week_renders_with_accents_allergens_and_the_closure(tmp_path: Path) -> None:
    pdf = _pdf("fr")
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf, tmp_path)
    for expected in (
        "Réfectoire scolaire de Montval",
        "Menus de la semaine du lundi 14.12 au vendredi 18.12",
        "Lundi 14.12",
        "Mardi 15.12",
        "Jeudi 17.12",
        "Vendredi 18.12",
        "Lasagnes à la bolognaise",
        "contient : gluten, oeufs, lait",
        "Émincé de volaille <au curry>",
        "contient : céleri",
        "Végétarien",
        "Menu spécial",
        "Produits locaux & de saison",
        "Menu pas encore publié",
        "cantine@montval.example",
        "Imprimé le jeudi 10.12",
    ):
        assert expected in text, expected
    assert "Mercredi" not in text  # no column for a weekday without service


@needs_poppler
def test_a_closed_day_and_german_texts(tmp_path: Path) -> None:
    result = parse_menu_csv("date,dish\n2026-12-18,Fondue\n", CANTEENS, "montval")
    pdf = menu_pdf(CANTEENS["montval"], date(2026, 12, 14), result.days, "de", date(2026, 12, 10))
    text = _text(pdf, tmp_path)
    assert "Menüplan der Woche vom Montag 14.12 bis Freitag 18.12" in text
    assert "Fondue" in text
    assert "Menü noch nicht veröffentlicht" in text
    christmas = menu_pdf(CANTEENS["montval"], date(2026, 12, 21), [], "fr", date(2026, 12, 10))
    assert "Pas de service (Vacances de Noël)" in _text(christmas, tmp_path)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_page_renders_as_an_a4_landscape_image(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "menu.pdf"
    path.write_bytes(_pdf("en"))
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    with Image.open(tmp_path / "page.png") as image:
        width, height = image.size
        assert width > height  # landscape
        assert abs(width / height - 297 / 210) < 0.02
        darkest = image.convert("L").getextrema()[0]
        assert isinstance(darkest, int)
        assert darkest < 100  # something dark is drawn


def test_same_menus_same_bytes_and_the_file_name() -> None:
    assert _pdf("fr") == _pdf("fr")
    assert menu_pdf_filename(date(2026, 12, 14), "de") == "menueplan-2026-12-14.pdf"
