"""The Rasa NLU data of nlu/data/nlu.yml agrees with the parser and its lexicons."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.canteen import Canteen
from nlu import Message, parse
from nlu.lexicon import CUES, LANGUAGES
from nlu.normalize import expand, fold

DATA = Path(__file__).resolve().parents[2] / "nlu" / "data" / "nlu.yml"
ENTITY = re.compile(r"\[([^\]]+)\]\((\w+)\)")
AT = datetime.fromisoformat("2026-11-23T07:40:00+01:00")


def _data() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


def _examples(block: dict[str, Any]) -> list[str]:
    return [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]


def _intent_examples() -> list[Any]:
    params = []
    for block in _data()["nlu"]:
        if "intent" in block:
            for example in _examples(block):
                params.append(pytest.param(block["intent"], example, id=f"{block['intent']}:{example[:40]}"))
    return params


@pytest.mark.parametrize(("intent", "example"), _intent_examples())
def test_example_parses_to_its_intent(intent: str, example: str, montval: Canteen) -> None:
    children = tuple(dict.fromkeys(m.group(1) for m in ENTITY.finditer(example) if m.group(2) == "child"))
    text = ENTITY.sub(lambda m: m.group(1), example)
    message = Message(text=text, channel="sms", at=AT, children=children or ("Lukas", "Mia"))
    got = parse(message, montval)
    assert got.intent == intent, (text, got.to_json())
    if intent != "other":
        assert got.route == "auto", (text, got.to_json())
    if intent in ("cancel", "reserve", "booking"):
        assert {c.child for c in got.commands} <= set(children or ("Lukas", "Mia"))


def test_lookup_tables_equal_the_lexicons() -> None:
    tables = {block["lookup"]: set(_examples(block)) for block in _data()["nlu"] if "lookup" in block}
    for lang, module in LANGUAGES.items():
        assert tables[f"weekday_{lang}"] == set(module.WEEKDAYS), lang
        assert tables[f"month_{lang}"] == set(module.MONTHS), lang


def test_synonyms_are_recognised() -> None:
    kinds = {
        "all_children": "all_children",
        "both_children": "both_children",
        "vegetarian": "vegetarian",
        "special": "special",
    }
    for block in _data()["nlu"]:
        if "synonym" in block:
            pattern = CUES[kinds[block["synonym"]]]
            for example in _examples(block):
                assert pattern.search(expand(fold(example), "fr")), (block["synonym"], example)
