"""Reasons for staff (routing notes, the understanding layer's reasons) are English texts keyed into the catalogs."""

from __future__ import annotations

import pickle
import string

import pytest

from core import i18n
from core.keyed import Keyed, keyed_text
from core.messages import RuleHit
from core.pipeline.notes import routing_note
from nlu.reasons import REASONS, reason


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("name", sorted(REASONS))
def test_every_understanding_reason_is_in_the_catalogs_word_for_word_in_english(name: str) -> None:
    key = f"nlu.{name}"
    entry = i18n.catalog("en").get(key)
    assert entry is not None, key
    assert entry.string == REASONS[name]
    for language in i18n.LANGUAGES:
        translated = i18n.catalog(language).get(key)
        assert translated is not None, (language, key)
        assert _placeholders(str(translated.string)) == _placeholders(REASONS[name])


def test_the_catalogs_hold_no_understanding_reason_the_parser_lost() -> None:
    keys = {key for key in i18n.keys("en") if key.startswith("nlu.")}
    assert keys == {f"nlu.{name}" for name in REASONS}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (reason("unknown_child"), "en", "a name in the message matches no child of the household"),
        (reason("unknown_child"), "fr", "un prénom du message ne correspond à aucun enfant de la famille"),
        (reason("not_a_date", words="'31.02'"), "de", "'31.02' ist kein Datum"),
        (reason("day_in_past", date="2026-11-02"), "fr", "le 2026-11-02 est passé"),
        (routing_note("question_limit", count=2), "fr", "pas de réponse utilisable après 2 questions"),
        (routing_note("held", item=7), "de", "Vorgang 7 betreut dieses Gespräch"),
        ("DKIM failed for example.org", "fr", "DKIM failed for example.org"),  # evidence from headers: as it is
        (Keyed("gone", "nlu.no_longer_in_the_catalog"), "fr", "gone"),  # a stored key the catalogs dropped
        (Keyed("odd {x}", "nlu.not_a_date", {}), "fr", "odd {x}"),  # a stored key without its parameter
    ],
)
def test_a_reason_is_said_in_the_readers_language(text: str, language: str, expected: str) -> None:
    assert i18n.say(text, language) == expected


def test_a_keyed_text_is_its_english_text_and_keeps_its_key_where_it_is_stored() -> None:
    why = reason("ambiguous_name", names="Léa / Léo")
    assert why == "the name could be Léa / Léo"
    assert isinstance(why, str)
    hit = RuleHit("needs_clarification", True, why).to_json()
    assert hit == {
        "rule": "needs_clarification",
        "matched": True,
        "note": "the name could be Léa / Léo",
        "key": "nlu.ambiguous_name",
        "params": {"names": "Léa / Léo"},
    }
    back = keyed_text(hit["note"], hit["key"], hit["params"])
    assert i18n.say(back, "fr") == "le prénom peut désigner Léa / Léo"
    assert keyed_text("plain", None, None) == "plain"
    assert not isinstance(keyed_text("plain", None, None), Keyed)
    copied = pickle.loads(pickle.dumps(why))
    assert (copied, copied.key, copied.params) == (why, why.key, why.params)
    assert RuleHit("x", True, "plain").to_json() == {"rule": "x", "matched": True, "note": "plain"}
