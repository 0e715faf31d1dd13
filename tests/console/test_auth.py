"""Console security: login, lockout, logout, every page behind login, CSRF on every form, admin-only pages."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from core.settings import Settings, WebSettings
from core.staff_login import token_hash
from tests.console.conftest import ADMIN, PASSWORD, STAFF, Console, csrf_of

PUBLIC = {"/console/login", "/console/language/{code}", "/console", "/console/"}


def _flat_routes(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, set[str]]]:
    """Every (path, methods) of the app, included routers unfolded (whatever FastAPI version)."""
    found: list[tuple[str, set[str]]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path, set(route.methods or ())))
            continue
        original: Any = getattr(route, "original_router", None)
        if original is not None:
            context = getattr(route, "include_context", None)
            found.extend(_flat_routes(original.routes, prefix + getattr(context, "prefix", "")))
    return found


def console_routes(console: Console) -> list[tuple[str, str]]:
    routes: list[tuple[str, str]] = []
    for path, methods in _flat_routes(list(console.client.app.routes)):  # type: ignore[attr-defined]  # a FastAPI app
        if not path.startswith("/console") or path in PUBLIC:
            continue
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        routes.extend((method, concrete) for method in sorted(methods - {"HEAD"}))
    return routes


def test_the_console_has_pages_and_forms_to_guard(console: Console) -> None:
    routes = console_routes(console)
    assert ("GET", "/console/inbox") in routes
    assert ("POST", "/console/inbox/1/apply") in routes
    assert ("GET", "/console/admin/staff") in routes


def test_every_console_page_requires_login(console: Console) -> None:
    for method, path in console_routes(console):
        answer = console.client.request(method, path, follow_redirects=False)
        if method == "GET":
            assert answer.status_code == 303, (method, path)
            assert answer.headers["location"].startswith("/console/login?next="), path
        else:
            assert answer.status_code == 401, (method, path)


def test_every_form_needs_the_csrf_token(console: Console) -> None:
    console.login(ADMIN)
    for method, path in console_routes(console):
        if method == "GET":
            continue
        missing = console.client.request(method, path, data={"reason": "x"}, follow_redirects=False)
        wrong = console.client.request(method, path, data={"csrf_token": "forged", "reason": "x"})
        assert missing.status_code == 403, path
        assert wrong.status_code == 403, path
    assert "Le formulaire a expiré" in wrong.text


def test_the_csrf_token_may_come_in_a_header(console: Console) -> None:
    console.login()
    item = console.flagged("Basile a perdu sa gourde à la cantine")
    token = console.form_token("/console/inbox")
    answer = console.client.post(
        f"/console/inbox/{item}/dismiss", data={"reason": "retrouvée"}, headers={"X-CSRF-Token": token}
    )
    assert answer.status_code == 200
    assert "Traité par sam" in answer.text


def test_login_then_the_page_asked_first(console: Console) -> None:
    first = console.client.get("/console/inbox", follow_redirects=False)
    login_page = console.client.get(first.headers["location"])
    assert login_page.status_code == 200
    assert 'name="next" value="/console/inbox"' in login_page.text
    answer = console.client.post(
        "/console/login",
        data={
            "username": "SAM",
            "password": PASSWORD,
            "csrf_token": csrf_of(login_page.text),
            "next": "/console/inbox",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/inbox"
    cookie = answer.headers["set-cookie"]
    assert "cantine_console=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Path=/console" in cookie
    assert "Secure" not in cookie
    page = console.client.get("/console/inbox")
    assert page.status_code == 200
    assert "Sam Staff" in page.text


def test_a_login_elsewhere_than_the_console_is_not_followed(console: Console) -> None:
    page = console.client.get("/console/login?next=https://evil.example/")
    assert 'value="/console/"' in page.text
    answer = console.client.post(
        "/console/login",
        data={"username": STAFF, "password": PASSWORD, "csrf_token": csrf_of(page.text), "next": "//evil.example"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/console/"


def test_login_form_needs_its_csrf_token(console: Console) -> None:
    console.client.get("/console/login")
    answer = console.client.post("/console/login", data={"username": STAFF, "password": PASSWORD, "csrf_token": "x"})
    assert answer.status_code == 403
    assert "cantine_console=" not in answer.headers.get("set-cookie", "")


def test_a_wrong_password_is_refused_politely(console: Console) -> None:
    page = console.client.get("/console/login")
    answer = console.client.post(
        "/console/login", data={"username": STAFF, "password": "nope-nope", "csrf_token": csrf_of(page.text)}
    )
    assert answer.status_code == 401
    assert "Nom d&#39;utilisateur ou mot de passe incorrect." in answer.text
    assert console.client.get("/console/inbox", follow_redirects=False).status_code == 303


def _try(console: Console, password: str) -> int:
    page = console.client.get("/console/login")
    data = {"username": STAFF, "password": password, "csrf_token": csrf_of(page.text)}
    answer = console.client.post("/console/login", data=data, follow_redirects=False)
    return int(answer.status_code)


def test_five_failures_lock_the_account_for_fifteen_minutes(console: Console) -> None:
    assert [_try(console, "wrong-password") for _ in range(5)] == [401] * 5
    assert _try(console, PASSWORD) == 429
    page = console.client.get("/console/login")
    locked = console.client.post(
        "/console/login", data={"username": STAFF, "password": PASSWORD, "csrf_token": csrf_of(page.text)}
    )
    assert "réessayez dans 15 minutes" in locked.text
    console.later(14)
    assert _try(console, PASSWORD) == 429
    console.later(2)
    assert _try(console, PASSWORD) == 303
    assert _try(console, "wrong-password") == 401  # the success cleared the count


def test_failures_outside_the_window_do_not_lock(console: Console) -> None:
    for _ in range(4):
        assert _try(console, "wrong-password") == 401
    console.later(16)
    assert _try(console, "wrong-password") == 401
    assert _try(console, PASSWORD) == 303


def test_logout_ends_the_session(console: Console) -> None:
    console.login()
    cookie = console.client.cookies.get("cantine_console")
    token = console.form_token("/console/inbox")
    answer = console.client.post("/console/logout", data={"csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303
    assert console.client.get(answer.headers["location"]).text.count("Vous avez été déconnecté.") == 1
    replay = console.new_client()
    replay.cookies.set("cantine_console", cookie or "", path="/console")
    assert replay.get("/console/inbox", follow_redirects=False).status_code == 303


def test_a_session_expires(console: Console) -> None:
    console.login()
    console.later(12 * 60 + 1)
    assert console.client.get("/console/inbox", follow_redirects=False).status_code == 303


def test_a_staff_user_cannot_reach_admin_pages(console: Console) -> None:
    console.login(STAFF)
    token = console.form_token("/console/inbox")
    assert "/console/admin/staff" not in console.client.get("/console/inbox").text
    page = console.client.get("/console/admin/staff")
    assert page.status_code == 403
    assert "réservée aux administrateurs" in page.text
    posted = console.client.post(
        "/console/admin/staff", data={"csrf_token": token, "username": "mallory", "password": "12345678"}
    )
    assert posted.status_code == 403
    with console.road.uow_factory() as uow:
        assert uow.accounts.by_username("mallory") is None


def test_an_admin_sees_the_admin_pages(console: Console) -> None:
    console.login(ADMIN)
    assert 'href="/console/admin/staff"' in console.client.get("/console/inbox").text
    assert console.client.get("/console/admin/staff").status_code == 200


def test_secure_cookies_when_served_by_https(console: Console) -> None:
    deps = console.client.app.state.cantine_deps  # type: ignore[attr-defined]  # a FastAPI app
    deps.settings = Settings(web=WebSettings(cookie_secure=True))
    page = console.client.get("/console/login")
    assert "Secure" in page.headers["set-cookie"]


@pytest.mark.parametrize(
    ("code", "heading"), [("en", "Staff login"), ("de", "Anmeldung Personal"), ("fr", "Connexion du personnel")]
)
def test_the_language_switch(console: Console, code: str, heading: str) -> None:
    answer = console.client.get(f"/console/language/{code}?next=/console/login", follow_redirects=False)
    assert answer.headers["location"] == "/console/login"
    page = console.client.get("/console/login")
    assert f'<html lang="{code}">' in page.text
    assert f"<h1>{heading}</h1>" in page.text


def test_an_unknown_language_changes_nothing(console: Console) -> None:
    console.client.get("/console/language/xx?next=/console/login")
    assert '<html lang="fr">' in console.client.get("/console/login").text


def test_the_accounts_language_is_the_default(console: Console) -> None:
    from core.staff_login import set_language

    with console.road.uow_factory() as uow:
        account = uow.accounts.by_username(STAFF)
    assert account is not None
    assert account.id is not None
    set_language(console.road.uow_factory(), account.id, "de")
    console.login()
    page = console.client.get("/console/inbox")
    assert '<html lang="de">' in page.text
    assert "Abmelden" in page.text


def test_console_home_goes_to_the_inbox_and_static_files_are_served(console: Console) -> None:
    console.login()
    assert console.client.get("/console/", follow_redirects=False).headers["location"] == "/console/inbox"
    css = console.client.get("/console/static/console.css")
    assert css.status_code == 200
    assert "@media print" in css.text


def test_a_login_forgets_expired_sessions_and_old_failures(console: Console) -> None:
    console.login()
    old = console.client.cookies.get("cantine_console") or ""
    page = console.client.get("/console/login")
    data = {"username": "ghost", "password": "whatever1", "csrf_token": csrf_of(page.text)}
    assert console.client.post("/console/login", data=data).status_code == 401
    console.later(13 * 60)
    console.login(client=console.new_client())
    with console.road.uow_factory() as uow:
        assert uow.accounts.session(token_hash(old)) is None
        assert list(uow.accounts.failures_since("ghost", console.road.clock.now() - timedelta(days=1))) == []
