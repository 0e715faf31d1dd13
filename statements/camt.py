"""ISO 20022 camt.054 / camt.053 bank files read safely (defusedxml) into the credit payments they report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]  # defusedxml ships no type hints
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]  # defusedxml ships no type hints

# The camt versions Swiss banks deliver (Swiss Payment Standards 2019 and 2022), by their namespace.
NAMESPACES: dict[str, str] = {
    "urn:iso:std:iso:20022:tech:xsd:camt.054.001.04": "camt.054",
    "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08": "camt.054",
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.04": "camt.053",
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08": "camt.053",
}
# The message element and the report element inside it, per kind.
_CONTAINERS = {"camt.054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"), "camt.053": ("BkToCstmrStmt", "Stmt")}


class CamtError(ValueError):
    """A file that is not a readable camt.053/054 message (the text names the file and the element)."""


@dataclass(frozen=True)
class Payment:
    """One credit the bank booked: its own reference, the amount, and the payer's reference and name."""

    acct_svcr_ref: str  # the bank's unique reference of this credit: never booked twice
    amount: Decimal
    currency: str
    booked_on: date | None
    reference: str | None  # the creditor reference as written: QR reference (27 digits) or RF… (SCOR)
    reference_type: str | None  # "QRR", "SCOR" or None
    debtor_name: str
    message: str  # unstructured remittance text, if any


@dataclass(frozen=True)
class CamtFile:
    """What a bank file holds: its kind, message id and the credits found (debits and reversals skipped)."""

    kind: str  # "camt.054" or "camt.053"
    message_id: str
    payments: tuple[Payment, ...]
    skipped: tuple[str, ...]  # why entries were left out (debit, not booked, reversal)


def parse_camt(data: bytes, name: str = "<bank file>") -> CamtFile:
    """The credits of a camt.054 or camt.053 file; CamtError with `name` and the element on anything else."""
    try:
        root: Element = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as error:
        raise CamtError(f"{name}: not readable XML ({error})") from None
    namespace, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    kind = NAMESPACES.get(namespace)
    if local != "Document" or kind is None:
        known = ", ".join(sorted(n.rsplit(":", 1)[1] for n in NAMESPACES))
        raise CamtError(f"{name}: <{local}> in namespace {namespace or '(none)'!r} is not a camt message ({known})")
    reader = _Reader(namespace, name)
    message_name, report_name = _CONTAINERS[kind]
    message = reader.child(root, message_name, "Document")
    message_id = reader.text(message, "GrpHdr/MsgId", message_name)
    payments: list[Payment] = []
    skipped: list[str] = []
    for report in reader.children(message, report_name):
        for entry in reader.children(report, "Ntry"):
            reader.entry(entry, payments, skipped)
    return CamtFile(kind, message_id, tuple(payments), tuple(skipped))


class _Reader:
    """Namespace-aware element lookups that fail with the file and element named."""

    def __init__(self, namespace: str, name: str) -> None:
        self.ns = namespace
        self.name = name

    def _path(self, path: str) -> str:
        return "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))

    def find(self, element: Element, path: str) -> Element | None:
        return element.find(self._path(path))

    def children(self, element: Element, tag: str) -> list[Element]:
        return element.findall(self._path(tag))

    def child(self, element: Element, path: str, where: str) -> Element:
        found = self.find(element, path)
        if found is None:
            raise CamtError(f"{self.name}: <{where}> has no <{path}>")
        return found

    def text(self, element: Element, path: str, where: str) -> str:
        value = (self.child(element, path, where).text or "").strip()
        if not value:
            raise CamtError(f"{self.name}: <{where}/{path}> is empty")
        return value

    def optional(self, element: Element, path: str) -> str | None:
        found = self.find(element, path)
        value = (found.text or "").strip() if found is not None else ""
        return value or None

    def amount(self, element: Element, path: str, where: str) -> tuple[Decimal, str]:
        node = self.child(element, path, where)
        currency = (node.get("Ccy") or "").strip()
        try:
            value = Decimal((node.text or "").strip())
        except InvalidOperation:
            raise CamtError(f"{self.name}: <{where}/{path}> is not an amount: {node.text!r}") from None
        if not currency or not value.is_finite() or value <= 0:
            raise CamtError(f"{self.name}: <{where}/{path}> needs a positive amount and a currency (Ccy)")
        return value, currency

    def entry(self, entry: Element, payments: list[Payment], skipped: list[str]) -> None:
        """Append the credits of one <Ntry> (one per transaction detail) or say why it is skipped."""
        entry_ref = self.optional(entry, "AcctSvcrRef") or self.optional(entry, "NtryRef")
        label = entry_ref or "(no AcctSvcrRef)"
        status = self.optional(entry, "Sts/Cd") or self.optional(entry, "Sts")
        if self.optional(entry, "CdtDbtInd") != "CRDT":
            skipped.append(f"{label}: a debit")
            return
        if status not in (None, "BOOK"):
            skipped.append(f"{label}: status {status}, not booked")
            return
        if self.optional(entry, "RvslInd") == "true":
            skipped.append(f"{label}: a reversal")
            return
        booked = self.optional(entry, "BookgDt/Dt") or self.optional(entry, "BookgDt/DtTm")
        booked_on = _date(booked[:10], self.name) if booked else None
        entry_amount = self.amount(entry, "Amt", "Ntry")
        details = [tx for batch in self.children(entry, "NtryDtls") for tx in self.children(batch, "TxDtls")]
        if not details:
            if entry_ref is None:
                raise CamtError(f"{self.name}: <Ntry> has no <AcctSvcrRef>")
            payments.append(self._payment(None, entry_ref, entry_amount, booked_on))
            return
        for index, tx in enumerate(details, start=1):
            if self.optional(tx, "CdtDbtInd") == "DBIT":
                skipped.append(f"{label}#{index}: a debit")
                continue
            ref = self.optional(tx, "Refs/AcctSvcrRef") or (
                entry_ref if len(details) == 1 else f"{entry_ref}#{index}" if entry_ref else None
            )
            if ref is None:
                raise CamtError(f"{self.name}: <TxDtls> {index} of an entry has no <Refs/AcctSvcrRef>")
            amount_path = next((p for p in ("Amt", "AmtDtls/TxAmt/Amt") if self.find(tx, p) is not None), None)
            if amount_path is None and len(details) > 1:
                raise CamtError(f"{self.name}: <TxDtls> {ref} has no <Amt> in a batch entry")
            amount = self.amount(tx, amount_path, "TxDtls") if amount_path else entry_amount
            payments.append(self._payment(tx, ref, amount, booked_on))

    def _payment(self, tx: Element | None, ref: str, amount: tuple[Decimal, str], booked_on: date | None) -> Payment:
        reference = reference_type = None
        debtor = message = ""
        if tx is not None:
            creditor_ref = self.find(tx, "RmtInf/Strd/CdtrRefInf")
            if creditor_ref is not None:
                written = self.optional(creditor_ref, "Ref")
                reference = "".join(written.split()).upper() if written else None
                reference_type = self.optional(creditor_ref, "Tp/CdOrPrtry/Prtry") or self.optional(
                    creditor_ref, "Tp/CdOrPrtry/Cd"
                )
            debtor = (
                self.optional(tx, "RltdPties/Dbtr/Pty/Nm")  # camt .08
                or self.optional(tx, "RltdPties/Dbtr/Nm")  # camt .04
                or ""
            )
            message = " ".join(node.text.strip() for node in self.children(tx, "RmtInf/Ustrd") if node.text)
        return Payment(ref, amount[0], amount[1], booked_on, reference, reference_type, debtor, message)


def _date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CamtError(f"{name}: <BookgDt> is not a date: {text!r}") from None
