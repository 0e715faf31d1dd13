"""The SQLAlchemy unit of work: commit, rollback on exception or without commit, nesting, locking."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from core.db.unit_of_work import SqlAlchemyUnitOfWork
from tests.core.db.builders import household, topup

UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def _count(uow_factory: UowFactory) -> int:
    with uow_factory() as uow:
        return len(uow.households.list())


def test_commit_keeps_changes(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.households.add(household())
        uow.commit()
    assert _count(uow_factory) == 1


def test_leaving_without_commit_rolls_back(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.households.add(household())
    assert _count(uow_factory) == 0


def test_an_exception_rolls_back_everything(uow_factory: UowFactory) -> None:
    def failing_work() -> None:
        with uow_factory() as uow:
            added = uow.households.add(household())
            uow.ledger.add(topup(added.id or 0, "10.00"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_work()
    assert _count(uow_factory) == 0


def test_explicit_rollback_then_more_work(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.households.add(household("A", email="a@example.org", phone="+41790000001"))
        uow.rollback()
        uow.households.add(household("B", email="b@example.org", phone="+41790000002"))
        uow.commit()
    with uow_factory() as uow:
        assert [h.name for h in uow.households.list()] == ["B"]


def test_work_after_a_commit_needs_its_own_commit(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        first = uow.households.add(household("A", email="a@example.org", phone="+41790000001"))
        uow.commit()
        uow.ledger.add(topup(first.id or 0, "10.00"))
        uow.commit()
        uow.ledger.add(topup(first.id or 0, "99.00"))  # not committed
    with uow_factory() as uow:
        assert uow.ledger.balance(first.id or 0) == 10


def test_nested_blocks_share_the_outer_transaction(uow_factory: UowFactory) -> None:
    uow = uow_factory()
    with uow:
        with uow:
            uow.households.add(household())
        assert len(uow.households.list()) == 1  # the inner exit did not roll back
        uow.commit()
    assert _count(uow_factory) == 1


def test_the_unit_of_work_is_reusable(uow_factory: UowFactory) -> None:
    uow = uow_factory()
    for name, email, phone in (("A", "a@x.ch", "+41790000001"), ("B", "b@x.ch", "+41790000002")):
        with uow:
            uow.households.add(household(name, email=email, phone=phone))
            uow.commit()
    assert _count(uow_factory) == 2


def test_repositories_outside_the_block_fail_clearly(uow_factory: UowFactory) -> None:
    with pytest.raises(RuntimeError, match="outside"):
        uow_factory().households.list()


def test_lock_household_in_a_transaction(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        added = uow.households.add(household())
        uow.commit()
    with uow_factory() as uow:
        uow.lock_household(added.id or 0)
        uow.lock_household(added.id or 0)  # twice in one transaction: fine
        uow.ledger.add(topup(added.id or 0, "5.00"))
        uow.commit()
    with uow_factory() as uow:
        assert uow.ledger.balance(added.id or 0) == 5


def test_balance_follows_entries_added_in_the_transaction(uow_factory: UowFactory) -> None:
    from sqlalchemy import func, select

    from core.db.tables import ledger_entries

    with uow_factory() as uow:
        added = uow.households.add(household())
        uow.ledger.add(topup(added.id or 0, "10.00"))
        uow.commit()
    household_id = added.id or 0
    with uow_factory() as uow:
        uow.lock_household(household_id)
        assert uow.ledger.balance(household_id) == 10
        uow.ledger.add(topup(household_id, "2.35"))
        uow.ledger.add(topup(household_id, "-0.10"))
        in_sql = uow.connection.execute(
            select(func.sum(ledger_entries.c.amount)).where(ledger_entries.c.household_id == household_id)
        ).scalar_one()
        assert uow.ledger.balance(household_id) == Decimal("12.25") == Decimal(str(in_sql)).quantize(Decimal("0.01"))
        uow.rollback()
        assert uow.ledger.balance(household_id) == 10
