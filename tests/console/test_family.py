"""Console families: the list and search, one family's page, and booking from its week agenda."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from bot.console import family as family_area
from bot.console.templating import LANGUAGE_COOKIE
from core.commands import CommandResult, Outcome, Refusal, ReserveMeal
from core.messages import InboundMessage
from core.model import Source
from core.pipeline.worker import Worker, receive
from core.unit_of_work import AbstractUnitOfWork
from tests.console.pages_client import PagesClient, logged_in

MONDAY_MORNING = "2026-11-23T07:40:00+01:00"


@pytest.fixture
def pages(uow_factory: Callable[[], AbstractUnitOfWork]) -> PagesClient:
    return logged_in(uow_factory, MONDAY_MORNING)


def _ids(pages: PagesClient, family: str, child: str) -> tuple[int, int]:
    household = pages.family(family)
    kid = household.child_named(child)
    assert household.id is not None
    assert kid is not None
    assert kid.id is not None
    return household.id, kid.id


def test_list_and_search(pages: PagesClient) -> None:
    page = pages.client.get("/console/families")
    assert page.status_code == 200
    for name in ("Dupont", "Martin", "Müller", "Favre"):
        assert name in page.text
    assert "400,00" in page.text
    found = pages.client.get("/console/families", params={"q": "basile"})
    assert "Dupont" in found.text
    assert "Martin" not in found.text
    assert "1 famille(s)" in found.text
    assert "Aucune famille" in pages.client.get("/console/families", params={"q": "zzz"}).text


def test_family_page_shows_guardians_children_agenda_account_and_messages(pages: PagesClient) -> None:
    household_id, _ = _ids(pages, "Dupont", "Basile")
    receive(
        InboundMessage("sms", "sm-1", "+41791234567", "Basile ne mange pas mardi", pages.clock.now()),
        pages.uow_factory(),
    )
    Worker(pages.uow_factory, pages.canteens, pages.clock).drain()
    page = pages.client.get(f"/console/families/{household_id}")
    assert page.status_code == 200
    text = page.text
    for expected in (
        "<h1>Famille Dupont</h1>",
        "Claire Dupont",
        "claire.dupont@example.ch",
        "+41791234567",
        "Non lié",
        "arachides",
        "Tableau des réservations",
        "Semaine du lundi 23.11 au vendredi 27.11",
        '<th scope="col">Arielle</th>',
        "Versement",
        "Basile ne mange pas mardi",
    ):
        assert expected in text, expected
    assert text.count("Pas de service") == 3  # Wednesday, for each of the three children


def test_week_navigation_and_jump(pages: PagesClient) -> None:
    household_id, _ = _ids(pages, "Dupont", "Basile")
    page = pages.client.get(f"/console/families/{household_id}", params={"week": "2026-12-24"})
    assert "Semaine du lundi 21.12 au vendredi 25.12" in page.text
    assert "Vacances de Noël" in page.text
    assert "?week=2026-12-28" in page.text  # next week
    assert "?week=2026-12-14" in page.text  # previous week
    unreadable = pages.client.get(f"/console/families/{household_id}", params={"week": "soon"})
    assert "Semaine du lundi 23.11" in unreadable.text  # today's week


def test_book_and_cancel_from_the_agenda(pages: PagesClient) -> None:
    household_id, basile = _ids(pages, "Dupont", "Basile")
    path = f"/console/families/{household_id}"
    token = pages.csrf(path)
    booked = pages.client.post(
        f"{path}/agenda", data={"csrf_token": token, "cell": f"{basile}:2026-11-24:reserve", "week": "2026-11-23"}
    )
    assert booked.status_code == 200
    assert "Basile : repas réservé le mardi 24.11. Solde : 392,50 CHF" in booked.text
    with pages.uow_factory() as uow:
        assert uow.reservations.get(basile, date(2026, 11, 24)) is not None
    cancelled = pages.client.post(
        f"{path}/agenda", data={"csrf_token": token, "cell": f"{basile}:2026-11-24:cancel", "week": "2026-11-23"}
    )
    assert "Basile : repas annulé le mardi 24.11. Solde : 400,00 CHF" in cancelled.text


def test_past_the_cut_off_staff_need_the_override(pages: PagesClient) -> None:
    household_id, basile = _ids(pages, "Dupont", "Basile")
    path = f"/console/families/{household_id}"
    token = pages.csrf(path)
    pages.clock.at = pages.clock.at.replace(hour=9)
    cell = {"csrf_token": token, "cell": f"{basile}:2026-11-23:reserve", "week": "2026-11-23"}
    refused = pages.client.post(f"{path}/agenda", data=cell)
    assert refused.status_code == 409
    assert "Refusé pour Basile le lundi 23.11 : le délai est passé (lundi 23.11 08:15)" in refused.text
    assert "Délai passé" in refused.text
    forced = pages.client.post(f"{path}/agenda", data={**cell, "override": "1"})
    assert forced.status_code == 200
    assert "repas réservé le lundi 23.11" in forced.text
    with pages.uow_factory() as uow:
        booked = uow.reservations.get(basile, date(2026, 11, 23))
    assert booked is not None
    assert booked.source.staff_user == "alice"
    closed = pages.client.post(f"{path}/agenda", data={**cell, "cell": f"{basile}:2026-11-25:reserve", "override": "1"})
    assert "pas de service ce jour-là" in closed.text


@pytest.mark.parametrize(
    "cell", ["", "x:2026-11-24:reserve", "1:2026-13-01:reserve", "1:2026-11-24:eat", "999:2026-11-24:reserve"]
)
def test_a_bad_cell_is_a_clear_error(pages: PagesClient, cell: str) -> None:
    household_id, _ = _ids(pages, "Dupont", "Basile")
    path = f"/console/families/{household_id}"
    answer = pages.client.post(f"{path}/agenda", data={"csrf_token": pages.csrf(path), "cell": cell})
    assert answer.status_code == 400
    assert "Demande invalide" in answer.text


def test_unknown_family_csrf_and_login(pages: PagesClient) -> None:
    assert pages.client.get("/console/families/9999").status_code == 404
    household_id, basile = _ids(pages, "Dupont", "Basile")
    forged = pages.client.post(
        f"/console/families/{household_id}/agenda", data={"cell": f"{basile}:2026-11-24:reserve"}
    )
    assert forged.status_code == 403
    pages.client.cookies.clear()
    assert pages.client.get("/console/families", follow_redirects=False).status_code == 303


def test_english_and_german(pages: PagesClient) -> None:
    household_id, _ = _ids(pages, "Dupont", "Basile")
    pages.client.cookies.set(LANGUAGE_COOKIE, "en")
    assert "Booking table" in pages.client.get(f"/console/families/{household_id}").text
    pages.client.cookies.set(LANGUAGE_COOKIE, "de")
    german = pages.client.get(f"/console/families/{household_id}").text
    assert "Reservationsübersicht" in german
    assert '<html lang="de">' in german


@pytest.mark.parametrize(
    ("refusal", "details", "expected"),
    [
        (Refusal.INSUFFICIENT_BALANCE, {"missing": Decimal("2.50")}, "solde insuffisant, il manque 2,50 CHF"),
        (Refusal.ALREADY_BOOKED, {}, "déjà réservé"),
        (Refusal.NOT_BOOKED, {}, "pas de réservation à annuler"),
        (Refusal.UNKNOWN_CHILD, {}, "refusé (unknown_child)"),
    ],
)
def test_refusals_are_explained(refusal: Refusal, details: dict[str, object], expected: str) -> None:
    command = ReserveMeal(1, date(2026, 11, 24), Source("staff"))
    outcome = family_area.agenda_outcome(
        CommandResult(command, Outcome.REFUSED, refusal, details), "Léa", command.day, "fr", "CHF"
    )
    assert outcome.text == f"Refusé pour Léa le mardi 24.11 : {expected}"
    assert not outcome.done
