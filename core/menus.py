"""Menus: dishes per canteen, day and meal type with the 14 declared allergens, and allergy-note conflicts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from core.canteen import WEEKDAY_KEYS, Canteen, MealType


class Allergen(StrEnum):
    """The 14 allergens EU (Regulation 1169/2011, annex II) and Swiss food law ask canteens to declare."""

    GLUTEN = "gluten"
    CRUSTACEANS = "crustaceans"
    EGGS = "eggs"
    FISH = "fish"
    PEANUTS = "peanuts"
    SOY = "soy"
    MILK = "milk"
    NUTS = "nuts"
    CELERY = "celery"
    MUSTARD = "mustard"
    SESAME = "sesame"
    SULPHITES = "sulphites"
    LUPIN = "lupin"
    MOLLUSCS = "molluscs"


# Words naming each allergen (folded: lower case, no accents), in French, English and German, with the
# usual plurals and the everyday words parents write in allergy notes ("lactose", "cacahuètes", "Nüsse").
ALLERGEN_WORDS: Mapping[Allergen, tuple[str, ...]] = {
    Allergen.GLUTEN: ("gluten", "ble", "wheat", "weizen", "coeliaque", "celiac", "coeliac", "zoliakie"),
    Allergen.CRUSTACEANS: (
        "crustace", "crustaces", "crustacean", "crustaceans", "shellfish", "krebstier", "krebstiere",
        "crevette", "crevettes", "shrimp", "shrimps", "crabe", "homard",
    ),
    Allergen.EGGS: ("oeuf", "oeufs", "egg", "eggs", "ei", "eier"),
    Allergen.FISH: ("poisson", "poissons", "fish", "fisch", "fische"),
    Allergen.PEANUTS: ("arachide", "arachides", "cacahuete", "cacahuetes", "peanut", "peanuts", "erdnuss", "erdnusse"),
    Allergen.SOY: ("soja", "soy", "soya"),
    Allergen.MILK: (
        "lait", "laitier", "laitiers", "lactose", "milk", "dairy", "milch", "laktose", "milchprodukte",
    ),
    Allergen.NUTS: (
        "noix", "fruits a coque", "fruit a coque", "noisette", "noisettes", "amande", "amandes", "nut", "nuts",
        "tree nuts", "hazelnut", "hazelnuts", "almond", "almonds", "walnut", "walnuts", "nuss", "nusse",
        "schalenfruchte", "haselnuss", "haselnusse", "mandel", "mandeln",
    ),
    Allergen.CELERY: ("celeri", "celery", "sellerie"),
    Allergen.MUSTARD: ("moutarde", "mustard", "senf"),
    Allergen.SESAME: ("sesame", "sesam"),
    Allergen.SULPHITES: ("sulfite", "sulfites", "sulphite", "sulphites", "sulfit", "schwefeldioxid"),
    Allergen.LUPIN: ("lupin", "lupins", "lupine", "lupinen"),
    Allergen.MOLLUSCS: (
        "mollusque", "mollusques", "mollusc", "molluscs", "mollusk", "mollusks", "weichtier", "weichtiere",
    ),
}  # fmt: skip

# Meal-type names accepted in import files, folded.
MEAL_WORDS: Mapping[str, MealType] = {
    "normal": MealType.NORMAL, "standard": MealType.NORMAL, "n": MealType.NORMAL,
    "vegetarian": MealType.VEGETARIAN, "vegetarien": MealType.VEGETARIAN, "vegetarisch": MealType.VEGETARIAN,
    "vege": MealType.VEGETARIAN, "veggie": MealType.VEGETARIAN, "v": MealType.VEGETARIAN,
    "special": MealType.SPECIAL, "spezial": MealType.SPECIAL, "regime": MealType.SPECIAL, "s": MealType.SPECIAL,
}  # fmt: skip

DEFAULT_PUBLISHED_WEEKDAY = 3  # menus of a week are usually published on the Thursday before it


def fold(text: str) -> str:
    """Lower case without accents, œ/æ/ß spelled out, for matching words written by people."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_WORD_TO_ALLERGEN: dict[str, Allergen] = {
    word: allergen for allergen, words in ALLERGEN_WORDS.items() for word in words
} | {allergen.value: allergen for allergen in Allergen}
_PHRASE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(w) for w in _WORD_TO_ALLERGEN), key=len, reverse=True)) + r")\b"
)


def allergen_named(name: str) -> Allergen | None:
    """The allergen a code or a FR/EN/DE name stands for ("milk", "Lait", "Sellerie"), else None."""
    return _WORD_TO_ALLERGEN.get(" ".join(fold(name).split()))


def allergens_in_note(note: str) -> frozenset[Allergen]:
    """The allergens a free allergy note names ("allergie aux arachides et au lait" → peanuts, milk)."""
    folded = " ".join(re.sub(r"[^\w]+", " ", fold(note)).split())
    return frozenset(_WORD_TO_ALLERGEN[match] for match in _PHRASE.findall(folded))


@dataclass(frozen=True)
class Dish:
    """One dish of a meal type on a day, with the allergens it contains and an optional note."""

    meal: MealType
    name: str
    allergens: frozenset[Allergen] = frozenset()
    note: str = ""

    def sorted_allergens(self) -> list[Allergen]:
        order = list(Allergen)
        return sorted(self.allergens, key=order.index)


@dataclass(frozen=True)
class MenuDay:
    """The menu of one canteen on one service day: its dishes (in serving order) and a note."""

    canteen_id: str
    day: date
    dishes: tuple[Dish, ...] = ()
    note: str = ""

    def dishes_of(self, meal: MealType) -> list[Dish]:
        return [dish for dish in self.dishes if dish.meal is meal]

    def meals(self) -> list[MealType]:
        """The meal types that have dishes, in the canteen's usual order."""
        present = {dish.meal for dish in self.dishes}
        return [meal for meal in MealType if meal in present]

    def allergens_of(self, meal: MealType) -> frozenset[Allergen]:
        return frozenset(a for dish in self.dishes_of(meal) for a in dish.allergens)


@dataclass(frozen=True)
class AllergenWarning:
    """A dish of the child's meal containing an allergen its allergy note names."""

    allergen: Allergen
    dish: str


def allergy_warnings(note: str, menu: MenuDay | None, meal: MealType) -> list[AllergenWarning]:
    """Per dish of `meal` on that day, the allergens the child's note names (empty without menu or note)."""
    if menu is None or not note.strip():
        return []
    named = allergens_in_note(note)
    order = list(Allergen)
    warnings = []
    for dish in menu.dishes_of(meal):
        for allergen in sorted(dish.allergens & named, key=order.index):
            warnings.append(AllergenWarning(allergen, dish.name))
    return warnings


def published_weekday(canteen: Canteen) -> int:
    """The weekday (0 = Monday) a canteen usually publishes next week's menus: `menus_published_on` or Thursday."""
    value = canteen.extra.get("menus_published_on")
    if isinstance(value, str) and value in WEEKDAY_KEYS:
        return WEEKDAY_KEYS.index(value)
    return DEFAULT_PUBLISHED_WEEKDAY


def usually_published(canteen: Canteen, day: date) -> date:
    """When the menu of `day` is usually published: the canteen's publishing weekday of the week before."""
    monday = day - timedelta(days=day.weekday())
    return monday - timedelta(days=7) + timedelta(days=published_weekday(canteen))


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week of `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def copy_week(menus: Iterable[MenuDay], days: int = 7) -> list[MenuDay]:
    """The menus moved `days` later (copy last week), dishes and notes unchanged."""
    return [MenuDay(m.canteen_id, m.day + timedelta(days=days), m.dishes, m.note) for m in menus]


@dataclass
class MenuDraft:
    """A day being assembled from import rows."""

    canteen_id: str
    day: date
    dishes: list[Dish] = field(default_factory=list)
    note: str = ""

    def build(self) -> MenuDay:
        return MenuDay(self.canteen_id, self.day, tuple(self.dishes), self.note)


def menu_lines(menu: MenuDay) -> Sequence[str]:
    """A plain, language-neutral digest of a day (for logs and the CLI): "normal: Lasagnes [gluten, milk]"."""
    lines = []
    for dish in menu.dishes:
        allergens = f" [{', '.join(a.value for a in dish.sorted_allergens())}]" if dish.allergens else ""
        note = f" ({dish.note})" if dish.note else ""
        lines.append(f"{dish.meal.value}: {dish.name}{allergens}{note}")
    if menu.note:
        lines.append(f"note: {menu.note}")
    return lines
