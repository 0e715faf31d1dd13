"""Console inbox: the messages waiting for staff, oldest first; apply, edit, reply to or dismiss each one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from bot.console.auth import StaffUser, current_staff
from bot.console.cases import record_case
from bot.console.context import CONSOLE_PREFIX, web_deps
from bot.console.templating import page_language, render
from bot.web import WebDeps
from core import i18n
from core.canteen import Canteen, MealType
from core.messages import OutgoingMessage, RuleHit
from core.pipeline.addressing import canteen_of
from core.pipeline.intake import rule_descriptions
from core.pipeline.staff import BookingChange, StaffError, StaffView, get_item, open_items, resolve
from nlu.quotes import strip_quotes

router = APIRouter()
NAV = (("console.nav.inbox", f"{CONSOLE_PREFIX}/inbox", "staff"),)
ACTIONS = ("reserve", "cancel")
BLANK_ROWS = 2


class FormError(StaffError):
    """A form filled in wrongly: its catalog key and parameters say what to fix."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def text(self, language: str) -> str:
        return i18n.message(language, self.key, **self.params)


@dataclass(frozen=True)
class Decision:
    """A routing rule consulted for the message: whether it matched, what it means, and its note."""

    rule: str
    matched: bool
    description: str
    note: str
    label: str = ""  # the rule's short name in the staff's language (its identifier when it has none)


@dataclass(frozen=True)
class ItemCard:
    """One staff item as the inbox shows it."""

    view: StaffView
    reason: str  # why a person must handle it, in the staff's language
    own_text: str
    folded: bool  # quoted parts or a signature were folded away from `own_text`
    decisions: Sequence[Decision]
    suggestion: Sequence[dict[str, Any]]
    zone: str | None = None  # the family's canteen's time zone (times are shown in it)

    @property
    def why(self) -> list[Decision]:
        return [decision for decision in self.decisions if decision.matched]


def rule_text(rule: str, language: str) -> str:
    """What a routing rule means, in the staff's language (its English description when the catalog lacks it)."""
    key = f"console.rule.{rule}"
    if key in i18n.keys(language):
        return i18n.message(language, key)
    return rule_descriptions().get(rule, rule)


def _label(rule: str, language: str) -> str:
    key = f"console.rule_label.{rule}"
    return i18n.message(language, key) if key in i18n.keys(language) else rule


def card(view: StaffView, language: str, canteens: Mapping[str, Canteen] | None = None) -> ItemCard:
    text = view.message.message.text
    own, notes = strip_quotes(text)
    hits: Sequence[RuleHit] = view.message.hits
    decisions = [
        Decision(h.rule, h.matched, rule_text(h.rule, language), i18n.say(h.note, language), _label(h.rule, language))
        for h in hits
    ]
    suggestion = [command | {"day": _day(command.get("date"))} for command in view.suggestion]
    zone = canteen_of(view.household, canteens).timezone if canteens else None
    folded = bool(notes) and own.strip() != text.strip()
    reason = i18n.say(view.item.reason, language)
    return ItemCard(view, reason, own or text, folded, decisions, suggestion, zone)


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@router.get("/inbox", response_class=HTMLResponse)
def inbox_list(request: Request, deps: Annotated[WebDeps, Depends(web_deps)]) -> Response:
    language = page_language(request)
    cards = [card(view, language, deps.canteens) for view in open_items(deps.uow_factory())]
    return render(request, "inbox/list.html", cards=cards)


def _item_page(
    request: Request, deps: WebDeps, item_id: int, status_code: int = 200, error: str | None = None
) -> Response:
    try:
        view = get_item(deps.uow_factory(), item_id)
    except StaffError:
        return render(request, "error.html", status_code=404, message_key="console.inbox.not_found")
    with deps.uow_factory() as uow:
        replies: list[OutgoingMessage] = list(uow.outbox.for_inbound(view.message.id))
        statuses = {reply.id: uow.outbox.status(reply.id) for reply in replies if reply.id is not None}
    children = [child.first_name for child in view.household.children] if view.household else []
    rows = [*view.suggestion, *({} for _ in range(BLANK_ROWS))]
    return render(
        request,
        "inbox/item.html",
        status_code=status_code,
        card=card(view, page_language(request), deps.canteens),
        children=children,
        rows=rows,
        actions=ACTIONS,
        meals=[meal.value for meal in MealType],
        replies=replies,
        statuses=statuses,
        error=error,
    )


@router.get("/inbox/{item_id}", response_class=HTMLResponse)
def inbox_item(request: Request, item_id: int, deps: Annotated[WebDeps, Depends(web_deps)]) -> Response:
    return _item_page(request, deps, item_id)


def changes_from_form(form: Any) -> list[BookingChange]:
    """The booking rows of the edit form (action, child, date, meal lists); rows without a date are skipped."""
    actions, children = form.getlist("action"), form.getlist("child")
    days, meals = form.getlist("date"), form.getlist("meal")
    changes = []
    for index, day_text in enumerate(days):
        action = actions[index] if index < len(actions) else ""
        child = children[index] if index < len(children) else ""
        if not str(day_text).strip() or not action:
            continue
        if action not in ACTIONS or not child:
            raise FormError("console.inbox.form.row_incomplete", row=index + 1)
        try:
            day = date.fromisoformat(str(day_text))
            meal_text = meals[index] if index < len(meals) else ""
            meal = MealType(meal_text) if meal_text and action == "reserve" else None
        except ValueError:
            raise FormError("console.inbox.form.row_date", row=index + 1) from None
        changes.append(BookingChange(action, str(child), day, meal))
    return changes


async def _resolve(request: Request, deps: WebDeps, staff: StaffUser, item_id: int, how: str) -> Response:
    form = await request.form()
    language = page_language(request)
    changes: list[BookingChange] = []
    reply_text: str | None = None
    dismiss_reason: str | None = None
    try:
        if how == "apply":
            view = await run_in_threadpool(get_item, deps.uow_factory(), item_id)
            try:
                changes = [BookingChange.from_json(command) for command in view.suggestion]
            except (KeyError, TypeError, ValueError):
                raise FormError("console.inbox.form.suggestion_incomplete") from None
            if not changes:
                raise FormError("console.inbox.form.no_suggestion")
        elif how == "edit":
            changes = changes_from_form(form)
            if not changes:
                raise FormError("console.inbox.form.no_rows")
        elif how == "reply":
            reply_text = str(form.get("reply", "")).strip()
            if not reply_text:
                raise FormError("console.inbox.form.no_reply")
        else:
            dismiss_reason = str(form.get("reason", "")).strip()
            if not dismiss_reason:
                raise FormError("console.inbox.form.no_reason")
        view = await run_in_threadpool(get_item, deps.uow_factory(), item_id)
        await run_in_threadpool(
            resolve,
            deps.uow_factory(),
            item_id,
            staff.username,
            deps.clock.now(),
            deps.canteens,
            changes=changes,
            reply_text=reply_text,
            dismiss_reason=dismiss_reason,
            override=form.get("override") == "1",
        )
    except StaffError as error:
        detail = error.text(language) if isinstance(error, FormError) else str(error)
        message = i18n.message(language, "console.inbox.refused", detail=detail)
        return await run_in_threadpool(_item_page, request, deps, item_id, 400, message)
    if changes and form.get("add_case") == "1":
        await run_in_threadpool(record_case, deps.settings.web.staff_cases_file, view, changes)
    return RedirectResponse(f"{CONSOLE_PREFIX}/inbox/{item_id}?notice=console.inbox.resolved", status_code=303)


@router.post("/inbox/{item_id}/apply")
async def apply_suggestion(
    request: Request,
    item_id: int,
    deps: Annotated[WebDeps, Depends(web_deps)],
    staff: Annotated[StaffUser, Depends(current_staff)],
) -> Response:
    return await _resolve(request, deps, staff, item_id, "apply")


@router.post("/inbox/{item_id}/resolve")
async def apply_edited(
    request: Request,
    item_id: int,
    deps: Annotated[WebDeps, Depends(web_deps)],
    staff: Annotated[StaffUser, Depends(current_staff)],
) -> Response:
    return await _resolve(request, deps, staff, item_id, "edit")


@router.post("/inbox/{item_id}/reply")
async def send_reply(
    request: Request,
    item_id: int,
    deps: Annotated[WebDeps, Depends(web_deps)],
    staff: Annotated[StaffUser, Depends(current_staff)],
) -> Response:
    return await _resolve(request, deps, staff, item_id, "reply")


@router.post("/inbox/{item_id}/dismiss")
async def dismiss(
    request: Request,
    item_id: int,
    deps: Annotated[WebDeps, Depends(web_deps)],
    staff: Annotated[StaffUser, Depends(current_staff)],
) -> Response:
    return await _resolve(request, deps, staff, item_id, "dismiss")
