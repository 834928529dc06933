"""Vectorised email normalisation: the batch fast path of :func:`lawfulreach.domain.normalise.normalise_email`.

The reference (``email-validator`` with ``check_deliverability=False``, then lower case and ``+tag``
removed) costs ~23 µs a row; this module settles the common case with Polars string expressions and
calls the reference only for the rows it cannot settle with certainty, once per *distinct* value.

What the fast path settles, and why it is exact (``email_validator`` 2.x, ``syntax.py``):

* ``None`` or blank after stripping ``" \\t\\r\\n"`` → ``missing`` (the reference strips all Unicode
  whitespace; a value with any other whitespace at its ends fails the ASCII check below and falls back).
* A value made only of printable ASCII (inner spaces included) with no ``"`` and no ``<`` (so no
  quoted local part, no display name, and the first ``@`` is the split point; for ASCII text the NFC
  look-ahead of the splitter never changes a character):

  - no ``@`` → ``invalid`` ("An email address must have an @-sign");
  - local part not an ASCII dot-atom (``DOT_ATOM_TEXT``; the internationalised variant admits no other
    ASCII character) → ``invalid``;
  - domain containing ``xn--`` → **fallback** (IDNA decoding is the library's business);
  - otherwise the domain rules for an ASCII hostname, which after UTS-46 mapping is just lower-casing:
    labels of ``[a-z0-9-]`` not starting or ending with ``-``, no empty label, no label with ``--`` in
    positions 3–4 (RFC 5890 R-LDH), at most 63 characters a label and 253 in all, at least one dot, the
    last character a letter, not under a special-use name (``arpa invalid local localhost onion test``),
    and the whole address at most 254 characters. All satisfied → ``valid``, else ``invalid``.

* Everything else (non-ASCII, quotes, angle brackets, controls, tabs, Punycode) → fallback.

Every row first takes a cheaper pass (:func:`_tier_one`): one regex for ``dot-atom@host.name`` of at
most 64 characters without ``--`` and not under a special-use name settles the bulk of real addresses
as valid; only the rest go through the full classification above.

``tests/test_vector_normalise.py`` property-tests this against the reference row for row.
"""

from __future__ import annotations

import polars as pl

from lawfulreach.domain.normalise import normalise_email

__all__ = ["EMAIL_COLUMNS", "email_fallback_mask", "normalise_emails"]

EMAIL_COLUMNS = ("email_status", "email_key", "email_local", "email_domain")

# RFC 5322 atext (email_validator.rfc_constants.ATEXT), as a Rust-regex class.
_ATEXT = r"a-zA-Z0-9_!#$%&'*+\-/=?^`{|}~"
_DOT_ATOM = rf"^[{_ATEXT}]+(?:\.[{_ATEXT}]+)*$"
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_HOSTNAME = rf"^{_LABEL}(?:\.{_LABEL})*$"
# email_validator.SPECIAL_USE_DOMAIN_NAMES (test_environment=False, so "test" is rejected too).
_SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "test")
_SPECIAL_USE_RE = r"(?:^|\.)(?:" + "|".join(_SPECIAL_USE) + r")$"
# Tier one: the whole address in one regex (ASCII only, so lower-casing afterwards is ASCII too).
_ALNUM = "a-zA-Z0-9"
_QUICK_LABEL = rf"[{_ALNUM}](?:[{_ALNUM}-]*[{_ALNUM}])?"
_QUICK = rf"^[{_ATEXT}]+(?:\.[{_ATEXT}]+)*@(?:{_QUICK_LABEL}\.)+(?:[{_ALNUM}][{_ALNUM}-]*)?[a-zA-Z]$"
_QUICK_MAX_LENGTH = 64

_EMAIL_MAX_LENGTH = 254
_DOMAIN_MAX_LENGTH = 253
_STRIP = " \t\r\n"

_SCHEMA = {
    "email_status": pl.String,
    "email_key": pl.String,
    "email_local": pl.String,
    "email_domain": pl.String,
}


def _fast_frame(raw: pl.Series) -> pl.DataFrame:
    """Per row: ``fallback`` flag and the fast-path answer (meaningless where ``fallback``)."""
    text = pl.col("raw").str.strip_chars(_STRIP)
    frame = pl.DataFrame({"raw": raw}).with_columns(text.alias("t"))
    t = pl.col("t")
    missing = pl.col("raw").is_null() | (t.str.len_bytes() == 0)
    plain_ascii = t.str.contains(r"^[\x20-\x7e]+$") & ~t.str.contains(r"[\x22<]")
    frame = frame.with_columns(
        missing.alias("missing"),
        plain_ascii.fill_null(False).alias("plain"),
        t.str.contains("@", literal=True).fill_null(False).alias("has_at"),
        t.str.extract(r"^([^@]*)@", 1).alias("local"),
        t.str.extract(r"^[^@]*@(.*)$", 1).str.to_lowercase().alias("domain"),
    )
    local, domain = pl.col("local"), pl.col("domain")
    local_ok = local.str.contains(_DOT_ATOM)
    domain_ok = (
        domain.str.contains(_HOSTNAME)
        & domain.str.contains(".", literal=True)
        & domain.str.contains(r"[a-z]$")
        & ~domain.str.contains(r"[^.]{64}")
        & (domain.str.len_bytes() <= _DOMAIN_MAX_LENGTH)
        & ~domain.str.contains(r"(?:^|\.)[^.]{2}--")
        & ~domain.str.contains(_SPECIAL_USE_RE)
        & (t.str.len_bytes() <= _EMAIL_MAX_LENGTH)
    )
    punycode = domain.str.contains("xn--", literal=True)
    frame = frame.with_columns(
        (local_ok & domain_ok).fill_null(False).alias("ok"),
        local_ok.fill_null(False).alias("local_ok"),
        punycode.fill_null(False).alias("punycode"),
    )
    fallback = ~pl.col("missing") & (~pl.col("plain") | (pl.col("has_at") & pl.col("local_ok") & pl.col("punycode")))
    local_lower = local.str.to_lowercase()
    head = local_lower.str.extract(r"^([^+]*)", 1)
    stripped = pl.when(head.str.len_bytes() == 0).then(local_lower).otherwise(head)
    valid = ~pl.col("missing") & pl.col("plain") & pl.col("ok")
    return frame.select(
        fallback.alias("fallback"),
        pl.when(pl.col("missing"))
        .then(pl.lit("missing"))
        .when(valid)
        .then(pl.lit("valid"))
        .otherwise(pl.lit("invalid"))
        .alias("email_status"),
        pl.when(valid).then(stripped + pl.lit("@") + domain).alias("email_key"),
        pl.when(valid).then(stripped).alias("email_local"),
        pl.when(valid).then(domain).alias("email_domain"),
    )


def _tier_one(raw: pl.Series) -> pl.DataFrame:
    """The cheap pass every row takes: ``ok`` rows are certainly valid, with their normalised forms.

    ``ok`` = the stripped value is ``dot-atom@host.name`` in ASCII (TLD ending in a letter), at most 64
    characters (so no label or length limit can bite), without ``--`` (no Punycode, no R-LDH label)
    and not under a special-use name. Rows that are not ``ok`` go through :func:`_fast_frame`.
    """
    t = pl.col("raw").str.strip_chars(_STRIP)
    frame = pl.DataFrame({"raw": raw}).with_columns(t.alias("t"))
    t = pl.col("t")
    frame = frame.with_columns(
        (t.str.contains(_QUICK) & (t.str.len_bytes() <= _QUICK_MAX_LENGTH) & ~t.str.contains("--", literal=True))
        .fill_null(False)
        .alias("shape"),
        t.str.to_lowercase().alias("lower"),
    )
    lower = pl.col("lower")
    frame = frame.with_columns(
        (pl.col("shape") & ~lower.str.contains(_SPECIAL_USE_RE)).fill_null(False).alias("ok"),
        lower.str.find("@", literal=True).alias("at"),
        lower.str.find("+", literal=True).alias("plus"),
    )
    at, plus = pl.col("at"), pl.col("plus")
    tagged = plus.is_not_null() & (plus > 0) & (plus < at)
    local_end = pl.when(tagged).then(plus).otherwise(at)
    local = lower.str.head(local_end)
    domain = lower.str.slice(at + 1)
    return frame.select(
        pl.col("ok"),
        pl.when(pl.col("ok")).then(pl.lit("valid")).alias("email_status"),
        pl.when(tagged).then(pl.concat_str(local, pl.lit("@"), domain)).otherwise(lower).alias("email_key"),
        local.alias("email_local"),
        domain.alias("email_domain"),
    )


def _reference_frame(values: pl.Series) -> pl.DataFrame:
    rows: dict[str, list[str | None]] = {name: [] for name in ("raw", *EMAIL_COLUMNS)}
    for value in values.to_list():
        facts = normalise_email(value)
        rows["raw"].append(value)
        rows["email_status"].append(str(facts.status))
        rows["email_key"].append(facts.address)
        rows["email_local"].append(facts.local)
        rows["email_domain"].append(facts.domain)
    return pl.DataFrame(rows, schema={"raw": pl.String, **_SCHEMA})


def _settle(raw: pl.Series) -> pl.DataFrame:
    """The exact classification (:func:`_fast_frame`), with the reference for what it cannot settle."""
    fast = _fast_frame(raw)
    fallback = fast.get_column("fallback")
    out = fast.drop("fallback")
    if not fallback.any():
        return out
    idx = fallback.arg_true()
    slow_raw = raw.gather(idx)
    answers = _reference_frame(slow_raw.unique())
    slow = pl.DataFrame({"raw": slow_raw}).join(answers, on="raw", how="left", maintain_order="left")
    return pl.DataFrame([out.get_column(name).scatter(idx, slow.get_column(name)) for name in EMAIL_COLUMNS])


def email_fallback_mask(emails: pl.Series) -> pl.Series:
    """Which rows are handed to the reference normaliser (for benchmarks and tests)."""
    raw = emails.cast(pl.String).rename("raw")
    ok = _tier_one(raw).get_column("ok")
    mask = pl.repeat(False, len(raw), dtype=pl.Boolean, eager=True).rename("fallback")
    rest = (~ok).arg_true()
    if len(rest):
        mask = mask.scatter(rest, _fast_frame(raw.gather(rest)).get_column("fallback"))
    return mask


def normalise_emails(emails: pl.Series) -> pl.DataFrame:
    """Row-aligned ``email_status`` / ``email_key`` / ``email_local`` / ``email_domain`` for ``emails``.

    Identical, row for row, to :func:`~lawfulreach.domain.normalise.normalise_email`.
    """
    raw = emails.cast(pl.String).rename("raw")
    quick = _tier_one(raw)
    rest = (~quick.get_column("ok")).arg_true()
    out = quick.drop("ok")
    if len(rest) == 0:
        return out
    settled = _settle(raw.gather(rest))
    return pl.DataFrame([out.get_column(name).scatter(rest, settled.get_column(name)) for name in EMAIL_COLUMNS])
