"""The evidence of an interpretation does not depend on the process's string hash seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.nlu.conftest import REPO

_SCRIPT = """
import json, sys
from datetime import datetime
from core.canteen_files import load_canteen
from nlu import Message, parse
canteen = load_canteen(sys.argv[1])
texts = ["Basile hat kein Guthaben mehr, bitte Speiseplan und Saldo",
         "Annuler le repas végétarien de Basile demain svp",
         "Basile mange jeudi. Au fait, combien coûte un repas spécial ?", "Alban isst morgen nicht, Menü vegetarisch"]
at = datetime.fromisoformat("2026-11-23T07:40:00+01:00")
out = [parse(Message(text=t, at=at, children=("Alban", "Arielle", "Basile")), canteen).to_json() for t in texts]
print(json.dumps(out))
"""


def test_evidence_order_is_fixed() -> None:
    canteen = REPO / "config" / "canteens" / "montval.toml"
    outputs = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", _SCRIPT, str(canteen)], cwd=REPO, env=env, capture_output=True, text=True, check=True
        )
        outputs.append(json.loads(run.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    assert any(line.startswith("cue ") for reading in outputs[0] for line in reading["evidence"])
