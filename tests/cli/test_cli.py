"""The `cantine` command end to end, on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from core.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
MONDAY_MORNING = "2026-11-23T07:40:00+01:00"  # Montval serves Mon, Tue, Thu, Fri
Invoke = Callable[..., Result]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A working directory with the project's canteens and demo families."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    return tmp_path


@pytest.fixture
def run(project: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.chdir(project)
    env = {
        "CANTINE_DATABASE_URL": database_url,
        "CANTINE_NOW": MONDAY_MORNING,
        "CANTINE_CONFIG": "",
        "COLUMNS": "200",
    }

    def invoke(*args: str, now: str | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, list(args), env={**env, "CANTINE_NOW": now or MONDAY_MORNING}, catch_exceptions=False)

    return invoke


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_help_on_every_command() -> None:
    runner = CliRunner()
    for args in (
        [],
        ["db"],
        ["db", "upgrade"],
        ["demo", "seed"],
        ["family"],
        ["family", "import"],
        ["family", "show"],
        ["family", "list"],
        ["book"],
        ["cancel"],
        ["balance"],
        ["topup"],
        ["day"],
        ["run"],
        ["nlu", "parse"],
    ):
        result = runner.invoke(cli, [*args, "--help"])
        assert result.exit_code == 0, (args, result.output)
        assert "Usage:" in result.output


def test_seed_then_show_a_demo_family(run: Invoke) -> None:
    assert "7 families and 14 children created" in ok(run("demo", "seed"))
    assert "already present" in ok(run("demo", "seed"))
    shown = ok(run("family", "show", "Dupont"))
    for expected in ("Claire Dupont", "+41791234567", "Alban", "Arielle", "arachides", "Tue 24.11.2026"):
        assert expected in shown
    assert "Basile" in ok(run("family", "show", "basile"))  # found by a child's first name
    listed = ok(run("family", "list"))
    assert "Smith" in listed
    assert "Müller" in listed


def test_unknown_and_ambiguous_families_are_explained(run: Invoke) -> None:
    ok(run("demo", "seed"))
    missing = run("family", "show", "Zorro")
    assert missing.exit_code == 1
    assert "no household matches 'Zorro'" in missing.output
    several = run("family", "show", "example.ch")
    assert several.exit_code == 1
    assert "households match" in several.output


def test_cancel_book_and_balance(run: Invoke) -> None:
    ok(run("demo", "seed"))
    before = ok(run("balance", "Dupont"))
    assert "balance: 220.00" in before
    cancelled = ok(run("cancel", "Dupont", "2026-11-24", "--child", "Basile"))
    assert "done" in cancelled
    assert "balance: 227.50" in cancelled
    again = ok(run("cancel", "Dupont", "2026-11-24", "--child", "Basile"))
    assert "not_booked" in again
    wednesday = ok(run("book", "Dupont", "2026-11-25", "--child", "Basile"))
    assert "not_service_day" in wednesday
    christmas = ok(run("book", "Dupont", "2026-12-21", "--child", "Basile"))
    assert "Vacances de Noël" in christmas
    late = ok(run("cancel", "Dupont", "2026-11-24", "--child", "Alban", now="2026-11-24T08:16:00+01:00"))
    assert "too_late" in late
    in_time = ok(run("cancel", "Dupont", "2026-11-24", "--child", "Alban", now="2026-11-24T08:15:00+01:00"))
    assert "done" in in_time
    assert "balance: 235.00" in ok(run("balance", "Dupont"))


def test_recurring_booking_pattern(run: Invoke) -> None:
    ok(run("demo", "seed"))
    booked = ok(run("book", "Martin", "2027-01-04", "--until", "2027-01-31", "--weekdays", "mon,thu"))
    days = [line for line in booked.splitlines() if "Léa" in line]
    assert len(days) == 8  # Mondays and Thursdays of January 2027, all service days
    assert all("done" in line for line in days)
    assert "Mon 04.01.2027" in booked
    assert "Thu 28.01.2027" in booked
    bad = run("book", "Martin", "2027-01-04", "--weekdays", "mon")
    assert bad.exit_code == 2
    assert "--weekdays needs --until" in bad.output


def test_insufficient_balance_is_refused_with_the_missing_amount(run: Invoke) -> None:
    ok(run("demo", "seed"))
    result = ok(run("book", "Favre", "2027-01-04", "--until", "2027-03-31"))
    assert "insufficient_balance" in result
    assert "missing=" in result
    balance = ok(run("balance", "Favre"))
    assert "balance: -" not in balance


def test_topup_and_duplicate_bank_reference(run: Invoke) -> None:
    ok(run("demo", "seed"))
    assert "balance 240.00" in ok(run("topup", "Martin", "100", "--method", "bank_transfer", "--reference", "R-1"))
    duplicate = run("topup", "Martin", "100", "--method", "bank_transfer", "--reference", "R-1")
    assert duplicate.exit_code == 1
    assert "duplicate_reference" in duplicate.output
    for amount in ("-5", "0", "1.005"):
        refused = run("topup", "Martin", "--", amount)
        assert refused.exit_code == 1, amount
        assert "invalid_amount" in refused.output
    not_a_number = run("topup", "Martin", "douze")
    assert not_a_number.exit_code == 2
    assert "'douze' is not an amount" in not_a_number.output


def test_day_sheet(run: Invoke) -> None:
    ok(run("demo", "seed"))
    sheet = ok(run("day", "2026-11-24", "--canteen", "montval"))
    assert "total" in sheet
    assert "arachides" in sheet
    assert "lactose" in sheet
    assert "no service (Vacances de Noël)" in ok(run("day", "2026-12-24", "--canteen", "montval"))
    several = run("day", "2026-11-24")
    assert several.exit_code == 2
    assert "several canteens" in several.output


def test_family_import_all_or_nothing(run: Invoke, project: Path) -> None:
    header = (project / "config/demo/families.csv").read_text(encoding="utf-8").splitlines()[0]
    bad = project / "bad.csv"
    bad.write_text(
        "\n".join(
            [
                header,
                "Keller,Eva Keller,de,eva@example.ch,079 111 11 11,,,,,Tim,montval,,,50",
                "Roux,Paul Roux,xx,paul@example.ch,,,,,,Jade,montval,,,",
                "Blanc,Léo Blanc,fr,not-an-address,,,,,,Zoé,nowhere,,,",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = run("family", "import", str(bad))
    assert result.exit_code == 1
    assert "bad.csv:3" in result.output
    assert "language must be one of" in result.output
    assert "bad.csv:4" in result.output
    assert "nothing was imported" in result.output
    assert "Keller" not in ok(run("family", "list"))

    good = project / "good.csv"
    good.write_text(header + "\nKeller,Eva Keller,de,eva@example.ch,079 111 11 11,,,,,Tim,montval,,,50\n")
    assert "imported 1 household(s), 1 child(ren)" in ok(run("family", "import", str(good)))
    shown = ok(run("family", "show", "Keller"))
    assert "+41791111111" in shown
    assert "balance 50.00" in shown
    again = run("family", "import", str(good))
    assert again.exit_code == 1
    assert "already belongs to a stored guardian" in again.output


def test_a_bad_canteen_file_is_refused_naming_key_and_line(run: Invoke, project: Path) -> None:
    canteen = project / "config/canteens/montval.toml"
    canteen.write_text(canteen.read_text(encoding="utf-8").replace('same_day = "08:15"', 'same_day = "8h15"'))
    result = run("day", "2026-11-24", "--canteen", "montval")
    assert result.exit_code == 1
    assert "montval.toml, line" in result.output
    assert "cutoff.same_day" in result.output


def test_a_bad_fixed_clock_is_refused(run: Invoke) -> None:
    result = run("day", "--canteen", "montval", now="tomorrow")
    assert result.exit_code == 1
    assert "CANTINE_NOW" in result.output


def test_run_prepares_and_reports_without_a_terminal(run: Invoke) -> None:
    output = ok(run("run", "--check"))
    assert "7 families and 14 children created" in output
    assert "montval" in output
    assert "cantine simulate" in output
