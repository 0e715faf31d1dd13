"""pain.001.001.09 export: the Swiss credit-transfer document's shape, sums and refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]  # defusedxml ships no type hints

from statements.pain001 import NAMESPACE, Debtor, PainError, Transfer, build_pain001

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DEBTOR = Debtor("Cantine scolaire de Moudon", "CH93 0076 2011 6238 5295 7")
Q = f"{{{NAMESPACE}}}"


def _transfers() -> list[Transfer]:
    return [
        Transfer(
            "REFUND-1", "Famille Dupont", "CH56 0483 5012 3456 7800 9", Decimal("42.50"), "Remboursement cantine 1"
        ),
        Transfer("REFUND-2", "Familie Müller — Zürich", "DE89370400440532013000", Decimal("10.00"), "Rückzahlung 2"),
    ]


def _q(path: str) -> str:
    return "/".join(Q + part for part in path.split("/"))


def test_document_shape_and_control_sums() -> None:
    root = fromstring(build_pain001(DEBTOR, _transfers(), "CANTINE-R-1", NOW, date(2026, 11, 23)))
    assert root.tag == Q + "Document"
    header = root.find(_q("CstmrCdtTrfInitn/GrpHdr"))
    assert header is not None
    assert [header.findtext(_q(p)) for p in ("MsgId", "NbOfTxs", "CtrlSum", "InitgPty/Nm")] == [
        "CANTINE-R-1",
        "2",
        "52.50",
        "Cantine scolaire de Moudon",
    ]
    info = root.find(_q("CstmrCdtTrfInitn/PmtInf"))
    assert info is not None
    assert info.findtext(_q("PmtMtd")) == "TRF"
    assert info.findtext(_q("ReqdExctnDt/Dt")) == "2026-11-23"
    assert info.findtext(_q("DbtrAcct/Id/IBAN")) == "CH9300762011623852957"
    assert info.findtext(_q("DbtrAgt/FinInstnId/ClrSysMmbId/MmbId")) == "00762"
    txs = info.findall(_q("CdtTrfTxInf"))
    assert [t.findtext(_q("PmtId/EndToEndId")) for t in txs] == ["REFUND-1", "REFUND-2"]
    amounts = [t.find(_q("Amt/InstdAmt")) for t in txs]
    assert [(a.text, a.get("Ccy")) for a in amounts if a is not None] == [("42.50", "CHF"), ("10.00", "CHF")]
    assert [t.findtext(_q("CdtrAcct/Id/IBAN")) for t in txs] == ["CH5604835012345678009", "DE89370400440532013000"]
    # Characters outside the SPS set (the em dash) are replaced; umlauts are kept.
    assert [t.findtext(_q("Cdtr/Nm")) for t in txs] == ["Famille Dupont", "Familie Müller . Zürich"]


def test_a_bic_is_used_when_given() -> None:
    debtor = Debtor("Cantine", "CH9300762011623852957", bic="ubswchzh80a")
    root = fromstring(build_pain001(debtor, _transfers()[:1], "M", NOW, date(2026, 11, 23)))
    assert root.findtext(_q("CstmrCdtTrfInitn/PmtInf/DbtrAgt/FinInstnId/BICFI")) == "UBSWCHZH80A"


@pytest.mark.parametrize(
    ("debtor", "transfers", "message"),
    [
        (DEBTOR, [], "no transfers"),
        (Debtor("", "CH9300762011623852957"), _transfers(), "debtor account"),
        (Debtor("X", "CH00"), _transfers(), "debtor account"),
        (DEBTOR, [Transfer("R", "A", "CH4431999123000889012", Decimal(1), "x")], "refused \\(qr_iban\\)"),
        (DEBTOR, [Transfer("R", "A", "CH9300762011623852957", Decimal("0"), "x")], "not a positive amount"),
        (DEBTOR, [Transfer("R", "A", "CH9300762011623852957", Decimal("1.005"), "x")], "not a positive amount"),
        (DEBTOR, [_transfers()[0], _transfers()[0]], "used twice"),
    ],
)
def test_unusable_transfers_are_refused(debtor: Debtor, transfers: list[Transfer], message: str) -> None:
    with pytest.raises(PainError, match=message):
        build_pain001(debtor, transfers, "M", NOW, date(2026, 11, 23))
