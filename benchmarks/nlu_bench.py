"""Median time per message of nlu.parse over the dev corpus, beside dateparser's search_dates on the same texts.

With --instructions (needs valgrind), also the instructions per message of each, counted by callgrind over the same
messages in the same kind of process: a ratio that a busy machine does not move.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from datetime import datetime
from functools import reduce
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


def _setup(corpus: Path, canteen_file: Path) -> tuple[Callable[[Any], Any], list[Any], Callable[[str], Any], list[str]]:
    """(parse one message, the messages, search_dates on one text, the texts), both warmed up."""
    from core.canteen_files import load_canteen
    from nlu import Message, parse

    canteen = load_canteen(canteen_file)
    cases = _cases(corpus)
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

    warnings.filterwarnings("ignore")
    from dateparser.search import search_dates

    langs = list(canteen.languages)
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": datetime(2026, 11, 23, 7, 40)}
    texts = [(c.get("text") or c.get("subject") or "") for c in cases]
    for t in texts:  # warm-up alike: every text once
        search_dates(t, languages=langs, settings=settings)
    return (
        (lambda m: parse(m, canteen)),
        messages,
        (lambda t: search_dates(t, languages=langs, settings=settings)),
        texts,
    )


def _counted_child(args: argparse.Namespace) -> None:
    """Inside callgrind: run one side over the corpus; only functools.reduce is counted (--toggle-collect)."""
    ours, messages, theirs, texts = _setup(args.corpus, args.canteen)
    gc.collect()
    gc.freeze()
    if args.count_child == "ours":
        reduce(lambda _, m: ours(m), messages * args.count_passes, None)
    else:
        reduce(lambda _, t: theirs(t), texts * args.count_passes, None)


def _instructions(args: argparse.Namespace, side: str, passes: int, count: int) -> float | None:
    """Instructions per message of one side, counted by callgrind (None when valgrind is missing or fails)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    command = [
        valgrind,
        "--tool=callgrind",
        "--toggle-collect=functools_reduce",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        str(Path(__file__).resolve()),
        "--corpus",
        str(args.corpus),
        "--canteen",
        str(args.canteen),
        "--count-child",
        side,
        "--count-passes",
        str(passes),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) / (passes * count) if done.returncode == 0 and found else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=SHARED / "dev.jsonl")
    ap.add_argument("--canteen", type=Path, default=SHARED / "montval.toml")
    ap.add_argument("--repeat", type=int, default=20, help="passes over the corpus per timing round")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--instructions", action="store_true", help="also count instructions with valgrind (~1 min)")
    ap.add_argument("--count-child", choices=("ours", "theirs"), help=argparse.SUPPRESS)
    ap.add_argument("--count-passes", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.count_child:
        _counted_child(args)
        return

    parse_one, messages, search_one, texts = _setup(args.corpus, args.canteen)
    repeat: int = args.repeat

    def run_parse() -> int:
        for _ in range(repeat):
            for m in messages:
                parse_one(m)
        return repeat * len(messages)

    def run_dateparser() -> int:
        for t in texts:
            search_one(t)
        return len(texts)

    gc.collect()
    gc.freeze()  # what was built so far (both libraries' tables) is not scanned again by the collector
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
    if args.instructions:
        ours_count = _instructions(args, "ours", 10, len(messages))
        theirs_count = _instructions(args, "theirs", 2, len(texts))
        if ours_count is None or theirs_count is None:
            print("instructions: valgrind missing or failed")
            return
        print(f"nlu.parse, instructions/message:    {ours_count:12,.0f}")
        print(f"search_dates, instructions/message: {theirs_count:12,.0f}")
        print(
            f"instruction ratio:                  {theirs_count / ours_count:12.1f}x   (callgrind, machine load aside)"
        )


if __name__ == "__main__":
    main()
