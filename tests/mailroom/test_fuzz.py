"""10,000 mutated messages through the reader: none raises, each is usable text or flagged for staff, all storable."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.messages import Channel, InboundMessage
from core.pipeline.worker import receive
from core.unit_of_work import AbstractUnitOfWork
from mailroom.inbound import EmailReader
from mailroom.parse import ADDRESS_LIMIT, ID_LIMIT, MALFORMED
from mailroom.safety import SafetyPolicy

FIXTURES = Path(__file__).parent / "fixtures"
AT = datetime(2026, 11, 23, 6, 40, tzinfo=UTC)
READER = EmailReader(SafetyPolicy(frozenset({"cantine@montval.example"}), authentication="require"))
TOKENS = [b"\r\n", b"\n\n", b"--", b"=?utf-8?B?", b"?=", b"=\r\n", b"<", b">", b"@", b'"', b"\x00", b"\xff",
          b"Content-Type: multipart/mixed; boundary=x\n", b"charset=x-bogus", b"base64", b"=C3", b"\xc3", b"(",
          b"Message-ID: <", b"From: ", b";", b"\t", b"Authentication-Results: a; dkim=", b"List-Id: x\n"]  # fmt: skip
STORABLE_FORBIDDEN = ("\x00",)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few random edits: flipped bytes, deleted or duplicated spans, injected tokens, truncation."""
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not buffer:
            buffer.extend(rng.choice(TOKENS))
            continue
        at = rng.randrange(len(buffer))
        action = rng.randrange(5)
        if action == 0:
            buffer[at] = rng.randrange(256)
        elif action == 1:
            del buffer[at : at + rng.randint(1, 64)]
        elif action == 2:
            buffer[at:at] = rng.choice(TOKENS)
        elif action == 3:
            end = min(len(buffer), at + rng.randint(1, 200))
            buffer[at:at] = buffer[at:end]
        else:
            del buffer[at:]
    return bytes(buffer)


def check(message: InboundMessage, raw: bytes) -> None:
    """Every outcome is a message the inbox can store and staff can read."""
    assert message.channel == Channel.EMAIL
    assert message.raw == raw
    assert message.external_id.startswith("<")
    assert len(message.external_id) <= ID_LIMIT + 2
    assert len(message.sender) <= ADDRESS_LIMIT
    for text in (message.text, message.subject or "", message.sender, message.external_id, *message.thread_ids):
        assert not any(c in text for c in STORABLE_FORBIDDEN)
        text.encode("utf-8")  # no lone surrogates
    assert set(message.signal_notes) == set(message.signals)
    if MALFORMED in message.signals:
        assert message.signal_notes[MALFORMED]


@pytest.mark.slow  # about 20 s
def test_ten_thousand_mutated_fixtures_never_crash_the_reader() -> None:
    rng = random.Random(20261123)
    seeds = [path.read_bytes() for path in sorted(FIXTURES.glob("*.eml")) if path.stat().st_size < 20_000]
    started = time.monotonic()
    malformed = 0
    for _ in range(10_000):
        raw = mutate(rng.choice(seeds), rng)
        message = READER.read(raw, AT)
        check(message, raw)
        malformed += MALFORMED in message.signals
    assert time.monotonic() - started < 60
    assert 0 < malformed < 10_000  # mutations hurt some, not all


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_are_read_without_error(raw: bytes) -> None:
    check(READER.read(raw, AT), raw)


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=80),
    st.text(max_size=80),
    st.text(max_size=400),
    st.sampled_from(["utf-8", "iso-8859-1", "x-nonsense", ""]),
    st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "x-bad"]),
)
def test_arbitrary_headers_and_bodies_are_read(
    sender: str, subject: str, body: str, charset: str, encoding: str
) -> None:
    raw = (
        f"From: {sender}\nSubject: {subject}\nContent-Type: text/plain; charset={charset}\n"
        f"Content-Transfer-Encoding: {encoding}\n\n{body}"
    ).encode("utf-8", "surrogatepass")
    check(READER.read(raw, AT), raw)


def test_mutated_messages_are_stored(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    """A sample goes into the real inbox: what the reader makes, the database takes."""
    rng = random.Random(7)
    seeds = [path.read_bytes() for path in sorted(FIXTURES.glob("*.eml")) if path.stat().st_size < 20_000]
    for _ in range(100):
        raw = mutate(rng.choice(seeds), rng)
        receive(READER.read(raw, AT), uow_factory())
