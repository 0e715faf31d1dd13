"""Staff accounts of the web console as records: the account, its login sessions, the lockout policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Role(StrEnum):
    """What an account may do: staff run the canteen day to day; admins also manage the staff accounts."""

    STAFF = "staff"
    ADMIN = "admin"


@dataclass(frozen=True)
class StaffAccount:
    """A person who may log in to the console."""

    username: str
    display_name: str
    role: Role
    password_hash: str
    language: str
    created_at: datetime
    active: bool = True
    id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@dataclass(frozen=True)
class StaffSession:
    """A login session: only the token's hash is stored; the CSRF token guards the session's forms."""

    token_hash: str
    account_id: int
    csrf_token: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class LoginPolicy:
    """How many failed attempts in a window lock an account, for how long, and how long a session lasts."""

    attempts: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)
    session: timedelta = timedelta(hours=12)
