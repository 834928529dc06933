"""``phonenumbers`` metadata compiled once into Polars expressions (private to ``vector_phone``).

Every function here mirrors one step of ``phonenumbers.phonenumberutil`` (version 9.x) for a column
of ASCII digit strings, so that the vectorised path can reproduce ``parse`` + ``is_valid_number`` +
``region_code_for_number`` + ``number_type`` exactly:

* :func:`desc_match` — ``_is_number_matching_desc`` (possible lengths, then a full regex match);
  :func:`general_match` — ``_match_national_number`` (the pattern alone);
* :func:`others_pattern` / :func:`others_match` — the eight types ``_number_type_helper`` tries before
  fixed line and mobile, as one alternation (a superset) and exactly;
* :func:`prefix_length` / :func:`prefix_hit` — ``re.match`` of a national or international prefix or
  of leading digits (plain digit literals become ``starts_with``);
* :func:`strip_national_prefix` — ``_maybe_strip_national_prefix_carrier_code`` without a transform
  rule (regions with one are not :attr:`Plan.parse_ready` and fall back);
* :func:`too_long` / :func:`keeps_stripped` — the ``_test_number_length`` conditions used by
  ``_maybe_extract_country_code`` and ``parse``.

The metadata patterns are plain enough for the Rust regex crate (checked in the tests for every
region); Polars caches a compiled pattern, so each is compiled once per process.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import operator
import re
from dataclasses import dataclass
from functools import cache, reduce

import phonenumbers
import polars as pl
from phonenumbers import PhoneMetadata

REGION_NON_GEO = "001"

# _number_type_helper checks these, in this order, before fixed line and mobile.
OTHER_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)

# Number-type codes used by vector_phone; only FIXED_LINE and MOBILE map to a product phone type.
INVALID, OTHER, FIXED_LINE_OR_MOBILE, FIXED_LINE, MOBILE = 0, 1, 2, 3, 4

MIN_LENGTH_FOR_NSN = 2  # phonenumberutil._MIN_LENGTH_FOR_NSN
MAX_LENGTH_FOR_NSN = 17  # phonenumberutil._MAX_LENGTH_FOR_NSN
MAX_INPUT_STRING_LENGTH = 250  # phonenumberutil._MAX_INPUT_STRING_LENGTH

COUNTRY_CODE_TO_REGIONS: dict[int, tuple[str, ...]] = {
    int(cc): tuple(regions) for cc, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()
}
SUPPORTED_REGIONS: frozenset[str] = frozenset(phonenumbers.SUPPORTED_REGIONS)


def full(pattern: str) -> str:
    return f"^(?:{pattern})$"


def prefix(pattern: str) -> str:
    return f"^(?:{pattern})"


def any_of(conditions: list[pl.Expr]) -> pl.Expr:
    return reduce(operator.or_, conditions) if conditions else pl.lit(False)


_LITERALS = re.compile(r"\d+(?:\|\d+)*")


def literal_alternatives(pattern: str) -> tuple[str, ...] | None:
    """``"0|180020"`` → ``("0", "180020")``: a pattern that is only digit literals, in match order."""
    return tuple(pattern.split("|")) if _LITERALS.fullmatch(pattern) else None


def prefix_length(number: pl.Expr, pattern: str) -> pl.Expr:
    """Length of ``re.match(pattern, number)`` (leftmost-first, as Python and Rust agree), null if none.

    Literal alternatives (``0``, ``06``, ``0|180020``) use ``starts_with``; anything else a regex.
    """
    literals = literal_alternatives(pattern)
    if literals is None:
        return number.str.extract(f"^({pattern})", 1).str.len_bytes()
    length: pl.Expr = pl.lit(None, pl.UInt32)
    for literal in reversed(literals):  # the first alternative is tried first
        length = pl.when(number.str.starts_with(literal)).then(pl.lit(len(literal), pl.UInt32)).otherwise(length)
    return length


def prefix_hit(number: pl.Expr, pattern: str) -> pl.Expr:
    """Whether ``re.match(pattern, number)`` succeeds."""
    literals = literal_alternatives(pattern)
    if literals is None:
        return number.str.contains(prefix(pattern))
    return any_of([number.str.starts_with(literal) for literal in literals])


@dataclass(frozen=True, slots=True)
class Desc:
    pattern: str | None
    lengths: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """What the fast path needs from one region's metadata (or one non-geographic calling code)."""

    key: str
    country_code: int
    general: Desc
    general_lengths: tuple[int, ...]
    local_only_lengths: tuple[int, ...]
    others: tuple[Desc, ...]
    fixed_line: Desc
    mobile: Desc
    same_mobile_and_fixed_line: bool
    national_prefix_for_parsing: str | None
    international_prefix: str | None
    leading_digits: str | None
    has_transform_rule: bool

    @property
    def parse_ready(self) -> bool:
        """``parse`` can be reproduced: no national-prefix transform rule, general lengths listed."""
        return not self.has_transform_rule and bool(self.general_lengths) and self.general.pattern is not None


def _desc(raw: object) -> Desc:
    if raw is None:
        return Desc(None, ())
    pattern = getattr(raw, "national_number_pattern", None)
    lengths = tuple(int(n) for n in (getattr(raw, "possible_length", None) or ()))
    return Desc(pattern or None, lengths)


#: The ``phonenumbers.phonenumberutil`` functions and constants this module mirrors, as they were when it
#: was written (phonenumbers 9.0.43): the first 16 hex digits of the SHA-256 of each function's source.
#: Metadata updates (new number ranges) change nothing here — the plans compile from the metadata at run
#: time; a change to one of these functions could make the mirror disagree with ``normalise_phone``.
MIRRORED_SOURCE = {
    "_is_number_matching_desc": "67f60669b1e09062",
    "_match_national_number": "be997ae44a4beac3",
    "_number_type_helper": "6dbc09bac296be92",
    "_maybe_strip_national_prefix_carrier_code": "462428c534345d07",
    "_test_number_length": "0fae643cf4d36620",
    "_maybe_extract_country_code": "57b28e3098d96db7",
    "_maybe_strip_i18n_prefix_and_normalize": "b53e0190dd4d0e40",
    "_parse_prefix_as_idd": "fe62f067f748953f",
    "_extract_possible_number": "102c591aa7ba1c74",
    "_is_viable_phone_number": "2b4cb36ff0c4f59a",
    "parse": "6e48c9961d117feb",
}
MIRRORED_CONSTANTS = {
    "_MIN_LENGTH_FOR_NSN": MIN_LENGTH_FOR_NSN,
    "_MAX_LENGTH_FOR_NSN": MAX_LENGTH_FOR_NSN,
    "_MAX_INPUT_STRING_LENGTH": MAX_INPUT_STRING_LENGTH,
}


def source_digest(function: object) -> str | None:
    """The 16-hex-digit SHA-256 of a function's source; None when the source cannot be read."""
    try:
        return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]  # type: ignore[arg-type]
    except (OSError, TypeError):
        return None


@cache
def mirrors_installed() -> bool:
    """Whether the installed ``phonenumbers`` still has the code this module mirrors. When it does not (an
    upgrade changed the parser), the vectorised path hands every number to ``normalise_phone`` — the
    same answers, one distinct value at a time — and says so once in the log, rather than risk a
    silent disagreement (a number read as valid that is not, or placed in the wrong country)."""
    from phonenumbers import phonenumberutil as util

    changed = [
        name for name, digest in MIRRORED_SOURCE.items() if source_digest(getattr(util, name, None)) != digest
    ] + [name for name, value in MIRRORED_CONSTANTS.items() if getattr(util, name, None) != value]
    if changed:
        logging.getLogger("lawfulreach.batch").warning(
            "phonenumbers %s changed %s since the vectorised phone path was written against 9.0.43: phone "
            "numbers are normalised one distinct value at a time (same results, slower) until "
            "batch/_phone_plan.py is checked against it",
            getattr(phonenumbers, "__version__", "?"),
            ", ".join(changed),
        )
    return not changed


def meta_key(country_code: int, region: str) -> str:
    return f"{REGION_NON_GEO}+{country_code}" if region == REGION_NON_GEO else region


@cache
def plan_for(key: str) -> Plan | None:
    """The plan for a region code, or ``001+<cc>`` for a non-geographic calling code."""
    if key.startswith(REGION_NON_GEO + "+"):
        meta = PhoneMetadata.metadata_for_nongeo_region(int(key.partition("+")[2]), None)
    else:
        meta = PhoneMetadata.metadata_for_region(key, None)
    if meta is None or meta.general_desc is None or meta.country_code is None:
        return None
    general = meta.general_desc
    return Plan(
        key=key,
        country_code=int(meta.country_code),
        general=_desc(general),
        general_lengths=tuple(int(n) for n in (general.possible_length or ())),
        local_only_lengths=tuple(int(n) for n in (general.possible_length_local_only or ())),
        others=tuple(_desc(getattr(meta, name, None)) for name in OTHER_TYPES),
        fixed_line=_desc(meta.fixed_line),
        mobile=_desc(meta.mobile),
        same_mobile_and_fixed_line=bool(meta.same_mobile_and_fixed_line_pattern),
        national_prefix_for_parsing=meta.national_prefix_for_parsing or None,
        international_prefix=meta.international_prefix or None,
        leading_digits=meta.leading_digits or None,
        has_transform_rule=bool(meta.national_prefix_transform_rule),
    )


def main_key(country_code: int) -> str:
    """``region_code_for_country_code`` as a plan key (the first region listed for the code)."""
    return meta_key(country_code, COUNTRY_CODE_TO_REGIONS[country_code][0])


def others_pattern(plan: Plan) -> str | None:
    """One full-match regex that matches whenever any of the "other" type patterns does."""
    patterns = [d.pattern for d in plan.others if d.pattern is not None]
    if not patterns:
        return None
    return full("|".join(f"(?:{p})" for p in patterns))


def others_match(number: pl.Expr, length: pl.Expr, plan: Plan) -> pl.Expr:
    """Any of ``premium_rate`` … ``voicemail`` matches (each with its own possible lengths)."""
    return any_of([desc_match(number, length, d) for d in plan.others if d.pattern is not None])


def desc_match(number: pl.Expr, length: pl.Expr, desc: Desc) -> pl.Expr:
    """``_is_number_matching_desc``: possible lengths (when listed), then a full match of the pattern."""
    if desc.pattern is None:
        return pl.lit(False)
    matched = number.str.contains(full(desc.pattern))
    if desc.lengths:
        return length.is_in(list(desc.lengths)) & matched
    return matched


def general_match(number: pl.Expr, plan: Plan) -> pl.Expr:
    """``_match_national_number(number, general_desc, False)``: the pattern only, no length check."""
    if plan.general.pattern is None:
        return pl.lit(False)
    return number.str.contains(full(plan.general.pattern))


def strip_national_prefix(number: pl.Expr, plan: Plan) -> pl.Expr:
    """``_maybe_strip_national_prefix_carrier_code`` (second element) for a plan without transform rule."""
    npp = plan.national_prefix_for_parsing
    if npp is None:
        return number
    length = prefix_length(number, npp)
    rest = number.str.slice(length.fill_null(0))
    keep_original = general_match(number, plan) & ~general_match(rest, plan)
    return pl.when(length.is_null() | keep_original).then(number).otherwise(rest)


def too_long(length: pl.Expr, plan: Plan) -> pl.Expr:
    """``_test_number_length(number, metadata) == TOO_LONG``."""
    lengths = plan.general_lengths
    if not lengths:
        return pl.lit(False)
    result = length > max(lengths)
    if plan.local_only_lengths:
        result = result & ~length.is_in(list(plan.local_only_lengths))
    return result


def keeps_stripped(length: pl.Expr, plan: Plan) -> pl.Expr:
    """``_test_number_length`` not in ``TOO_SHORT``, ``IS_POSSIBLE_LOCAL_ONLY``, ``INVALID_LENGTH``."""
    lengths = plan.general_lengths
    if not lengths:
        # Python would fail on possible_lengths[0]; no such metadata exists, and such plans fall back.
        return pl.lit(False)
    result = length.is_in(list(lengths)) | (length > max(lengths))
    if plan.local_only_lengths:
        result = result & ~length.is_in(list(plan.local_only_lengths))
    return result
