"""The canteen's documents (rules, registration form, charter…): PDF files with a title per language."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.model import LANGUAGES, DomainError

PDF_MAGIC = b"%PDF-"
PDF_CONTENT_TYPE = "application/pdf"
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


class DocumentKey(StrEnum):
    """What a document is; the keys match the understanding layer's `document` field."""

    RULES = "rules"  # règlement
    REGISTRATION = "registration"  # fiche / formulaire d'inscription
    CHARTER = "charter"  # charte
    OTHER = "other"  # anything else (several may exist)


@dataclass(frozen=True)
class Document:
    """A stored document; `data` is empty in listings (loaded only when the file itself is needed)."""

    canteen_id: str
    key: DocumentKey
    titles: Mapping[str, str]
    filename: str
    uploaded_at: datetime
    uploaded_by: str
    data: bytes = b""
    size: int = 0
    content_type: str = PDF_CONTENT_TYPE
    id: int | None = None

    def title(self, language: str) -> str:
        """The title in `language`, else the first one given."""
        return self.titles.get(language) or next((t for t in self.titles.values() if t), self.filename)


def is_pdf(data: bytes) -> bool:
    """True when the bytes start like a PDF file (the magic number, possibly after a few junk bytes)."""
    return PDF_MAGIC in data[:1024]


def safe_filename(name: str, fallback: str = "document.pdf") -> str:
    """A file name safe in a header and on any disk: no path, letters, digits, dot, dash, underscore."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")
    if not cleaned:
        return fallback
    return cleaned if cleaned.lower().endswith(".pdf") else f"{cleaned}.pdf"


def new_document(
    canteen_id: str,
    key: str,
    titles: Mapping[str, str],
    filename: str,
    data: bytes,
    uploaded_at: datetime,
    uploaded_by: str,
) -> Document:
    """A document checked for upload: a known key, a PDF under the size limit, at least one title."""
    try:
        document_key = DocumentKey(key)
    except ValueError:
        raise DomainError(f"unknown document key {key!r} (one of {', '.join(k.value for k in DocumentKey)})") from None
    if not is_pdf(data):
        raise DomainError(f"{filename}: not a PDF file")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DomainError(f"{filename}: larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
    cleaned = {lang: " ".join(titles.get(lang, "").split()) for lang in LANGUAGES}
    if not any(cleaned.values()):
        raise DomainError("give the document a title in at least one language")
    return Document(
        canteen_id=canteen_id,
        key=document_key,
        titles={lang: title for lang, title in cleaned.items() if title},
        filename=safe_filename(filename),
        uploaded_at=uploaded_at,
        uploaded_by=uploaded_by,
        data=data,
        size=len(data),
    )


def find_document(documents: Sequence[Document], key: str | None) -> Document | None:
    """The latest document of `key`, or None for a vague request (no key) or a key without a document."""
    if not key:
        return None
    matching = [d for d in documents if d.key.value == key]
    return max(matching, key=lambda d: d.uploaded_at) if matching else None
