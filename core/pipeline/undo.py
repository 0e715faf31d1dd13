"""Recognising "undo my last request" in a message, and the commands that reverse an applied request."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from core.canteen import MealType
from core.commands import CancelMeal, Command, ReserveMeal
from core.model import Source

# Whole-message keywords (what the replies tell parents to answer) and short phrases.
_KEYWORDS = {"annuler", "undo", "zuruck", "zurueck", "ruckgangig", "rueckgaengig"}
_PHRASES = re.compile(
    r"^(?:svp |please |bitte )?(?:"
    r"annule[rz]? (?:ma|la|cette) (?:derniere )?demande"
    r"|defai(?:re|tes) (?:ma|la) (?:derniere )?demande"
    r"|undo (?:my|the) (?:last )?request"
    r"|(?:meine |die )?letzte anfrage (?:ruckgangig|rueckgaengig|zuruck|zurueck)(?: machen)?"
    r")(?: svp| please| bitte)?$"
)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", letters).split())


def is_undo_request(text: str) -> bool:
    """True for "ANNULER", "UNDO", "ZURUECK" alone, or "annule ma dernière demande" and its kin."""
    plain = _plain(text)
    return plain in _KEYWORDS or bool(_PHRASES.match(plain))


# "non, c'était mercredi", "no, I meant Thursday", "nein, es war Freitag": a correction of the last request.
_CORRECTION = re.compile(
    r"^(?:non|no|nope|nein)\b[ ,.!]*"
    r"(?:(?:c ?etait|ce sera|je voulais dire|plutot|pas .{1,40} mais|it was|i meant|rather|es war|ich meinte|eher)\b)?"
    r"\s*(?P<rest>.+)$"
)


def correction_text(text: str) -> str | None:
    """For "non, c'était mercredi" the words naming the right thing ("mercredi"); None when no correction."""
    match = _CORRECTION.match(_plain(text))
    if match is None or len(match.group("rest").split()) > 6:
        return None
    return match.group("rest")


def applied_command_json(command: Command, meal: object) -> dict[str, Any]:
    """The JSON form of a done booking command kept for undo."""
    assert isinstance(command, ReserveMeal | CancelMeal)
    return {
        "action": "reserve" if isinstance(command, ReserveMeal) else "cancel",
        "child_id": command.child_id,
        "day": command.day.isoformat(),
        "meal": str(meal) if meal else None,
    }


def reversing_commands(applied: Sequence[Mapping[str, Any]], source: Source) -> list[Command]:
    """Cancel what was booked and book again what was cancelled (with the meal it had)."""
    commands: list[Command] = []
    for item in applied:
        day = date.fromisoformat(str(item["day"]))
        child_id = int(item["child_id"])
        if item["action"] == "reserve":
            commands.append(CancelMeal(child_id, day, source))
        else:
            meal = MealType(item["meal"]) if item.get("meal") else None
            commands.append(ReserveMeal(child_id, day, source, meal))
    return commands
