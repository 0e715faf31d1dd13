"""Raw email bytes to an InboundMessage: pure, never raises; what cannot be read is noted for staff."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses

from core.messages import Channel, InboundMessage, Signal
from mailroom.html_text import html_to_text

MALFORMED = Signal.MALFORMED  # the message could only be read in part; a person should look at it
TEXT_LIMIT = 50_000  # characters of body text handed to the understanding layer; the rest stays in raw
ID_LIMIT = 900  # the inbox column holds 998 characters
ADDRESS_LIMIT = 320
GENERATED_ID_DOMAIN = "cantine.invalid"
_MSGID = re.compile(r"<([^<>\s]+)>")
_BARE_ID = re.compile(r"[^<>\s@]+@[^<>\s@]+")
_ADDRESS = re.compile(r"[^\s<>\"',;:()\[\]]+@[^\s<>\"',;:()\[\]]+")
# Lone surrogates (undecodable bytes) and NUL cannot be stored in PostgreSQL text columns.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_FALLBACK_CHARSETS = ("utf-8", "windows-1252")


def load(raw: bytes) -> EmailMessage:
    """The message object (modern policy); the parser records defects instead of raising."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def clean(text: str, limit: int | None = None) -> str:
    """Text safe for every database: no NUL, no lone surrogates, at most `limit` characters."""
    text = _UNSTORABLE.sub("\ufffd", text)
    return text[:limit] if limit is not None else text


def header(message: Message, name: str) -> str | None:
    """A header's decoded value (first occurrence), the raw value if decoding fails, None when absent."""
    try:
        value = message.get(name)
    except Exception:  # a header the modern parser cannot model: fall back to the undecoded text
        value = next((v for k, v in message.raw_items() if k.lower() == name.lower()), None)
    if value is None:
        return None
    try:
        text = str(value)
    except Exception:
        return None
    return clean(" ".join(text.split()))


def header_all(message: Message, name: str) -> list[str]:
    """Every occurrence of a header, decoded where possible."""
    values: list[str] = []
    for key, value in message.raw_items():
        if key.lower() != name.lower():
            continue
        try:
            text = str(message.policy.header_fetch_parse(key, value))
        except Exception:
            text = str(value)
        values.append(clean(" ".join(text.split())))
    return values


def first_address(value: str | None) -> str | None:
    """The first email address in an address header, lower-cased; None when there is none."""
    if not value:
        return None
    try:
        for _name, address in getaddresses([value]):
            if _ADDRESS.fullmatch(address.strip()):
                return clean(address.strip().lower(), ADDRESS_LIMIT)
    except Exception:  # getaddresses rarely raises; the regex below still finds an address
        pass
    found = _ADDRESS.search(value)
    return clean(found.group(0).strip(".").lower(), ADDRESS_LIMIT) if found else None


def addresses(message: Message, name: str) -> list[str]:
    """Every address of the header(s) named, lower-cased."""
    found: list[str] = []
    for value in header_all(message, name):
        try:
            pairs = getaddresses([value])
        except Exception:
            pairs = [("", m.group(0)) for m in _ADDRESS.finditer(value)]
        found.extend(a.strip().lower() for _n, a in pairs if "@" in a)
    return found


def message_ids(value: str | None) -> list[str]:
    """The <ids> of a Message-ID, In-Reply-To or References header, in order (bare ids get brackets)."""
    if not value:
        return []
    ids = [f"<{match}>" for match in _MSGID.findall(value)]
    if not ids:
        ids = [f"<{match}>" for match in _BARE_ID.findall(value)]
    return [clean(i) for i in ids if len(i) <= ID_LIMIT]


def stable_id(raw: bytes) -> str:
    """A Message-ID for mail that has none: a hash of the message without its trace headers.

    Trace headers (Received, Return-Path, Delivered-To…) differ between deliveries of the same mail;
    everything else (the sender's headers and the body) is the same, so a redelivery hashes the same.
    """
    head, separator, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
    kept: list[bytes] = []
    skipping = False
    for line in head.splitlines():
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line.strip())
            continue
        name = line.split(b":", 1)[0].strip().lower()
        skipping = name in _TRACE_HEADERS or name.startswith((b"x-", b"arc-"))
        if not skipping:
            kept.append(line.strip())
    digest = hashlib.sha256(b"\n".join(kept) + separator + body.replace(b"\r\n", b"\n")).hexdigest()
    return f"<{digest[:40]}@{GENERATED_ID_DOMAIN}>"


_TRACE_HEADERS = frozenset(
    {b"received", b"return-path", b"delivered-to", b"authentication-results", b"received-spf", b"dkim-signature"}
)


def _decode(payload: bytes, charset: str | None) -> tuple[str, str | None]:
    """Bytes as text in the declared charset, else UTF-8, else Windows-1252; a note when it had to guess."""
    if charset:
        try:
            return payload.decode(charset), None
        except (LookupError, UnicodeDecodeError, ValueError):
            pass
    for fallback in _FALLBACK_CHARSETS:
        try:
            text = payload.decode(fallback)
        except UnicodeDecodeError:
            continue
        note = None if charset is None or fallback == charset else f"charset {charset!r} unusable, read as {fallback}"
        return text, note
    return payload.decode("utf-8", errors="replace"), f"charset {charset!r} unusable, undecodable bytes replaced"


def part_text(part: Message) -> tuple[str, str | None]:
    """The decoded text of one leaf part (transfer encoding and charset undone), with a note on trouble."""
    try:
        payload = part.get_payload(decode=True)
    except Exception as error:
        return "", f"body not decodable ({type(error).__name__})"
    if payload is None:
        raw_payload = part.get_payload()
        return (raw_payload if isinstance(raw_payload, str) else ""), None
    if not isinstance(payload, bytes):
        return "", None
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return _decode(payload, charset)


def _is_attachment(part: Message) -> bool:
    try:
        return part.get_content_disposition() == "attachment"
    except Exception:
        return False


def _is_text(part: Message, subtype: str) -> bool:
    try:
        return part.get_content_type() == f"text/{subtype}" and not _is_attachment(part)
    except Exception:
        return False


def _first_leaf(part: Message, subtype: str) -> Message | None:
    """The first inline text/<subtype> leaf under a part, attached messages excluded."""
    if not part.is_multipart():
        return part if _is_text(part, subtype) else None
    if part.get_content_type() == "message/rfc822":
        return None
    payload = part.get_payload()
    for child in payload if isinstance(payload, list) else []:
        if isinstance(child, Message) and (found := _first_leaf(child, subtype)) is not None:
            return found
    return None


def _plain_parts(part: Message) -> list[Message]:
    """Every inline text/plain part in reading order; of alternatives, the plain one only."""
    if not part.is_multipart():
        return [part] if _is_text(part, "plain") else []
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        return []
    if content_type == "multipart/alternative":
        leaf = _first_leaf(part, "plain")
        return [leaf] if leaf is not None else []
    payload = part.get_payload()
    return [p for child in (payload if isinstance(payload, list) else []) if isinstance(child, Message)
            for p in _plain_parts(child)]  # fmt: skip


def unflow(text: str, delsp: bool) -> str:
    """format=flowed (RFC 3676): lines ending in a space continue on the next line of the same quote depth."""
    out: list[str] = []
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        content = content[1:] if content.startswith(" ") else content  # space-stuffing
        previous = out[-1] if out else None
        if previous is not None and previous.endswith(" ") and previous != "-- " and _depth(previous) == depth:
            out[-1] = (previous[:-1] if delsp else previous) + content
        else:
            out.append(">" * depth + (" " if depth else "") + content)
    return "\n".join(out)


def _depth(line: str) -> int:
    return len(line) - len(line.lstrip(">"))


def _flowed_text(part: Message, text: str) -> str:
    try:
        if str(part.get_param("format", "")).lower() != "flowed":
            return text
        return unflow(text, str(part.get_param("delsp", "")).lower() == "yes")
    except Exception:
        return text


def body_text(message: Message) -> tuple[str, list[str]]:
    """The parent's text: inline text/plain parts preferred, else the first HTML part as text; notes on trouble."""
    notes: list[str] = []
    texts: list[str] = []
    plains = _plain_parts(message)
    for part in plains:
        decoded, note = part_text(part)
        if note:
            notes.append(note)
        texts.append(_flowed_text(part, decoded.replace("\r\n", "\n").replace("\r", "\n")))
    text = "\n".join(t.rstrip("\n") for t in texts if t.strip())
    html = _first_leaf(message, "html")
    if not text.strip() and html is not None:
        markup, note = part_text(html)
        if note:
            notes.append(note)
        text = html_to_text(markup)
    if not plains and html is None:
        notes.append("no text part")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > TEXT_LIMIT:
        notes.append(f"text cut at {TEXT_LIMIT} characters (full message kept)")
    return clean(text, TEXT_LIMIT), notes


def _defect_notes(message: Message) -> list[str]:
    """Structural defects that make the reading doubtful (missing boundaries, truncated parts)."""
    serious = ("StartBoundaryNotFound", "CloseBoundaryNotFound", "MissingHeaderBodySeparator", "NoBoundaryInMultipart",
               "MultipartInvariantViolation", "InvalidBase64")  # fmt: skip
    found: set[str] = set()
    try:
        for part in message.walk():
            for defect in part.defects:
                name = type(defect).__name__
                if name.startswith(serious):
                    found.add(name)
    except Exception as error:
        found.add(type(error).__name__)
    return [f"structure: {name}" for name in sorted(found)]


def parse_email(
    raw: bytes,
    received_at: datetime,
    *,
    recipient: str | None = None,
    envelope_sender: str | None = None,
    message: EmailMessage | None = None,
) -> InboundMessage:
    """Read a message; never raises. Trouble is recorded as the MALFORMED signal with a note for staff.

    The sender is the From address (lower-cased), else the envelope sender; the external id is the
    Message-ID, else a stable hash of the message; thread ids are In-Reply-To then References.
    """
    notes: list[str] = []
    try:
        message = message if message is not None else load(raw)
    except Exception as error:  # the stdlib parser is lenient; this is a last resort
        return InboundMessage(
            channel=Channel.EMAIL,
            external_id=stable_id(raw),
            sender=first_address(envelope_sender) or "",
            text="",
            received_at=received_at,
            raw=raw,
            recipient=recipient,
            signals=frozenset({MALFORMED}),
            signal_notes={MALFORMED: f"unreadable message ({type(error).__name__})"},
        )
    sender = first_address(header(message, "From"))
    if sender is None:
        notes.append("no From address")
        sender = first_address(envelope_sender) or ""
    ids = message_ids(header(message, "Message-ID"))
    external_id = ids[0] if ids else stable_id(raw)
    thread: list[str] = []
    for name in ("References", "In-Reply-To"):  # oldest first: a reply's References are these plus this id
        for thread_id in message_ids(header(message, name)):
            if thread_id not in thread and thread_id != external_id:
                thread.append(thread_id)
    try:
        text, body_notes = body_text(message)
    except Exception as error:  # defensive: a structure the walker did not foresee
        text, body_notes = "", [f"body unreadable ({type(error).__name__})"]
    notes.extend(body_notes)
    notes.extend(_defect_notes(message))
    subject = header(message, "Subject")
    signals = frozenset({MALFORMED}) if _is_malformed(notes) else frozenset()
    return InboundMessage(
        channel=Channel.EMAIL,
        external_id=external_id,
        sender=sender,
        text=text,
        received_at=received_at,
        subject=subject,
        raw=raw,
        thread_ids=tuple(thread[-50:]),
        signals=signals,
        signal_notes={MALFORMED: "; ".join(notes)} if signals else {},
        recipient=recipient,
    )


def _is_malformed(notes: list[str]) -> bool:
    """Cut text or a charset read by a fallback is not malformed; anything else noted is."""
    return any(not (note.startswith("text cut") or note.endswith(("read as utf-8", "read as windows-1252")))
               for note in notes)  # fmt: skip


def address_domain(address: str | None) -> str:
    """The domain of an address, lower-cased ('' when there is none)."""
    if not address or "@" not in address:
        return ""
    return address.rsplit("@", 1)[1].strip().strip(">").lower()
