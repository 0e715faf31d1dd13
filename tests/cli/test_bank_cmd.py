"""`cantine bank` and `cantine refunds` end to end on a real database, with a camt file of the seeded families."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from core.canteen_files import load_canteens
from core.cli.main import cli
from core.db.unit_of_work import SqlAlchemyUnitOfWork
from statements.qr_reference import qr_reference
from tests.statements.stripe_fake import WEBHOOK_SECRET, fake_stripe_api

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-23T07:40:00+01:00"
Invoke = Callable[..., Result]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "config", tmp_path / "config")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def run(project: Path, database_url: str) -> Invoke:
    env = {"CANTINE_DATABASE_URL": database_url, "CANTINE_NOW": NOW, "CANTINE_CONFIG": "", "COLUMNS": "200"}

    def invoke(*args: str, **more: str) -> Result:
        return CliRunner().invoke(cli, list(args), env={**env, **more}, catch_exceptions=False)

    return invoke


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def _household_id(database_url: str, name: str) -> int:
    uow = SqlAlchemyUnitOfWork.from_url(database_url)
    with uow:
        [household] = [h for h in uow.households.search(name) if h.name == name]
    assert household.id is not None
    return household.id


def _camt(project: Path, credits: list[tuple[str, str, str]]) -> Path:
    entries = "".join(
        f'<Ntry><Amt Ccy="CHF">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
        f"<BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls>"
        f'<Amt Ccy="CHF">{amount}</Amt><RltdPties><Dbtr><Pty><Nm>Payer</Nm></Pty></Dbtr></RltdPties>'
        f"<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Prtry>QRR</Prtry></CdOrPrtry></Tp><Ref>{reference}</Ref>"
        "</CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>"
        for ref, amount, reference in credits
    )
    path = project / "camt054.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">'
        f"<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>CLI-1</MsgId></GrpHdr><Ntfctn>{entries}</Ntfctn>"
        "</BkToCstmrDbtCdtNtfctn></Document>",
        encoding="utf-8",
    )
    return path


def test_import_twice_then_assign_the_unmatched_credit(run: Invoke, project: Path, database_url: str) -> None:
    ok(run("demo", "seed"))
    montval = load_canteens(project / "config" / "canteens")["montval"]
    dupont = _household_id(database_url, "Dupont")
    before = ok(run("balance", "Dupont"))
    assert "balance: 220.00" in before
    path = _camt(
        project,
        [("B-1", "50.00", qr_reference(montval, dupont)), ("B-2", "30.00", "000000000000000000000000000")],
    )
    first = ok(run("bank", "import", str(path)))
    assert "booked" in first
    assert "UNMATCHED" in first
    assert "1 booked, 0 already booked, 1 unmatched" in first
    assert "balance: 270.00" in ok(run("balance", "Dupont"))
    again = ok(run("bank", "import", str(path)))
    assert "1 booked" not in again
    assert "0 booked, 2 already booked, 0 unmatched" in again
    assert "already imported (unmatched)" in again
    assert "balance: 270.00" in ok(run("balance", "Dupont"))
    listed = ok(run("bank", "unmatched"))
    assert "30.00 CHF" in listed
    payment_id = listed.split()[0]
    assert "booked 30.00 CHF for Martin" in ok(run("bank", "assign", payment_id, "Martin"))
    assert "no unmatched bank payment" in ok(run("bank", "unmatched"))
    twice = run("bank", "assign", payment_id, "Martin")
    assert twice.exit_code == 1
    assert "already resolved" in twice.output


def test_a_bad_file_is_refused_with_a_clear_message(run: Invoke, project: Path) -> None:
    ok(run("demo", "seed"))
    bad = project / "statement.xml"
    bad.write_text("<html>not a bank file</html>", encoding="utf-8")
    result = run("bank", "import", str(bad))
    assert result.exit_code == 1
    assert "statement.xml: <html>" in result.output
    assert "nothing was imported" in result.output


def test_refund_request_approve_refuse_and_export(run: Invoke, project: Path) -> None:
    ok(run("demo", "seed"))
    assert "no refund request" in ok(run("refunds", "list"))
    qr = run("refunds", "request", "Dupont", "CH44 3199 9123 0008 8901 2")
    assert qr.exit_code == 1
    assert "qr_iban" in qr.output
    made = ok(run("refunds", "request", "Dupont", "CH93 0076 2011 6238 5295 7", "20"))
    assert "20.00 to CH93 0076 2011 6238 5295 7" in made
    other = ok(run("refunds", "request", "Martin", "CH5604835012345678009"))
    first_id, second_id = made.split()[2].rstrip(":"), other.split()[2].rstrip(":")
    assert "requested" in ok(run("refunds", "list", "--status", "requested"))
    assert "approved and booked" in ok(run("refunds", "approve", first_id))
    assert "balance: 200.00" in ok(run("balance", "Dupont"))
    assert "already approved" in run("refunds", "approve", first_id).output
    assert "refused" in ok(run("refunds", "refuse", second_id, "--reason", "compte inconnu"))
    listed = ok(run("refunds", "list"))
    assert "compte inconnu" in listed
    missing = run("refunds", "export-pain001", "-o", "refunds.xml")
    assert missing.exit_code == 2
    assert "--debtor-iban" in missing.output
    out = project / "refunds.xml"
    exported = ok(
        run(
            "refunds",
            "export-pain001",
            "-o",
            str(out),
            "--debtor-name",
            "Montval",
            "--debtor-iban",
            "CH5604835012345678009",
        )
    )
    assert "1 refund(s), 20.00 in all, to execute on 2026-11-24" in exported
    assert b"pain.001.001.09" in out.read_bytes()
    nothing = run(
        "refunds", "export-pain001", "-o", str(out), "--debtor-name", "M", "--debtor-iban", "CH5604835012345678009"
    )
    assert nothing.exit_code == 1
    assert "no approved refund" in nothing.output


def test_a_payment_link_is_created_through_the_provider(run: Invoke) -> None:
    ok(run("demo", "seed"))
    off = run("payments", "link", "Dupont", "50")
    assert off.exit_code == 1
    assert "online payment is off" in off.output
    with fake_stripe_api() as api:
        stripe = {
            "CANTINE_PAYMENTS_PROVIDER": "stripe",
            "CANTINE_PAYMENTS_API_KEY": "sk_test_cli",
            "CANTINE_PAYMENTS_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "CANTINE_PAYMENTS_API_BASE_URL": api.base_url,
            "CANTINE_PAYMENTS_PUBLIC_BASE_URL": "https://cantine.example.ch/",
        }
        made = ok(run("payments", "link", "Dupont", "50", **stripe))
        assert "Dupont: 50 CHF — https://checkout.stripe.test/c/pay/cs_test_1" in made
        [(_, _, form)] = api.requests
        assert form["success_url"] == "https://cantine.example.ch/payments/done"
        bad = run("payments", "link", "Dupont", "-5", **stripe)
        assert bad.exit_code == 2
        api.refuse = True
        refused = run("payments", "link", "Dupont", "5", **stripe)
        assert refused.exit_code == 1
        assert "Stripe refused the checkout" in refused.output


def test_an_unmatched_online_payment_is_listed_then_credited(run: Invoke, database_url: str) -> None:
    from decimal import Decimal

    from statements.payments import ConfirmedPayment, credit_online_payment

    ok(run("db", "upgrade"))
    ok(run("demo", "seed"))
    assert "no unmatched online payment" in ok(run("payments", "unmatched"))
    uow = SqlAlchemyUnitOfWork.from_url(database_url)
    with uow:
        paid = ConfirmedPayment("stripe", "evt_cli", "cs_cli", None, Decimal("30.00"), "CHF")
        record = credit_online_payment(uow, paid, datetime.fromisoformat(NOW))
        uow.commit()
    assert record is not None
    listed = ok(run("payments", "unmatched"))
    assert f"{record.id:>5}" in listed
    assert "30.00 CHF  stripe cs_cli" in listed
    dupont = _household_id(database_url, "Dupont")
    with uow:
        before = uow.ledger.balance(dupont)
    assert "credited 30.00 CHF to Dupont" in ok(run("payments", "assign", str(record.id), "Dupont"))
    assert "no unmatched online payment" in ok(run("payments", "unmatched"))
    again = run("payments", "assign", str(record.id), "Dupont")
    assert again.exit_code != 0
    assert "already credited" in again.output
    with uow:
        assert uow.ledger.balance(dupont) == before + Decimal("30.00")
