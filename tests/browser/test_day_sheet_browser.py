"""In Chromium: the kitchen's day sheet on screen, then printed (print media, PDF checked with pdftotext)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.agenda import Change, change_meal
from core.model import Source
from tests.browser.pages_server import chromium_available, live_console

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not chromium_available(), reason="needs Debian's /usr/bin/chromium (make system-deps)"),
]
TUESDAY = date(2026, 11, 24)
STAFF = Source("staff", staff_user="alice")


def test_print_the_day_sheet(tmp_path: Path) -> None:
    with live_console(tmp_path, "2026-11-23T07:40:00+01:00") as console:
        canteens, clock = console.canteens, console.clock
        for family, child in [("Dupont", "Arielle"), ("Rochat", "Noah"), ("Benali", "Yanis"), ("Smith", "Emma")]:
            kid = console.child(family, child)
            assert change_meal(console.uow_factory(), canteens, clock.now(), kid, TUESDAY, Change.RESERVE, STAFF).done
        page = console.page
        page.goto(f"{console.address}/console/day")
        page.get_by_label("Date").fill("2026-11-24")
        page.get_by_label("Cantine").select_option("montval")
        page.get_by_role("button", name="Afficher").click()
        expect(page.locator("#sheet-total")).to_have_text("4")
        expect(page.locator("table.lines")).to_contain_text("arachides")
        expect(page.get_by_role("button", name="Imprimer")).to_be_visible()  # shown by the script

        page.emulate_media(media="print")
        expect(page.locator("header.site-header")).to_be_hidden()
        expect(page.locator(".sheet-choose")).to_be_hidden()
        expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()
        page.screenshot(path=str(console.artifact("day-sheet-print.png")), full_page=True)
        pdf = console.artifact("day-sheet.pdf")
        page.pdf(path=str(pdf), format="A4")
        assert pdf.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
            printed = text.stdout
            for expected in ("Feuille du jour", "mardi 24.11", "Arielle", "arachides", "Emma", "lactose", "Total"):
                assert expected in printed, expected
            for screen_only in ("Imprimer", "Se déconnecter", "Jour suivant"):
                assert screen_only not in printed, screen_only


def test_download_the_csv_from_the_page(tmp_path: Path) -> None:
    with live_console(tmp_path, "2026-11-23T07:40:00+01:00") as console:
        page = console.page
        page.goto(f"{console.address}/console/day?canteen=montval&date=2026-11-24")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Télécharger en CSV").click()
        download = download_info.value
        assert download.suggested_filename == "montval-2026-11-24.csv"
