"""Menu and document answers through the whole road (fake unit of work): SMS short, email full, PDFs attached."""

from __future__ import annotations

from datetime import date, datetime

import pytest

import nlu
from core.canteen import MealType
from core.documents import new_document
from core.menus import Allergen, Dish, MenuDay
from core.messages import Channel, MessageStatus
from core.unit_of_work import AbstractUnitOfWork
from nlu.model import Interpretation, Period
from tests.fakes import FakeUnitOfWork
from tests.pipeline.road import Road, matched

THURSDAY = "2026-11-26T10:00:00+01:00"
CLAIRE_SMS = "+41791234567"
CLAIRE_MAIL = "claire.dupont@example.ch"
JANE_MAIL = "jane.smith@example.com"
ANNA_SMS = "+41795556677"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"

NEXT_WEEK = [
    MenuDay(
        "montval",
        date(2026, 11, 30),
        (
            Dish(MealType.NORMAL, "Lasagnes", frozenset({Allergen.GLUTEN, Allergen.MILK, Allergen.EGGS}), "maison"),
            Dish(MealType.NORMAL, "Salade de fruits", frozenset()),
            Dish(MealType.VEGETARIAN, "Gratin de légumes", frozenset({Allergen.MILK})),
            Dish(MealType.SPECIAL, "Riz au poulet", frozenset()),
        ),
        "Produits locaux",
    ),
    MenuDay(
        "montval",
        date(2026, 12, 1),
        (
            Dish(MealType.NORMAL, "Poulet satay", frozenset({Allergen.PEANUTS, Allergen.SOY})),
            Dish(MealType.VEGETARIAN, "Tofu satay", frozenset({Allergen.PEANUTS, Allergen.SOY})),
        ),
    ),
    MenuDay("montval", date(2026, 12, 3), (Dish(MealType.NORMAL, "Poisson pané", frozenset({Allergen.FISH})),)),
]


def enter_menus(uow_factory: object, menus: list[MenuDay]) -> None:
    make = uow_factory
    assert callable(make)
    uow: AbstractUnitOfWork = make()
    with uow:
        for menu in menus:
            uow.menus.save_day(menu, datetime.fromisoformat(THURSDAY), "cuisine")
        uow.commit()


def add_rules(uow_factory: object) -> None:
    make = uow_factory
    assert callable(make)
    uow: AbstractUnitOfWork = make()
    with uow:
        titles = {"fr": "Règlement de la cantine", "en": "Canteen rules", "de": "Kantinenreglement"}
        uow.documents.add(
            new_document("montval", "rules", titles, "reglement.pdf", PDF, datetime.fromisoformat(THURSDAY), "alice")
        )
        uow.documents.add(
            new_document(
                "montval", "other", {"fr": "Tarifs"}, "tarifs.pdf", PDF, datetime.fromisoformat(THURSDAY), "alice"
            )
        )
        uow.commit()


@pytest.fixture
def road() -> Road:
    fake = FakeUnitOfWork()
    road = Road.with_demo_families(lambda: fake, THURSDAY)
    enter_menus(road.uow_factory, NEXT_WEEK)
    return road


def test_next_weeks_menu_by_sms_one_line_a_day(road: Road) -> None:
    stored = road.send(CLAIRE_SMS, "Menu de la semaine prochaine ?")
    assert stored.status is MessageStatus.DONE
    assert matched(stored) == ["understood"]
    assert road.last_reply(stored) == (
        "Lu 30.11: Lasagnes, Salade de fruits\n"
        "Ma 1.12: Poulet satay\n"
        "Je 3.12: Poisson pané\n"
        "Ve 4.12: menu pas encore publié (d'habitude le je 26.11)"
    )


def test_a_household_eating_two_meal_types_sees_both_by_sms(road: Road) -> None:
    stored = road.send(ANNA_SMS, "Was gibt es am Montag zu essen?")
    assert road.last_reply(stored) == "Mo 30.11: Menü: Lasagnes, Salade de fruits; Veg.: Gratin de légumes"


def test_next_weeks_menu_by_email_in_full_with_the_pdf(road: Road) -> None:
    stored = road.send(CLAIRE_MAIL, "Bonjour, quel est le menu de la semaine prochaine ?", "email", subject="Menus")
    reply = road.replies_to(stored)[-1]
    text = reply.text
    assert text.startswith("Bonjour Claire,\n\nMenus du lundi 30.11 au vendredi 4.12 :")
    assert "Lundi 30.11\nMenu normal : Lasagnes (maison) - contient : gluten, oeufs, lait / Salade de fruits" in text
    assert "Végétarien : Gratin de légumes - contient : lait" in text
    assert "Menu spécial : Riz au poulet" in text
    assert "Note : Produits locaux" in text
    assert "Vendredi 4.12 : menu pas encore publié (publié d'habitude le jeudi 26.11)." in text
    assert "Le menu de la semaine est en pièce jointe" in text
    [attachment] = reply.attachments
    assert attachment.filename == "menus-2026-11-30.pdf"
    assert attachment.data.startswith(b"%PDF-")


def test_one_day_by_email_has_no_pdf(road: Road) -> None:
    stored = road.send(JANE_MAIL, "What's for lunch on Tuesday?", "email", subject="Lunch")
    reply = road.replies_to(stored)[-1]
    assert "Menu for Tuesday 1.12:" in reply.text
    assert "Standard menu: Poulet satay - contains: peanuts, soy" in reply.text
    assert reply.attachments == ()


def test_a_day_without_menu_says_when_it_is_usually_published(road: Road) -> None:
    stored = road.send(CLAIRE_SMS, "Le menu du jeudi 10 décembre ?")
    assert road.last_reply(stored) == "Je 10.12: menu pas encore publié (d'habitude le je 3.12)"


def test_a_day_without_service(road: Road) -> None:
    stored = road.send(CLAIRE_SMS, "Le menu de mercredi ?")
    assert road.last_reply(stored) == "Pas de repas servi le me 2.12."


def test_an_allergy_warning_in_the_booking_confirmation(road: Road) -> None:
    stored = road.send(CLAIRE_SMS, "Arielle mange mardi 1er décembre")
    reply = road.last_reply(stored)
    assert "Arielle : repas réservé ma 1.12." in reply
    assert reply.endswith("Attention Arielle: arachides au menu ma 1.12 (Poulet satay).")
    stored = road.send(JANE_MAIL, "Emma eats on Monday 30 November", "email", subject="Lunch")
    text = road.replies_to(stored)[-1].text
    assert "Please note: Emma's recorded allergy (milk) concerns the menu of Monday 30.11 (Lasagnes)." in text


def test_no_warning_without_conflict(road: Road) -> None:
    stored = road.send(CLAIRE_SMS, "Arielle mange jeudi 3 décembre")
    assert "Attention" not in road.last_reply(stored)


def test_the_rules_by_email_come_attached(road: Road) -> None:
    add_rules(road.uow_factory)
    stored = road.send(
        CLAIRE_MAIL, "Bonjour, pouvez-vous m'envoyer le règlement de la cantine ?", "email", subject="Règlement"
    )
    reply = road.replies_to(stored)[-1]
    assert "Vous trouverez en pièce jointe : Règlement de la cantine." in reply.text
    [attachment] = reply.attachments
    assert (attachment.filename, attachment.content_type, attachment.data) == ("reglement.pdf", "application/pdf", PDF)


def test_the_rules_asked_by_sms_are_emailed(road: Road) -> None:
    add_rules(road.uow_factory)
    stored = road.send(CLAIRE_SMS, "Pouvez-vous m'envoyer le règlement ?")
    replies = road.replies_to(stored)
    by_channel = {reply.channel: reply for reply in replies}
    assert by_channel[Channel.SMS].text == "Règlement de la cantine : envoyé par e-mail à claire.dupont@example.ch."
    email = by_channel[Channel.EMAIL]
    assert email.recipient == CLAIRE_MAIL
    assert email.subject == "Cantine : Règlement de la cantine"
    assert email.attachments[0].data == PDF
    assert email.text.startswith("Bonjour Claire,")


def test_a_document_not_online_gets_the_list(road: Road) -> None:
    add_rules(road.uow_factory)
    stored = road.send(ANNA_SMS, "Können Sie mir das Anmeldeformular schicken?")
    assert road.last_reply(stored) == (
        "Wir haben das Anmeldeformular nicht online.\nVerfügbare Dokumente:\n- Kantinenreglement\n- Tarifs\n"
        "Sagen Sie uns, welches Sie möchten (zum Beispiel: das Reglement), und wir senden es per E-Mail."
    )


def test_no_document_online_goes_to_staff(road: Road) -> None:
    stored = road.send(CLAIRE_SMS, "Pouvez-vous m'envoyer le règlement ?")
    assert stored.status is MessageStatus.STAFF
    with road.uow_factory() as uow:
        assert [item.reason for item in uow.staff.open_items()] == ["document rules asked: no document online"]


def _reading(monkeypatch: pytest.MonkeyPatch, interpretation: Interpretation) -> None:
    """The understanding layer's answer, fixed: for requests it does not produce (yet) in these words."""
    monkeypatch.setattr(nlu, "parse", lambda *_args, **_kwargs: interpretation)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2026-11-30T10:00:00+01:00", "Lu 30.11: Lasagnes, Salade de fruits"),  # a service day, before 14:00
        ("2026-11-30T15:00:00+01:00", "Ma 1.12: Poulet satay"),  # later: the next service day
        ("2026-12-02T09:00:00+01:00", "Je 3.12: Poisson pané"),  # no service today
    ],
)
def test_a_menu_question_without_a_day(road: Road, monkeypatch: pytest.MonkeyPatch, at: str, expected: str) -> None:
    _reading(monkeypatch, Interpretation("menu", "auto"))
    assert road.at(at).last_reply(road.send(CLAIRE_SMS, "menu ?")) == expected


def test_a_vague_document_request_gets_the_list_in_the_parents_language(road: Road) -> None:
    add_rules(road.uow_factory)
    stored = road.send(JANE_MAIL, "Could you send me your documents?", "email", subject="Documents")
    text = road.replies_to(stored)[-1].text
    assert "Documents available:\n- Canteen rules\n- Tarifs\nTell us which one you want" in text
    assert "We do not have" not in text


def test_a_document_asked_on_telegram_is_emailed(road: Road, monkeypatch: pytest.MonkeyPatch) -> None:
    add_rules(road.uow_factory)
    with road.uow_factory() as uow:
        household = next(h for h in uow.households.list() if h.name == "Smith")
        household.guardians[0].telegram_chat_id = "4242"
        uow.households.update(household)
        uow.commit()
    stored = road.send("4242", "Can you send me the rules?", Channel.TELEGRAM)
    replies = {reply.channel: reply for reply in road.replies_to(stored)}
    assert "Canteen rules: sent by email to jane.smith@example.com." in replies[Channel.TELEGRAM].text
    assert replies[Channel.EMAIL].attachments[0].filename == "reglement.pdf"


def test_without_an_email_address_the_parent_is_told(road: Road) -> None:
    add_rules(road.uow_factory)
    with road.uow_factory() as uow:
        household = next(h for h in uow.households.list() if h.name == "Dupont")
        for guardian in household.guardians:
            guardian.emails = []
        uow.households.update(household)
        uow.commit()
    stored = road.send(CLAIRE_SMS, "Pouvez-vous m'envoyer le règlement ?")
    assert road.last_reply(stored).startswith(
        "Nous n'avons pas d'adresse e-mail pour vous envoyer Règlement de la cantine."
    )
    assert [reply.channel for reply in road.replies_to(stored)] == [Channel.SMS]


def test_a_long_period_is_cut_to_ten_service_days(road: Road, monkeypatch: pytest.MonkeyPatch) -> None:
    period = Period(date(2026, 11, 30), date(2027, 1, 31))
    _reading(monkeypatch, Interpretation("menu", "auto", period=period))
    lines = road.last_reply(road.send(CLAIRE_SMS, "menu du mois ?")).split("\n")
    assert len(lines) == 10
    assert lines[0].startswith("Lu 30.11: ")
    assert lines[-1].startswith("Ma 15.12: ")


def test_the_charter_asked_by_sms_when_only_other_documents_are_online(road: Road) -> None:
    add_rules(road.uow_factory)
    stored = road.send(CLAIRE_SMS, "Envoyez-moi la charte svp")
    assert road.last_reply(stored).startswith("Nous n'avons pas la charte en ligne.\nDocuments disponibles :")
