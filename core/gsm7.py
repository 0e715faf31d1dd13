"""SMS length arithmetic: the GSM 03.38 alphabet, and how many segments a text costs."""

from __future__ import annotations

import unicodedata

# GSM 03.38 basic character set (one septet each) and its extension table (two septets each).
BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = "^{}\\[~]|€\f"
_BASIC_SET = frozenset(BASIC)
_EXTENSION_SET = frozenset(EXTENSION)


def is_gsm7(text: str) -> bool:
    """True when every character fits the GSM-7 alphabet (basic or extension table)."""
    return all(char in _BASIC_SET or char in _EXTENSION_SET for char in text)


def septets(text: str) -> int:
    """Length in GSM-7 septets (extension characters count two)."""
    return sum(2 if char in _EXTENSION_SET else 1 for char in text)


def segments(text: str) -> int:
    """How many SMS segments the text costs: GSM-7 (160, then 153 each) or UCS-2 (70, then 67 each)."""
    if is_gsm7(text):
        length, single, multi = septets(text), 160, 153
    else:
        length = sum(2 if ord(char) > 0xFFFF else 1 for char in text)  # UTF-16 code units
        single, multi = 70, 67
    if length <= single:
        return 1
    return -(-length // multi)


_REPLACEMENTS = {
    "’": "'",
    "‘": "'",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "œ": "oe",
    "Œ": "OE",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
}


def sms_safe(text: str) -> str:
    """The text with characters outside GSM-7 replaced by their closest GSM-7 spelling (ç → c, Noël → Noel)."""
    out: list[str] = []
    for char in text:
        if char in _BASIC_SET or char in _EXTENSION_SET:
            out.append(char)
        elif char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            out.append(base if base and is_gsm7(base) else "?")
    return "".join(out)
