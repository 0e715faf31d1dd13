"""The kitchen's day sheet by email: queued once a service day after the cut-off, with counts, notes and the CSV."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core import day_sheet
from core.agenda import Change, change_meal
from core.canteen import Canteen, parse_canteen
from core.commands import ReserveMeal
from core.keyed import Keyed
from core.kitchen_sheet import KitchenSheetJob, due_day, kitchen_address
from core.messages import OutgoingMessage
from core.services import apply_commands
from tests.core.unit.builders import MONTVAL_TOML, SRC, STAFF, child_id, montval, seeded, zurich
from tests.fakes import FakeUnitOfWork

MON = date(2026, 11, 2)
KITCHEN = "cuisine@montval.example"


def with_kitchen() -> Canteen:
    text = MONTVAL_TOML.replace(
        "service_days = [", f'kitchen_email = "{KITCHEN}"\nemail = "cantine@montval.example"\nservice_days = ['
    )
    return parse_canteen(text, "montval.toml")


def outbox(uow: FakeUnitOfWork) -> list[OutgoingMessage]:
    with uow:
        return [row.message for row in uow.state.pipeline.outbox.values()]


def test_the_address_and_when_a_sheet_is_due() -> None:
    canteen = with_kitchen()
    assert kitchen_address(canteen) == KITCHEN
    assert kitchen_address(montval()) is None
    assert due_day(canteen, zurich(2026, 11, 2, 8, 15)) is None  # the cut-off instant itself: still open
    assert due_day(canteen, zurich(2026, 11, 2, 8, 16)) == MON
    assert due_day(canteen, zurich(2026, 11, 4, 12, 0)) is None  # Wednesday: no service


def test_queued_once_after_the_cut_off() -> None:
    canteen = with_kitchen()
    canteens = {"montval": canteen}
    uow, family = seeded(Decimal("50"))
    lea, tom = child_id(family, "Léa"), child_id(family, "Tom")
    apply_commands([ReserveMeal(lea, MON, SRC), ReserveMeal(tom, MON, SRC)], uow, canteens, zurich(2026, 10, 26))
    assert change_meal(uow, canteens, zurich(2026, 11, 2, 8, 30), lea, MON, Change.CANCEL, STAFF, override=True).done
    job = KitchenSheetJob(lambda: uow, canteens, warnings=lambda c, d: {tom: ["arachides: satay"]})
    assert job.run(zurich(2026, 11, 2, 8, 0)) == []
    assert outbox(uow) == []
    assert job.run(zurich(2026, 11, 2, 8, 40)) == ["montval"]
    assert job.run(zurich(2026, 11, 2, 9, 0)) == []  # remembered by this process
    restarted = KitchenSheetJob(lambda: uow, canteens)
    assert restarted.run(zurich(2026, 11, 2, 9, 0)) == []  # and by the database
    sent = outbox(uow)
    assert len(sent) == 1
    mail = sent[0]
    assert (mail.channel, mail.recipient, mail.reply_from) == ("email", KITCHEN, "cantine@montval.example")
    assert mail.subject == "Feuille du jour Réfectoire scolaire de Montval, lundi 2.11"
    assert mail.text.splitlines() == [
        "Repas du lundi 2.11 : 1 en tout.",
        "",
        "- menu normal : 0",
        "- végétarien : 0",
        "- menu spécial : 1",
        "",
        "Allergies et remarques :",
        "- Tom (Dupont, menu spécial) : peanuts; arachides: satay",
        "",
        "Annulés après le délai : Léa (Dupont)",
        "",
        "La liste complète est jointe (CSV).",
    ]
    (attachment,) = mail.attachments
    assert attachment.filename == "montval-2026-11-02.csv"
    assert attachment.data.decode("utf-8").splitlines()[1].startswith("2026-11-02,Tom,Dupont")
    assert job.run(zurich(2026, 11, 3, 8, 20)) == ["montval"]  # the next service day


def test_no_kitchen_address_no_mail() -> None:
    uow, _ = seeded()
    assert KitchenSheetJob(lambda: uow, {"montval": montval()}).run(zurich(2026, 11, 2, 12, 0)) == []
    assert outbox(uow) == []


def test_registered_warning_sources_reach_the_mail(monkeypatch: pytest.MonkeyPatch) -> None:
    canteens = {"montval": with_kitchen()}
    uow, family = seeded(Decimal("50"))
    tom = child_id(family, "Tom")
    apply_commands([ReserveMeal(tom, MON, SRC)], uow, canteens, zurich(2026, 10, 26))
    monkeypatch.setattr(day_sheet, "WARNING_SOURCES", [lambda *_: {tom: ["sésame"]}])
    assert KitchenSheetJob(lambda: uow, canteens).run(zurich(2026, 11, 2, 9, 0)) == ["montval"]
    assert "- Tom (Dupont, menu spécial) : peanuts; sésame" in outbox(uow)[0].text


def test_a_keyed_warning_reaches_the_mail_in_the_canteens_language(monkeypatch: pytest.MonkeyPatch) -> None:
    canteens = {"montval": with_kitchen()}
    uow, family = seeded(Decimal("50"))
    tom = child_id(family, "Tom")
    apply_commands([ReserveMeal(tom, MON, SRC)], uow, canteens, zurich(2026, 10, 26))
    warning = Keyed("sesame: Houmous", "menus.warning.sesame", {"dish": "Houmous"})  # as the menus store it
    monkeypatch.setattr(day_sheet, "WARNING_SOURCES", [lambda *_: {tom: [warning]}])
    assert KitchenSheetJob(lambda: uow, canteens).run(zurich(2026, 11, 2, 9, 0)) == ["montval"]
    assert "- Tom (Dupont, menu spécial) : peanuts; sésame: Houmous" in outbox(uow)[0].text
