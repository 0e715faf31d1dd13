"""Booking throughput of the core: single-command transactions through apply_commands on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import itertools
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from sqlalchemy import Engine, insert, text
from sqlalchemy.engine import make_url

from core.calendar import ServiceCalendar
from core.canteen import Canteen
from core.canteen_files import load_canteen
from core.commands import CancelMeal, Command, ReserveMeal
from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.db.tables import children, guardian_emails, guardians, households, ledger_entries, reservations
from core.db.unit_of_work import SqlAlchemyUnitOfWork
from core.model import Source
from core.services import apply_commands

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Europe/Zurich"))
DEFAULT_CANTEEN = Path("/work/shared/nlu/montval.toml")
SOURCE = Source("demo", message_id="bench")
SERVICE_DAYS = 20

Pair = tuple[int, date]


def service_days(canteen: Canteen, count: int) -> list[date]:
    """The next `count` service days after NOW's date (so the same-day cut-off never applies)."""
    calendar = ServiceCalendar(canteen)
    days: list[date] = []
    day = NOW.date()
    while len(days) < count:
        day += timedelta(days=1)
        if day > canteen.school_year_end:
            raise SystemExit(f"{canteen.id}: fewer than {count} service days after {NOW.date()}")
        if calendar.status(day).served:
            days.append(day)
    return days


def populate(url: str, canteen: Canteen, count: int) -> list[list[int]]:
    """Migrate and fill the database with `count` households of 1-3 children; returns child ids per household."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            ids = [
                row[0]
                for row in conn.execute(
                    insert(households).returning(households.c.id, sort_by_parameter_order=True),
                    [{"name": f"Family {n:04d}"} for n in range(count)],
                )
            ]
            guardian_ids = [
                row[0]
                for row in conn.execute(
                    insert(guardians).returning(guardians.c.id, sort_by_parameter_order=True),
                    [{"household_id": h, "name": f"Parent {h}", "language": "fr"} for h in ids],
                )
            ]
            conn.execute(
                insert(guardian_emails),
                [{"guardian_id": g, "address": f"parent{g}-{uuid.uuid4().hex[:6]}@example.org"} for g in guardian_ids],
            )
            rows = [
                {
                    "household_id": h,
                    "first_name": f"Child {h}-{k}",
                    "canteen_id": canteen.id,
                    "default_meal": "normal" if k % 2 == 0 else "vegetarian",
                    "allergy_note": "",
                }
                for n, h in enumerate(ids)
                for k in range(1 + n % 3)
            ]
            child_ids = [
                row[0]
                for row in conn.execute(
                    insert(children).returning(children.c.id, children.c.household_id, sort_by_parameter_order=True),
                    rows,
                )
            ]
            conn.execute(
                insert(ledger_entries),
                [
                    {
                        "household_id": h,
                        "kind": "topup",
                        "amount": Decimal("100000.00"),
                        "at": NOW,
                        "method": "cash",
                        "memo": "",
                        "source_channel": "demo",
                    }
                    for h in ids
                ],
            )
    finally:
        engine.dispose()
    per_household: dict[int, list[int]] = {h: [] for h in ids}
    for row, child_id in zip(rows, child_ids, strict=True):
        per_household[row["household_id"]].append(child_id)
    return list(per_household.values())


def worker_pairs(families: list[list[int]], days: list[date], worker: int, workers: int) -> list[Pair]:
    """This worker's (child, day) pairs: its own households (no two workers touch one), days outermost."""
    mine = [child for index, family in enumerate(families) if index % workers == worker for child in family]
    return [(child, day) for day in days for child in mine]


def bookings(pairs: list[Pair], booked: set[Pair]) -> Iterator[Command]:
    """Reserve and cancel alternately: book the next free pair, then cancel the oldest booking."""
    queue: deque[Pair] = deque(pair for pair in pairs if pair in booked)
    free = itertools.cycle(pairs)
    reserve = True
    while True:
        if reserve or not queue:
            pair = next(free)
            while pair in booked:
                pair = next(free)
            booked.add(pair)
            queue.append(pair)
            yield ReserveMeal(pair[0], pair[1], SOURCE)
        else:
            pair = queue.popleft()
            booked.discard(pair)
            yield CancelMeal(pair[0], pair[1], SOURCE)
        reserve = not reserve


@dataclass
class Job:
    url: str
    canteen: Canteen
    pairs: list[Pair]
    rounds: int
    seconds: float
    baseline: bool  # True: bare `SELECT 1` transactions instead of bookings


def run_worker(job: Job, barrier: Barrier | None, out: Any) -> None:
    """Rounds of `seconds` each (started together with the other workers); sends (count, elapsed, refused) per round."""
    engine = make_engine(job.url)
    uow = SqlAlchemyUnitOfWork.from_engine(engine)
    canteens = {job.canteen.id: job.canteen}
    with engine.connect() as conn:
        booked = {
            (row.child_id, row.day)
            for row in conn.execute(reservations.select().where(reservations.c.child_id.in_({c for c, _ in job.pairs})))
        }
    commands = bookings(job.pairs, booked)
    results = []
    for _ in range(job.rounds):
        if barrier is not None:
            barrier.wait()
        count = refused = 0
        start = time.perf_counter()
        deadline = start + job.seconds
        while time.perf_counter() < deadline:
            for _ in range(20):
                if job.baseline:
                    with engine.begin() as conn:
                        conn.execute(text("SELECT 1"))
                elif not apply_commands([next(commands)], uow, canteens, NOW)[0].done:
                    refused += 1
                count += 1
        results.append((count, time.perf_counter() - start, refused))
    engine.dispose()
    out.put(results)


def measure(
    url: str,
    canteen: Canteen,
    families: list[list[int]],
    days: list[date],
    workers: int,
    rounds: int,
    seconds: float,
    baseline: bool,
) -> tuple[list[float], int]:
    """Transactions per second of each round (all workers together) and the number of refused commands."""
    context: Any = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    out = context.Queue()
    barrier = context.Barrier(workers)
    processes = [
        context.Process(
            target=run_worker,
            args=(Job(url, canteen, worker_pairs(families, days, w, workers), rounds, seconds, baseline), barrier, out),
        )
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    per_worker = [out.get(timeout=rounds * seconds + 120) for _ in processes]
    for process in processes:
        process.join()
    rates = [sum(worker[r][0] / worker[r][1] for worker in per_worker) for r in range(rounds)]
    return rates, sum(round_[2] for worker in per_worker for round_ in worker)


def pg_database(server_url: str) -> tuple[str, Engine]:
    """A new database on the server of `server_url` (dropped by the caller with the returned admin engine)."""
    admin = make_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"cantine_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(server_url).set(database=name).render_as_string(hide_password=False), admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--canteen", type=Path, default=DEFAULT_CANTEEN, help="canteen TOML file")
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("CANTINE_BENCH_PG_URL") or os.environ.get("CANTINE_TEST_DATABASE_URL"),
        help="PostgreSQL server URL (a scratch database is created on it and dropped)",
    )
    parser.add_argument(
        "--pg-workers",
        type=int,
        nargs="+",
        default=[1, 2, 4],
        help="worker process counts to measure on PostgreSQL (4 on a 2-core machine shows what waiting leaves idle)",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.5, help="length of one round")
    args = parser.parse_args()
    canteen = load_canteen(args.canteen)
    days = service_days(canteen, SERVICE_DAYS)
    rows: list[tuple[str, int, float, float, int]] = []
    print(
        f"canteen {canteen.id}, {args.households} households, now {NOW.isoformat()}, "
        f"{args.rounds} rounds of {args.seconds:.1f} s (median shown)"
    )

    def bench(label: str, url: str, families: list[list[int]], worker_counts: tuple[int, ...]) -> None:
        for workers in worker_counts:
            base, _ = measure(url, canteen, families, days, workers, 1, args.seconds, baseline=True)
            rates, refused = measure(url, canteen, families, days, workers, args.rounds, args.seconds, baseline=False)
            rows.append((label, workers, statistics.median(rates), base[0], refused))
            print(f"  {label} x{workers}: rounds " + ", ".join(f"{rate:,.0f}" for rate in rates) + " bookings/s")

    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/bench.db"
        bench("sqlite", url, populate(url, canteen, args.households), (1,))

    if args.pg_url:
        pg_url, admin = pg_database(args.pg_url)
        try:
            bench("postgresql", pg_url, populate(pg_url, canteen, args.households), tuple(args.pg_workers))
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(pg_url).database}" WITH (FORCE)'))
            admin.dispose()
    else:
        print("  postgresql: skipped (give --pg-url or set CANTINE_BENCH_PG_URL / CANTINE_TEST_DATABASE_URL)")

    print()
    print(f"{'backend':<11} {'workers':>7} {'bookings/s':>11} {'SELECT 1 tx/s':>14} {'ratio':>6} {'refused':>8}")
    for label, workers, rate, base, refused in rows:
        print(f"{label:<11} {workers:>7} {rate:>11,.0f} {base:>14,.0f} {rate / base:>6.2f} {refused:>8}")
    print("a booking = lock household, child, reservation, balance, insert reservation + ledger entry, commit")


if __name__ == "__main__":
    main()
