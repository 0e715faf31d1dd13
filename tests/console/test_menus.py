"""Console menus and documents: week grid, a day edited, last week copied, a file imported, PDF, uploads, day sheet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from core.agenda import Change, change_meal
from core.canteen import MealType
from core.menus import Allergen, Dish, MenuDay
from core.model import Source
from core.unit_of_work import AbstractUnitOfWork
from tests.console.pages_client import PagesClient, logged_in

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def pages(uow_factory: Callable[[], AbstractUnitOfWork]) -> PagesClient:
    return logged_in(uow_factory, "2026-11-26T10:00:00+01:00")


def _day_form(pages: PagesClient, **fields: str | list[str]) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {"csrf_token": pages.csrf("/console/menus"), "canteen": "montval"}
    data.update(fields)
    return data


def test_enter_a_day_then_see_it_in_the_week_grid(pages: PagesClient) -> None:
    empty = pages.client.get("/console/menus", params={"canteen": "montval", "week": "2026-12-02"})
    assert empty.status_code == 200
    assert "Réfectoire scolaire de Montval, semaine du lundi 30.11 au dimanche 6.12" in empty.text
    assert "Pas encore de menu" in empty.text
    assert "mercredi 2.12" not in empty.text  # no column for a day the canteen never serves
    form = pages.client.get("/console/menus/day", params={"canteen": "montval", "date": "2026-12-01"})
    assert form.status_code == 200
    assert 'name="normal_name"' in form.text
    saved = pages.client.post(
        "/console/menus/day",
        data=_day_form(
            pages,
            date="2026-12-01",
            normal_name=["Poulet satay", "", ""],
            normal_allergens=["arachides, soja", "", ""],
            normal_note=["", "", ""],
            vegetarian_name=["Tofu <satay>", ""],
            vegetarian_allergens=["Erdnüsse", ""],
            vegetarian_note=["bio", ""],
            note="Produits locaux",
        ),
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == "/console/menus?canteen=montval&week=2026-11-30&saved=1"
    grid = pages.client.get(saved.headers["location"]).text
    assert "Menu enregistré." in grid
    assert "<strong>Poulet satay</strong>" in grid
    assert "contient : arachides, soja" in grid
    assert "<strong>Tofu &lt;satay&gt;</strong> <em>(bio)</em>" in grid
    assert "Produits locaux" in grid
    with pages.uow_factory() as uow:
        menu = uow.menus.get_day("montval", date(2026, 12, 1))
    assert menu is not None
    assert menu.dishes[0] == Dish(MealType.NORMAL, "Poulet satay", frozenset({Allergen.PEANUTS, Allergen.SOY}))
    again = pages.client.get("/console/menus/day", params={"canteen": "montval", "date": "2026-12-01"}).text
    assert 'value="arachides, soja"' in again


def test_a_day_with_an_unknown_allergen_or_without_service_is_refused(pages: PagesClient) -> None:
    refused = pages.client.post(
        "/console/menus/day",
        data=_day_form(
            pages, date="2026-12-02", normal_name=["Tarte"], normal_allergens=["chocolat"], normal_note=[""]
        ),
    )
    assert refused.status_code == 400
    assert "Tarte : allergènes inconnus : chocolat" in refused.text
    assert "n&#39;est pas un jour de service" in refused.text
    assert 'value="Tarte"' in refused.text  # what was typed is kept
    with pages.uow_factory() as uow:
        assert uow.menus.get_day("montval", date(2026, 12, 2)) is None
    assert pages.client.get("/console/menus", params={"canteen": "nowhere"}).status_code == 400
    assert pages.client.get("/console/menus/day", params={"date": "soon"}).status_code == 400


def test_copy_last_week_import_a_file_and_download_the_pdf(pages: PagesClient) -> None:
    with pages.uow_factory() as uow:
        uow.menus.save_day(
            MenuDay("montval", date(2026, 11, 23), (Dish(MealType.NORMAL, "Gratin", frozenset()),)), pages.clock.now()
        )
        uow.commit()
    copied = pages.client.post("/console/menus/copy", data=_day_form(pages, week="2026-11-30"), follow_redirects=True)
    assert "1 jour(s) copié(s) de la semaine précédente." in copied.text
    bad = pages.client.post(
        "/console/menus/import",
        data=_day_form(pages, week="2026-11-30"),
        files={"menu_file": ("menus.csv", b"date,dish,allergens\n2026-12-03,Flan,chocolat\n", "text/csv")},
    )
    assert bad.status_code == 400
    assert "line 2, allergens: unknown allergen(s): chocolat" in bad.text
    good = pages.client.post(
        "/console/menus/import",
        data=_day_form(pages, week="2026-11-30"),
        files={"menu_file": ("menus.csv", b"date,dish,allergens\n2026-12-03,Flan,oeufs; lait\n", "text/csv")},
        follow_redirects=True,
    )
    assert "1 jour(s) importé(s)." in good.text
    assert "<strong>Flan</strong>" in good.text
    pdf = pages.client.get("/console/menus.pdf", params={"canteen": "montval", "week": "2026-12-01"})
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert 'filename="menus-2026-11-30.pdf"' in pdf.headers["content-disposition"]
    assert pdf.content.startswith(b"%PDF-")


def test_posts_need_the_csrf_token(pages: PagesClient) -> None:
    answer = pages.client.post("/console/menus/copy", data={"canteen": "montval", "week": "2026-11-30"})
    assert answer.status_code == 403


def test_documents_uploaded_listed_downloaded_and_deleted(pages: PagesClient) -> None:
    page = pages.client.get("/console/documents")
    assert "Aucun document pour le moment." in page.text
    token = pages.csrf("/console/documents")
    form = {"csrf_token": token, "canteen": "montval", "key": "rules", "title_fr": "Règlement", "title_de": "Reglement"}
    not_pdf = pages.client.post(
        "/console/documents", data=form, files={"document_file": ("r.pdf", b"<html>", "application/pdf")}
    )
    assert not_pdf.status_code == 400
    assert "Ce fichier n&#39;est pas un PDF." in not_pdf.text
    assert 'value="Règlement"' in not_pdf.text
    no_title = pages.client.post(
        "/console/documents",
        data={**form, "title_fr": "", "title_de": ""},
        files={"document_file": ("r.pdf", PDF, "application/pdf")},
    )
    assert no_title.status_code == 400
    added = pages.client.post(
        "/console/documents",
        data=form,
        files={"document_file": ("Règlement.pdf", PDF, "application/pdf")},
        follow_redirects=True,
    )
    assert "Document ajouté." in added.text
    assert "R_glement.pdf" in added.text
    assert '<span lang="de">Reglement</span>' in added.text
    with pages.uow_factory() as uow:
        [document] = uow.documents.list("montval")
    download = pages.client.get(f"/console/documents/{document.id}/file")
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    deleted = pages.client.post(
        f"/console/documents/{document.id}/delete",
        data={"csrf_token": pages.csrf("/console/documents")},
        follow_redirects=True,
    )
    assert "Document supprimé." in deleted.text
    assert pages.client.get(f"/console/documents/{document.id}/file").status_code == 404


def test_the_day_sheet_flags_a_booked_childs_allergen(pages: PagesClient) -> None:
    arielle = pages.family("Dupont").child_named("Arielle")
    assert arielle is not None
    assert arielle.id is not None
    staff = Source("staff", staff_user="alice")
    assert change_meal(
        pages.uow_factory(), pages.canteens, pages.clock.now(), arielle.id, date(2026, 12, 1), Change.RESERVE, staff
    ).done
    with pages.uow_factory() as uow:
        dishes = (Dish(MealType.NORMAL, "Poulet satay", frozenset({Allergen.PEANUTS})),)
        uow.menus.save_day(MenuDay("montval", date(2026, 12, 1), dishes), pages.clock.now())
        uow.commit()
    sheet = pages.client.get("/console/day", params={"date": "2026-12-01", "canteen": "montval"}).text
    assert '<td class="warning-text">arachides: Poulet satay</td>' in sheet
