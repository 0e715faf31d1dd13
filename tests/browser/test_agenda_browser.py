"""In Chromium: staff book and cancel from a family's agenda (mouse and keyboard), and a try-it message changes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.pages_server import chromium_available, live_console

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not chromium_available(), reason="needs Debian's /usr/bin/chromium (make system-deps)"),
]
MONDAY_MORNING = "2026-11-23T07:40:00+01:00"


def test_see_the_agenda_change(tmp_path: Path) -> None:
    with live_console(tmp_path, MONDAY_MORNING) as console:
        page = console.page
        page.goto(f"{console.address}/console/families")
        page.get_by_role("link", name="Dupont").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Famille Dupont")
        agenda = page.locator("table.agenda")
        expect(agenda.locator("thead th")).to_have_text(["Jour", "Alban", "Arielle", "Basile"])
        thursday_basile = agenda.locator('td[data-day="2026-11-26"]').nth(2)
        expect(thursday_basile).to_contain_text("Libre")
        page.get_by_role("button", name="Réserver pour Basile le jeudi 26.11").click()
        expect(page.locator("#agenda-outcome")).to_have_text(
            "Basile : repas réservé le jeudi 26.11. Solde : 392,50 CHF"
        )
        expect(page.locator("#agenda-outcome")).to_be_focused()
        thursday_basile = page.locator('table.agenda td[data-day="2026-11-26"]').nth(2)
        expect(thursday_basile).to_contain_text("Réservé")
        page.screenshot(path=str(console.artifact("agenda-booked.png")), full_page=True)

        # The keyboard alone: tab to the cancel button and press Enter.
        cancel = page.get_by_role("button", name="Annuler pour Basile le jeudi 26.11")
        cancel.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#agenda-outcome")).to_contain_text("repas annulé le jeudi 26.11")
        expect(page.locator('table.agenda td[data-day="2026-11-26"]').nth(2)).to_contain_text("Libre")

        # Next week, then back through the date field.
        page.get_by_role("link", name="Semaine suivante").click()
        expect(page.locator("#agenda-week")).to_have_text("Semaine du lundi 30.11 au vendredi 4.12")
        page.get_by_label("Aller au").fill("2026-12-23")
        page.get_by_role("button", name="Afficher").click()
        expect(page.locator("table.agenda")).to_contain_text("Vacances de Noël")


def test_a_try_it_message_changes_the_agenda(tmp_path: Path) -> None:
    with live_console(tmp_path, MONDAY_MORNING) as console:
        page = console.page
        page.goto(f"{console.address}/console/try")
        page.get_by_label("Parent").select_option(label="Claire Dupont, famille Dupont")
        page.get_by_label("Canal").select_option("sms")
        page.get_by_label("Message").fill("Arielle mange mardi")
        page.get_by_role("button", name="Envoyer").click()
        expect(page.locator("#try-reply")).to_contain_text("Arielle : repas réservé ma 24.11")
        changed = page.locator("table.agenda td.changed")
        expect(changed).to_have_count(1)
        expect(changed).to_contain_text("Réservé")
        expect(changed).to_have_attribute("data-day", "2026-11-24")
        page.screenshot(path=str(console.artifact("try-it-reply.png")), full_page=True)


def test_readable_on_a_phone(tmp_path: Path) -> None:
    with live_console(tmp_path, MONDAY_MORNING, viewport=(375, 740)) as console:
        page = console.page
        page.goto(f"{console.address}/console/families")
        page.get_by_role("link", name="Rochat").click()
        expect(page.get_by_role("button", name="Réserver pour Marie-Claire le vendredi 27.11")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than the phone"
        page.screenshot(path=str(console.artifact("family-phone.png")), full_page=True)
