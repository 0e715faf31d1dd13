"""Build the parser's lazily made tables for a canteen's languages before the first real message needs them."""

from __future__ import annotations

from datetime import datetime

from core.canteen import Canteen
from nlu.model import Message
from nlu.parser import parse

# One ordinary request per language: it walks the lexicon, the dates and the child matching of that language.
_SAMPLES = {
    "fr": ("Léa ne mange pas le 24 novembre, merci", "Léa"),
    "en": ("Cancel Emma on 24 November please", "Emma"),
    "de": ("Lukas isst am 24. November nicht", "Lukas"),
}


def warm_up(canteen: Canteen, at: datetime) -> None:
    """Parse a sample message in each of the canteen's languages (the result is thrown away)."""
    for language in canteen.languages:
        sample = _SAMPLES.get(language)
        if sample is not None:
            text, child = sample
            parse(Message(text=text, at=at.astimezone(canteen.zone), children=(child,)), canteen)
