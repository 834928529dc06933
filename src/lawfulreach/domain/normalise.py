"""The one normaliser for every match (spec §5): suppression, opt-outs, erasure and consent look-ups.

* Email: trimmed, syntax-checked by ``email-validator`` (no DNS look-ups), lowercased, ``+tag`` removed
  from the local part.
* Phone: parsed by ``phonenumbers`` with the contact's (or register's) country, formatted as E.164,
  with its country and line type.

These are the reference implementations; the batch path has a vectorised fast path that is
property-tested to agree with them (``tests/test_vector_normalise.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import idna
import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import NumberParseException, PhoneNumberType

from lawfulreach.domain.vocabulary import AddressStatus, PhoneType


@dataclass(frozen=True, slots=True)
class EmailFacts:
    status: AddressStatus
    address: str | None = None  # normalised: lower case, +tag removed
    local: str | None = None
    domain: str | None = None


@dataclass(frozen=True, slots=True)
class PhoneFacts:
    status: AddressStatus
    e164: str | None = None
    country: str | None = None
    phone_type: PhoneType = PhoneType.UNKNOWN


def strip_tag(local: str) -> str:
    """``jane+news`` → ``jane``: sub-addresses reach the same mailbox, so they match the same person."""
    head, _, _ = local.partition("+")
    return head or local


@lru_cache(maxsize=65536)
def normalise_email(raw: str | None) -> EmailFacts:
    if raw is None or not raw.strip():
        return EmailFacts(AddressStatus.MISSING)
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError:
        return EmailFacts(AddressStatus.INVALID)
    local = strip_tag(result.local_part.lower())
    domain = result.domain.lower()
    return EmailFacts(AddressStatus.VALID, f"{local}@{domain}", local, domain)


def normalise_email_key(raw: str) -> str:
    """The match key for an email, or a ``ValueError`` naming the value when it is not an address."""
    facts = normalise_email(raw)
    if facts.address is None:
        raise ValueError(f"not a valid email address: {raw!r}")
    return facts.address


def normalise_domain(raw: str) -> str:
    """A suppression domain entry: lower case, no leading ``@`` or ``*.``, no trailing dot."""
    value = raw.strip().lower().lstrip("@")
    if value.startswith("*."):
        value = value[2:]
    value = value.rstrip(".")
    if any(label.startswith("xn--") for label in value.split(".")):
        # Same form as email-validator gives an address's domain (Unicode), so entries written in
        # Punycode match addresses written in Unicode and the other way round.
        try:
            value = idna.decode(value)
        except idna.IDNAError:
            raise ValueError(f"not a valid domain: {raw!r}") from None
    labels = value.split(".")
    if (
        len(labels) < 2
        or not all(labels)
        or any(not all(ch.isalnum() or ch == "-" for ch in label) for label in labels)
    ):
        raise ValueError(f"not a valid domain: {raw!r}")
    return value


_TYPE_MAP = {
    PhoneNumberType.MOBILE: PhoneType.MOBILE,
    PhoneNumberType.FIXED_LINE: PhoneType.LANDLINE,
}


#: What a spreadsheet writes for a long number it read as a figure: ``4.4207946E+11``, ``4,42E+11``.
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+]?\d{1,3}")


@lru_cache(maxsize=65536)
def normalise_phone(raw: str | None, default_country: str | None = None) -> PhoneFacts:
    if raw is None or not raw.strip():
        return PhoneFacts(AddressStatus.MISSING)
    text = raw.strip()
    if _SCIENTIFIC.fullmatch(text):
        return PhoneFacts(AddressStatus.MANGLED)
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, default_country if not text.startswith("+") else None)
    except NumberParseException:
        return PhoneFacts(AddressStatus.INVALID)
    if not phonenumbers.is_valid_number(number):
        return PhoneFacts(AddressStatus.INVALID)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    country = phonenumbers.region_code_for_number(number)
    ptype = _TYPE_MAP.get(phonenumbers.number_type(number), PhoneType.UNKNOWN)
    return PhoneFacts(AddressStatus.VALID, e164, country, ptype)


def normalise_phone_key(raw: str, default_country: str | None = None) -> str:
    facts = normalise_phone(raw, default_country)
    if facts.e164 is None:
        where = f" (read as {default_country})" if default_country else ""
        raise ValueError(f"not a valid phone number{where}: {raw!r}")
    return facts.e164
