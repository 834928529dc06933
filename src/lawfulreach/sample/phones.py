"""Templates of valid phone numbers per country and line type, built once with ``phonenumbers``.

The generator never calls ``phonenumbers`` per row. Instead, per (country, line type), it keeps a
few dozen *templates*: a valid number whose last ``k`` digits (``k`` ≤ 4) may be replaced by any
digits, stored as a fixed head plus a tail *layout* (``"## ##"``) in each written format. A row
draws a template and ``k`` digits and fills the layout, so 1M rows get mostly distinct numbers at
string-concatenation cost.

Templates start from ``phonenumbers.example_number_for_type`` with the two digits before the free
ones varied by a fixed-seed RNG. A template is kept only if ``phonenumbers`` accepts it, and a spread
of its variants (all zeros, all nines, random ones), as valid numbers of that country and type that
format exactly as head + filled layout. Where a country reserves numbers for fiction they are used
instead (GB: Ofcom's drama landline ranges; US/CA: 555-0100…0199 in every area code), so the sample
data does not dial real people.

Templates depend on ``phonenumbers``' metadata: an update may change them (the bundled-sample test
then fails; regenerate with ``lawfulreach sample generate 2000 --seed 2026 --out …``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

__all__ = ["INVALID_PHONES", "PhoneTemplate", "fill_layout", "phone_templates"]

#: Strings people type into a CRM's phone field that are not valid numbers anywhere.
INVALID_PHONES: tuple[str, ...] = (
    "1234",
    "n/a",
    "tbc",
    "0000",
    "+49 123",
    "+44 20 1234",
    "call reception",
    "00 00 00",
    "+1 (000) 000-0000",
    "+33 1",
    "phone",
    "ext. 204",
)

_TEMPLATES = 16  # kept per (country, line type)
_ATTEMPTS = 200
_CHECKS = 4  # random variants checked per template, besides all-zeros and all-nines
_FREE = 4  # digits varied per row

#: Fictional ranges: (prefix in E.164, number of free trailing digits).
_GB_DRAMA: tuple[tuple[str, int], ...] = (
    ("+44207946", 4),
    *((f"+44{area}4960", 3) for area in ("113", "114", "115", "116", "117", "118", "121", "131", "141", "151", "161")),
    ("+44191498", 4),
    ("+44289649", 4),
    ("+44292018", 4),
    ("+44163296", 4),
)
_NANP_AREAS = range(201, 990)

_TYPES: dict[str, int] = {"mobile": PhoneNumberType.MOBILE, "landline": PhoneNumberType.FIXED_LINE}
_ACCEPT: dict[str, frozenset[int]] = {
    "mobile": frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}),
    "landline": frozenset({PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}),
}


@dataclass(frozen=True, slots=True)
class PhoneTemplate:
    """A valid number with ``free`` replaceable trailing digits, split into head + layout per format."""

    free: int
    national_head: str  # "030 12"
    national_layout: str  # "34 56" written as "## ##"
    international_head: str  # "+49 30 12"
    international_layout: str
    e164_head: str  # "+493012" (its layout is always "#" * free)


def fill_layout(layout: str, digits: str) -> str:
    """``("## ##", "1234")`` → ``"12 34"``: the reference for the generator's vectorised fill."""
    it = iter(digits)
    return "".join(next(it) if ch == "#" else ch for ch in layout)


def _split(formatted: str, free: int) -> tuple[str, str] | None:
    """Head and layout of the last ``free`` digits, or None when they are not all at the end."""
    seen = 0
    for pos in range(len(formatted) - 1, -1, -1):
        if formatted[pos].isdigit():
            seen += 1
            if seen == free:
                tail = formatted[pos:]
                layout = "".join("#" if ch.isdigit() else ch for ch in tail)
                return formatted[:pos], layout
    return None


def _check(e164: str, country: str, kind: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != country:
        return None
    if phonenumbers.number_type(number) not in _ACCEPT[kind]:
        return None
    return number


def _template(head: str, free: int, country: str, kind: str, rng: random.Random) -> PhoneTemplate | None:
    """A template over ``head`` + ``free`` digits, if the sampled variants all check out."""
    base = _check(head + "0" * free, country, kind)
    if base is None:
        return None
    nat = _split(phonenumbers.format_number(base, PhoneNumberFormat.NATIONAL), free)
    intl = _split(phonenumbers.format_number(base, PhoneNumberFormat.INTERNATIONAL), free)
    if nat is None or intl is None:
        return None
    template = PhoneTemplate(free, nat[0], nat[1], intl[0], intl[1], head)
    variants = ["9" * free] + ["".join(str(rng.randrange(10)) for _ in range(free)) for _ in range(_CHECKS)]
    for digits in variants:
        number = _check(head + digits, country, kind)
        if (
            number is None
            or phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
            != template.national_head + fill_layout(template.national_layout, digits)
            or phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
            != template.international_head + fill_layout(template.international_layout, digits)
        ):
            return None
    return template


def _heads(country: str, kind: str, rng: random.Random) -> list[tuple[str, int]]:
    """Candidate (head, free digits) pairs, best first."""
    if country == "GB" and kind == "landline":
        return list(_GB_DRAMA)
    if country in ("US", "CA"):
        # 555-0100…0199 is fictional in every NANP area code; split the codes between the two kinds.
        parity = 0 if kind == "mobile" else 1
        return [(f"+1{area}55501", 2) for area in _NANP_AREAS if area % 2 == parity]
    example = phonenumbers.example_number_for_type(country, _TYPES[kind])
    if example is None:
        return []
    e164 = phonenumbers.format_number(example, PhoneNumberFormat.E164)
    free = max(1, min(_FREE, len(str(example.national_number)) - 4))
    stem = e164[: -free - 2]
    heads = [(e164[:-free], free)]
    for _ in range(_ATTEMPTS):
        heads.append((stem + f"{rng.randrange(100):02d}", free))
    return heads


@lru_cache(maxsize=256)
def phone_templates(country: str, kind: str) -> tuple[PhoneTemplate, ...]:
    """Up to 16 (NANP: all fictional area codes) templates of ``kind`` (``mobile``/``landline``) numbers.

    Deterministic: the RNG is seeded from the country and kind, never from the caller's seed.
    """
    rng = random.Random(f"lawfulreach-phones-{country}-{kind}")
    limit = 10_000 if country in ("US", "CA") else _TEMPLATES
    seen: set[str] = set()
    out: list[PhoneTemplate] = []
    for head, free in _heads(country, kind, rng):
        if len(out) >= limit:
            break
        if head in seen:
            continue
        seen.add(head)
        template = _template(head, free, country, kind, rng)
        if template is not None:
            out.append(template)
    return tuple(out)
