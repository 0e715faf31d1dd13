"""Console documents: the canteen's PDFs (rules, registration form, charter…) listed, uploaded, downloaded, deleted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from bot.console.auth import StaffUser, current_staff
from bot.console.context import CONSOLE_PREFIX, web_deps
from bot.console.templating import page_language, render
from bot.web import WebDeps
from core import i18n
from core.canteen import Canteen
from core.documents import MAX_DOCUMENT_BYTES, DocumentKey, is_pdf, new_document
from core.model import LANGUAGES, DomainError

router = APIRouter()
NAV = (("documents.console.nav", f"{CONSOLE_PREFIX}/documents", "staff"),)


def _canteen(deps: WebDeps, canteen_id: str | None) -> Canteen | None:
    if canteen_id:
        return deps.canteens.get(canteen_id)
    return deps.canteens[sorted(deps.canteens)[0]] if deps.canteens else None


def _page(request: Request, deps: WebDeps, canteen: Canteen, status_code: int = 200, **context: object) -> Response:
    with deps.uow_factory() as uow:
        documents = list(uow.documents.list(canteen.id))
    values: dict[str, object] = {"error": None, "message": None, "titles": {}, "key": DocumentKey.RULES.value}
    values.update(context)
    return render(
        request,
        "documents/list.html",
        status_code=status_code,
        canteens=deps.canteens,
        canteen=canteen,
        documents=documents,
        keys=[key.value for key in DocumentKey],
        title_languages=LANGUAGES,
        zone=str(canteen.zone),
        **values,
    )


@router.get("/documents", response_class=HTMLResponse)
def list_page(
    request: Request,
    deps: Annotated[WebDeps, Depends(web_deps)],
    canteen: str | None = None,
    done: str | None = None,
) -> Response:
    chosen = _canteen(deps, canteen)
    if chosen is None:
        return Response("unknown canteen", status_code=404, media_type="text/plain")
    message = None
    if done in ("added", "deleted"):
        message = i18n.message(page_language(request), f"documents.console.{done}")
    return _page(request, deps, chosen, message=message)


@router.post("/documents", response_class=HTMLResponse)
async def upload(
    request: Request,
    deps: Annotated[WebDeps, Depends(web_deps)],
    staff: Annotated[StaffUser, Depends(current_staff)],
    canteen: Annotated[str, Form()],
    key: Annotated[str, Form()],
    document_file: Annotated[UploadFile, File()],
    title_fr: Annotated[str, Form()] = "",
    title_en: Annotated[str, Form()] = "",
    title_de: Annotated[str, Form()] = "",
) -> Response:
    chosen = _canteen(deps, canteen)
    if chosen is None:
        return Response("unknown canteen", status_code=404, media_type="text/plain")
    language = page_language(request)
    titles = {"fr": title_fr, "en": title_en, "de": title_de}
    data = await document_file.read(MAX_DOCUMENT_BYTES + 1)
    if not is_pdf(data):
        error = i18n.message(language, "documents.console.not_pdf")
        return _page(request, deps, chosen, status_code=400, error=error, titles=titles, key=key)
    try:
        document = new_document(
            chosen.id,
            key,
            titles,
            document_file.filename or "document.pdf",
            data,
            deps.clock.now(),
            staff.account.username,
        )
    except DomainError as problem:
        error = i18n.message(language, "documents.console.error", reason=str(problem))
        return _page(request, deps, chosen, status_code=400, error=error, titles=titles, key=key)
    with deps.uow_factory() as uow:
        uow.documents.add(document)
        uow.commit()
    return RedirectResponse(f"{CONSOLE_PREFIX}/documents?canteen={chosen.id}&done=added", status_code=303)


@router.get("/documents/{document_id}/file")
def download(deps: Annotated[WebDeps, Depends(web_deps)], document_id: int) -> Response:
    with deps.uow_factory() as uow:
        document = uow.documents.get(document_id)
    if document is None:
        return Response("no such document", status_code=404, media_type="text/plain")
    headers = {"Content-Disposition": f'attachment; filename="{document.filename}"'}
    return Response(document.data, media_type=document.content_type, headers=headers)


@router.post("/documents/{document_id}/delete")
def delete(deps: Annotated[WebDeps, Depends(web_deps)], document_id: int) -> Response:
    with deps.uow_factory() as uow:
        document = uow.documents.get(document_id)
        if document is None:
            return Response("no such document", status_code=404, media_type="text/plain")
        uow.documents.remove(document_id)
        uow.commit()
    return RedirectResponse(f"{CONSOLE_PREFIX}/documents?canteen={document.canteen_id}&done=deleted", status_code=303)
