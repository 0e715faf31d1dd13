"""Statement PDF speed: a full-year tax statement with 180 meals (target ≤ 200 ms), against an empty one."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from core import ledger
from core.canteen import MealType, parse_canteen
from core.model import Child, Guardian, Household, LedgerEntry, PaymentMethod, Source
from statements.ledger_report import Statement, tax_year_statement
from statements.statement_pdf import render_statement

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 200.0
YEAR = 2026
SOURCE = Source("demo", message_id="bench")


def year_of_meals(meals: int) -> tuple[Household, list[LedgerEntry]]:
    """A household of two children: a top-up a month and `meals` meals on school days, every 30th re-credited."""
    household = Household(
        "Dupont", [Guardian("Claire Dupont", "fr", ["claire@example.ch"])], [Child("Léa", "montval", id=1),
        Child("Tom", "montval", id=2)], id=1,
    )  # fmt: skip
    entries: list[LedgerEntry] = []

    def add(entry: LedgerEntry) -> None:
        entries.append(LedgerEntry(**{**entry.__dict__, "id": len(entries) + 1}))

    for month in range(1, 13):
        at = datetime(YEAR, month, 1, 8, tzinfo=UTC)
        add(ledger.top_up(1, Decimal("150"), PaymentMethod.BANK_TRANSFER, at, SOURCE, f"TOPUP-{month}"))
    day, made = date(YEAR, 1, 5), 0
    while made < meals:
        if day.weekday() < 5:
            at = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
            child = 1 + made % 2
            add(ledger.meal_charge(1, child, day, MealType.NORMAL, Decimal("7.50"), at, SOURCE))
            if made % 30 == 29:
                add(ledger.meal_credit(1, child, day, MealType.NORMAL, Decimal("7.50"), at, SOURCE))
            made += 1
        day += timedelta(days=1)
    entries.sort(key=lambda entry: entry.at)
    return household, entries


def median_ms(work: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--meals", type=int, default=180)
    parser.add_argument("--language", default="fr")
    args = parser.parse_args()
    canteen = parse_canteen((ROOT / "config/canteens/montval.toml").read_text(encoding="utf-8"), "montval.toml")
    zone, issued = canteen.zone, date(YEAR + 1, 1, 15)
    household, entries = year_of_meals(args.meals)
    empty_household, _ = year_of_meals(0)

    def full() -> bytes:
        statement: Statement = tax_year_statement(household, entries, YEAR, zone)
        return render_statement(statement, canteen, args.language, issued)

    def empty() -> bytes:
        return render_statement(tax_year_statement(empty_household, [], YEAR, zone), canteen, args.language, issued)

    full(), empty()  # warm up: fonts, catalogs, Babel locale data
    baseline = median_ms(empty, args.runs)
    measured = median_ms(full, args.runs)
    pages = full().count(b"/Type /Page\n")
    print(f"empty statement: {baseline:.1f} ms median over {args.runs} runs")
    print(
        f"full year, {args.meals} meals, {len(entries)} entries, {pages} pages: {measured:.1f} ms median "
        f"({measured / baseline:.1f}x the empty one); target <= {TARGET_MS:.0f} ms"
    )
    return 0 if measured <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
