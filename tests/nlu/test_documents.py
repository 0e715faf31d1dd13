"""Document requests (tests/nlu/cases/documents.jsonl), judged strictly: intent, route and the document key itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from core.canteen import Canteen
from core.documents import DocumentKey
from nlu import Message, parse
from nlu.requests import DOCUMENT_KEYS
from tests.nlu.conftest import HERE, load_cases

CASES = load_cases(HERE / "cases" / "documents.jsonl")


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_document_case(case: dict[str, Any], montval: Canteen) -> None:
    message = Message(
        text=case["text"],
        subject=case.get("subject"),
        channel=case["channel"],
        at=datetime.fromisoformat(case["at"]),
        children=tuple(case["children"]),
    )
    got = parse(message, montval)
    expect = case["expect"]
    assert (got.intent, got.route) == (expect["intent"], expect["route"]), (case["text"], got.reason)
    if expect["route"] == "auto":
        assert not got.commands
        assert got.document == expect.get("document"), case["text"]
        if "period" in expect:
            assert got.period is not None
            assert got.period.to_json() == expect["period"]


def test_enough_cases_in_every_language_and_channel() -> None:
    assert len(CASES) >= 30
    assert {c["channel"] for c in CASES} == {"sms", "email", "telegram"}
    named = {c["expect"].get("document") for c in CASES if c["expect"]["intent"] == "document"}
    assert named == {*DOCUMENT_KEYS, None}


def test_document_keys_are_those_the_canteen_stores() -> None:
    assert set(DOCUMENT_KEYS) <= {key.value for key in DocumentKey}
