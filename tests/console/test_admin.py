"""Admin pages (staff accounts) and the account services behind them and the CLI."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli.main import cli
from core.staff_accounts import Role
from core.staff_login import AccountError, add_account, log_in, password_matches, session_of, set_active
from tests.console.conftest import ADMIN, MONDAY_MORNING, PASSWORD, STAFF, Console, csrf_of

NOW = datetime.fromisoformat(MONDAY_MORNING)


def _admin_token(console: Console) -> str:
    return console.form_token("/console/admin/staff")


def test_an_admin_adds_an_account_that_can_log_in(console: Console) -> None:
    console.login(ADMIN)
    page = console.client.get("/console/admin/staff").text
    assert '<th scope="row">sam</th>' in page
    answer = console.client.post(
        "/console/admin/staff",
        data={
            "csrf_token": _admin_token(console),
            "username": "Lea.Roch",
            "password": "un-long-mot-de-passe",
            "role": "staff",
            "display_name": "Léa Roch",
            "language": "de",
        },
    )
    assert answer.status_code == 200
    assert "Compte créé." in answer.text
    assert "Léa Roch" in answer.text
    with console.road.uow_factory() as uow:
        account = uow.accounts.by_username("lea.roch")
    assert account is not None
    assert (account.role, account.language, account.active) == (Role.STAFF, "de", True)
    assert password_matches(account.password_hash, "un-long-mot-de-passe")
    assert "un-long-mot-de-passe" not in account.password_hash
    other = console.login("lea.roch", "un-long-mot-de-passe", client=console.new_client())
    assert '<html lang="de">' in other.get("/console/inbox").text


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"username": STAFF, "password": "long-enough-1"}, "is taken"),
        ({"username": "x", "password": "long-enough-1"}, "lower-case letters"),
        ({"username": "newbie", "password": "short"}, "at least 8 characters"),
        ({"username": "newbie", "password": "long-enough-1", "role": "boss"}, "boss"),
        ({"username": "newbie", "password": "long-enough-1", "language": "it"}, "language"),
    ],
)
def test_a_bad_account_is_refused_with_the_reason(console: Console, fields: dict[str, str], why: str) -> None:
    console.login(ADMIN)
    answer = console.client.post("/console/admin/staff", data={"csrf_token": _admin_token(console), **fields})
    assert answer.status_code == 400
    assert "Refusé" in answer.text
    assert why in answer.text.replace("&#39;", "'")


def test_deactivate_ends_the_sessions_and_reactivate(console: Console) -> None:
    staff_client = console.login(STAFF, client=console.new_client())
    assert staff_client.get("/console/inbox").status_code == 200
    console.login(ADMIN)
    answer = console.client.post(
        f"/console/admin/staff/{STAFF}/active", data={"csrf_token": _admin_token(console), "active": "0"}
    )
    assert "Compte désactivé" in answer.text
    assert staff_client.get("/console/inbox", follow_redirects=False).status_code == 303
    page = staff_client.get("/console/login")
    refused = staff_client.post(
        "/console/login", data={"username": STAFF, "password": PASSWORD, "csrf_token": csrf_of(page.text)}
    )
    assert refused.status_code == 401
    console.client.post(
        f"/console/admin/staff/{STAFF}/active", data={"csrf_token": _admin_token(console), "active": "1"}
    )
    console.login(STAFF, client=staff_client)


def test_an_admin_cannot_lock_themself_out(console: Console) -> None:
    console.login(ADMIN)
    answer = console.client.post(
        f"/console/admin/staff/{ADMIN}/active", data={"csrf_token": _admin_token(console), "active": "0"}
    )
    assert answer.status_code == 400
    unknown = console.client.post(
        "/console/admin/staff/nobody/active", data={"csrf_token": _admin_token(console), "active": "0"}
    )
    assert unknown.status_code == 400
    assert "no staff account" in unknown.text


def test_reset_a_password(console: Console) -> None:
    console.login(ADMIN)
    token = _admin_token(console)
    short = console.client.post(f"/console/admin/staff/{STAFF}/password", data={"csrf_token": token, "password": "x"})
    assert short.status_code == 400
    answer = console.client.post(
        f"/console/admin/staff/{STAFF}/password", data={"csrf_token": token, "password": "tout-nouveau-secret"}
    )
    assert "Mot de passe changé" in answer.text
    console.login(STAFF, "tout-nouveau-secret", client=console.new_client())


def test_account_services(console: Console) -> None:
    uow = console.road.uow_factory
    with pytest.raises(AccountError, match="no staff account"):
        set_active(uow(), "ghost", False)
    token, account = log_in(uow(), f"  {STAFF.upper()} ", PASSWORD, NOW)
    found = session_of(uow(), token, NOW)
    assert found is not None
    assert found[0] == account
    assert session_of(uow(), "not-a-token", NOW) is None
    assert not password_matches("not-an-argon2-hash", PASSWORD)
    with pytest.raises(AccountError, match="language"):
        add_account(uow(), "zed", PASSWORD, NOW, language="it")


def test_cli_adds_lists_and_changes_accounts(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"CANTINE_DATABASE_URL": database_url, "CANTINE_NOW": MONDAY_MORNING, "CANTINE_CONFIG": "", "COLUMNS": "200"}
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
        result = runner.invoke(cli, list(args), input=stdin, env=env, catch_exceptions=False)
        return result.exit_code, result.output

    assert run("staff", "accounts") == (0, "no staff account yet: cantine staff add USERNAME --role admin\n")
    code, out = run(
        "staff", "add", "Marie", "--role", "admin", "--name", "Marie R.", "--password-stdin", stdin="s3cret-pass\n"
    )
    assert (code, out) == (0, "staff account marie (admin) created\n")
    code, out = run("staff", "add", "paul", stdin="paul-password\npaul-password\n")
    assert code == 0, out
    assert "staff account paul (staff) created" in out
    code, out = run("staff", "add", "paul", "--password-stdin", stdin="paul-password\n")
    assert code == 1
    assert "is taken" in out
    code, out = run("staff", "accounts")
    assert "marie" in out
    assert "Marie R." in out
    assert "paul" in out
    assert run("staff", "passwd", "paul", "--password-stdin", stdin="new-password\n")[0] == 0
    assert run("staff", "passwd", "paul", "--password-stdin", stdin="short\n")[0] == 1
    assert run("staff", "deactivate", "paul") == (0, "paul deactivated\n")
    assert run("staff", "deactivate", "paul", "--undo") == (0, "paul reactivated\n")
    assert run("staff", "deactivate", "ghost")[0] == 1


def test_demo_mode_creates_the_documented_admin_once(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from tests.pipeline.road import ROOT

    shutil.copytree(ROOT / "config", tmp_path / "config")
    monkeypatch.chdir(tmp_path)
    env = {"CANTINE_DATABASE_URL": database_url, "CANTINE_NOW": MONDAY_MORNING, "CANTINE_CONFIG": "", "COLUMNS": "200"}
    for _ in range(2):
        result = CliRunner().invoke(cli, ["run", "--check"], env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "demo login admin / cantine-demo (demo only)" in result.output
    from core.db.unit_of_work import SqlAlchemyUnitOfWork

    with SqlAlchemyUnitOfWork.from_url(database_url) as uow:
        accounts = list(uow.accounts.list())
    assert [(a.username, a.role) for a in accounts] == [("admin", Role.ADMIN)]
    assert password_matches(accounts[0].password_hash, "cantine-demo")


def test_an_admin_sees_the_canteens_and_staff_do_not(console: Console) -> None:
    console.login(ADMIN)
    page = console.client.get("/console/admin/canteens")
    assert page.status_code == 200
    assert "(montval)" in page.text
    assert "08:15" in page.text
    assert "fichier TOML" in page.text
    staff_client = console.login(STAFF, client=console.new_client())
    assert staff_client.get("/console/admin/canteens").status_code == 403
