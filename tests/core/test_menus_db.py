"""Menu and document repositories on a real database (SQLite, and PostgreSQL when configured), and the fakes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from core.canteen import MealType
from core.documents import DocumentKey, new_document
from core.menus import Allergen, Dish, MenuDay
from core.unit_of_work import AbstractUnitOfWork
from tests.fakes import FakeUnitOfWork

AT = datetime.fromisoformat("2026-11-26T10:00:00+01:00")
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
MONDAY = MenuDay(
    "montval",
    date(2026, 11, 30),
    (
        Dish(MealType.NORMAL, "Lasagnes", frozenset({Allergen.GLUTEN, Allergen.MILK}), "maison"),
        Dish(MealType.VEGETARIAN, "Gratin de légumes", frozenset({Allergen.MILK})),
        Dish(MealType.NORMAL, "Compote", frozenset()),
    ),
    "Produits locaux",
)
TUESDAY = MenuDay("montval", date(2026, 12, 1), (Dish(MealType.SPECIAL, "Riz", frozenset()),))
LEYSIN = MenuDay("leysin", date(2026, 11, 30), (Dish(MealType.NORMAL, "Pizza", frozenset({Allergen.GLUTEN})),))


def check_menus_saved_replaced_and_read_by_period(make_uow: Callable[[], AbstractUnitOfWork]) -> None:
    with make_uow() as uow:
        for menu in (MONDAY, TUESDAY, LEYSIN):
            uow.menus.save_day(menu, AT, "alice")
        uow.commit()
    with make_uow() as uow:
        assert uow.menus.get_day("montval", date(2026, 11, 30)) == MONDAY
        assert list(uow.menus.between("montval", date(2026, 11, 30), date(2026, 12, 4))) == [MONDAY, TUESDAY]
        assert list(uow.menus.between("leysin", date(2026, 11, 30), date(2026, 11, 30))) == [LEYSIN]
        assert uow.menus.get_day("montval", date(2026, 12, 3)) is None
        changed = MenuDay(
            "montval", date(2026, 11, 30), (Dish(MealType.NORMAL, "Poisson", frozenset({Allergen.FISH})),)
        )
        uow.menus.save_day(changed, AT, "bob")
        uow.menus.save_day(MenuDay("montval", date(2026, 12, 1)), AT)  # nothing left: removed
        uow.commit()
    with make_uow() as uow:
        assert list(uow.menus.between("montval", date(2026, 11, 30), date(2026, 12, 4))) == [changed]
        uow.menus.remove_day("montval", date(2026, 11, 30))
        uow.menus.save_day(MenuDay("montval", date(2026, 12, 4), (), "Menu surprise"), AT)
        uow.commit()
    with make_uow() as uow:
        assert list(uow.menus.between("montval", date(2026, 11, 30), date(2026, 12, 4))) == [
            MenuDay("montval", date(2026, 12, 4), (), "Menu surprise")
        ]


def check_a_menu_not_committed_is_not_kept(make_uow: Callable[[], AbstractUnitOfWork]) -> None:
    with make_uow() as uow:
        uow.menus.save_day(MONDAY, AT)
    with make_uow() as uow:
        assert uow.menus.get_day("montval", MONDAY.day) is None


def check_documents_replace_by_key_and_list_without_data(make_uow: Callable[[], AbstractUnitOfWork]) -> None:
    rules = new_document("montval", "rules", {"fr": "Règlement", "de": "Reglement"}, "r.pdf", PDF, AT, "alice")
    newer = new_document("montval", "rules", {"fr": "Règlement 2027"}, "r2.pdf", PDF + b"%", AT, "bob")
    other1 = new_document("montval", "other", {"fr": "Allergies"}, "a.pdf", PDF, AT, "alice")
    other2 = new_document("montval", "other", {"en": "Snacks"}, "s.pdf", PDF, AT, "alice")
    elsewhere = new_document("leysin", "charter", {"fr": "Charte"}, "c.pdf", PDF, AT, "alice")
    with make_uow() as uow:
        first = uow.documents.add(rules)
        for document in (newer, other1, other2, elsewhere):
            uow.documents.add(document)
        uow.commit()
    with make_uow() as uow:
        listed = uow.documents.list("montval")
        assert [(d.key, d.filename) for d in listed] == [
            (DocumentKey.OTHER, "a.pdf"),
            (DocumentKey.OTHER, "s.pdf"),
            (DocumentKey.RULES, "r2.pdf"),
        ]
        assert all(d.data == b"" for d in listed)
        assert listed[2].size == len(PDF) + 1
        assert listed[2].titles == {"fr": "Règlement 2027"}
        assert listed[2].uploaded_at == AT
        assert listed[2].uploaded_by == "bob"
        assert first.id is not None
        replaced = uow.documents.get(first.id)  # SQLite may give its id to a later row
        assert replaced is None or replaced.filename != "r.pdf"
        full = uow.documents.get(listed[2].id or 0)
        assert full is not None
        assert full.data == PDF + b"%"
        uow.documents.remove(listed[0].id or 0)
        uow.commit()
    with make_uow() as uow:
        assert [d.filename for d in uow.documents.list("montval")] == ["s.pdf", "r2.pdf"]
        assert [d.key for d in uow.documents.list("leysin")] == [DocumentKey.CHARTER]


CHECKS = [
    check_menus_saved_replaced_and_read_by_period,
    check_a_menu_not_committed_is_not_kept,
    check_documents_replace_by_key_and_list_without_data,
]


def test_sql_repositories(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    for check in CHECKS:
        check(uow_factory)
        with uow_factory() as uow:  # start the next check from empty tables
            for menu in uow.menus.between("montval", date(2026, 1, 1), date(2027, 12, 31)):
                uow.menus.remove_day(menu.canteen_id, menu.day)
            for canteen in ("montval", "leysin"):
                for document in uow.documents.list(canteen):
                    uow.documents.remove(document.id or 0)
            uow.commit()


def test_fake_repositories() -> None:
    for check in CHECKS:
        check(_constant(FakeUnitOfWork()))


def _constant(uow: AbstractUnitOfWork) -> Callable[[], AbstractUnitOfWork]:
    """The fake is its own transaction manager: every `make_uow()` is the same object."""
    return lambda: uow
