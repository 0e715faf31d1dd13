"""Shared fixtures of the understanding-layer tests: the reference canteen and the case files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.canteen import Canteen, parse_canteen

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHARED = REPO / ".." / "shared" / "nlu"
MONTVAL = SHARED / "montval.toml"
CONFIG_MONTVAL = REPO / "config" / "canteens" / "montval.toml"


def load_cases(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def montval() -> Canteen:
    source = MONTVAL if MONTVAL.exists() else CONFIG_MONTVAL
    return parse_canteen(source.read_text(encoding="utf-8"), str(source))
