"""Bank-file import: matched credits booked once, unmatched kept for staff, re-imports and concurrency idempotent."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from core.canteen import Billing
from core.model import EntryKind, PaymentMethod, Source
from core.money_services import MoneyError, assign_bank_payment
from core.payments import BankPaymentStatus
from core.unit_of_work import AbstractUnitOfWork
from statements.bank_import import LineOutcome, ReferenceResolver, canteen_resolver, import_bank_file
from statements.camt import CamtError
from statements.qr_reference import creditor_reference, qr_reference
from tests.core.unit.builders import dupont, montval
from tests.fakes import FakeUnitOfWork

FIXTURES = Path(__file__).with_name("fixtures")
NOW = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
REFS = {  # the references of the fixtures, by the family they stand for
    "000000000000000000000010014": "Dupont",
    "000000000000000000000010022": "Muster",
    "RF26H1003": "Keller",
    "000000000000000000000010038": "Dupont",
}


def _families(uow: AbstractUnitOfWork) -> dict[str, int]:
    ids = {}
    with uow:
        for name in ("Dupont", "Muster", "Keller"):
            stored = uow.households.add(replace(dupont(), name=name, guardians=[], children=[]))
            assert stored.id is not None
            ids[name] = stored.id
        uow.commit()
    return ids


def _resolver(ids: dict[str, int]) -> ReferenceResolver:
    return lambda uow, reference: ids[REFS[reference]] if reference in REFS else None


def _import(uow: AbstractUnitOfWork, ids: dict[str, int], name: str) -> list[tuple[str, LineOutcome]]:
    report = import_bank_file(uow, (FIXTURES / name).read_bytes(), name, _resolver(ids), NOW)
    return [(line.payment.acct_svcr_ref, line.outcome) for line in report.lines]


def _balances(uow: AbstractUnitOfWork, ids: dict[str, int]) -> dict[str, Decimal]:
    with uow:
        return {name: uow.ledger.balance(household_id) for name, household_id in ids.items()}


BOOKED, ALREADY, UNMATCHED = LineOutcome.BOOKED, LineOutcome.ALREADY_BOOKED, LineOutcome.UNMATCHED
FIRST_IMPORT = [
    ("ZV20261120/000001/1", BOOKED),
    ("ZV20261120/000001/2", BOOKED),
    ("ZV20261120/000001/3", UNMATCHED),
    ("ZV20261120/000002", BOOKED),
]


def _import_twice_then_the_duplicate_file(uow: AbstractUnitOfWork) -> None:
    ids = _families(uow)
    assert _import(uow, ids, "camt054_several.xml") == FIRST_IMPORT
    assert _balances(uow, ids) == {"Dupont": Decimal("50.00"), "Muster": Decimal("120.00"), "Keller": Decimal("25.50")}
    assert _import(uow, ids, "camt054_several.xml") == [(ref, ALREADY) for ref, _ in FIRST_IMPORT]
    assert _import(uow, ids, "camt054_duplicate.xml") == [
        ("ZV20261120/000001/1", ALREADY),
        ("ZV20261121/000001", BOOKED),
    ]
    assert _import(uow, ids, "camt053_details.xml") == [("STMT20261127/1", BOOKED)]
    assert _balances(uow, ids) == {"Dupont": Decimal("165.00"), "Muster": Decimal("120.00"), "Keller": Decimal("25.50")}
    with uow:
        entries = uow.ledger.entries(ids["Dupont"])
        assert [(e.kind, e.method, e.reference) for e in entries] == [
            (EntryKind.TOPUP, PaymentMethod.BANK_TRANSFER, "ZV20261120/000001/1"),
            (EntryKind.TOPUP, PaymentMethod.BANK_TRANSFER, "ZV20261121/000001"),
            (EntryKind.TOPUP, PaymentMethod.BANK_TRANSFER, "STMT20261127/1"),
        ]
        assert entries[0].source == Source("bank", message_id="ZV20261120/000001/1")
        [unmatched] = uow.money.bank_payments(BankPaymentStatus.UNMATCHED)
        assert (unmatched.acct_svcr_ref, unmatched.amount, unmatched.debtor_name) == (
            "ZV20261120/000001/3",
            Decimal("30.00"),
            "Unknown Payer",
        )
        assert unmatched.source_file == "camt054_several.xml"
        matched = uow.money.bank_payment_by_ref("ZV20261120/000001/1")
        assert matched is not None
        assert (matched.status, matched.household_id, matched.ledger_entry_id) == (
            BankPaymentStatus.MATCHED,
            ids["Dupont"],
            entries[0].id,
        )


def test_import_is_idempotent_on_the_fake() -> None:
    _import_twice_then_the_duplicate_file(FakeUnitOfWork())


def test_import_is_idempotent_on_the_database(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    _import_twice_then_the_duplicate_file(uow_factory())


def test_two_concurrent_imports_of_the_same_file_book_each_credit_once(
    uow_factory: Callable[[], AbstractUnitOfWork],
) -> None:
    ids = _families(uow_factory())
    data = (FIXTURES / "camt054_several.xml").read_bytes()
    start = threading.Barrier(2)
    outcomes: list[list[LineOutcome]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            report = import_bank_file(uow_factory(), data, "camt054_several.xml", _resolver(ids), NOW)
            outcomes.append([line.outcome for line in report.lines])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == sorted([[o for _, o in FIRST_IMPORT], [ALREADY] * 4])
    assert _balances(uow_factory(), ids) == {
        "Dupont": Decimal("50.00"),
        "Muster": Decimal("120.00"),
        "Keller": Decimal("25.50"),
    }


def test_an_unmatched_payment_is_assigned_by_staff_once(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    uow = uow_factory()
    ids = _families(uow)
    _import(uow, ids, "camt054_several.xml")
    with uow:
        [unmatched] = uow.money.bank_payments(BankPaymentStatus.UNMATCHED)
        assert unmatched.id is not None
        resolved = assign_bank_payment(uow, unmatched.id, ids["Muster"], "anna", NOW)
        uow.commit()
    assert (resolved.status, resolved.household_id, resolved.resolved_by) == (
        BankPaymentStatus.RESOLVED,
        ids["Muster"],
        "anna",
    )
    assert _balances(uow, ids)["Muster"] == Decimal("150.00")
    with uow:
        assert uow.money.bank_payments(BankPaymentStatus.UNMATCHED) == []
        with pytest.raises(MoneyError, match="already resolved"):
            assign_bank_payment(uow, unmatched.id, ids["Muster"], "anna", NOW)
        with pytest.raises(MoneyError, match="does not exist"):
            assign_bank_payment(uow, 9999, ids["Muster"], "anna", NOW)
    # Re-importing the file leaves the resolved payment alone.
    assert _import(uow, ids, "camt054_several.xml") == [(ref, ALREADY) for ref, _ in FIRST_IMPORT]
    assert _balances(uow, ids)["Muster"] == Decimal("150.00")


def _camt(*credits: tuple[str, str, str, str]) -> bytes:
    entries = "".join(
        f'<Ntry><Amt Ccy="{ccy}">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><AcctSvcrRef>{ref}</AcctSvcrRef>'
        f'<NtryDtls><TxDtls><Amt Ccy="{ccy}">{amount}</Amt><RmtInf><Strd><CdtrRefInf><Ref>{reference}</Ref>'
        "</CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>"
        for ref, amount, ccy, reference in credits
    )
    return (
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>'
        f"<GrpHdr><MsgId>T</MsgId></GrpHdr><Ntfctn>{entries}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    ).encode()


def test_the_canteen_resolver_reads_the_statements_references() -> None:
    billing = Billing("Cantine", "Rue 1", "1", "1000", "Lausanne", "CH", "CH4431999123000889012", "")
    canteen = replace(montval(), billing=billing)
    canteens = {"montval": canteen}
    uow = FakeUnitOfWork()
    with uow:
        household = uow.households.add(dupont())
        other = uow.households.add(replace(dupont("elsewhere"), name="Other"))
        uow.commit()
    assert household.id is not None
    assert other.id is not None
    data = _camt(
        ("A1", "20.00", "CHF", qr_reference(canteen, household.id)),
        ("A2", "10.00", "CHF", creditor_reference(canteen, household.id)),
        ("A3", "10.00", "EUR", qr_reference(canteen, household.id)),
        ("A4", "10.00", "CHF", qr_reference(canteen, other.id)),  # a household of another canteen
        ("A5", "10.00", "CHF", qr_reference(canteen, 4242)),  # nobody
        ("A6", "10.00", "CHF", "NOT A REFERENCE"),
    )
    report = import_bank_file(uow, data, "mixed.xml", canteen_resolver(canteens), NOW, canteens=canteens)
    assert [(line.outcome, line.household_id) for line in report.lines] == [
        (BOOKED, household.id),
        (BOOKED, household.id),
        (UNMATCHED, None),
        (UNMATCHED, None),
        (UNMATCHED, None),
        (UNMATCHED, None),
    ]
    assert report.lines[2].note == "currency EUR, not CHF"
    assert report.lines[4].note.startswith("no household has reference")
    assert (report.count(BOOKED), report.count(UNMATCHED)) == (2, 4)
    with uow:
        assert uow.ledger.balance(household.id) == Decimal("30.00")
        notices = uow.outbox.claim_due(NOW, 10)
    assert [(n.channel, n.recipient) for n in notices] == [("email", "claire@example.ch")] * 2
    assert "Votre versement de 20,00 CHF est arrivé" in notices[0].text
    assert "Nouveau solde : 30,00 CHF" in notices[1].text


def test_a_credit_booked_by_hand_before_the_file_is_not_booked_again() -> None:
    uow = FakeUnitOfWork()
    with uow:
        household = uow.households.add(replace(dupont(), guardians=[]))
        assert household.id is not None
        from core.money_services import book_top_up

        book_top_up(uow, household.id, Decimal("20"), PaymentMethod.BANK_TRANSFER, NOW, Source("cli"), "A1")
        assert (
            book_top_up(uow, household.id, Decimal("20"), PaymentMethod.BANK_TRANSFER, NOW, Source("cli"), "A1") is None
        )
        uow.commit()
    report = import_bank_file(uow, _camt(("A1", "20.00", "CHF", "R")), "f.xml", lambda u, r: household.id, NOW)
    assert report.lines[0].outcome is BOOKED
    with uow:
        assert uow.ledger.balance(household.id) == Decimal("20.00")
        payment = uow.money.bank_payment_by_ref("A1")
        assert payment is not None
        assert payment.ledger_entry_id is not None


def test_a_bad_file_stores_nothing() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(CamtError, match=r"garbled\.xml: not readable XML"):
        import_bank_file(uow, b"<Document><unclosed>", "garbled.xml", lambda u, r: None, NOW)
    assert uow.commits == 0


def test_a_household_that_does_not_exist_cannot_be_topped_up() -> None:
    from core.money_services import book_top_up

    uow = FakeUnitOfWork()
    with uow, pytest.raises(MoneyError, match="household 77 does not exist"):
        book_top_up(uow, 77, Decimal("1"), PaymentMethod.CASH, NOW, Source("cli"))
