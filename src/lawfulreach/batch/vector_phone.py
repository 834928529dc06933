"""Vectorised phone normalisation: the batch fast path of :func:`lawfulreach.domain.normalise.normalise_phone`.

The reference (``phonenumbers.parse`` + ``is_valid_number`` + E.164 + ``region_code_for_number`` +
``number_type``) costs ~17 µs a row. This module reproduces it with Polars string expressions and the
library's own metadata (``_phone_plan``), and calls the reference only for rows it cannot settle
exactly, once per distinct ``(raw, default_country)`` pair.

The fast path accepts a value when, after stripping ``" \\t\\r\\n"`` and reading a leading ``00`` as
``+`` (as the reference does), it is an optional ``+`` followed only by ASCII digits and the separators
`` ( ) . - /`` (at most 250 characters). For such text ``parse`` reduces to digit arithmetic: no
extension, no letters, no RFC 3966, no second number can be recognised, and a number with fewer
digits than any region's shortest valid number is invalid. A value in ASCII with no digit at all is
invalid too (``parse`` finds nothing to start a number). The rest follows ``parse`` step by step:

1. ``+`` form: the calling code is the shortest known 1–3 digit prefix; the national prefix is then
   stripped with the metadata of the code's main region (``region_code_for_country_code``).
2. National form with a supported default region ``R``: a number starting with ``R``'s international
   prefix falls back; one starting with ``R``'s calling code is judged exactly as
   ``_maybe_extract_country_code`` does; otherwise the digits are ``R``'s national number. A default
   region outside ``phonenumbers.SUPPORTED_REGIONS`` (or none) is invalid, as the text has no ``+``.
3. The national prefix is stripped when ``_maybe_strip_national_prefix_carrier_code`` would and
   ``parse`` keeps the result (``_test_number_length``); then the 2–17 digit bounds.
4. ``region_code_for_number``: the calling code's regions in order, by leading digits or full type
   check; then ``_number_type_helper`` with that region's patterns decides validity and the type.

Work is done per plan key (the region whose metadata applies, one ``partition_by``), with about five
regex passes per row: the general pattern on the number with and without its national prefix, one
alternation standing for the eight "other" types (exact per-type checks only for the rows it
matches), fixed line and mobile. Literal prefixes (``0``, ``00``, ``011`` …) are ``starts_with``.

Regions whose metadata has a national-prefix transform rule (NANP islands, AR, BR, JP, GG, JE, IM …
as *default* regions or as the main region of a calling code) fall back, as do groups smaller than
``min_group_rows`` (calling the library is cheaper than compiling their patterns).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

import polars as pl

from lawfulreach.batch._phone_plan import (
    COUNTRY_CODE_TO_REGIONS,
    FIXED_LINE,
    FIXED_LINE_OR_MOBILE,
    INVALID,
    MAX_INPUT_STRING_LENGTH,
    MAX_LENGTH_FOR_NSN,
    MIN_LENGTH_FOR_NSN,
    MOBILE,
    OTHER,
    SUPPORTED_REGIONS,
    Plan,
    desc_match,
    general_match,
    keeps_stripped,
    main_key,
    meta_key,
    mirrors_installed,
    others_match,
    others_pattern,
    plan_for,
    prefix_hit,
    prefix_length,
    strip_national_prefix,
    too_long,
)
from lawfulreach.domain.normalise import normalise_phone

__all__ = ["PHONE_COLUMNS", "normalise_phones", "phone_fallback_count"]

PHONE_COLUMNS = ("phone_status", "phone_e164", "phone_country", "phone_type")

_STRIP = " \t\r\n"
_SEPARATORS = (" ", "(", ")", ".", "-", "/")
_DIGITS = "0123456789"
DEFAULT_MIN_GROUP_ROWS = 150  # ~3 ms of Polars calls per group ≈ 150 reference calls

_OUT_SCHEMA: dict[str, pl.DataType] = {
    "idx": pl.UInt32(),
    "phone_status": pl.String(),
    "phone_e164": pl.String(),
    "phone_country": pl.String(),
    "phone_type": pl.String(),
}
_NSN, _NLEN, _GEN = pl.col("nsn"), pl.col("nlen"), pl.col("gen")


@lru_cache(maxsize=1)
def _min_valid_length() -> int:
    """Shortest national significant number any region's general description admits (4 today)."""
    keys = [meta_key(cc, region) for cc, regions in COUNTRY_CODE_TO_REGIONS.items() for region in regions]
    lengths = [min(p.general_lengths) for p in map(plan_for, keys) if p is not None and p.general_lengths]
    return min([*lengths, MIN_LENGTH_FOR_NSN])


@lru_cache(maxsize=1)
def _calling_code_tables() -> tuple[dict[str, int], dict[str, str]]:
    """First three digits after ``+`` → (length of the calling code ``_extract_country_code`` finds,
    plan key of its main region); heads without a known code are absent."""
    codes = {str(cc) for cc in COUNTRY_CODE_TO_REGIONS}
    lengths: dict[str, int] = {}
    keys: dict[str, str] = {}
    for n in range(1000):
        head = f"{n:03d}"
        size = next((size for size in (1, 2, 3) if head[:size] in codes), 0)
        if size:
            lengths[head] = size
            keys[head] = main_key(int(head[:size]))
    return lengths, keys


def _broadcast(default_country: pl.Series, n: int) -> pl.Series:
    dc = default_country.cast(pl.String)
    if len(dc) == n:
        return dc.rename("dc")
    if len(dc) == 1:
        return pl.repeat(dc[0], n, dtype=pl.String, eager=True).rename("dc")
    raise ValueError(f"default_country has {len(dc)} values for {n} phone numbers")


def _mask(frame: pl.DataFrame, condition: pl.Expr) -> pl.Series:
    return frame.select(condition.fill_null(False)).to_series()


def _split(frame: pl.DataFrame, condition: pl.Expr) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows where ``condition``, the other rows); null counts as false."""
    mask = _mask(frame, condition)
    return frame.filter(mask), frame.filter(~mask)


class _Work:
    """What has been settled so far: valid parts, and the row numbers found invalid or deferred."""

    def __init__(self) -> None:
        self.valid_parts: list[pl.DataFrame] = []
        self.invalid_idx: list[pl.Series] = []
        self.missing_idx: list[pl.Series] = []
        self.fallback_idx: list[pl.Series] = []

    def invalid(self, frame: pl.DataFrame) -> None:
        if frame.height:
            self.invalid_idx.append(frame.get_column("idx"))

    def defer(self, frame: pl.DataFrame) -> None:
        if frame.height:
            self.fallback_idx.append(frame.get_column("idx"))

    def valid(self, frame: pl.DataFrame, codes: pl.Series, cc: int, region: str) -> None:
        if frame.height == 0:
            return
        code = pl.col("code")
        self.valid_parts.append(
            frame.with_columns(codes.alias("code")).select(
                "idx",
                (pl.lit(f"+{cc}") + _NSN).alias("phone_e164"),
                pl.lit(region, pl.String).alias("phone_country"),
                pl.when(code == MOBILE)
                .then(pl.lit("mobile"))
                .when(code == FIXED_LINE)
                .then(pl.lit("landline"))
                .otherwise(pl.lit("unknown"))
                .alias("phone_type"),
            )
        )

    @property
    def fallback_rows(self) -> int:
        return sum(len(idx) for idx in self.fallback_idx)


# --------------------------------------------------------------------------------------------------
# Stage 0: text → digits, every row at once.


def _prepare(phones: pl.Series, default_country: pl.Series) -> pl.DataFrame:
    n = len(phones)
    frame = pl.DataFrame([phones.cast(pl.String).rename("raw"), _broadcast(default_country, n)])
    frame = frame.with_row_index("idx").with_columns(pl.col("raw").str.strip_chars(_STRIP).alias("t"))
    t = pl.col("t")
    is00 = t.str.starts_with("00")
    is_plus = t.str.starts_with("+")
    offset = pl.when(is00).then(pl.lit(2)).when(is_plus).then(pl.lit(1)).otherwise(pl.lit(0))
    frame = frame.with_columns(
        (pl.col("raw").is_null() | (t.str.len_bytes() == 0)).alias("missing"),
        (is00 | is_plus).fill_null(False).alias("plus"),
        t.str.slice(offset).str.replace_many(list(_SEPARATORS), [""] * len(_SEPARATORS)).alias("digits"),
        t.str.len_bytes().alias("tlen"),
    )
    grammar = (pl.col("digits").str.strip_chars(_DIGITS).str.len_bytes() == 0) & (
        pl.col("tlen") <= MAX_INPUT_STRING_LENGTH
    )
    return frame.with_columns(grammar.fill_null(False).alias("grammar")).drop("tlen", "t")


# --------------------------------------------------------------------------------------------------
# Stage 1: national numbers read with their default region → plan key and national number.


def _national(part: pl.DataFrame, plan: Plan, work: _Work) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Rows of ``part`` written without ``+`` (``plus`` false, ``nn0`` their digits) are read with
    ``plan``'s region as ``_maybe_extract_country_code`` does. Returns the rows that stay with this
    plan (``idx, nn0``) and those whose calling code moves them to another plan (``idx, key, nn0``)."""
    nn0, national = pl.col("nn0"), ~pl.col("plus")
    if plan.international_prefix is not None:
        idd = _mask(part, national & prefix_hit(nn0, plan.international_prefix))
        if idd.any():
            work.defer(part.filter(idd))
            part = part.filter(~idd)
    cc = str(plan.country_code)
    starts = _mask(part, national & nn0.str.starts_with(cc))
    if not starts.any():
        return part.select("idx", "nn0"), None
    stay = part.filter(~starts).select("idx", "nn0")
    subset = part.filter(starts)
    potential = pl.col("potential")
    subset = subset.with_columns(strip_national_prefix(nn0.str.slice(len(cc)), plan).alias("potential"))
    with_cc = (~general_match(nn0, plan) & general_match(potential, plan)) | too_long(nn0.str.len_bytes(), plan)
    main = main_key(plan.country_code)
    subset = subset.select(
        "idx",
        pl.when(with_cc).then(pl.lit(main)).otherwise(pl.lit(plan.key)).alias("key"),
        pl.when(with_cc).then(potential).otherwise(nn0).alias("nn0"),
    )
    moved, kept = _split(subset, pl.col("key") != plan.key)
    return pl.concat([stay, kept.drop("key")]), (moved if moved.height else None)


# --------------------------------------------------------------------------------------------------
# Stage 2: national prefix and lengths (parse) → nsn, and plan's general-pattern match on it.


def _national_number(part: pl.DataFrame, plan: Plan, work: _Work) -> pl.DataFrame:
    """``idx, nn0`` → ``idx, nsn, nlen, gen`` for the rows ``parse`` accepts."""
    nn0 = pl.col("nn0")
    npp = plan.national_prefix_for_parsing
    if npp is None:
        frame = part.select("idx", nn0.alias("nsn"), general_match(nn0, plan).alias("gen"))
    else:
        frame = part.with_columns(prefix_length(nn0, npp).alias("plen"))
        frame = frame.with_columns(nn0.str.slice(pl.col("plen").fill_null(0)).alias("rest"))
        rest = pl.col("rest")
        frame = frame.with_columns(general_match(rest, plan).alias("g_rest"), general_match(nn0, plan).alias("g_nn0"))
        matched = pl.col("plen").is_not_null()
        g_rest, g_nn0 = pl.col("g_rest"), pl.col("g_nn0")
        # _maybe_strip_national_prefix_carrier_code keeps the original when only it is viable;
        # parse then keeps the stripped number only when its length is possible.
        keep = matched & g_nn0 & ~g_rest
        take = ~matched | (~keep & keeps_stripped(rest.str.len_bytes(), plan))
        frame = frame.select(
            "idx",
            pl.when(take).then(rest).otherwise(nn0).alias("nsn"),
            pl.when(take).then(g_rest).otherwise(g_nn0).alias("gen"),
        )
    frame = frame.with_columns(_NSN.str.len_bytes().alias("nlen"))
    bad = _mask(frame, (_NLEN < MIN_LENGTH_FOR_NSN) | (_NLEN > MAX_LENGTH_FOR_NSN))
    if bad.any():
        work.invalid(frame.filter(bad))
        frame = frame.filter(~bad)
    return frame


# --------------------------------------------------------------------------------------------------
# Stage 3: region and type.

_CANDIDATE = -1


def _fixed_or_mobile(plan: Plan) -> pl.Expr:
    fixed = desc_match(_NSN, _NLEN, plan.fixed_line)
    mobile = desc_match(_NSN, _NLEN, plan.mobile)
    if plan.same_mobile_and_fixed_line:
        return pl.when(fixed).then(pl.lit(FIXED_LINE_OR_MOBILE)).otherwise(pl.lit(INVALID))
    return (
        pl.when(fixed)
        .then(pl.when(mobile).then(pl.lit(FIXED_LINE_OR_MOBILE)).otherwise(pl.lit(FIXED_LINE)))
        .when(mobile)
        .then(pl.lit(MOBILE))
        .otherwise(pl.lit(INVALID))
    )


def _classify(frame: pl.DataFrame, plan: Plan, gen_known: bool) -> pl.Series:
    """``_number_type_helper(nsn, plan)`` as codes (``INVALID`` = UNKNOWN), aligned with ``frame``.

    With ``gen_known``, the ``gen`` column holds ``plan``'s general-pattern match. The eight "other"
    types are tried as one alternation; only the rows it matches get the exact per-type checks.
    """
    general = _GEN if gen_known else general_match(_NSN, plan)
    if plan.general.lengths:
        general = general & _NLEN.is_in(list(plan.general.lengths))
    combined = others_pattern(plan)
    candidate = _NSN.str.contains(combined) if combined is not None else pl.lit(False)
    code = (
        pl.when(~general)
        .then(pl.lit(INVALID))
        .when(candidate)
        .then(pl.lit(_CANDIDATE))
        .otherwise(_fixed_or_mobile(plan))
        .cast(pl.Int8)
    )
    codes = frame.select(code.fill_null(INVALID)).to_series()
    positions = (codes == _CANDIDATE).arg_true()
    if len(positions):
        exact = pl.when(others_match(_NSN, _NLEN, plan)).then(pl.lit(OTHER)).otherwise(_fixed_or_mobile(plan))
        codes = codes.scatter(positions, frame[positions].select(exact.cast(pl.Int8)).to_series())
    return codes


def _resolve(frame: pl.DataFrame, cc: int, gen_key: str, work: _Work, min_rows: int) -> None:
    """``region_code_for_number`` then ``_number_type_helper`` for ``idx, nsn, nlen, gen`` rows of one code.

    ``gen`` holds the general-pattern match of plan ``gen_key``. Once fewer than ``min_rows`` rows are
    left to try against further regions of a shared code, they go to the reference instead.
    """
    regions = COUNTRY_CODE_TO_REGIONS[cc]
    remaining = frame
    for position, region in enumerate(regions):
        if remaining.height == 0:
            return
        if position > 0 and remaining.height < min_rows:
            work.defer(remaining)
            return
        plan = plan_for(meta_key(cc, region))
        if plan is None:
            continue
        gen_known = plan.key == gen_key
        if len(regions) > 1 and plan.leading_digits is not None:
            mine, remaining = _split(remaining, prefix_hit(_NSN, plan.leading_digits))
            if mine.height:
                codes = _classify(mine, plan, gen_known)
                valid = codes != INVALID
                work.valid(mine.filter(valid), codes.filter(valid), cc, region)
                work.invalid(mine.filter(~valid))
        else:
            codes = _classify(remaining, plan, gen_known)
            valid = codes != INVALID
            work.valid(remaining.filter(valid), codes.filter(valid), cc, region)
            remaining = remaining.filter(~valid)
    work.invalid(remaining)


# --------------------------------------------------------------------------------------------------


_MISSING: Final = "~missing"
_ODD: Final = "~odd"
_INVALID: Final = "~invalid"


def _route(frame: pl.DataFrame) -> pl.DataFrame:
    """One pass over every row: the plan key (or a ``~`` verdict) and the national number before
    prefix stripping (digits after the calling code for ``+`` numbers, all digits otherwise)."""
    lengths, keys = _calling_code_tables()
    digits, plus = pl.col("digits"), pl.col("plus")
    head = digits.str.slice(0, 3)
    cc_len = head.replace_strict(lengths, default=0, return_dtype=pl.UInt32)
    main = head.replace_strict(keys, default=None, return_dtype=pl.String)
    key = (
        pl.when(pl.col("missing"))
        .then(pl.lit(_MISSING))
        .when(~pl.col("grammar"))
        .then(pl.lit(_ODD))
        .when(digits.str.len_bytes() < _min_valid_length())
        .then(pl.lit(_INVALID))
        .when(plus)
        .then(main.fill_null(_INVALID))
        .when(pl.col("dc").is_in(list(SUPPORTED_REGIONS)).fill_null(False))
        .then(pl.col("dc"))
        .otherwise(pl.lit(_INVALID))
    )
    return frame.select(
        "idx",
        key.alias("key"),
        plus,
        pl.when(plus).then(digits.str.slice(cc_len)).otherwise(digits).alias("nn0"),
    )


def _number_and_type(part: pl.DataFrame, plan: Plan, work: _Work, min_rows: int) -> None:
    numbered = _national_number(part, plan, work)
    if numbered.height:
        _resolve(numbered, plan.country_code, plan.key, work, min_rows)


def _fast_path(frame: pl.DataFrame, min_group_rows: int) -> _Work:
    work = _Work()
    if not mirrors_installed():  # an upgraded parser: every row to the reference (see _phone_plan)
        work.defer(frame)
        return work
    groups = _route(frame).partition_by("key", as_dict=True, include_key=False)
    moved: list[pl.DataFrame] = []
    for (key,), part in groups.items():
        if key == _MISSING:
            work.missing_idx.append(part.get_column("idx"))
        elif key == _INVALID:
            work.invalid(part)
        elif key == _ODD:
            # ASCII text without a digit: parse finds nothing that could start a number. (A printable
            # character is required: text of Python whitespace only is missing to the reference.)
            raw = frame.select("idx", "raw").join(part.select("idx"), on="idx", how="semi")
            raw_text = pl.col("raw")
            hopeless, odd = _split(
                raw,
                raw_text.str.contains(r"^[\x00-\x7f]*$")
                & raw_text.str.contains(r"[\x21-\x7e]")
                & ~raw_text.str.contains("[0-9]"),
            )
            work.invalid(hopeless)
            work.defer(odd)
        elif part.height < min_group_rows:
            work.defer(part)
        else:
            plan = plan_for(str(key))
            if plan is None or not plan.parse_ready:
                work.defer(part)
                continue
            stay, elsewhere = _national(part, plan, work)
            if elsewhere is not None:
                moved.append(elsewhere)
            _number_and_type(stay, plan, work, min_group_rows)
    if moved:
        for (key,), part in pl.concat(moved).partition_by("key", as_dict=True, include_key=False).items():
            plan = plan_for(str(key))
            if plan is None or not plan.parse_ready:
                work.defer(part)
            else:
                _number_and_type(part, plan, work, min_group_rows)
    return work


def _reference(pairs: pl.DataFrame) -> pl.DataFrame:
    rows: dict[str, list[str | None]] = {name: [] for name in ("raw", "dc", *PHONE_COLUMNS)}
    for raw, dc in pairs.iter_rows():
        facts = normalise_phone(raw, dc)
        rows["raw"].append(raw)
        rows["dc"].append(dc)
        rows["phone_status"].append(str(facts.status))
        rows["phone_e164"].append(facts.e164)
        rows["phone_country"].append(facts.country)
        rows["phone_type"].append(str(facts.phone_type))
    schema = {"raw": pl.String, "dc": pl.String, **dict.fromkeys(PHONE_COLUMNS, pl.String)}
    return pl.DataFrame(rows, schema=schema)


def _without_number(idx: list[pl.Series], status: str) -> pl.DataFrame:
    return pl.DataFrame({"idx": pl.concat(idx)}).select(
        "idx",
        pl.lit(status, pl.String).alias("phone_status"),
        pl.lit(None, pl.String).alias("phone_e164"),
        pl.lit(None, pl.String).alias("phone_country"),
        pl.lit("unknown", pl.String).alias("phone_type"),
    )


def normalise_phones(
    phones: pl.Series,
    default_country: pl.Series,
    *,
    min_group_rows: int = DEFAULT_MIN_GROUP_ROWS,
) -> pl.DataFrame:
    """Row-aligned ``phone_status`` / ``phone_e164`` / ``phone_country`` / ``phone_type``.

    Identical, row for row, to :func:`~lawfulreach.domain.normalise.normalise_phone` called with each
    row's ``default_country`` (which may be null; a single value is broadcast).
    """
    frame = _prepare(phones, default_country)
    work = _fast_path(frame, min_group_rows)
    parts = [
        part.select("idx", pl.lit("valid", pl.String).alias("phone_status"), *PHONE_COLUMNS[1:])
        for part in work.valid_parts
    ]
    if work.invalid_idx:
        parts.append(_without_number(work.invalid_idx, "invalid"))
    if work.missing_idx:
        parts.append(_without_number(work.missing_idx, "missing"))
    if work.fallback_idx:
        slow = frame.select("idx", "raw", "dc").join(
            pl.DataFrame({"idx": pl.concat(work.fallback_idx)}), on="idx", how="semi"
        )
        answers = _reference(slow.select("raw", "dc").unique())
        parts.append(slow.join(answers, on=["raw", "dc"], how="left", nulls_equal=True).select(*_OUT_SCHEMA))
    if not parts:
        return pl.DataFrame(schema={c: _OUT_SCHEMA[c] for c in PHONE_COLUMNS})
    out = pl.concat(parts).sort("idx")
    if out.height != frame.height:  # pragma: no cover - a bug, not an input problem
        raise AssertionError(f"vectorised phone normalisation settled {out.height} of {frame.height} rows")
    return out.drop("idx")


def phone_fallback_count(
    phones: pl.Series, default_country: pl.Series, *, min_group_rows: int = DEFAULT_MIN_GROUP_ROWS
) -> int:
    """How many rows the fast path hands to the reference normaliser (for benchmarks and tests)."""
    return _fast_path(_prepare(phones, default_country), min_group_rows).fallback_rows
