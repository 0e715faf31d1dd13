"""Console try-it page (demo mode): write as a demo guardian on a channel, see the reply and the agenda change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse

from bot.console.context import CONSOLE_PREFIX, web_deps
from bot.console.family import channel_label
from bot.console.inbox import rule_text
from bot.console.templating import page_language, render
from bot.console.try_it_road import TRY_CHANNELS, TryResult, address_for, try_message
from bot.web import WebDeps
from core import i18n
from core.agenda import week_grid
from core.model import Guardian, Household

router = APIRouter()
NAV = (("pages.nav.try", f"{CONSOLE_PREFIX}/try", "demo"),)
MAX_TEXT = 2000


@dataclass(frozen=True)
class Writer:
    """A guardian one may write as, with the household."""

    guardian: Guardian
    household: Household

    @property
    def key(self) -> str:
        return str(self.guardian.id)


def writers(deps: WebDeps) -> list[Writer]:
    """Every guardian of every household, by household name."""
    with deps.uow_factory() as uow:
        households = sorted(uow.households.list(), key=lambda h: h.name.casefold())
    return [Writer(g, h) for h in households for g in h.guardians if g.id is not None]


def _page(
    request: Request,
    deps: WebDeps,
    chosen: Writer | None,
    channel: str,
    text: str = "",
    result: TryResult | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    everyone = writers(deps)
    writer = chosen or (everyone[0] if everyone else None)
    grid = None
    if writer is not None:
        now = deps.clock.now()
        shown: date = (result.first_day() if result else None) or now.date()
        grid = week_grid(deps.uow_factory(), writer.household, deps.canteens, shown, now=now)
    language = page_language(request)
    context: dict[str, Any] = {
        "writers": everyone,
        "writer": writer,
        "channels": [(c.value, channel_label(c.value, language)) for c in TRY_CHANNELS],
        "channel": channel,
        "channel_name": channel_label(channel, language),
        "text": text,
        "result": result,
        "error": error,
        "grid": grid,
        "household": writer.household if writer else None,
        "changed": {(c, d) for c, d, _ in result.changed} if result else set(),
        "decisions": decisions_of(result, language) if result else [],
        "today": deps.clock.now().date(),
        "readonly": True,
    }
    return render(request, "try_it/page.html", status_code=status_code, **context)


@dataclass(frozen=True)
class Decision:
    """A routing rule that matched the message: what it means, and the note recorded with it."""

    rule: str
    description: str
    note: str


def decisions_of(result: TryResult, language: str) -> list[Decision]:
    """The rules that decided the message's way, described as the inbox describes them."""
    return [
        Decision(hit.rule, rule_text(hit.rule, language), i18n.say(hit.note, language))
        for hit in result.stored.hits
        if hit.matched
    ]


def _demo_only(request: Request, deps: WebDeps) -> Response | None:
    if deps.settings.demo:
        return None
    return render(request, "error.html", status_code=404, message_key="pages.try.demo_only")


@router.get("/try", response_class=HTMLResponse)
def try_page(request: Request, deps: Annotated[WebDeps, Depends(web_deps)], guardian: str = "") -> Response:
    refused = _demo_only(request, deps)
    if refused is not None:
        return refused
    chosen = next((w for w in writers(deps) if w.key == guardian), None)
    return _page(request, deps, chosen, TRY_CHANNELS[0].value)


@router.post("/try", response_class=HTMLResponse)
def try_send(
    request: Request,
    deps: Annotated[WebDeps, Depends(web_deps)],
    guardian: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> Response:
    refused = _demo_only(request, deps)
    if refused is not None:
        return refused
    language = page_language(request)
    chosen = next((w for w in writers(deps) if w.key == guardian), None)
    message = text.strip()[:MAX_TEXT]
    if chosen is None:
        error = i18n.message(language, "pages.try.unknown_guardian")
        return _page(request, deps, None, channel, text, error=error, status_code=400)
    if not message:
        error = i18n.message(language, "pages.try.empty")
        return _page(request, deps, chosen, channel, text, error=error, status_code=400)
    address = address_for(chosen.guardian, channel)
    if address is None:
        error = i18n.message(language, "pages.try.no_address", guardian=chosen.guardian.name)
        return _page(request, deps, chosen, channel, text, error=error, status_code=400)
    result = try_message(
        deps.uow_factory, deps.canteens, deps.clock, address, channel, message, household=chosen.household
    )
    return _page(request, deps, chosen, channel, message, result=result)
