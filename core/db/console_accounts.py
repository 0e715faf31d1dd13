"""The SQL staff accounts: accounts by id and username, login sessions by token hash, failed logins by name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, select, update

from core.db.console_tables import staff_accounts as a
from core.db.console_tables import staff_login_failures as f
from core.db.console_tables import staff_sessions as s
from core.db.pipeline_rows import ConnectionGetter, aware_utc
from core.staff_accounts import Role, StaffAccount, StaffSession


def _account(row: Row[Any]) -> StaffAccount:
    return StaffAccount(
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        password_hash=row.password_hash,
        language=row.language,
        created_at=row.created_at,
        active=bool(row.active),
        id=row.id,
    )


class SqlStaffAccountRepository:
    """Accounts, sessions and failures in their three tables."""

    def __init__(self, connection: ConnectionGetter) -> None:
        self._c = connection

    def add(self, account: StaffAccount) -> StaffAccount:
        created_at = aware_utc(account.created_at)
        values: dict[str, object] = {
            "username": account.username,
            "display_name": account.display_name,
            "role": Role(account.role).value,
            "password_hash": account.password_hash,
            "language": account.language,
            "active": account.active,
            "created_at": created_at,
        }
        account_id = self._c().execute(a.insert().values(values).returning(a.c.id)).scalar_one()
        return replace(account, id=account_id, created_at=created_at)

    def get(self, account_id: int) -> StaffAccount | None:
        row = self._c().execute(select(a).where(a.c.id == account_id)).first()
        return None if row is None else _account(row)

    def by_username(self, username: str) -> StaffAccount | None:
        row = self._c().execute(select(a).where(a.c.username == username)).first()
        return None if row is None else _account(row)

    def list(self) -> Sequence[StaffAccount]:
        return [_account(row) for row in self._c().execute(select(a).order_by(a.c.username))]

    def update(self, account: StaffAccount) -> None:
        values = {
            "display_name": account.display_name,
            "role": Role(account.role).value,
            "password_hash": account.password_hash,
            "language": account.language,
            "active": account.active,
        }
        result = self._c().execute(update(a).where(a.c.id == account.id).values(values))
        if result.rowcount == 0:
            raise KeyError(f"no staff account {account.id}")

    def add_session(self, session: StaffSession) -> None:
        values = {
            "token_hash": session.token_hash,
            "account_id": session.account_id,
            "csrf_token": session.csrf_token,
            "created_at": aware_utc(session.created_at),
            "expires_at": aware_utc(session.expires_at),
        }
        self._c().execute(s.insert().values(values))

    def session(self, token_hash: str) -> StaffSession | None:
        row = self._c().execute(select(s).where(s.c.token_hash == token_hash)).first()
        if row is None:
            return None
        return StaffSession(row.token_hash, row.account_id, row.csrf_token, row.created_at, row.expires_at)

    def end_session(self, token_hash: str) -> None:
        self._c().execute(delete(s).where(s.c.token_hash == token_hash))

    def end_sessions_of(self, account_id: int) -> None:
        self._c().execute(delete(s).where(s.c.account_id == account_id))

    def record_failure(self, username: str, at: datetime) -> None:
        self._c().execute(f.insert().values(username=username, at=aware_utc(at)))

    def failures_since(self, username: str, since: datetime) -> Sequence[datetime]:
        query = select(f.c.at).where(f.c.username == username, f.c.at >= aware_utc(since)).order_by(f.c.at)
        return list(self._c().execute(query).scalars())

    def clear_failures(self, username: str) -> None:
        self._c().execute(delete(f).where(f.c.username == username))

    def prune(self, now: datetime, failures_before: datetime) -> None:
        self._c().execute(delete(s).where(s.c.expires_at <= aware_utc(now)))
        self._c().execute(delete(f).where(f.c.at < aware_utc(failures_before)))
