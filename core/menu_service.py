"""Menu tasks over the unit of work: store imported days, copy last week, shift the demo menus to the coming weeks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from core import i18n
from core.calendar import ServiceCalendar
from core.canteen import Canteen
from core.keyed import Keyed
from core.menus import MenuDay, allergy_warnings, copy_week, week_of
from core.unit_of_work import AbstractUnitOfWork


def save_menus(uow: AbstractUnitOfWork, days: Sequence[MenuDay], now: datetime, by: str) -> int:
    """Store each day's menu (replacing what was there) in one transaction; returns how many days."""
    with uow:
        for menu in days:
            uow.menus.save_day(menu, now, by)
        uow.commit()
    return len(days)


def copy_previous_week(
    uow: AbstractUnitOfWork, canteen: Canteen, day: date, now: datetime, by: str, overwrite: bool = False
) -> list[date]:
    """Copy the menus of the week before the week of `day` onto it (service days only; days that already
    have a menu are kept unless `overwrite`); returns the days written."""
    monday, sunday = week_of(day)
    calendar = ServiceCalendar(canteen)
    written: list[date] = []
    with uow:
        previous = uow.menus.between(canteen.id, monday - timedelta(days=7), sunday - timedelta(days=7))
        existing = {menu.day for menu in uow.menus.between(canteen.id, monday, sunday)}
        for menu in copy_week(previous):
            if not calendar.is_service_day(menu.day) or (menu.day in existing and not overwrite):
                continue
            uow.menus.save_day(menu, now, by)
            written.append(menu.day)
        uow.commit()
    return written


def shift_to_week(menus: Sequence[MenuDay], canteens: dict[str, Canteen], monday: date) -> list[MenuDay]:
    """Menus of a reference period moved by whole weeks so that its first week starts on `monday`
    (days falling on a non-service day of their canteen are left out): the demo's menus stay current."""
    if not menus:
        return []
    first_monday, _ = week_of(min(menu.day for menu in menus))
    shift = monday - first_monday
    moved = []
    for menu in menus:
        day = menu.day + shift
        canteen = canteens.get(menu.canteen_id)
        if canteen is not None and ServiceCalendar(canteen).is_service_day(day):
            moved.append(MenuDay(menu.canteen_id, day, menu.dishes, menu.note))
    return moved


def week_menus(uow_factory: Callable[[], AbstractUnitOfWork], canteen_id: str, day: date) -> list[MenuDay]:
    """The stored menus of the week of `day`."""
    monday, sunday = week_of(day)
    with uow_factory() as uow:
        return list(uow.menus.between(canteen_id, monday, sunday))


def day_sheet_warnings(
    uow_factory: Callable[[], AbstractUnitOfWork], canteen: Canteen, day: date
) -> dict[int, list[str]]:
    """For the kitchen's day sheet (a core.day_sheet warning source): per booked child with an allergy note,
    the allergens its note names in the dishes of the booked meal type ("peanuts: Poulet satay"): English texts
    keyed for the reader's language (`core.i18n.say`: "arachides: Poulet satay")."""
    warned: dict[int, list[str]] = {}
    with uow_factory() as uow:
        menu = uow.menus.get_day(canteen.id, day)
        if menu is None:
            return warned
        booked = {reservation.child_id: reservation.meal for reservation in uow.reservations.for_day(canteen.id, day)}
        for child in uow.households.children_of_canteen(canteen.id):
            if child.id is None or child.id not in booked or not child.allergy_note.strip():
                continue
            for warning in allergy_warnings(child.allergy_note, menu, booked[child.id]):
                key = f"menus.warning.{warning.allergen.value}"
                text = Keyed(i18n.message("en", key, dish=warning.dish), key, {"dish": warning.dish})
                warned.setdefault(child.id, []).append(text)
    return warned
