"""Menus and documents in words: the lines of a menu answer (short on SMS, full elsewhere), document lists, warnings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from core import i18n
from core.calendar import ServiceCalendar
from core.canteen import MealType
from core.documents import Document, DocumentKey
from core.menus import AllergenWarning, Dish, MenuDay, usually_published
from core.replies import Audience


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _day(audience: Audience, day: date) -> str:
    if audience.short:
        return i18n.short_day_label(day, audience.language)
    return i18n.day_label(day, audience.language)


def allergen_names(language: str, dish: Dish) -> str:
    return ", ".join(i18n.message(language, f"menus.allergen.{a.value}") for a in dish.sorted_allergens())


def _dish_text(language: str, dish: Dish) -> str:
    text = f"{dish.name} ({dish.note})" if dish.note else dish.name
    if dish.allergens:
        text += " - " + i18n.message(language, "menus.contains", allergens=allergen_names(language, dish))
    return text


def _full_day(audience: Audience, menu: MenuDay) -> list[str]:
    language = audience.language
    lines = [_capital(_day(audience, menu.day))]
    for meal in menu.meals():
        dishes = " / ".join(_dish_text(language, dish) for dish in menu.dishes_of(meal))
        lines.append(
            i18n.message(language, "menus.line", meal=i18n.message(language, f"menus.meal.{meal.value}"), dishes=dishes)
        )
    if menu.note:
        lines.append(i18n.message(language, "menus.day.note", note=menu.note))
    return lines


def _short_day(audience: Audience, menu: MenuDay, meals: Sequence[MealType]) -> str:
    language = audience.language
    shown = [meal for meal in meals if menu.dishes_of(meal)] or menu.meals()
    parts = []
    for meal in shown:
        names = ", ".join(dish.name for dish in menu.dishes_of(meal))
        label = i18n.message(language, f"menus.meal.short.{meal.value}")
        parts.append(f"{label}: {names}" if len(shown) > 1 else names)
    text = "; ".join(parts) or menu.note
    return i18n.message(language, "menus.sms.line", day=_capital(_day(audience, menu.day)), dishes=text)


def menu_lines(
    audience: Audience,
    start: date,
    end: date,
    menus: Mapping[date, MenuDay],
    meals: Sequence[MealType] = (MealType.NORMAL,),
) -> list[str]:
    """The menu of each service day from start to end: SMS one line a day (the household's usual meals),
    email and Telegram every meal type with allergens and note; days not published yet say when they usually are."""
    canteen = audience.canteen
    language = audience.language
    days = ServiceCalendar(canteen).service_days(start, end)
    if not days:
        if start == end:
            return [i18n.message(language, "menus.no_service.day", day=_day(audience, start))]
        return [i18n.message(language, "menus.no_service", start=_day(audience, start), end=_day(audience, end))]
    lines: list[str] = []
    if not audience.short:
        if len(days) == 1:
            lines += [i18n.message(language, "menus.header.day", day=_day(audience, days[0])), ""]
        else:
            bounds = {"start": _day(audience, days[0]), "end": _day(audience, days[-1])}
            lines += [i18n.message(language, "menus.header.period", **bounds), ""]
    for day in days:
        menu = menus.get(day)
        if menu is None:
            key = "menus.not_published.sms" if audience.short else "menus.not_published"
            when = _day(audience, usually_published(canteen, day))
            lines.append(i18n.message(language, key, day=_capital(_day(audience, day)), when=when))
        elif audience.short:
            lines.append(_short_day(audience, menu, meals))
        else:
            lines += _full_day(audience, menu)
        if not audience.short:
            lines.append("")
    while lines and not lines[-1]:
        lines.pop()
    return lines


def allergy_warning_lines(
    audience: Audience, warnings: Mapping[tuple[str, date], Sequence[AllergenWarning]]
) -> list[str]:
    """One line per child and day whose booked meal contains an allergen the child's note names."""
    language = audience.language
    key = "menus.allergy.warning.sms" if audience.short else "menus.allergy.warning"
    lines = []
    for (child, day), found in sorted(warnings.items(), key=lambda item: (item[0][1], item[0][0])):
        if not found:
            continue
        allergens = ", ".join(
            dict.fromkeys(i18n.message(language, f"menus.allergen.{w.allergen.value}") for w in found)
        )
        dishes = ", ".join(dict.fromkeys(w.dish for w in found))
        lines.append(i18n.message(language, key, child=child, allergen=allergens, day=_day(audience, day), dish=dishes))
    return lines


def document_list_lines(audience: Audience, documents: Sequence[Document], wanted: str | None) -> list[str]:
    """The documents available (titles in the parent's language), after a word on the one missing if any."""
    language = audience.language
    lines = []
    if wanted:
        key = f"documents.key.{wanted}" if f"documents.key.{wanted}" in i18n.keys(language) else "documents.key.other"
        lines.append(i18n.message(language, "documents.missing", wanted=i18n.message(language, key)))
    lines.append(i18n.message(language, "documents.list.header"))
    order = list(DocumentKey)
    ordered = sorted(documents, key=lambda document: order.index(document.key))
    titles = dict.fromkeys(document.title(language) for document in ordered)
    lines += [i18n.message(language, "documents.list.line", title=title) for title in titles]
    lines.append(i18n.message(language, "documents.list.footer"))
    return lines
