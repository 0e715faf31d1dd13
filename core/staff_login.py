"""Staff console access: accounts with argon2-hashed passwords, login sessions, lockout after failed attempts."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import replace
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.i18n import LANGUAGES
from core.staff_accounts import LoginPolicy, Role, StaffAccount, StaffSession
from core.unit_of_work import AbstractUnitOfWork

_HASHER = PasswordHasher()
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 8
DEFAULT_POLICY = LoginPolicy()


class AccountError(ValueError):
    """An account that cannot be created or changed as asked (taken name, short password…)."""


class LoginRefusedError(Exception):
    """A login that did not succeed; `locked_until` is set when the account is locked for now."""

    def __init__(self, locked_until: datetime | None = None) -> None:
        super().__init__("locked" if locked_until else "bad username or password")
        self.locked_until = locked_until


def token_hash(token: str) -> str:
    """The SHA-256 hex digest stored in place of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


def add_account(
    uow: AbstractUnitOfWork,
    username: str,
    password: str,
    now: datetime,
    *,
    role: Role = Role.STAFF,
    display_name: str = "",
    language: str = "fr",
) -> StaffAccount:
    """Create an account; the username is lower-cased and must be free."""
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise AccountError(f"{username!r}: use 2-64 lower-case letters, digits, '.', '_' or '-'")
    if language not in LANGUAGES:
        raise AccountError(f"language {language!r}: one of {', '.join(LANGUAGES)}")
    check_password(password)
    account = StaffAccount(name, display_name.strip() or name, Role(role), hash_password(password), language, now)
    with uow:
        if uow.accounts.by_username(name) is not None:
            raise AccountError(f"the username {name!r} is taken")
        stored = uow.accounts.add(account)
        uow.commit()
    return stored


def _existing(uow: AbstractUnitOfWork, username: str) -> StaffAccount:
    account = uow.accounts.by_username(username.strip().lower())
    if account is None or account.id is None:
        raise AccountError(f"no staff account {username!r}")
    return account


def set_password(uow: AbstractUnitOfWork, username: str, password: str) -> None:
    """A new password; the account's sessions end (it must log in again)."""
    check_password(password)
    with uow:
        account = _existing(uow, username)
        assert account.id is not None
        uow.accounts.update(replace(account, password_hash=hash_password(password)))
        uow.accounts.end_sessions_of(account.id)
        uow.commit()


def set_active(uow: AbstractUnitOfWork, username: str, active: bool) -> None:
    """Deactivate (its sessions end) or reactivate an account."""
    with uow:
        account = _existing(uow, username)
        assert account.id is not None
        uow.accounts.update(replace(account, active=active))
        if not active:
            uow.accounts.end_sessions_of(account.id)
        uow.commit()


def set_language(uow: AbstractUnitOfWork, account_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise AccountError(f"language {language!r}: one of {', '.join(LANGUAGES)}")
    with uow:
        account = uow.accounts.get(account_id)
        if account is not None:
            uow.accounts.update(replace(account, language=language))
            uow.commit()


def log_in(
    uow: AbstractUnitOfWork, username: str, password: str, now: datetime, policy: LoginPolicy = DEFAULT_POLICY
) -> tuple[str, StaffAccount]:
    """A new session token for the account, or LoginRefusedError (bad credentials, inactive, or locked).

    Each failure is recorded under the username typed; `policy.attempts` failures within `policy.window`
    lock the name for `policy.lockout` after the last one (even the right password is refused then).
    """
    name = username.strip().lower()[:64]
    with uow:
        uow.accounts.prune(now, now - policy.window)
        failures = uow.accounts.failures_since(name, now - policy.window)
        if len(failures) >= policy.attempts:
            locked_until = max(failures) + policy.lockout
            if locked_until > now:
                raise LoginRefusedError(locked_until)
        account = uow.accounts.by_username(name)
        if (
            account is None
            or account.id is None
            or not account.active
            or not password_matches(account.password_hash, password)
        ):
            uow.accounts.record_failure(name, now)
            uow.commit()
            raise LoginRefusedError()
        token = secrets.token_urlsafe(32)
        session = StaffSession(token_hash(token), account.id, secrets.token_urlsafe(32), now, now + policy.session)
        uow.accounts.add_session(session)
        uow.accounts.clear_failures(name)
        uow.commit()
    return token, account


def session_of(uow: AbstractUnitOfWork, token: str, now: datetime) -> tuple[StaffAccount, StaffSession] | None:
    """The active account and session of a token that has not expired, else None."""
    with uow:
        session = uow.accounts.session(token_hash(token))
        if session is None or session.expires_at <= now:
            return None
        account = uow.accounts.get(session.account_id)
    if account is None or not account.active:
        return None
    return account, session


def log_out(uow: AbstractUnitOfWork, token: str) -> None:
    with uow:
        uow.accounts.end_session(token_hash(token))
        uow.commit()
