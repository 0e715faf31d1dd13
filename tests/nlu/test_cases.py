"""Table-driven tests: every case of tests/nlu/cases/*.jsonl and of the shared dev corpus, judged like score.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from core.canteen import Canteen
from nlu import Message, parse
from tests.nlu.conftest import HERE, SHARED, load_cases

BOOKING = {"cancel", "reserve", "booking"}


def _commands(cmds: list[dict[str, Any]] | None) -> list[tuple[str, str, str, str]]:
    return sorted((c["action"], c["child"], c["date"], c.get("meal") or "") for c in cmds or [])


def _same(exp: dict[str, Any], got: dict[str, Any]) -> bool:
    if exp["route"] != got["route"]:
        return False
    if exp["route"] != "auto":
        return True
    if exp["intent"] in BOOKING:
        return got["intent"] in BOOKING and _commands(exp.get("commands")) == _commands(got["commands"])
    if exp["intent"] != got["intent"] or got["commands"]:
        return False
    if exp["intent"] in ("status", "menu", "statement") and exp.get("period") != got["period"]:
        return False
    if exp["intent"] == "topup" and exp.get("amount") is not None:
        return got["amount"] is not None and abs(float(got["amount"]) - float(exp["amount"])) < 0.005
    if exp["intent"] == "refund" and exp.get("iban") and got["iban"] != exp["iban"]:
        return False
    return not (exp.get("document") and got.get("document") != exp["document"])


def _params() -> list[Any]:
    files = sorted((HERE / "cases").glob("*.jsonl"))
    if (SHARED / "dev.jsonl").exists():
        files.append(SHARED / "dev.jsonl")
    params = []
    for path in files:
        for case in load_cases(path):
            params.append(pytest.param(case, id=f"{Path(path).stem}:{case['id']}"))
    return params


def _message(case: dict[str, Any]) -> Message:
    return Message(
        text=case.get("text") or "",
        subject=case.get("subject"),
        channel=case["channel"],
        at=datetime.fromisoformat(case["at"]),
        children=tuple(case["children"]),
    )


@pytest.mark.parametrize("case", _params())
def test_case(case: dict[str, Any], montval: Canteen) -> None:
    got = parse(_message(case), montval).to_json()
    expected = [case["expect"], *case.get("also", [])]
    assert any(_same(exp, got) for exp in expected), (case["text"], got)


def test_enough_own_cases() -> None:
    own = [c for path in (HERE / "cases").glob("*.jsonl") for c in load_cases(path)]
    assert len(own) >= 200
    assert {c["channel"] for c in own} == {"email", "sms", "telegram"}


def test_evidence_and_question(montval: Canteen) -> None:
    case = {
        "text": "basil absent demain",
        "channel": "sms",
        "at": "2026-11-23T07:40:00+01:00",
        "children": ["Alban", "Arielle", "Basile"],
    }
    got = parse(_message(case), montval).to_json()
    assert any("one typo" in e for e in got["evidence"])
    case["text"] = "Annulez demain svp"
    got = parse(_message(case), montval).to_json()
    assert got["route"] == "clarify"
    assert got["question"]["kind"] == "child"
    assert got["question"]["options"] == ["Alban", "Arielle", "Basile"]
    assert got["reason"]
