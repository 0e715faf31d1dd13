"""Checks and normalises a household (guardians, contacts, children) before it is stored."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace

import phonenumbers

from core.canteen import MealType
from core.model import LANGUAGES, Child, DomainError, Guardian, Household

MAX_GUARDIANS = 2


def normalise_email(address: str) -> str:
    """A lower-cased e-mail address after a deliberately simple syntax check.

    Accepted: no whitespace, exactly one '@', something before it, and a domain with a dot that
    neither starts nor ends the domain. Deliverability is not checked (no I/O in the core).
    """
    candidate = address.strip()
    problem = _email_problem(candidate)
    if problem:
        raise DomainError(f"e-mail address {address!r} {problem}")
    return candidate.lower()


def _email_problem(address: str) -> str | None:
    if not address:
        return "is empty"
    if any(char.isspace() for char in address):
        return "contains a space"
    if address.count("@") != 1:
        return "must contain exactly one '@'"
    local, domain = address.split("@")
    if not local:
        return "has nothing before the '@'"
    if "." not in domain:
        return "needs a dot in the domain (after the '@')"
    if domain.startswith(".") or domain.endswith(".") or ".." in domain:
        return "has a misplaced dot in the domain"
    return None


def normalise_phone(number: str, default_region: str = "CH") -> str:
    """`number` in E.164 (+41791234567); national numbers are read in `default_region` (ISO 3166 code)."""
    try:
        parsed = phonenumbers.parse(number, default_region)
    except phonenumbers.NumberParseException as error:
        raise DomainError(f"phone number {number!r} cannot be read: {error}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise DomainError(f"phone number {number!r} is not a valid number (default region {default_region})")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def validate_guardian(guardian: Guardian, position: int, default_region: str = "CH") -> Guardian:
    """A normalised copy of the guardian (name, language, e-mails, phones); DomainError naming it otherwise."""
    name = guardian.name.strip()
    label = f"guardian {position} ({name})" if name else f"guardian {position}"
    if not name:
        raise DomainError(f"{label}: a name is required")
    if guardian.language not in LANGUAGES:
        raise DomainError(f"{label}: language must be one of {', '.join(LANGUAGES)}, got {guardian.language!r}")
    try:
        emails = _unique(normalise_email(address) for address in guardian.emails)
        phones = _unique(normalise_phone(number, default_region) for number in guardian.phones)
    except DomainError as error:
        raise DomainError(f"{label}: {error}") from None
    chat = guardian.telegram_chat_id.strip() if guardian.telegram_chat_id else None
    return replace(guardian, name=name, emails=emails, phones=phones, telegram_chat_id=chat or None)


def validate_child(child: Child, position: int, canteen_ids: Collection[str]) -> Child:
    """A normalised copy of the child; DomainError when the first name or canteen is missing or unknown."""
    first_name = child.first_name.strip()
    label = f"child {position} ({first_name})" if first_name else f"child {position}"
    if not first_name:
        raise DomainError(f"{label}: a first name is required")
    if child.canteen_id not in canteen_ids:
        known = ", ".join(sorted(canteen_ids)) or "none configured"
        raise DomainError(f"{label}: unknown canteen {child.canteen_id!r} (known: {known})")
    if not isinstance(child.default_meal, MealType):
        raise DomainError(f"{label}: default meal must be one of {', '.join(MealType)}, got {child.default_meal!r}")
    return replace(child, first_name=first_name, allergy_note=child.allergy_note.strip())


def validate_household(household: Household, canteen_ids: Collection[str], default_region: str = "CH") -> Household:
    """A normalised copy of `household`, ready to store; raises DomainError with a precise message.

    Rules: a name; one or two guardians, each with a name, a language among fr/en/de, valid
    e-mails (lower-cased) and phones (E.164, national numbers read in `default_region`); no
    address or phone shared by both guardians; at least one child, each with a first name
    (unique in the household) and a canteen id among `canteen_ids`.
    """
    name = household.name.strip()
    if not name:
        raise DomainError("household: a name is required")
    if not 1 <= len(household.guardians) <= MAX_GUARDIANS:
        raise DomainError(f"household {name}: needs 1 or 2 guardians, got {len(household.guardians)}")
    guardians = [validate_guardian(g, i, default_region) for i, g in enumerate(household.guardians, start=1)]
    _refuse_shared(name, "e-mail address", [address for g in guardians for address in g.emails])
    _refuse_shared(name, "phone number", [number for g in guardians for number in g.phones])
    if not household.children:
        raise DomainError(f"household {name}: needs at least one child")
    children = [validate_child(c, i, canteen_ids) for i, c in enumerate(household.children, start=1)]
    _refuse_shared(name, "child first name", [c.first_name.casefold() for c in children])
    return replace(household, name=name, guardians=guardians, children=children)


def _unique(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def _refuse_shared(household: str, what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise DomainError(f"household {household}: {what} {value!r} appears twice")
        seen.add(value)
