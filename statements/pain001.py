"""pain.001.001.09 credit-transfer files (Swiss Payment Standards 2022) paying approved refunds back to families."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from core.refunds import check_refund_iban

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
_SPS_TEXT = 140  # SPS: names and remittance text up to 140 characters (70 for names)
# The character set the Swiss Payment Standards allow in text (Latin, plus the common accented letters).
_ALLOWED = set(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 /-?:().,'+!\"#%&*;<=>@[]^_`{|}~"
    "äöüÄÖÜàâçéèêëîïôùûÿÀÂÇÉÈÊËÎÏÔÙÛßñÑ"
)


class PainError(ValueError):
    """A transfer that cannot go into a pain.001 file (the text says which and why)."""


@dataclass(frozen=True)
class Debtor:
    """The canteen's account the refunds are paid from."""

    name: str
    iban: str  # a regular IBAN (a QR-IBAN only receives)
    bic: str = ""  # optional: without it, the Swiss clearing member id (IID) of the IBAN is given


@dataclass(frozen=True)
class Transfer:
    """One refund to pay: to whom, where, how much, and the reference the family sees."""

    end_to_end_id: str  # unique per transfer, e.g. "REFUND-42"
    creditor_name: str
    creditor_iban: str
    amount: Decimal
    remittance: str  # e.g. "Remboursement cantine, demande 42"


def _text(value: str, limit: int) -> str:
    """`value` in the SPS character set (others replaced by '.'), trimmed to `limit` characters."""
    cleaned = "".join(ch if ch in _ALLOWED else "." for ch in " ".join(value.split()))
    return cleaned[:limit]


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def build_pain001(
    debtor: Debtor, transfers: Sequence[Transfer], message_id: str, created_at: datetime, execution_date: date
) -> bytes:
    """The pain.001.001.09 document (UTF-8 bytes) paying `transfers` in CHF from `debtor`'s account."""
    if not transfers:
        raise PainError("no transfers to export")
    debtor_check = check_refund_iban(debtor.iban)
    if debtor_check.iban is None or not debtor.name.strip():
        raise PainError(f"the debtor account {debtor.iban!r} / name {debtor.name!r} is not usable")
    seen: set[str] = set()
    for transfer in transfers:
        check = check_refund_iban(transfer.creditor_iban)
        if not check.ok:
            raise PainError(f"{transfer.end_to_end_id}: IBAN {transfer.creditor_iban} refused ({check.problem})")
        if transfer.amount <= 0 or transfer.amount != transfer.amount.quantize(Decimal("0.01")):
            raise PainError(f"{transfer.end_to_end_id}: amount {transfer.amount} is not a positive amount in cents")
        if transfer.end_to_end_id in seen:
            raise PainError(f"{transfer.end_to_end_id}: end-to-end id used twice")
        seen.add(transfer.end_to_end_id)
    total = sum((t.amount for t in transfers), Decimal("0.00"))
    count = str(len(transfers))
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}Document")
    q = f"{{{NAMESPACE}}}"
    initiation = _sub(root, q + "CstmrCdtTrfInitn")
    header = _sub(initiation, q + "GrpHdr")
    _sub(header, q + "MsgId", _text(message_id, 35))
    _sub(header, q + "CreDtTm", created_at.isoformat(timespec="seconds"))
    _sub(header, q + "NbOfTxs", count)
    _sub(header, q + "CtrlSum", f"{total:.2f}")
    _sub(_sub(header, q + "InitgPty"), q + "Nm", _text(debtor.name, 70))
    info = _sub(initiation, q + "PmtInf")
    _sub(info, q + "PmtInfId", _text(f"{message_id}-1", 35))
    _sub(info, q + "PmtMtd", "TRF")
    _sub(info, q + "BtchBookg", "true")
    _sub(info, q + "NbOfTxs", count)
    _sub(info, q + "CtrlSum", f"{total:.2f}")
    _sub(_sub(info, q + "ReqdExctnDt"), q + "Dt", execution_date.isoformat())
    _sub(_sub(info, q + "Dbtr"), q + "Nm", _text(debtor.name, 70))
    _sub(_sub(_sub(info, q + "DbtrAcct"), q + "Id"), q + "IBAN", debtor_check.iban)
    institution = _sub(_sub(info, q + "DbtrAgt"), q + "FinInstnId")
    if debtor.bic.strip():
        _sub(institution, q + "BICFI", debtor.bic.strip().upper())
    else:
        member = _sub(institution, q + "ClrSysMmbId")
        _sub(_sub(member, q + "ClrSysId"), q + "Cd", "CHBCC")
        _sub(member, q + "MmbId", debtor_check.iban[4:9])
    for transfer in transfers:
        tx = _sub(info, q + "CdtTrfTxInf")
        ids = _sub(tx, q + "PmtId")
        _sub(ids, q + "InstrId", _text(transfer.end_to_end_id, 35))
        _sub(ids, q + "EndToEndId", _text(transfer.end_to_end_id, 35))
        _sub(_sub(tx, q + "Amt"), q + "InstdAmt", f"{transfer.amount:.2f}", Ccy="CHF")
        _sub(_sub(tx, q + "Cdtr"), q + "Nm", _text(transfer.creditor_name, 70))
        creditor_iban = "".join(transfer.creditor_iban.split()).upper()
        _sub(_sub(_sub(tx, q + "CdtrAcct"), q + "Id"), q + "IBAN", creditor_iban)
        _sub(_sub(tx, q + "RmtInf"), q + "Ustrd", _text(transfer.remittance, _SPS_TEXT))
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return document
