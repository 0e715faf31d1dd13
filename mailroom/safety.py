"""Signals from the headers: mail never to answer (auto-replies, bounces, lists, our own) and authenticity.

Authenticity, kept simple on purpose:
- the `Authentication-Results` header (RFC 8601) written by the receiving MTA is read — only the topmost
  one whose authserv-id is `trusted_authserv_id` when that setting is given (set it in production: a
  sender can write any header it likes), else the topmost one;
- AUTH_FAILED when nothing passed (no dkim/spf/dmarc=pass) and DKIM or SPF explicitly failed
  (fail, softfail, permerror); under authentication="require" also when there is no such header, or
  when it shows no pass at all;
- ENVELOPE_MISMATCH when the envelope sender (SMTP MAIL FROM, else Return-Path) has a domain unrelated
  to the From domain (neither equal nor a subdomain of the other), unless DKIM passed for the From
  domain or DMARC passed. Whether the From is a guardian's is the routing chain's business: unknown
  senders are routed before authenticity is weighed;
- authentication="off" raises neither signal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import Message

from core.messages import Signal
from mailroom.parse import address_domain, first_address, header, header_all

BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})
ROBOT_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster"})
FAILED = frozenset({"fail", "softfail", "permerror", "hardfail"})
_RESULT = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=\s*([A-Za-z0-9_-]+)(.*)$", re.DOTALL)
_PROPERTY = re.compile(r"([A-Za-z0-9_-]+)\.([A-Za-z0-9_.-]+)\s*=\s*(\"[^\"]*\"|[^\s;]+)")


@dataclass(frozen=True)
class SafetyPolicy:
    """What the checks need to know: our own addresses and the authentication setting."""

    own_addresses: frozenset[str] = frozenset()
    authentication: str = "check"  # off, check or require
    trusted_authserv_id: str = ""


@dataclass(frozen=True)
class MethodResult:
    """One `method=result` of an Authentication-Results header, with its properties (header.d, smtp.mailfrom…)."""

    method: str
    result: str
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AuthResults:
    """One Authentication-Results header: who wrote it and what it found."""

    authserv_id: str
    results: tuple[MethodResult, ...]

    def of(self, method: str) -> list[MethodResult]:
        return [r for r in self.results if r.method == method]

    def passed(self, method: str) -> bool:
        return any(r.result == "pass" for r in self.of(method))

    def failed(self, method: str) -> bool:
        return any(r.result in FAILED for r in self.of(method))

    def summary(self) -> str:
        shown = [f"{r.method}={r.result}" for r in self.results if r.method in {"dkim", "spf", "dmarc"}]
        return " ".join(shown) or "no dkim/spf/dmarc result"


def _strip_comments(value: str) -> str:
    """The header without (comments), nested ones included; quoted strings kept."""
    out: list[str] = []
    depth = 0
    quoted = False
    for char in value:
        if char == '"' and depth == 0:
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
            continue
        elif not quoted and char == ")" and depth:
            depth -= 1
            continue
        if depth == 0:
            out.append(char)
    return "".join(out)


def parse_authentication_results(value: str) -> AuthResults | None:
    """An Authentication-Results header value (RFC 8601); None when it has no authserv-id."""
    pieces = _strip_comments(value).split(";")
    head = pieces[0].split()
    if not head:
        return None
    results: list[MethodResult] = []
    for piece in pieces[1:]:
        match = _RESULT.match(piece)
        if match is None:
            continue
        properties = {f"{p.lower()}.{n.lower()}": v.strip('"') for p, n, v in _PROPERTY.findall(match.group(3))}
        results.append(MethodResult(match.group(1).lower(), match.group(2).lower(), properties))
    return AuthResults(head[0].lower(), tuple(results))


def trusted_results(message: Message, trusted_authserv_id: str) -> AuthResults | None:
    """The topmost Authentication-Results from the trusted server (any server when none is configured)."""
    for value in header_all(message, "Authentication-Results"):
        parsed = parse_authentication_results(value)
        if parsed is None:
            continue
        if not trusted_authserv_id or parsed.authserv_id == trusted_authserv_id.lower():
            return parsed
    return None


def related(domain: str, other: str) -> bool:
    """Same domain, or one a subdomain of the other."""
    return bool(domain and other) and (domain == other or domain.endswith("." + other) or other.endswith("." + domain))


def _dkim_passed_for(results: AuthResults, domain: str) -> bool:
    for result in results.of("dkim"):
        signer = result.properties.get("header.d") or address_domain(result.properties.get("header.i", ""))
        if result.result == "pass" and related(domain, signer.lower()):
            return True
    return False


class _Findings:
    def __init__(self) -> None:
        self.notes: dict[str, str] = {}

    def add(self, signal: Signal, note: str) -> None:
        self.notes.setdefault(signal.value, note)


def _auto_signals(message: Message, found: _Findings) -> None:
    auto = header(message, "Auto-Submitted")
    if auto is not None and auto.split(";")[0].strip().lower() not in {"no", ""}:
        found.add(Signal.AUTO_SUBMITTED, f"Auto-Submitted: {auto}")
    suppress = header(message, "X-Auto-Response-Suppress")
    if suppress is not None and suppress.strip().lower() not in {"", "none"}:
        found.add(Signal.AUTO_SUBMITTED, f"X-Auto-Response-Suppress: {suppress}")
    for name in ("X-Autoreply", "X-Autorespond"):
        if header(message, name) is not None:
            found.add(Signal.AUTO_SUBMITTED, f"{name} header")
    precedence = (header(message, "Precedence") or "").strip().lower()
    if precedence in BULK_PRECEDENCE:
        found.add(Signal.BULK, f"Precedence: {precedence}")
    elif precedence == "auto_reply":
        found.add(Signal.AUTO_SUBMITTED, "Precedence: auto_reply")
    lists = sorted({key for key in message if key.lower().startswith("list-")})
    if lists:
        found.add(Signal.MAILING_LIST, f"mailing-list header {lists[0]}")


def _bounce_signals(message: Message, sender: str | None, envelope: str | None, found: _Findings) -> None:
    try:
        content_type = message.get_content_type()
    except Exception:
        content_type = ""
    if content_type in {"multipart/report", "message/delivery-status"}:
        found.add(Signal.BOUNCE, f"{content_type} (delivery or read report)")
    if envelope == "":
        found.add(Signal.BOUNCE, "empty envelope sender (<>)")
    for address, where in ((envelope, "envelope sender"), (sender, "From")):
        if address and address.split("@", 1)[0].lower() in ROBOT_LOCAL_PARTS:
            found.add(Signal.BOUNCE, f"{where} {address}")


def envelope_sender_of(message: Message, envelope_sender: str | None) -> str | None:
    """The envelope sender: MAIL FROM when known, else the Return-Path header; '' for the null sender <>."""
    if envelope_sender is not None:
        return first_address(envelope_sender) or ""
    return_path = header(message, "Return-Path")
    if return_path is None:
        return None
    return first_address(return_path) or ""


def _auth_signals(message: Message, sender: str | None, envelope: str | None, policy: SafetyPolicy,
                  found: _Findings) -> None:  # fmt: skip
    if policy.authentication == "off":
        return
    results = trusted_results(message, policy.trusted_authserv_id)
    from_domain = address_domain(sender)
    if results is None:
        if policy.authentication == "require":
            found.add(Signal.AUTH_FAILED, "no authentication results")
    else:
        nothing_passed = not any(results.passed(m) for m in ("dkim", "spf", "dmarc"))
        if nothing_passed and (results.failed("dkim") or results.failed("spf")):
            found.add(Signal.AUTH_FAILED, f"DKIM and SPF failed ({results.summary()})")
        elif nothing_passed and policy.authentication == "require":
            found.add(Signal.AUTH_FAILED, f"not authenticated ({results.summary()})")
    envelope_domain = address_domain(envelope)
    if not (from_domain and envelope_domain) or related(from_domain, envelope_domain):
        return
    if results is not None and (_dkim_passed_for(results, from_domain) or results.passed("dmarc")):
        return
    found.add(Signal.ENVELOPE_MISMATCH, f"From domain {from_domain}, envelope sender {envelope} (not authenticated)")


def assess(
    message: Message, *, sender: str | None, envelope_sender: str | None, policy: SafetyPolicy
) -> tuple[frozenset[str], dict[str, str]]:
    """The signals a message carries and why; `sender` is its From address, `envelope_sender` MAIL FROM if known."""
    found = _Findings()
    envelope = envelope_sender_of(message, envelope_sender)
    _auto_signals(message, found)
    _bounce_signals(message, sender, envelope, found)
    own = {address.lower() for address in policy.own_addresses}
    for address, where in ((sender, "From"), (envelope, "envelope sender")):
        if address and address in own:
            found.add(Signal.OWN_ADDRESS, f"{where} is our own address {address}")
    _auth_signals(message, sender, envelope, policy, found)
    return frozenset(found.notes), dict(found.notes)


def own_addresses(emails: Iterable[str]) -> frozenset[str]:
    """Canteen addresses, lower-cased, empty ones left out."""
    return frozenset(e.strip().lower() for e in emails if e.strip())
