"""Parallel transactions on one household: never a negative balance, a double booking or a ledger drift."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from core.canteen import Canteen
from core.commands import CancelMeal, Command, CommandResult, RecordRefund, RecordTopUp, ReserveMeal
from core.db.unit_of_work import SqlAlchemyUnitOfWork
from core.model import EntryKind, Household, PaymentMethod
from core.services import apply_commands
from tests.core.db.builders import NOW, SRC, STAFF, household
from tests.core.unit.builders import montval

UowFactory = Callable[[], SqlAlchemyUnitOfWork]
DAYS = [date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 30)]
START_BALANCE = Decimal("30.00")  # four meals: most bookings compete for too little money


def _random_commands(rng: random.Random, family: Household) -> list[Command]:
    household_id = family.id or 0
    child_ids = [c.id or 0 for c in family.children]

    def one() -> Command:
        roll = rng.random()
        child, day = rng.choice(child_ids), rng.choice(DAYS)
        if roll < 0.45:
            return ReserveMeal(child, day, SRC)
        if roll < 0.75:
            return CancelMeal(child, day, SRC)
        if roll < 0.90:
            return RecordRefund(household_id, Decimal(rng.choice(["1.00", "2.50", "7.50", "12.00"])), None, STAFF)
        return RecordTopUp(household_id, Decimal("5.00"), PaymentMethod.CASH, STAFF)

    # Mostly single commands, sometimes a whole message (several commands in one transaction).
    return [one() for _ in range(rng.choice([1, 1, 1, 2, 3]))]


def _hammer(
    uow_factory: UowFactory, family: Household, canteens: dict[str, Canteen], threads: int, per_thread: int
) -> tuple[list[CommandResult], list[BaseException]]:
    results: list[CommandResult] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def work(seed: int) -> None:
        rng = random.Random(seed)
        uow = uow_factory()  # one unit of work (so one session at a time) per thread
        barrier.wait()
        for _ in range(per_thread):
            try:
                done = apply_commands(_random_commands(rng, family), uow, canteens, NOW)
            except BaseException as error:  # any error is a failure, reported below
                with lock:
                    errors.append(error)
                continue
            with lock:
                results.extend(done)

    workers = [threading.Thread(target=work, args=(seed,)) for seed in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    return results, errors


def _check_consistency(uow_factory: UowFactory, family: Household, results: list[CommandResult]) -> None:
    household_id = family.id or 0
    child_ids = [c.id or 0 for c in family.children]
    with uow_factory() as uow:
        entries = list(uow.ledger.entries(household_id))
        balance = uow.ledger.balance(household_id)
        booked = list(uow.reservations.for_children(child_ids, DAYS[0], DAYS[-1]))

    # The ledger sums to the balance, which never went below zero.
    assert balance == sum((e.amount for e in entries), Decimal("0.00"))
    assert balance >= 0
    assert all(r.balance_after is None or r.balance_after >= 0 for r in results)
    running = Decimal("0.00")
    for entry in entries:  # ids follow commit order of each household's serialised transactions
        running += entry.amount
        assert running >= 0, f"balance negative after entry {entry.id}"

    # At most one reservation per child and day, and each one is paid: charges - credits per (child, day).
    keys = Counter((r.child_id, r.day) for r in booked)
    assert all(count == 1 for count in keys.values())
    net: Counter[tuple[int | None, date | None]] = Counter()
    paid: dict[tuple[int | None, date | None], Decimal] = {}
    for entry in entries:
        key = (entry.child_id, entry.day)
        if entry.kind is EntryKind.MEAL_CHARGE:
            net[key] += 1
            paid[key] = paid.get(key, Decimal("0")) - entry.amount
        elif entry.kind is EntryKind.MEAL_CREDIT:
            net[key] -= 1
            paid[key] = paid.get(key, Decimal("0")) - entry.amount
    assert {key for key, count in net.items() if count} == set(keys)
    assert all(count in (0, 1) for count in net.values())
    assert all(paid[(r.child_id, r.day)] == r.price for r in booked)

    # Money in minus money out equals the meals still booked.
    money_in = sum((e.amount for e in entries if e.kind in (EntryKind.TOPUP, EntryKind.REFUND)), Decimal("0.00"))
    assert money_in - sum((r.price for r in booked), Decimal("0.00")) == balance

    # Every command that reported success left exactly its entry.
    done = Counter(type(r.command).__name__ for r in results if r.done)
    kinds = Counter(e.kind for e in entries)
    assert kinds[EntryKind.MEAL_CHARGE] == done["ReserveMeal"]
    assert kinds[EntryKind.MEAL_CREDIT] == done["CancelMeal"]
    assert kinds[EntryKind.REFUND] == done["RecordRefund"]
    assert kinds[EntryKind.TOPUP] == done["RecordTopUp"] + 1


@pytest.mark.slow
def test_parallel_commands_on_one_household(database_url: str, uow_factory: UowFactory) -> None:
    on_postgres = database_url.startswith("postgres")
    threads, per_thread = (8, 50) if on_postgres else (4, 25)
    canteens = {"montval": montval()}
    with uow_factory() as uow:
        family = uow.households.add(household(children=("Léa", "Tom", "Zoé")))
        uow.commit()
    assert apply_commands(
        [RecordTopUp(family.id or 0, START_BALANCE, PaymentMethod.CASH, STAFF)], uow_factory(), canteens, NOW
    )[0].done

    results, errors = _hammer(uow_factory, family, canteens, threads, per_thread)

    assert errors == []
    assert sum(1 for r in results if r.done) > threads  # the run did real work, not only refusals
    _check_consistency(uow_factory, family, results)
