"""Median time per message of nlu.parse over the dev corpus, beside dateparser's search_dates on the same texts."""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "nlu"


def _cases(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _per_message(run: Callable[[], int]) -> float:
    start = time.perf_counter()
    count = run()
    return (time.perf_counter() - start) / count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=SHARED / "dev.jsonl")
    ap.add_argument("--canteen", type=Path, default=SHARED / "montval.toml")
    ap.add_argument("--repeat", type=int, default=20, help="passes over the corpus per timing round")
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()

    from core.canteen_files import load_canteen
    from nlu import Message, parse

    canteen = load_canteen(args.canteen)
    cases = _cases(args.corpus)
    messages = [
        Message(
            text=c.get("text") or "",
            subject=c.get("subject"),
            channel=c.get("channel", "sms"),
            at=datetime.fromisoformat(c["at"]),
            children=tuple(c.get("children", ())),
        )
        for c in cases
    ]
    for m in messages:  # warm-up: caches, regex compilation
        parse(m, canteen)
    repeat: int = args.repeat

    def run_parse() -> int:
        for _ in range(repeat):
            for m in messages:
                parse(m, canteen)
        return repeat * len(messages)

    warnings.filterwarnings("ignore")
    from dateparser.search import search_dates

    langs = list(canteen.languages)
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": datetime(2026, 11, 23, 7, 40)}
    texts = [(c.get("text") or c.get("subject") or "") for c in cases]
    for t in texts[:5]:
        search_dates(t, languages=langs, settings=settings)

    def run_dateparser() -> int:
        for t in texts:
            search_dates(t, languages=langs, settings=settings)
        return len(texts)

    # Rounds alternate between the two, so that a busy moment of the machine weighs on both alike.
    ours_samples: list[float] = []
    theirs_samples: list[float] = []
    for _ in range(args.rounds):
        ours_samples.append(_per_message(run_parse))
        theirs_samples.append(_per_message(run_dateparser))
    ours = statistics.median(ours_samples)
    theirs = statistics.median(theirs_samples)
    paired = statistics.median(t / o for o, t in zip(ours_samples, theirs_samples, strict=True))
    print(f"messages in corpus:             {len(messages)}")
    print(f"nlu.parse, median per message:  {ours * 1e6:9.1f} µs  ({1 / ours:,.0f} messages/s)")
    print(f"search_dates (languages given): {theirs * 1e6:9.1f} µs")
    print(f"ratio search_dates / nlu.parse: {theirs / ours:9.1f}x   (target >= 20x, >= 2,000 messages/s)")
    print(f"median of per-round ratios:     {paired:9.1f}x   ({args.rounds} rounds)")


if __name__ == "__main__":
    main()
