"""The `cantine nlu parse` command: corpus mode, single-message mode and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nlu.cli import nlu_group
from tests.nlu.conftest import CONFIG_MONTVAL, MONTVAL

CANTEEN = str(MONTVAL if MONTVAL.exists() else CONFIG_MONTVAL)


def test_corpus_mode_prints_one_line_per_case_and_errors_per_bad_line(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(
        json.dumps(
            {
                "id": "ok",
                "text": "Annulez demain svp",
                "channel": "sms",
                "at": "2026-11-23T07:40:00+01:00",
                "children": ["Léa"],
                "expect": {},
            },
            ensure_ascii=False,
        )
        + "\n"
        + "not json\n"
        + json.dumps({"id": "late", "text": "x", "at": "2026-11-23T07:40:00", "children": []})
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(nlu_group, ["parse", "--canteen", CANTEEN, str(corpus)])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["id"] == "ok"
    assert lines[0]["commands"] == [{"action": "cancel", "child": "Léa", "date": "2026-11-24", "meal": None}]
    assert "line 2" in lines[1]["error"]
    assert lines[2]["id"] == "late"
    assert "offset" in lines[2]["error"]


def test_single_message_mode() -> None:
    result = CliRunner().invoke(
        nlu_group,
        [
            "parse",
            "--canteen",
            CANTEEN,
            "--at",
            "2026-11-23T07:40:00+01:00",
            "--children",
            "Alban,Basile",
            "basil absent demain",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["commands"][0]["child"] == "Basile"


@pytest.mark.parametrize("args", [["--at", "tomorrow", "x"], ["/nonexistent.jsonl"]])
def test_bad_input_is_a_clear_error(args: list[str]) -> None:
    result = CliRunner().invoke(nlu_group, ["parse", "--canteen", CANTEEN, *args])
    assert result.exit_code != 0
    assert "Error" in result.output
