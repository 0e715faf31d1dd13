"""Authentication-Results parsing (RFC 8601) and the authenticity rules, header by header."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from core.messages import Signal
from mailroom.safety import SafetyPolicy, assess, parse_authentication_results, related

CLAIRE = "claire.dupont@example.ch"


def signals(
    headers: str, envelope: str | None = None, authentication: str = "check", trusted_authserv_id: str = ""
) -> frozenset[str]:
    message = message_from_bytes(f"{headers}From: {CLAIRE}\n\nx\n".encode(), policy=policy.default)
    rules = SafetyPolicy(authentication=authentication, trusted_authserv_id=trusted_authserv_id)
    found, _notes = assess(message, sender=CLAIRE, envelope_sender=envelope, policy=rules)
    return found


def test_results_with_comments_versions_and_quoted_properties() -> None:
    parsed = parse_authentication_results(
        'mx.google.com 1; dkim=pass (2048-bit key; secure) header.i=@example.ch header.s="s1" header.b=Ab+c; '
        "spf=softfail (google.com: domain of transitioning x@y does not designate) smtp.mailfrom=x@y; "
        "dmarc=none (p=NONE) header.from=example.ch; arc=none"
    )
    assert parsed is not None
    assert parsed.authserv_id == "mx.google.com"
    assert [(r.method, r.result) for r in parsed.results] == [
        ("dkim", "pass"), ("spf", "softfail"), ("dmarc", "none"), ("arc", "none")
    ]  # fmt: skip
    assert parsed.results[0].properties == {"header.i": "@example.ch", "header.s": "s1", "header.b": "Ab+c"}
    assert parsed.passed("dkim")
    assert parsed.failed("spf")


def test_none_and_empty_headers() -> None:
    none = parse_authentication_results("mx.example; none")
    assert none is not None
    assert none.results == ()
    assert parse_authentication_results("  ") is None


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ("dkim=fail; spf=fail", {Signal.AUTH_FAILED}),
        ("dkim=none; spf=softfail", {Signal.AUTH_FAILED}),
        ("dkim=permerror; spf=none", {Signal.AUTH_FAILED}),
        ("dkim=fail; spf=pass smtp.mailfrom=example.ch", set()),
        ("dkim=pass header.d=example.ch; spf=fail", set()),
        ("dkim=fail; spf=fail; dmarc=pass", set()),
        ("dkim=none; spf=none", set()),  # nothing known: only "require" acts on it
    ],
)
def test_auth_failed_when_nothing_passed_and_something_failed(results: str, expected: set[str]) -> None:
    assert signals(f"Authentication-Results: mx.montval.example; {results}\n") == expected


def test_require_wants_a_pass() -> None:
    header = "Authentication-Results: mx.montval.example; dkim=none; spf=none\n"
    assert signals(header, authentication="require") == {Signal.AUTH_FAILED}
    assert signals("", authentication="require") == {Signal.AUTH_FAILED}
    assert signals("Authentication-Results: mx; spf=pass\n", authentication="require") == frozenset()


def test_only_the_trusted_server_counts() -> None:
    forged_above = "Authentication-Results: mx.montval.example; dkim=fail; spf=fail\n"
    assert signals(forged_above, trusted_authserv_id="other.example", authentication="require") == {Signal.AUTH_FAILED}


def test_envelope_mismatch_unless_dkim_vouches_for_the_from_domain() -> None:
    assert signals("", envelope="x@evil.example") == {Signal.ENVELOPE_MISMATCH}
    assert signals("", envelope="bounces@mail.example.ch") == frozenset()  # a subdomain
    assert signals("", envelope=CLAIRE.upper()) == frozenset()
    vouched = "Authentication-Results: mx; dkim=pass header.i=@example.ch; spf=pass smtp.mailfrom=relay.example\n"
    assert signals(vouched, envelope="srs@relay.example") == frozenset()
    other_signer = "Authentication-Results: mx; dkim=pass header.d=relay.example\n"
    assert signals(other_signer, envelope="srs@relay.example") == {Signal.ENVELOPE_MISMATCH}
    assert signals("Return-Path: <x@evil.example>\n") == {Signal.ENVELOPE_MISMATCH}
    assert signals("", envelope="x@evil.example", authentication="off") == frozenset()


def test_auto_submitted_no_is_a_person() -> None:
    assert signals("Auto-Submitted: no\n") == frozenset()
    assert signals("Auto-Submitted: auto-generated; owner-email=x@y\n") == {Signal.AUTO_SUBMITTED}
    assert signals("X-Auto-Response-Suppress: None\n") == frozenset()
    assert signals("Precedence: junk\n") == {Signal.BULK}
    assert signals("List-Unsubscribe: <mailto:x@y>\n") == {Signal.MAILING_LIST}
    assert signals("Return-Path: <>\n") == {Signal.BOUNCE}


def test_related_domains() -> None:
    assert related("example.ch", "mail.example.ch")
    assert not related("example.ch", "badexample.ch")
    assert not related("", "example.ch")
