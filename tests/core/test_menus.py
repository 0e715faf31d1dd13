"""Menus domain: allergen names and notes, conflicts, publication rule, CSV/TOML import with row-level errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from core.canteen import MealType
from core.canteen_files import load_canteens
from core.documents import DocumentKey, find_document, is_pdf, new_document, safe_filename
from core.menu_import import parse_allergens, parse_meal, parse_menu_csv, parse_menu_file, parse_menu_toml
from core.menus import (
    Allergen,
    AllergenWarning,
    Dish,
    MenuDay,
    allergen_named,
    allergens_in_note,
    allergy_warnings,
    copy_week,
    menu_lines,
    usually_published,
    week_of,
)
from core.model import DomainError

ROOT = Path(__file__).resolve().parents[2]
CANTEENS = load_canteens(ROOT / "config" / "canteens")
MONTVAL = CANTEENS["montval"]
AT = datetime.fromisoformat("2026-11-26T10:00:00+01:00")


def test_the_fourteen_allergens_have_stable_codes() -> None:
    assert [a.value for a in Allergen] == [
        "gluten", "crustaceans", "eggs", "fish", "peanuts", "soy", "milk",
        "nuts", "celery", "mustard", "sesame", "sulphites", "lupin", "molluscs",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gluten", Allergen.GLUTEN),
        ("Lait", Allergen.MILK),
        ("milk", Allergen.MILK),
        ("Milch", Allergen.MILK),
        ("Œufs", Allergen.EGGS),
        ("Eier", Allergen.EGGS),
        ("Céleri", Allergen.CELERY),
        ("Sellerie", Allergen.CELERY),
        ("fruits à coque", Allergen.NUTS),
        ("Schalenfrüchte", Allergen.NUTS),
        ("sésame", Allergen.SESAME),
        ("Sulfites", Allergen.SULPHITES),
        ("Weichtiere", Allergen.MOLLUSCS),
        ("crustacés", Allergen.CRUSTACEANS),
        ("  moutarde ", Allergen.MUSTARD),
        ("chocolat", None),
    ],
)
def test_allergen_named_in_any_language(name: str, expected: Allergen | None) -> None:
    assert allergen_named(name) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("arachides", {Allergen.PEANUTS}),
        ("maladie cœliaque (sans gluten)", {Allergen.GLUTEN}),
        ("lactose", {Allergen.MILK}),
        ("Allergie aux œufs et au poisson", {Allergen.EGGS, Allergen.FISH}),
        ("allergic to peanuts and tree nuts", {Allergen.PEANUTS, Allergen.NUTS}),
        ("Erdnuss- und Ei-Allergie", {Allergen.PEANUTS, Allergen.EGGS}),
        ("Nüsse, Sesam", {Allergen.NUTS, Allergen.SESAME}),
        ("aucune", set()),
        ("", set()),
        ("pas de porc", set()),
        ("eigene Diät", set()),  # "ei" only as a whole word
    ],
)
def test_allergens_named_in_a_free_note(note: str, expected: set[Allergen]) -> None:
    assert allergens_in_note(note) == expected


LASAGNE = Dish(MealType.NORMAL, "Lasagnes", frozenset({Allergen.GLUTEN, Allergen.MILK, Allergen.EGGS}), "maison")
SALAD = Dish(MealType.NORMAL, "Salade de fruits", frozenset({Allergen.NUTS}))
GRATIN = Dish(MealType.VEGETARIAN, "Gratin de légumes", frozenset({Allergen.MILK}))
DAY = MenuDay("montval", date(2026, 11, 30), (LASAGNE, SALAD, GRATIN), "Produits locaux")


@pytest.mark.parametrize(
    ("note", "meal", "expected"),
    [
        ("lactose", MealType.NORMAL, [AllergenWarning(Allergen.MILK, "Lasagnes")]),
        ("lactose", MealType.VEGETARIAN, [AllergenWarning(Allergen.MILK, "Gratin de légumes")]),
        (
            "noix, œufs",
            MealType.NORMAL,
            [AllergenWarning(Allergen.EGGS, "Lasagnes"), AllergenWarning(Allergen.NUTS, "Salade de fruits")],
        ),
        ("arachides", MealType.NORMAL, []),
        ("lactose", MealType.SPECIAL, []),
        ("", MealType.NORMAL, []),
    ],
)
def test_allergy_warnings_for_the_childs_meal(note: str, meal: MealType, expected: list[AllergenWarning]) -> None:
    assert allergy_warnings(note, DAY, meal) == expected


def test_no_menu_no_warning() -> None:
    assert allergy_warnings("lactose", None, MealType.NORMAL) == []


def test_menu_day_helpers() -> None:
    assert DAY.meals() == [MealType.NORMAL, MealType.VEGETARIAN]
    assert DAY.allergens_of(MealType.NORMAL) == {Allergen.GLUTEN, Allergen.MILK, Allergen.EGGS, Allergen.NUTS}
    assert LASAGNE.sorted_allergens() == [Allergen.GLUTEN, Allergen.EGGS, Allergen.MILK]
    assert menu_lines(DAY) == [
        "normal: Lasagnes [gluten, eggs, milk] (maison)",
        "normal: Salade de fruits [nuts]",
        "vegetarian: Gratin de légumes [milk]",
        "note: Produits locaux",
    ]
    assert copy_week([DAY])[0].day == date(2026, 12, 7)
    assert week_of(date(2026, 12, 3)) == (date(2026, 11, 30), date(2026, 12, 6))


@pytest.mark.parametrize(
    ("setting", "day", "expected"),
    [
        (None, date(2026, 12, 3), date(2026, 11, 26)),  # default: the Thursday before the week
        (None, date(2026, 11, 30), date(2026, 11, 26)),
        ("fri", date(2026, 12, 1), date(2026, 11, 27)),
        ("mon", date(2026, 12, 4), date(2026, 11, 23)),
        ("funday", date(2026, 12, 4), date(2026, 11, 26)),  # not a weekday key: the default
    ],
)
def test_usually_published(setting: str | None, day: date, expected: date) -> None:
    canteen = MONTVAL if setting is None else replace(MONTVAL, extra={"menus_published_on": setting})
    assert usually_published(canteen, day) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", MealType.NORMAL), ("Végétarien", MealType.VEGETARIAN), ("spezial", MealType.SPECIAL), ("x", None)],
)
def test_parse_meal(raw: str, expected: MealType | None) -> None:
    assert parse_meal(raw) == expected


@pytest.mark.parametrize(
    ("raw", "found", "unknown"),
    [
        ("gluten; lait, Sellerie", {Allergen.GLUTEN, Allergen.MILK, Allergen.CELERY}, []),
        ("milk|eggs", {Allergen.MILK, Allergen.EGGS}, []),
        ("-", set(), []),
        ("aucun", set(), []),
        ("gluten; chocolat", {Allergen.GLUTEN}, ["chocolat"]),
        (["fish", "Senf"], {Allergen.FISH, Allergen.MUSTARD}, []),
    ],
)
def test_parse_allergens(raw: str | list[str], found: set[Allergen], unknown: list[str]) -> None:
    assert parse_allergens(raw) == (frozenset(found), unknown)


GOOD_CSV = """\
date,meal,dish,allergens,note
2026-11-30,normal,Lasagnes,gluten; lait; œufs,maison
2026-11-30,normal,Salade de fruits,,
2026-11-30,végétarien,Gratin de légumes,lait,
2026-11-30,,,,Produits locaux
01.12.2026,normal,Émincé de volaille,céleri,
"""


def test_csv_import_groups_dishes_by_day() -> None:
    result = parse_menu_csv(GOOD_CSV, CANTEENS, "montval")
    assert result.errors == []
    assert [m.day for m in result.days] == [date(2026, 11, 30), date(2026, 12, 1)]
    first = result.days[0]
    assert first.canteen_id == "montval"
    assert first.note == "Produits locaux"
    assert [d.name for d in first.dishes] == ["Lasagnes", "Salade de fruits", "Gratin de légumes"]
    assert first.dishes[0].allergens == {Allergen.GLUTEN, Allergen.MILK, Allergen.EGGS}
    assert first.dishes[0].note == "maison"
    assert first.dishes[2].meal is MealType.VEGETARIAN


def test_csv_with_semicolons_and_a_canteen_column() -> None:
    text = "canteen;date;meal;dish;allergens\nleysin;2026-11-30;normal;Pizza;gluten, lait\n"
    result = parse_menu_csv(text, CANTEENS)
    assert result.errors == []
    assert result.days[0].canteen_id == "leysin"
    assert result.days[0].dishes[0].allergens == {Allergen.GLUTEN, Allergen.MILK}


BAD_CSV = """\
date,meal,dish,allergens,note
2026-11-30,normal,Lasagnes,gluten,
2026-11-30,normal,Tarte,chocolat,
2026-12-02,normal,Soupe,,
2026-13-01,normal,Soupe,,
2026-12-03,dessert,Flan,,
2026-12-04,normal,,,
2026-12-21,normal,Dinde,,
2026-12-01,normal,Riz,lait,
"""


def test_csv_errors_are_reported_per_row_without_stopping() -> None:
    result = parse_menu_csv(BAD_CSV, CANTEENS, "montval")
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "allergens"),
        (4, "date"),
        (5, "date"),
        (6, "meal"),
        (7, "dish"),
        (8, "date"),
    ]
    assert "chocolat" in result.errors[0].message
    assert "not a service day" in result.errors[1].message
    assert "weekday" in result.errors[1].message
    assert "Vacances de Noël" in result.errors[5].message
    assert str(result.errors[0]) == "line 3, allergens: unknown allergen(s): chocolat"
    # the day with an error is left out whole; the good day stays
    assert [m.day for m in result.days] == [date(2026, 12, 1)]
    assert ("montval", date(2026, 11, 30)) in result.skipped_days


@pytest.mark.parametrize(
    ("text", "default", "column", "fragment"),
    [
        ("date,meal\n2026-11-30,normal\n", "montval", "dish", "missing column"),
        ("date,dish\n2026-11-30,Soupe\n", "nowhere", "canteen", "unknown canteen"),
        ("date,dish\n2026-11-30,Soupe\n", None, "canteen", "no canteen"),
        ("date,dish\n2026-11-30," + "x" * 201 + "\n", "montval", "dish", "longer than"),
        ("", "montval", "date, dish", "missing column"),
    ],
)
def test_csv_file_level_errors(text: str, default: str | None, column: str, fragment: str) -> None:
    result = parse_menu_csv(text, CANTEENS, default)
    assert result.errors[0].column == column
    assert fragment in result.errors[0].message
    assert result.days == []


GOOD_TOML = """\
canteen = "montval"

[[day]]
date = 2026-11-30
note = "Produits locaux"

[[day.dish]]
meal = "normal"
name = "Lasagnes"
allergens = ["gluten", "lait"]

[[day.dish]]
meal = "vegetarian"
name = "Gratin"
allergens = "milk"

[[day]]
date = "03.12.2026"

[[day.dish]]
name = "Poisson pané"
allergens = ["Fisch", "gluten"]
note = "MSC"
"""


def test_toml_import() -> None:
    result = parse_menu_toml(GOOD_TOML, CANTEENS)
    assert result.errors == []
    assert [m.day for m in result.days] == [date(2026, 11, 30), date(2026, 12, 3)]
    assert result.days[0].note == "Produits locaux"
    assert result.days[1].dishes == (
        Dish(MealType.NORMAL, "Poisson pané", frozenset({Allergen.FISH, Allergen.GLUTEN}), "MSC"),
    )


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("canteen = 'montval'\n[[day]]\ndate = 2026-11-30\n", "day[1].dish", "at least one"),
        ("canteen = 'montval'\n[[day]]\ndate = 2026-11-30\n[[day.dish]]\nname = 'A'\nallergens = ['x']\n",
         "day[1].dish[1].allergens", "unknown allergen"),
        ("canteen = 'montval'\n[[day]]\ndate = 2026-12-02\n[[day.dish]]\nname = 'A'\n", "day[1].date", "not a service"),
        ("canteen = 'montval'\nday = 3\n", "day", "array of tables"),
        ("canteen = 'montval'\nday = [3]\n", "day[1]", "must be a table"),
        ("[[day]\n", "(syntax)", "not valid TOML"),
    ],
)  # fmt: skip
def test_toml_errors(text: str, column: str, fragment: str) -> None:
    result = parse_menu_toml(text, CANTEENS)
    assert result.errors[0].column == column
    assert fragment in result.errors[0].message
    assert result.days == []


def test_file_kind_by_extension() -> None:
    assert parse_menu_file("menus.toml", GOOD_TOML, CANTEENS).days
    assert parse_menu_file("menus.CSV", GOOD_CSV, CANTEENS, "montval").days


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def test_new_document_checks_key_pdf_and_titles() -> None:
    document = new_document(
        "montval",
        "rules",
        {"fr": " Règlement  de la cantine ", "en": "Rules"},
        "../règlement 2026.pdf",
        PDF,
        AT,
        "alice",
    )
    assert document.key is DocumentKey.RULES
    assert document.titles == {"fr": "Règlement de la cantine", "en": "Rules"}
    assert document.title("de") == "Règlement de la cantine"  # falls back to the first title given
    assert document.title("en") == "Rules"
    assert document.filename == "r_glement_2026.pdf"
    assert document.size == len(PDF)
    with pytest.raises(DomainError, match="unknown document key"):
        new_document("montval", "menu", {"fr": "x"}, "x.pdf", PDF, AT, "alice")
    with pytest.raises(DomainError, match="not a PDF"):
        new_document("montval", "rules", {"fr": "x"}, "x.pdf", b"<html>", AT, "alice")
    with pytest.raises(DomainError, match="title"):
        new_document("montval", "rules", {"fr": " "}, "x.pdf", PDF, AT, "alice")
    with pytest.raises(DomainError, match="larger than"):
        new_document("montval", "rules", {"fr": "x"}, "x.pdf", PDF + b"0" * (10 * 1024 * 1024), AT, "alice")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("C:\\docs\\Charte.pdf", "Charte.pdf"), ("fiche", "fiche.pdf"), ("///", "document.pdf"), ("a b.PDF", "a_b.PDF")],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_is_pdf_and_find_document() -> None:
    assert is_pdf(PDF)
    assert not is_pdf(b"GIF89a")
    old = new_document("montval", "rules", {"fr": "Ancien"}, "a.pdf", PDF, AT, "alice")
    new = replace(old, titles={"fr": "Nouveau"}, uploaded_at=AT.replace(hour=11))
    charter = new_document("montval", "charter", {"fr": "Charte"}, "c.pdf", PDF, AT, "alice")
    assert find_document([old, new, charter], "rules") == new
    assert find_document([old, charter], "registration") is None
    assert find_document([old, charter], None) is None
