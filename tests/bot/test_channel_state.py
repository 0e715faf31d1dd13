"""The chat-channel state on SQLite and PostgreSQL (and the fake): opt-outs, link tokens, delivery reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from core.model import Guardian, Household
from core.unit_of_work import AbstractUnitOfWork
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 5, 25, 8, 0, tzinfo=UTC)


def _guardian(make_uow: Callable[[], AbstractUnitOfWork]) -> int:
    with make_uow() as uow:
        household = uow.households.add(Household(name="Test", guardians=[Guardian(name="Ann Test")]))
        uow.commit()
    guardian_id = household.guardians[0].id
    assert guardian_id is not None
    return guardian_id


def check_opt_out_is_kept_until_opt_in(make_uow: Callable[[], AbstractUnitOfWork]) -> None:
    with make_uow() as uow:
        assert not uow.channels.is_opted_out("+41791234567")
        uow.channels.opt_out("+41791234567", NOW)
        uow.channels.opt_out("+41791234567", NOW + timedelta(minutes=1))  # twice: unchanged
        uow.commit()
    with make_uow() as uow:
        assert uow.channels.is_opted_out("+41791234567")
        assert not uow.channels.is_opted_out("+41790000000")
        uow.channels.opt_in("+41791234567")
        uow.channels.opt_in("+41791234567")
        uow.commit()
    with make_uow() as uow:
        assert not uow.channels.is_opted_out("+41791234567")


def check_link_token_is_used_once_and_expires(make_uow: Callable[[], AbstractUnitOfWork]) -> None:
    guardian_id = _guardian(make_uow)
    with make_uow() as uow:
        uow.channels.add_link_token("a" * 64, guardian_id, NOW, NOW + timedelta(days=1))
        uow.channels.add_link_token("b" * 64, guardian_id, NOW, NOW + timedelta(days=1))
        uow.commit()
    with make_uow() as uow:
        assert uow.channels.use_link_token("c" * 64, "42", NOW) is None  # unknown
        assert uow.channels.use_link_token("a" * 64, "42", NOW) == guardian_id
        assert uow.channels.use_link_token("a" * 64, "43", NOW) is None  # used
        assert uow.channels.use_link_token("b" * 64, "42", NOW + timedelta(days=2)) is None  # expired
        uow.commit()


def check_delivery_reports_keep_the_most_advanced_status(make_uow: Callable[[], AbstractUnitOfWork]) -> None:
    with make_uow() as uow:
        assert uow.channels.delivery_status("SM1") is None
        assert uow.channels.record_delivery("SM1", "sms", "sent", NOW) == "sent"
        assert uow.channels.record_delivery("SM1", "sms", "queued", NOW) == "sent"  # late, out of order
        assert uow.channels.record_delivery("SM1", "sms", "delivered", NOW) == "delivered"
        assert uow.channels.record_delivery("SM1", "sms", "delivered", NOW) == "delivered"  # duplicate
        assert uow.channels.record_delivery("SM1", "sms", "failed", NOW) == "delivered"  # final stays
        assert uow.channels.record_delivery("SM2", "sms", "undelivered", NOW, "30003") == "undelivered"
        assert uow.channels.record_delivery("SM2", "sms", "sent", NOW) == "undelivered"
        uow.commit()
    with make_uow() as uow:
        assert uow.channels.delivery_status("SM1") == "delivered"
        assert uow.channels.delivery_status("SM2") == "undelivered"


CHECKS = (
    check_opt_out_is_kept_until_opt_in,
    check_link_token_is_used_once_and_expires,
    check_delivery_reports_keep_the_most_advanced_status,
)


def test_sql_repository(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    for check in CHECKS:
        check(uow_factory)


def test_fake_repository_behaves_the_same() -> None:
    for check in CHECKS:
        fake = FakeUnitOfWork()
        check(lambda: fake)  # noqa: B023  # used at once, inside the iteration
