"""Console downloads of a family's statement and QR-bill: PDFs for logged-in staff, clear errors, login required."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.unit_of_work import AbstractUnitOfWork
from tests.console.pages_client import PagesClient, demo_app, logged_in

MONDAY_MORNING = "2026-11-23T07:40:00+01:00"


@pytest.fixture
def pages(uow_factory: Callable[[], AbstractUnitOfWork]) -> PagesClient:
    return logged_in(uow_factory, MONDAY_MORNING)


def family_id(pages: PagesClient, name: str) -> int:
    household = pages.family(name)
    assert household.id is not None
    return household.id


def pdf_text(data: bytes, tmp_path: Path) -> str:
    (tmp_path / "d.pdf").write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(tmp_path / "d.pdf"), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode()


def test_a_statement_between_two_dates_downloads_as_a_pdf(pages: PagesClient, tmp_path: Path) -> None:
    household = family_id(pages, "Dupont")
    answer = pages.client.get(
        f"/console/families/{household}/statement.pdf", params={"from": "2026-11-01", "to": "2026-11-30"}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert 'filename="decompte-2026-11-01-2026-11-30.pdf"' in answer.headers["content-disposition"]
    text = pdf_text(answer.content, tmp_path)
    assert "Famille Dupont" in text
    assert "400,00 CHF" in text  # the opening balance of the demo import


def test_a_tax_year_and_the_month_by_default(pages: PagesClient, tmp_path: Path) -> None:
    household = family_id(pages, "Müller")
    year = pages.client.get(f"/console/families/{household}/statement.pdf", params={"year": 2026})
    assert "Steuerbescheinigung 2026" in pdf_text(year.content, tmp_path)
    month = pages.client.get(f"/console/families/{household}/statement.pdf", params={"language": "en"})
    assert "Statement from 01.11.2026 to 23.11.2026" in pdf_text(month.content, tmp_path)


def test_a_qr_bill_downloads_as_a_pdf(pages: PagesClient, tmp_path: Path) -> None:
    household = family_id(pages, "Favre")
    answer = pages.client.get(f"/console/families/{household}/qrbill.pdf", params={"amount": "40"})
    assert answer.status_code == 200
    assert 'filename="bulletin-versement.pdf"' in answer.headers["content-disposition"]
    text = pdf_text(answer.content, tmp_path)
    assert "Versement sur le compte repas" in text
    assert "Référence : RF" in text


@pytest.mark.parametrize(
    ("path", "params", "status", "detail"),
    [
        ("statement.pdf", {"from": "hier"}, 400, "from must be a date"),
        ("statement.pdf", {"from": "2026-11-30", "to": "2026-11-01"}, 400, "cannot end"),
        ("statement.pdf", {"year": 1900}, 400, "out of range"),
        ("statement.pdf", {"language": "it"}, 400, "language must be one of"),
        ("qrbill.pdf", {"amount": "beaucoup"}, 400, "is not an amount"),
        ("qrbill.pdf", {"amount": "0"}, 400, "amount must be between"),
    ],
)
def test_bad_requests_are_explained(
    pages: PagesClient, path: str, params: dict[str, object], status: int, detail: str
) -> None:
    answer = pages.client.get(f"/console/families/{family_id(pages, 'Dupont')}/{path}", params=params)
    assert answer.status_code == status
    assert detail in answer.text


def test_an_unknown_family_is_not_found(pages: PagesClient) -> None:
    assert pages.client.get("/console/families/999999/statement.pdf").status_code == 404
    assert pages.client.get("/console/families/999999/qrbill.pdf").status_code == 404


def test_downloads_need_a_login(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    app, _, _ = demo_app(uow_factory, MONDAY_MORNING)
    answer = TestClient(app).get("/console/families/1/statement.pdf", follow_redirects=False)
    assert answer.status_code in (303, 401)
    assert answer.headers.get("content-type") != "application/pdf"


def test_the_family_page_offers_the_statement_tax_statement_and_qr_bill_forms(pages: PagesClient) -> None:
    household = family_id(pages, "Dupont")
    page = pages.client.get(f"/console/families/{household}").text
    for target in ("statement.pdf", "qrbill.pdf"):
        assert f'action="/console/families/{household}/{target}"' in page
    for field in ('name="from"', 'name="to"', 'name="year"', 'name="amount"'):
        assert field in page
    assert "Décompte fiscal (PDF)" in page
