"""Households, guardians and children through the SQL repository, on every test database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import IntegrityError

from core.canteen import MealType
from core.db.unit_of_work import SqlAlchemyUnitOfWork
from core.model import Child, Guardian
from tests.core.db.builders import household

UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def test_round_trip_with_guardians_and_children(uow_factory: UowFactory) -> None:
    given = household(telegram="12345")
    given.guardians.append(Guardian("Marc Dupont", language="de", emails=["marc@example.org", "m.d@work.ch"]))
    given.children[1].default_meal = MealType.SPECIAL
    given.children[1].allergy_note = "arachides"
    with uow_factory() as uow:
        added = uow.households.add(given)
        uow.commit()
    assert added.id is not None
    assert all(g.id and g.household_id == added.id for g in added.guardians)
    assert all(c.id and c.household_id == added.id for c in added.children)
    with uow_factory() as uow:
        loaded = uow.households.get(added.id)
    assert loaded == added
    assert loaded.guardians[0].emails == ["anne.dupont@example.org"]  # stored lower-cased
    assert loaded.guardians[1].emails == ["marc@example.org", "m.d@work.ch"]
    assert loaded.children[1].default_meal is MealType.SPECIAL
    assert loaded.children[1].allergy_note == "arachides"


def test_unknown_ids_give_none(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.households.get(999) is None
        assert uow.households.child(999) is None
        assert uow.households.guardian_by_email("nobody@example.org") is None
        assert uow.households.guardian_by_phone("+41000000000") is None
        assert uow.households.guardian_by_telegram("0") is None


def test_lookups_by_address_phone_and_telegram(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        added = uow.households.add(household(telegram="777"))
        uow.households.add(household("Muller", email="x@y.ch", phone="+41780000000"))
        uow.commit()
    with uow_factory() as uow:
        by_email = uow.households.guardian_by_email("  ANNE.dupont@example.ORG ")
        assert by_email is not None
        assert by_email.household_id == added.id
        assert by_email.phones == ["+41791234567"]
        by_phone = uow.households.guardian_by_phone("+41791234567")
        assert by_phone == by_email
        assert uow.households.guardian_by_telegram("777") == by_email
        child = uow.households.child(added.children[0].id or 0)
        assert child == added.children[0]


def test_update_renames_adds_and_removes(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        stored = uow.households.add(household())
        uow.commit()
    stored.name = "Dupont-Muller"
    first = stored.guardians[0]
    first.emails = []
    stored.guardians.append(Guardian("Paul", emails=["anne.dupont@example.org"]))  # the address moves to Paul
    stored.children[0].first_name = "Léane"
    stored.children.append(Child("Zoé", "montval", MealType.VEGETARIAN))
    with uow_factory() as uow:
        uow.households.update(stored)
        uow.commit()
    assert stored.guardians[1].id is not None
    assert stored.children[2].id is not None
    with uow_factory() as uow:
        loaded = uow.households.get(stored.id or 0)
        assert loaded == stored
        paul = uow.households.guardian_by_email("anne.dupont@example.org")
        assert paul is not None
        assert paul.name == "Paul"
    stored.guardians = stored.guardians[1:]  # Anne leaves the household
    with uow_factory() as uow:
        uow.households.update(stored)
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.households.get(stored.id or 0)
        assert loaded is not None
        assert [g.name for g in loaded.guardians] == ["Paul"]
        assert uow.households.guardian_by_phone("+41791234567") is None


def test_update_of_an_unknown_household_fails(uow_factory: UowFactory) -> None:
    missing = household()
    missing.id = 404
    with uow_factory() as uow, pytest.raises(KeyError):
        uow.households.update(missing)


def test_list_and_search(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.households.add(household("Zwahlen", email="z@example.org", phone="+41790000001", children=("Nina",)))
        uow.households.add(household("Bernard", email="b@example.org", phone="+41790000002", children=("Hugo",)))
        uow.households.add(household("Clerc", email="c_50%@example.org", phone="+41790000003", children=()))
        uow.commit()
    with uow_factory() as uow:
        assert [h.name for h in uow.households.list()] == ["Bernard", "Clerc", "Zwahlen"]
        assert [h.name for h in uow.households.search("nina")] == ["Zwahlen"]
        assert [h.name for h in uow.households.search("B@EXAMPLE")] == ["Bernard"]
        assert [h.name for h in uow.households.search("0000003")] == ["Clerc"]
        assert [h.name for h in uow.households.search("_50%")] == ["Clerc"]  # wildcards are literal
        assert [h.name for h in uow.households.search("anne")] == ["Bernard", "Clerc", "Zwahlen"]
        assert uow.households.search("nothing like it") == []
        zwahlen = uow.households.search("zwahlen")[0]
        assert [c.first_name for c in zwahlen.children] == ["Nina"]
        assert zwahlen.guardians[0].emails == ["z@example.org"]


def test_children_of_canteen(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        one = uow.households.add(household())
        other = household("Muller", email="m@example.org", phone="+41790000009", children=("Eva",))
        other.children[0].canteen_id = "leysin"
        uow.households.add(other)
        uow.commit()
    with uow_factory() as uow:
        assert uow.households.children_of_canteen("montval") == one.children
        assert [c.first_name for c in uow.households.children_of_canteen("leysin")] == ["Eva"]


@pytest.mark.parametrize("field", ["email", "phone", "telegram"])
def test_an_address_belongs_to_one_guardian(uow_factory: UowFactory, field: str) -> None:
    with uow_factory() as uow:
        uow.households.add(household(telegram="42"))
        uow.commit()
    second = {
        "email": household("B", email="ANNE.DUPONT@example.org", phone="+41790000002"),
        "phone": household("B", email="b@example.org"),
        "telegram": household("B", email="b@example.org", phone="+41790000002", telegram="42"),
    }[field]
    with uow_factory() as uow, pytest.raises(IntegrityError):
        uow.households.add(second)
