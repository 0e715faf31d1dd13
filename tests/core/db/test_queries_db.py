"""The console's queries on SQL: a canteen's meal entries of a day, a household's messages, late cancellations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from core.agenda import Change, change_meal, week_grid
from core.commands import RecordTopUp
from core.db.unit_of_work import SqlAlchemyUnitOfWork
from core.kitchen_sheet import KitchenSheetJob
from core.messages import InboundMessage, MessageStatus
from core.model import EntryKind, PaymentMethod
from core.services import apply_command, day_sheet
from tests.core.db.builders import NOW, STAFF, charge, household
from tests.core.unit.builders import montval, zurich
from tests.core.unit.test_queries_kitchen import with_kitchen

UowFactory = Callable[[], SqlAlchemyUnitOfWork]
MONDAY = date(2026, 11, 23)
CANTEENS = {"montval": montval()}


def test_meal_entries_on_a_day_of_one_canteen(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        here = uow.households.add(household())
        away = uow.households.add(replace(household("Favre", "f@example.org", "+41790000000"), children=[]))
        assert here.id
        assert away.id
        assert here.children[0].id
        lea = here.children[0].id
        uow.ledger.add(charge(here.id, lea, MONDAY))
        uow.ledger.add(charge(here.id, lea, MONDAY + timedelta(days=1)))
        uow.commit()
    with uow_factory() as uow:
        entries = uow.ledger.meal_entries_on("montval", MONDAY)
        assert [(e.kind, e.child_id, e.day) for e in entries] == [(EntryKind.MEAL_CHARGE, lea, MONDAY)]
        assert uow.ledger.meal_entries_on("leysin", MONDAY) == []


def test_messages_of_a_household_newest_first(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        family = uow.households.add(household())
        assert family.id
        ids = []
        for minutes in (0, 5, 10):
            message = InboundMessage(
                "sms", f"sm{minutes}", "+41791234567", f"text {minutes}", NOW + timedelta(minutes=minutes)
            )
            message_id, _ = uow.inbox.store(message)
            ids.append(message_id)
        for message_id in ids[:2]:
            uow.inbox.finish(message_id, MessageStatus.DONE, [], NOW, household_id=family.id)
        uow.commit()
    with uow_factory() as uow:
        assert [m.message.text for m in uow.inbox.of_household(family.id, 10)] == ["text 5", "text 0"]
        assert [m.id for m in uow.inbox.of_household(family.id, 1)] == [ids[1]]
        assert uow.inbox.of_household(family.id + 1, 10) == []


def test_staff_override_after_the_cut_off_shows_on_the_day_sheet(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        family = uow.households.add(household())
        uow.commit()
    assert family.id
    assert family.children[0].id
    lea = family.children[0].id
    topped = apply_command(
        RecordTopUp(family.id, Decimal("30"), PaymentMethod.CASH, STAFF), uow_factory(), CANTEENS, NOW
    )
    assert topped.done
    assert change_meal(uow_factory(), CANTEENS, zurich(2026, 11, 20), lea, MONDAY, Change.RESERVE, STAFF).done
    late = zurich(2026, 11, 23, 10, 5)
    assert change_meal(uow_factory(), CANTEENS, late, lea, MONDAY, Change.CANCEL, STAFF, override=True).done
    sheet = day_sheet(uow_factory(), CANTEENS["montval"], MONDAY)
    assert sheet.total == 0
    assert [(c.child.first_name, c.at, c.source.staff_user) for c in sheet.late_cancellations] == [
        ("Léa", late, "alice")
    ]
    grid = week_grid(uow_factory(), family, CANTEENS, MONDAY, now=late)
    first = grid.cell(lea, MONDAY)
    assert first is not None
    assert first.locked
    assert first.change is Change.RESERVE


def test_kitchen_sheet_queued_once_on_sql(uow_factory: UowFactory) -> None:
    canteens = {"montval": with_kitchen()}
    with uow_factory() as uow:
        family = uow.households.add(household())
        uow.commit()
    assert family.id
    assert family.children[0].id
    apply_command(RecordTopUp(family.id, Decimal("30"), PaymentMethod.CASH, STAFF), uow_factory(), canteens, NOW)
    lea = family.children[0].id
    assert change_meal(uow_factory(), canteens, zurich(2026, 11, 20), lea, MONDAY, Change.RESERVE, STAFF).done
    after_cut_off = zurich(2026, 11, 23, 8, 30)
    assert KitchenSheetJob(uow_factory, canteens).run(after_cut_off) == ["montval"]
    assert KitchenSheetJob(uow_factory, canteens).run(after_cut_off) == []
    with uow_factory() as uow:
        (mail,) = uow.outbox.claim_due(after_cut_off, 10)
    assert mail.recipient == "cuisine@montval.example"
    assert "Repas du lundi 23.11 : 1 en tout." in mail.text
    assert [a.filename for a in mail.attachments] == ["montval-2026-11-23.csv"]
