"""Removing what is not the sender's request from an email body: quoted replies, forwarded headers, signatures."""

from __future__ import annotations

import re

# A line after which everything is an earlier message.
_QUOTE_HEADER = re.compile(
    r"^\s*(?:"
    r"le\s.{0,120}a\s+[ée]crit\s*:?"  # Le 23 nov. 2026 à 07:40, X a écrit :
    r"|on\s.{0,160}wrote\s*:?"  # On Mon, Nov 23, 2026 at 7:41 AM X wrote:
    r"|am\s.{0,160}schrieb.{0,80}:?"  # Am 23.11.2026 um 07:41 schrieb X:
    r"|-{2,}\s*(?:original message|message d'origine|urspr[üu]ngliche nachricht|forwarded message"
    r"|message transf[ée]r[ée]|weitergeleitete nachricht)\s*-{2,}"
    r"|_{5,}"
    r")\s*$",
    re.IGNORECASE,
)
# An Outlook header block: a "From:"-like line soon followed by a "Sent:"-like line.
_FROM_LINE = re.compile(r"^\s*\*?(?:de|from|von)\s*\*?\s*:", re.IGNORECASE)
_SENT_LINE = re.compile(r"^\s*\*?(?:envoy[ée]|sent|gesendet|date|datum)\s*\*?\s*:", re.IGNORECASE)
_SIGNATURE = re.compile(
    r"^\s*(?:--\s*|envoy[ée] de mon \w+.*|sent from my \w+.*|von meinem \w+.*gesendet.*|get outlook for .*"
    r"|envoy[ée] depuis .*|sent from .* for (?:ios|android).*|gesendet von .*)$",
    re.IGNORECASE,
)
_QUOTED_LINE = re.compile(r"^\s*>")
# A closing formula on its own line: what follows (a name, a phone number) is a signature.
_CLOSING = re.compile(
    r"^\s*(?:cordialement|bien (?:à|a) (?:vous|toi)|(?:meilleures |sinc[èe]res |bonnes )?salutations(?: \w+)?"
    r"|bien cordialement|belle journ[ée]e|(?:best|kind|warm) regards|regards|best wishes|cheers|yours sincerely"
    r"|(?:liebe|freundliche|herzliche|beste|viele) gr[üu](?:ss|ß)e|mit freundlichen gr[üu](?:ss|ß)en"
    r"|lg|mfg|gru(?:ss|ß))"
    r"\s*[,.!]?\s*$",
    re.IGNORECASE,
)


# "Merci," / "Thanks," alone on a line, followed only by a name: a closing too.
_THANKS_CLOSING = re.compile(
    r"^\s*(?:merci(?: beaucoup| d'avance| et bonne journ[ée]e)?|thanks|thank you|many thanks"
    r"|danke(?: schön| schoen)?|vielen dank)\s*[,.!]?\s*$",
    re.IGNORECASE,
)
_NAME_LINE = re.compile(r"^\s*[A-ZÀ-Ý][\w'.-]*(?:[ -][A-ZÀ-Ý][\w'.-]*){0,3}\s*$")
# What a signature holds under the name: an address, a postcode and town, a phone number, an email address.
_CONTACT_LINE = re.compile(
    r"^\s*(?:.*\b(?:rue|chemin|ch\.|route|rte|avenue|av\.|place|impasse|street|road|lane|str\.|strasse|straße|weg|gasse)"
    r"\b.*|\d{4,5} [A-ZÀ-Ý][\w' -]*|(?:tel|tél|phone|mobile|natel)?\.?:?\s*\+?[\d ./()-]{8,}|\S+@\S+\.\w+)\s*$",
    re.IGNORECASE,
)


# A longer closing sentence: "…, je vous prie d'agréer mes salutations distinguées." (kept; what follows is not)
_CLOSING_SENTENCE = re.compile(
    r"(?:salutations|sentiments)(?: [\w\u00c0-\u017f]+){0,3}\s*[.!]?\s*$"
    r"|^\s*(?:mit )?freundlichen gr[üu](?:ss|ß)en\b.*$",
    re.IGNORECASE,
)


def _is_signature(line: str) -> bool:
    return bool(_SIGNATURE.match(line)) and (not line.strip().startswith("--") or line.strip() in ("--", "-- "))


def _own_end(lines: list[str]) -> int:
    """The index of the first line of quoted or forwarded text (len(lines) when none)."""
    for index, line in enumerate(lines):
        if _QUOTE_HEADER.match(line) or _is_signature(line):
            return index
        if _FROM_LINE.match(line) and any(_SENT_LINE.match(nxt) for nxt in lines[index + 1 : index + 4]):
            return index
    return len(lines)


def strip_quotes(text: str) -> tuple[str, list[str]]:
    """The sender's own words, and a note for each part removed (for the evidence)."""
    if "\n" not in text and ">" not in text and "-" not in text:
        return text.strip(), []
    lines = text.split("\n")
    kept: list[str] = []
    notes: list[str] = []
    end = _own_end(lines)
    for index, line in enumerate(lines):
        if _QUOTE_HEADER.match(line):
            notes.append(f"ignored quoted text after {line.strip()[:40]!r}")
            break
        if _FROM_LINE.match(line) and any(_SENT_LINE.match(nxt) for nxt in lines[index + 1 : index + 4]):
            notes.append("ignored a forwarded/quoted header block")
            break
        if _is_signature(line):
            notes.append(f"ignored signature from {line.strip()[:30]!r}")
            break
        after = [x for x in lines[index + 1 : end] if x.strip()]
        if (_CLOSING.match(line) and len(after) <= 4) or (
            _THANKS_CLOSING.match(line)
            and 1 <= len(after) <= 3
            and _NAME_LINE.match(after[0])
            and all(_NAME_LINE.match(x) or _CONTACT_LINE.match(x) for x in after[1:])
        ):
            notes.append(f"ignored closing and signature from {line.strip()[:30]!r}")
            break
        if _CLOSING_SENTENCE.search(line) and len(after) <= 5:
            kept.append(line)
            notes.append(f"ignored signature after {line.strip()[-30:]!r}")
            break
        if _QUOTED_LINE.match(line):
            if not notes or notes[-1] != "ignored '>' quoted lines":
                notes.append("ignored '>' quoted lines")
            continue
        kept.append(line)
    return "\n".join(kept).strip(), notes


_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|tr|fw|fwd|wg|rép|rep|antw|sv|réf)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_OWN_ECHO = re.compile(
    r"confirm|bestätig|bestatig|annulation enregistr|réservation enregistr|your booking|"
    r"votre (réservation|annulation)|ihre (buchung|abmeldung|anmeldung)",
    re.IGNORECASE,
)


def clean_subject(subject: str | None) -> tuple[str, bool, bool]:
    """The subject without reply/forward prefixes, whether it had one, and whether it echoes our own message."""
    if not subject:
        return "", False, False
    match = _REPLY_PREFIX.match(subject)
    stripped = subject[match.end() :] if match else subject
    return stripped.strip(), match is not None, bool(_OWN_ECHO.search(stripped))
