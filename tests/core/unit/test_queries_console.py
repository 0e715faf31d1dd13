"""The console's read models: the week grid, staff changes from it, late cancellations, warnings and CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.agenda import CellKind, Change, change_meal, monday_of, week_grid
from core.canteen import MealType
from core.commands import Refusal, ReserveMeal
from core.day_sheet import csv_filename, sheet_csv
from core.family_view import family_file
from core.messages import InboundMessage, MessageStatus, OutgoingMessage
from core.model import EntryKind
from core.services import apply_commands, day_sheet
from tests.core.unit.builders import SRC, STAFF, child_id, montval, seeded, zurich

CANTEENS = {"montval": montval()}
MON = date(2026, 11, 2)


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 11, 2), date(2026, 11, 2)),
        (date(2026, 11, 4), date(2026, 11, 2)),
        (date(2026, 11, 8), date(2026, 11, 2)),
        (date(2026, 11, 9), date(2026, 11, 9)),
    ],
)
def test_monday_of(day: date, monday: date) -> None:
    assert monday_of(day) == monday


def test_week_grid_rows_are_days_and_columns_children() -> None:
    uow, family = seeded(Decimal("50"))
    lea, tom = child_id(family, "Léa"), child_id(family, "Tom")
    apply_commands([ReserveMeal(lea, MON, SRC)], uow, CANTEENS, zurich(2026, 11, 1, 20, 0))
    grid = week_grid(uow, family, CANTEENS, date(2026, 11, 4), now=zurich(2026, 11, 2, 9, 0))
    assert grid.monday == MON
    assert (grid.previous_monday, grid.next_monday, grid.last_day) == (
        date(2026, 10, 26),
        date(2026, 11, 9),
        date(2026, 11, 6),
    )
    assert [c.first_name for c in grid.children] == ["Léa", "Tom"]
    assert [[cell.kind for cell in row.cells] for row in grid.rows] == [
        [CellKind.BOOKED, CellKind.FREE],
        [CellKind.FREE, CellKind.FREE],
        [CellKind.CLOSED, CellKind.CLOSED],
        [CellKind.FREE, CellKind.FREE],
        [CellKind.FREE, CellKind.FREE],
    ]
    monday_lea = grid.cell(lea, MON)
    assert monday_lea is not None
    assert monday_lea.locked
    assert monday_lea.change is Change.CANCEL
    tuesday_lea = grid.cell(lea, date(2026, 11, 3))
    assert tuesday_lea is not None
    assert not tuesday_lea.locked
    assert tuesday_lea.change is Change.RESERVE
    thursday_tom = grid.cell(tom, date(2026, 11, 5))
    assert thursday_tom is not None
    assert thursday_tom.locked
    wednesday = grid.cell(tom, date(2026, 11, 4))
    assert wednesday is not None
    assert wednesday.change is None
    assert grid.rows[2].closure is None  # a weekday without service is no named closure
    assert grid.cell(lea, date(2026, 11, 9)) is None
    assert grid.cell(999, MON) is None


def test_week_grid_names_a_closure_shared_by_every_child() -> None:
    uow, family = seeded()
    grid = week_grid(uow, family, CANTEENS, date(2026, 12, 23))
    assert {row.closure for row in grid.rows} == {"Vacances de Noël"}
    assert all(not cell.locked for row in grid.rows for cell in row.cells)  # no `now`: nothing known to be locked


def test_change_meal_keeps_the_cut_off_unless_staff_override() -> None:
    uow, family = seeded(Decimal("50"))
    lea = child_id(family, "Léa")
    late = zurich(2026, 11, 2, 9, 0)
    refused = change_meal(uow, CANTEENS, late, lea, MON, Change.RESERVE, STAFF)
    assert refused.refusal is Refusal.TOO_LATE
    booked = change_meal(uow, CANTEENS, late, lea, MON, Change.RESERVE, STAFF, override=True)
    assert booked.done
    assert booked.balance_after == Decimal("42.50")
    assert change_meal(uow, CANTEENS, late, lea, MON, Change.CANCEL, STAFF).refusal is Refusal.TOO_LATE
    cancelled = change_meal(uow, CANTEENS, late, lea, MON, Change.CANCEL, STAFF, override=True)
    assert cancelled.done
    assert cancelled.balance_after == Decimal("50.00")
    closed = change_meal(uow, CANTEENS, late, lea, date(2026, 11, 4), Change.RESERVE, STAFF, override=True)
    assert closed.refusal is Refusal.NOT_SERVICE_DAY  # the override never passes the calendar


def test_day_sheet_lists_cancellations_after_the_cut_off_only() -> None:
    uow, family = seeded(Decimal("50"))
    lea, tom = child_id(family, "Léa"), child_id(family, "Tom")
    apply_commands([ReserveMeal(lea, MON, SRC), ReserveMeal(tom, MON, SRC)], uow, CANTEENS, zurich(2026, 10, 26, 7, 0))
    in_time = change_meal(uow, CANTEENS, zurich(2026, 11, 2, 8, 0), tom, MON, Change.CANCEL, SRC)
    assert in_time.refusal is Refusal.TOO_LATE  # special meal: three days ahead
    assert change_meal(uow, CANTEENS, zurich(2026, 10, 29, 8, 0), tom, MON, Change.CANCEL, SRC).done
    late = change_meal(uow, CANTEENS, zurich(2026, 11, 2, 9, 30), lea, MON, Change.CANCEL, STAFF, override=True)
    assert late.done
    sheet = day_sheet(uow, CANTEENS["montval"], MON)
    assert sheet.total == 0
    assert [(c.child.first_name, c.household.name, c.meal, c.source.staff_user) for c in sheet.late_cancellations] == [
        ("Léa", "Dupont", MealType.NORMAL, "alice")
    ]
    only = sheet.late_cancellations[0]
    assert only.at == zurich(2026, 11, 2, 9, 30)
    assert only.deadline == zurich(2026, 11, 2, 8, 15)


def test_day_sheet_warnings_and_csv() -> None:
    uow, family = seeded(Decimal("50"))
    lea, tom = child_id(family, "Léa"), child_id(family, "Tom")
    apply_commands([ReserveMeal(lea, MON, SRC), ReserveMeal(tom, MON, SRC)], uow, CANTEENS, zurich(2026, 10, 26, 7, 0))
    sheet = day_sheet(uow, CANTEENS["montval"], MON, warnings={tom: ["arachides: sauce satay"]})
    assert list(sheet.warnings_for(sheet.lines[0].child)) == ["arachides: sauce satay"]
    assert list(sheet.warnings_for(sheet.lines[1].child)) == []
    assert sheet.warned
    assert not day_sheet(uow, CANTEENS["montval"], MON).warnings
    assert not day_sheet(uow, CANTEENS["montval"], MON, warnings={999: ["x"]}).warned
    rows = list(csv.reader(io.StringIO(sheet_csv(sheet, "fr"))))
    assert rows == [
        ["Date", "Enfant", "Famille", "Repas", "Allergies", "Alertes du menu"],
        ["2026-11-02", "Tom", "Dupont", "menu spécial", "peanuts", "arachides: sauce satay"],
        ["2026-11-02", "Léa", "Dupont", "menu normal", "", ""],
    ]
    assert next(iter(csv.reader(io.StringIO(sheet_csv(sheet, "de")))))[1] == "Kind"
    assert csv_filename(sheet) == "montval-2026-11-02.csv"


def test_family_file_account_with_running_balance_and_messages_with_replies() -> None:
    uow, family = seeded(Decimal("50"))
    assert family.id is not None
    lea = child_id(family, "Léa")
    apply_commands([ReserveMeal(lea, MON, SRC)], uow, CANTEENS, zurich(2026, 10, 26, 7, 0))
    received = zurich(2026, 10, 26, 7, 0)
    with uow:
        first, _ = uow.inbox.store(InboundMessage("sms", "a1", "+41791234567", "lundi pour Léa", received))
        second, _ = uow.inbox.store(InboundMessage("sms", "a2", "+41791234567", "merci", received + timedelta(hours=1)))
        uow.inbox.store(InboundMessage("sms", "a3", "+41790000000", "qui ?", received))
        for message_id in (first, second):
            uow.inbox.finish(message_id, MessageStatus.DONE, [], received, household_id=family.id)
        uow.outbox.add(OutgoingMessage("sms", "+41791234567", "Léa : repas réservé", received, inbound_id=first))
        uow.commit()
    found = family_file(uow, family.id)
    assert found is not None
    assert found.balance == Decimal("42.50")
    assert [(line.entry.kind, line.balance) for line in found.account] == [
        (EntryKind.MEAL_CHARGE, Decimal("42.50")),
        (EntryKind.TOPUP, Decimal("50.00")),
    ]
    assert [(e.message.message.text, [r.text for r in e.replies]) for e in found.exchanges] == [
        ("merci", []),
        ("lundi pour Léa", ["Léa : repas réservé"]),
    ]
    assert family_file(uow, 999) is None
    empty_uow, empty = seeded()
    assert empty.id is not None
    empty_file = family_file(empty_uow, empty.id)
    assert empty_file is not None
    assert empty_file.balance == Decimal("0.00")
    assert empty_file.account == []
