"""In Chromium: log in, open a flagged message, correct the suggested date, apply; the reply is queued."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, log_in

MIXED = "Basile ne mange pas jeudi. Au fait, combien coûte un repas spécial ?"  # the demo booked him every day


def _booked(server: LiveServer, first_name: str, day: date) -> bool:
    with server.app.uow() as uow:
        household = next(h for h in uow.households.list() if h.name == "Dupont")
        child = household.child_named(first_name)
        assert child is not None
        assert child.id is not None
        return uow.reservations.get(child.id, day) is not None


def test_resolve_a_flagged_message_by_editing_the_suggestion(
    page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], Path]
) -> None:
    item = live_server.flag(MIXED)
    live_server.flag("Bonjour <script>alert(1)</script>", sender="+41790000000")
    log_in(page, live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages à traiter")
    expect(page.get_by_text("<script>alert(1)</script>").first).to_be_visible()  # shown as text, not run
    screenshot(page, "inbox-list")
    page.get_by_role("link", name="Traiter ce message").first.click()
    page.wait_for_url(f"**/console/inbox/{item}")
    expect(page.get_by_text("Annuler le repas · Basile · jeudi 26.11")).to_be_visible()
    row = page.get_by_role("group", name="Ligne 1")
    expect(row.get_by_label("Enfant")).to_have_value("Basile")
    expect(row.get_by_label("Date")).to_have_value("2026-11-26")
    row.get_by_label("Date").fill("2026-11-27")
    page.get_by_label("Ajouter cette lecture aux cas de test de compréhension").check()
    screenshot(page, "inbox-item-edited")
    page.get_by_role("button", name="Appliquer et répondre au parent").click()
    page.wait_for_url(re.compile(rf"/console/inbox/{item}\?notice=console\.inbox\.resolved$"))
    expect(page.get_by_role("status")).to_contain_text("Message traité")
    expect(page.get_by_text("Traité par admin")).to_be_visible()
    expect(page.get_by_text("Basile : repas annulé ve 27.11.")).to_be_visible()
    expect(page.get_by_text("en attente d'envoi").last).to_be_visible()
    screenshot(page, "inbox-item-resolved")
    assert not _booked(live_server, "Basile", date(2026, 11, 27))
    assert _booked(live_server, "Basile", date(2026, 11, 26))
    assert '"date": "2026-11-27"' in live_server.cases_file.read_text(encoding="utf-8")


def test_the_console_is_usable_with_the_keyboard_and_on_a_phone(
    phone_page: Page, live_server: LiveServer, screenshot: Callable[[Page, str], Path]
) -> None:
    live_server.flag(MIXED)
    page = phone_page
    page.goto(live_server.page_url("/console/inbox"))
    page.wait_for_url(re.compile(r"/console/login\?next=%2Fconsole%2Finbox$|/console/login\?next=/console/inbox$"))
    log_in(page, live_server)
    page.reload()
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Aller au contenu")
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_attribute("id", "main")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Message n° 1 · Dupont")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the inbox is {width}px wide on a 390px phone"
    screenshot(page, "inbox-phone")
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flagged messages")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff login")
