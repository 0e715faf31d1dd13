"""Console day sheet: counts, children with allergy notes, late cancellations, menu warnings, CSV, bad requests."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from core import day_sheet as day_sheet_module
from core.agenda import Change, change_meal
from core.canteen import Canteen
from core.model import Source
from core.unit_of_work import AbstractUnitOfWork
from tests.console.pages_client import PagesClient, logged_in

TUESDAY = date(2026, 11, 24)
STAFF = Source("staff", staff_user="alice")


@pytest.fixture
def pages(uow_factory: Callable[[], AbstractUnitOfWork]) -> PagesClient:
    pages = logged_in(uow_factory, "2026-11-23T07:40:00+01:00")
    for family, child in [("Dupont", "Arielle"), ("Dupont", "Basile"), ("Rochat", "Noé"), ("Benali", "Yanis")]:
        kid = pages.family(family).child_named(child)
        assert kid is not None
        assert kid.id is not None
        result = change_meal(uow_factory(), pages.canteens, pages.clock.now(), kid.id, TUESDAY, Change.RESERVE, STAFF)
        assert result.done, result
    return pages


def test_day_sheet_counts_children_and_allergies(pages: PagesClient) -> None:
    page = pages.client.get("/console/day", params={"date": "2026-11-24", "canteen": "montval"})
    assert page.status_code == 200
    text = page.text
    assert "Réfectoire scolaire de Montval, mardi 24.11" in text
    assert '<td class="count" id="sheet-total">4</td>' in text
    assert '<th scope="row">végétarien</th><td class="count">1</td>' in text
    for expected in ("Arielle", "arachides", "Noé", "Yanis", "Aucune annulation après le délai."):
        assert expected in text, expected
    assert "Alertes du menu" not in text  # no warning source: no column


def test_late_cancellation_and_menu_warnings(pages: PagesClient, monkeypatch: pytest.MonkeyPatch) -> None:
    basile = pages.family("Dupont").child_named("Basile")
    assert basile is not None
    assert basile.id is not None
    late = pages.clock.now().replace(day=24, hour=9, minute=5)
    assert change_meal(
        pages.uow_factory(), pages.canteens, late, basile.id, TUESDAY, Change.CANCEL, STAFF, override=True
    ).done

    def warnings(_: Callable[[], AbstractUnitOfWork], canteen: Canteen, day: date) -> dict[int, list[str]]:
        assert (canteen.id, day) == ("montval", TUESDAY)
        return {basile.id: ["arachides dans la sauce"]} if basile.id else {}

    monkeypatch.setattr(day_sheet_module, "WARNING_SOURCES", [warnings, warnings])
    text = pages.client.get("/console/day", params={"date": "2026-11-24"}).text
    assert '<td class="count" id="sheet-total">3</td>' in text
    assert "Annulés après le délai" in text
    assert "mardi 24.11 09:05" in text
    assert "alice" in text
    assert "Alertes du menu" not in text  # Basile's plate is cancelled: his warning has no line to show on
    arielle = pages.family("Dupont").child_named("Arielle")
    assert arielle is not None
    monkeypatch.setattr(day_sheet_module, "WARNING_SOURCES", [lambda *_: {arielle.id: ["arachides: satay"]}])
    warned = pages.client.get("/console/day", params={"date": "2026-11-24"}).text
    assert '<td class="warning-text">arachides: satay</td>' in warned


def test_csv_download(pages: PagesClient) -> None:
    answer = pages.client.get("/console/day.csv", params={"date": "2026-11-24", "canteen": "montval"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="montval-2026-11-24.csv"' in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["Date", "Enfant", "Famille", "Repas", "Allergies", "Alertes du menu"]
    assert ["2026-11-24", "Arielle", "Dupont", "menu normal", "arachides", ""] in rows
    assert len(rows) == 5
    assert pages.client.get("/console/day.csv", params={"canteen": "nowhere"}).status_code == 400


def test_defaults_no_service_and_bad_requests(pages: PagesClient) -> None:
    today = pages.client.get("/console/day")
    assert "lundi 23.11" in today.text
    assert "Aucun repas réservé ce jour." in today.text
    wednesday = pages.client.get("/console/day", params={"date": "2026-11-25"})
    assert "Pas de service ce jour : jour sans service" in wednesday.text
    christmas = pages.client.get("/console/day", params={"date": "2026-12-24", "canteen": "montval"})
    assert "Pas de service ce jour : Vacances de Noël" in christmas.text
    bad_date = pages.client.get("/console/day", params={"date": "24.11.2026"})
    assert bad_date.status_code == 400
    assert "Date invalide : 24.11.2026" in bad_date.text
    unknown = pages.client.get("/console/day", params={"canteen": "nowhere"})
    assert unknown.status_code == 400
    assert "Cantine inconnue : nowhere" in unknown.text


@pytest.fixture
def no_sources() -> Iterator[None]:
    saved = list(day_sheet_module.WARNING_SOURCES)
    yield
    day_sheet_module.WARNING_SOURCES[:] = saved


def test_day_warnings_merge_every_source(no_sources: None) -> None:
    day_sheet_module.WARNING_SOURCES[:] = [lambda *_: {1: ["a"]}, lambda *_: {1: ["b"], 2: ["c"]}]
    assert day_sheet_module.day_warnings(lambda: None, None, TUESDAY) == {1: ["a", "b"], 2: ["c"]}  # type: ignore[arg-type,return-value]  # the sources ignore them
