"""camt.054 / camt.053 parsing: credits read from hand-made Swiss files, bad files refused with clear errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from statements.camt import CamtError, parse_camt

FIXTURES = Path(__file__).with_name("fixtures")


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_camt054_with_a_batch_a_scor_payment_and_a_debit() -> None:
    parsed = parse_camt(_read("camt054_several.xml"), "camt054_several.xml")
    assert parsed.kind == "camt.054"
    assert parsed.message_id == "CANTINE-054-20261120-1"
    assert [(p.acct_svcr_ref, p.amount, p.reference, p.reference_type) for p in parsed.payments] == [
        ("ZV20261120/000001/1", Decimal("50.00"), "000000000000000000000010014", "QRR"),
        ("ZV20261120/000001/2", Decimal("120.00"), "000000000000000000000010022", "QRR"),
        ("ZV20261120/000001/3", Decimal("30.00"), "210000000003139471430009017", "QRR"),
        ("ZV20261120/000002", Decimal("25.50"), "RF26H1003", "SCOR"),
    ]
    first = parsed.payments[0]
    assert (first.currency, first.booked_on, first.debtor_name) == ("CHF", date(2026, 11, 20), "Marie Dupont")
    assert parsed.payments[1].message == "Cantine Lena"
    assert parsed.skipped == ("ZV20261120/000003: a debit",)


def test_camt053_with_details_skips_debits_and_reversals() -> None:
    parsed = parse_camt(_read("camt053_details.xml"))
    assert parsed.kind == "camt.053"
    [payment] = parsed.payments
    assert (payment.acct_svcr_ref, payment.amount, payment.debtor_name) == (
        "STMT20261127/1",
        Decimal("75.00"),
        "Jean Favre",
    )
    assert parsed.skipped == ("STMT20261128/1: a debit", "STMT20261129/1: a reversal")


def test_pending_entries_are_not_booked() -> None:
    parsed = parse_camt(_read("camt054_duplicate.xml"))
    assert [p.acct_svcr_ref for p in parsed.payments] == ["ZV20261120/000001/1", "ZV20261121/000001"]
    assert parsed.skipped == ("ZV20261121/000002: status PDNG, not booked",)


NS54_04 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.04"


def _document(entries: str, namespace: str = NS54_04) -> bytes:
    return (
        f'<Document xmlns="{namespace}"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId></GrpHdr>'
        f"<Ntfctn>{entries}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    ).encode()


def test_an_entry_without_details_is_one_payment_with_the_entry_reference() -> None:
    entry = (
        '<Ntry><Amt Ccy="CHF">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        "<BookgDt><DtTm>2026-11-02T10:00:00</DtTm></BookgDt><AcctSvcrRef>R1</AcctSvcrRef></Ntry>"
    )
    [payment] = parse_camt(_document(entry)).payments
    assert (payment.acct_svcr_ref, payment.amount, payment.booked_on, payment.reference) == (
        "R1",
        Decimal("10.00"),
        date(2026, 11, 2),
        None,
    )


def test_batch_details_without_own_reference_are_numbered_after_the_entry() -> None:
    tx = '<TxDtls><Amt Ccy="CHF">{}</Amt><RltdPties><Dbtr><Nm>X</Nm></Dbtr></RltdPties></TxDtls>'
    entry = (
        '<Ntry><Amt Ccy="CHF">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><AcctSvcrRef>B</AcctSvcrRef>'
        f"<NtryDtls>{tx.format('1.00')}{tx.format('2.00')}</NtryDtls></Ntry>"
    )
    payments = parse_camt(_document(entry)).payments
    assert [(p.acct_svcr_ref, p.amount, p.debtor_name) for p in payments] == [
        ("B#1", Decimal("1.00"), "X"),
        ("B#2", Decimal("2.00"), "X"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not xml", "bad.xml: not readable XML"),
        (b"<Document><x/></Document>", "bad.xml: <Document> in namespace '(none)' is not a camt message"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>', "is not a camt message"),
        (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>', "bad.xml: not readable XML"),
        (
            _document("").replace(b"<GrpHdr><MsgId>M1</MsgId></GrpHdr>", b""),
            "bad.xml: <BkToCstmrDbtCdtNtfctn> has no <GrpHdr/MsgId>",
        ),
        (_document('<Ntry><Amt Ccy="CHF">abc</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>'), "<Ntry/Amt> is not an amount"),
        (_document("<Ntry><Amt>5</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>"), "needs a positive amount and a currency"),
        (_document('<Ntry><Amt Ccy="CHF">5</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>'), "<Ntry> has no <AcctSvcrRef>"),
        (
            _document(
                '<Ntry><Amt Ccy="CHF">5</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-13-40</Dt></BookgDt>'
                "<AcctSvcrRef>R</AcctSvcrRef></Ntry>"
            ),
            "<BookgDt> is not a date",
        ),
        (
            _document(
                '<Ntry><Amt Ccy="CHF">5</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><TxDtls/><TxDtls/></NtryDtls></Ntry>'
            ),
            "<TxDtls> 1 of an entry has no <Refs/AcctSvcrRef>",
        ),
        (
            _document(
                '<Ntry><Amt Ccy="CHF">5</Amt><CdtDbtInd>CRDT</CdtDbtInd><AcctSvcrRef>R</AcctSvcrRef>'
                "<NtryDtls><TxDtls/><TxDtls/></NtryDtls></Ntry>"
            ),
            "<TxDtls> R#1 has no <Amt> in a batch entry",
        ),
    ],
)
def test_bad_files_are_refused_naming_the_file_and_element(data: bytes, message: str) -> None:
    with pytest.raises(CamtError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_camt(data, "bad.xml")


def test_an_entity_expansion_bomb_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>'
    with pytest.raises(CamtError, match="not readable XML"):
        parse_camt(bomb, "bomb.xml")


@pytest.mark.parametrize(
    ("namespace", "message", "report", "kind"),
    [
        ("urn:iso:std:iso:20022:tech:xsd:camt.054.001.04", "BkToCstmrDbtCdtNtfctn", "Ntfctn", "camt.054"),
        ("urn:iso:std:iso:20022:tech:xsd:camt.054.001.08", "BkToCstmrDbtCdtNtfctn", "Ntfctn", "camt.054"),
        ("urn:iso:std:iso:20022:tech:xsd:camt.053.001.04", "BkToCstmrStmt", "Stmt", "camt.053"),
        ("urn:iso:std:iso:20022:tech:xsd:camt.053.001.08", "BkToCstmrStmt", "Stmt", "camt.053"),
    ],
)
def test_every_supported_version_is_read(namespace: str, message: str, report: str, kind: str) -> None:
    entry = '<Ntry><Amt Ccy="CHF">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><AcctSvcrRef>V1</AcctSvcrRef></Ntry>'
    data = (
        f'<Document xmlns="{namespace}"><{message}><GrpHdr><MsgId>M</MsgId></GrpHdr>'
        f"<{report}>{entry}</{report}></{message}></Document>"
    ).encode()
    parsed = parse_camt(data)
    assert (parsed.kind, [p.acct_svcr_ref for p in parsed.payments]) == (kind, ["V1"])
