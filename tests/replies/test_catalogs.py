"""The FR/EN/DE catalogs: the same keys everywhere, the same placeholders, and SMS-safe characters."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from core import i18n

# Characters that force an SMS into UCS-2 (70 characters a segment instead of 160).
NOT_GSM7 = re.compile("[çêâîôûœ’«»\u00a0\u202f]")


def _raw(language: str, key: str) -> str:
    """The catalog text with its placeholders unfilled."""
    entry = i18n.catalog(language).get(key)
    assert entry is not None, (language, key)
    return str(entry.string)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_the_same_keys() -> None:
    french = i18n.keys("fr")
    assert french, "the French catalog is empty"
    for language in ("en", "de"):
        assert i18n.keys(language) == french, language


@pytest.mark.parametrize("key", sorted(i18n.keys("fr")))
def test_every_key_has_the_same_placeholders_and_no_sms_unsafe_character(key: str) -> None:
    texts = {language: _raw(language, key) for language in i18n.LANGUAGES}
    assert len({frozenset(placeholders(text)) for text in texts.values()}) == 1, texts
    for language, text in texts.items():
        assert text.strip(), (language, key)
        assert not NOT_GSM7.search(text), (language, key, text)


def test_missing_key_is_a_clear_error() -> None:
    with pytest.raises(i18n.MissingMessageError, match=r"'no\.such\.key' is missing from the fr catalog"):
        i18n.message("fr", "no.such.key")


def test_unknown_language_falls_back_to_french() -> None:
    assert i18n.message("it", "list.or", head="a", last="b") == "a ou b"


def test_area_catalogs_merge_into_the_language_and_a_key_defined_twice_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    (tmp_path / "fr.po").write_text(header + 'msgid "a.one"\nmsgstr "un"\n', encoding="utf-8")
    (tmp_path / "zone.fr.po").write_text(header + 'msgid "z.two"\nmsgstr "deux {n}"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.catalog.cache_clear()
    try:
        assert i18n.message("fr", "a.one") == "un"
        assert i18n.message("fr", "z.two", n=2) == "deux 2"
        (tmp_path / "other.fr.po").write_text(header + 'msgid "a.one"\nmsgstr "encore"\n', encoding="utf-8")
        i18n.catalog.cache_clear()
        with pytest.raises(ValueError, match=r"other\.fr\.po: key 'a\.one' is already defined"):
            i18n.catalog("fr")
    finally:
        i18n.catalog.cache_clear()
        i18n.keys.cache_clear()
