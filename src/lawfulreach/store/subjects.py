"""Turning what a user typed into the normalised keys every match uses (spec §5: one normaliser).

All parsing goes through ``lawfulreach.domain.normalise``; its ``ValueError`` becomes an
``InputError`` naming the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lawfulreach.domain.extract import normalise_country
from lawfulreach.domain.normalise import normalise_domain, normalise_email_key, normalise_phone_key
from lawfulreach.errors import InputError

SubjectKind = Literal["email", "phone"]


@dataclass(frozen=True, slots=True)
class Subject:
    """A person as the ledger and erasure know them: a normalised email or an E.164 phone."""

    kind: SubjectKind
    key: str


def country_code(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    code = normalise_country(raw)
    if code is None:
        raise InputError(f"unknown country {raw!r}; use an ISO 3166-1 alpha-2 code such as GB or DE")
    return code


def email_key(raw: str) -> str:
    try:
        return normalise_email_key(raw)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def phone_key(raw: str, country: str | None = None) -> str:
    try:
        return normalise_phone_key(raw, country)
    except ValueError as exc:
        hint = "" if country or raw.strip().startswith(("+", "00")) else "; national numbers need --country"
        raise InputError(f"{exc}{hint}") from None


def domain_key(raw: str) -> str:
    try:
        return normalise_domain(raw)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def subject(email: str | None, phone: str | None, country: str | None = None) -> Subject:
    """Exactly one of email / phone, normalised."""
    if (email is None) == (phone is None):
        raise InputError("give exactly one of --email or --phone")
    if email is not None:
        return Subject("email", email_key(email))
    assert phone is not None
    return Subject("phone", phone_key(phone, country_code(country)))
