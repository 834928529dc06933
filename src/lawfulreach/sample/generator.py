"""A deterministic, realistic synthetic prospect list: the sample data and the benchmark input.

``generate_prospects(n, seed)`` returns a Polars frame of ``n`` B2B prospects across the rule base's
countries, with the columns of :data:`COLUMNS` (all String; a missing value is null, written as an
empty CSV field). The same ``(n, seed)`` gives the same frame on every run and machine: all randomness
comes from one ``random.Random(seed)`` (Mersenne Twister, specified), turned into ``n`` 32-bit draws
per decision, and every value is a vectorised function of those draws and fixed pools
(:mod:`lawfulreach.sample.pools`). Nothing reads the clock; dates count back from
:data:`REFERENCE_DATE`. The phone pools depend on ``phonenumbers``' metadata (see ``phones``).

Shape of the data, by design (shares are of all rows unless said otherwise):

* country: the contact's real country, weighted (GB, DE, US, FR heaviest). The ``country`` column
  carries it for ~85% of rows (~94% of those as the ISO code, ~2% lower case, ~4% as a name such as
  ``Germany`` or ``UK``); otherwise it is null, so jurisdiction is inferred from phone or ccTLD.
  ``region`` is a US state (``US-CA`` …) on ~45% of US rows.
* company: ~79% with the country's legal form, ~15% none (``Müller Consulting``), ~4% partnerships
  (``Smith & Partners``), ~2% public bodies; ~3% of rows leave the company blank.
* email: ~70% personal (``first.last@``, ``flast@``, ``+tags``, mixed case), ~25% role (``info@`` …;
  ~40% of those rows have no name), ~3% missing, ~2% malformed. Domains come from the company's
  name, mostly on the country's ccTLD, some ``.com``/``.io``.
* phone: ~78% valid (mobile ~55%, landline ~45%; national, international, ``00`` and E.164 formats),
  ~2% invalid strings, ~20% missing.
* source ``first_party`` ~30%, else ``third_party``. Relationship and consent columns are filled for
  first-party rows only (null for third-party): see :func:`_first_party`.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa  # no stubs; a declared dependency

from lawfulreach.errors import InputError
from lawfulreach.sample.phones import INVALID_PHONES
from lawfulreach.sample.pools import PHONE_KINDS, Pools, build_pools

__all__ = [
    "CAMPAIGN_LEGAL_ENTITY",
    "COLUMNS",
    "REFERENCE_DATE",
    "generate_prospects",
    "sample_countries",
    "write_prospects",
    "write_prospects_csv",
]

COLUMNS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "job_title",
    "country",
    "region",
    "source",
    "subscriber_type",
    "phone_type",
    "in_public_directory",
    "relationship_kind",
    "relationship_legal_entity",
    "relationship_products",
    "opt_out_offered",
    "last_interaction",
    "consent_status",
    "consent_channel",
    "consent_method",
)

#: ``last_interaction`` dates fall within the three years before this day (never ``date.today()``).
REFERENCE_DATE = date(2026, 11, 1)
#: The bundled campaign's legal entity; most first-party relationships are with it.
CAMPAIGN_LEGAL_ENTITY = "Northwind Analytics Ltd"
MAX_ROWS = 50_000_000

_US_REGIONS = (("US-CA", 30), ("US-NY", 20), ("US-TX", 15), ("US-FL", 10), ("US-WA", 8), ("US-IL", 8), ("US-MA", 9))
_TAGS = ("news", "crm", "b2b", "leads", "2026", "events")
_ENTITIES = (
    (CAMPAIGN_LEGAL_ENTITY, 85),
    ("Northwind Analytics GmbH", 6),
    ("Northwind Data Services B.V.", 5),
    ("northwind analytics ltd", 4),
)
_PRODUCTS = (
    ("analytics software", 30),
    ("data consulting", 20),
    ("analytics software;data consulting", 20),
    ("training", 10),
    ("hardware resale", 8),
    ("analytics software;training", 7),
    ("office furniture", 5),
)
_SUBSCRIBER_PLAIN = (("sole_trader", 60), ("individual", 40))


def sample_countries() -> tuple[str, ...]:
    """The rule base's countries, sorted (read at run time, so the sample follows the rule data)."""
    from lawfulreach.rules import default_rulebase

    return tuple(sorted(default_rulebase().countries))


class _Draws:
    """``n`` independent 32-bit draws per call, all from one seeded Mersenne Twister."""

    def __init__(self, seed: int, n: int) -> None:
        self._rng = random.Random(seed)
        self.n = n

    def u32(self) -> pl.Series:
        # getrandbits is specified and portable; native byte order makes each 4-byte word one
        # 32-bit slice of it on any machine.
        raw = self._rng.getrandbits(32 * self.n).to_bytes(4 * self.n, sys.byteorder) if self.n else b""
        series = pl.from_arrow(pa.Array.from_buffers(pa.uint32(), self.n, [None, pa.py_buffer(raw)]))
        assert isinstance(series, pl.Series)
        return series

    def choice(self, weights: Sequence[float]) -> pl.Series:
        """Index into ``weights`` per row (UInt32), drawn with those relative weights."""
        total = float(sum(weights))
        cumulative, acc = [], 0.0
        for w in weights[:-1]:
            acc += w
            cumulative.append(int(acc / total * 2**32))
        thresholds = pl.Series(cumulative, dtype=pl.UInt64)
        return thresholds.search_sorted(self.u32().cast(pl.UInt64), side="right").cast(pl.UInt32)

    def chance(self, p: float) -> pl.Series:
        """True with probability ``p`` per row."""
        return self.u32().cast(pl.UInt64) < int(p * 2**32)


def _label(draws: _Draws, options: Sequence[tuple[str, int]]) -> pl.Series:
    return pl.Series([o for o, _ in options], dtype=pl.String).gather(draws.choice([w for _, w in options]))


def _fill(layout: str, digits: pl.Expr) -> pl.Expr:
    """Vectorised :func:`~lawfulreach.sample.phones.fill_layout`: ``digits`` holds the last 4 digits."""
    free = layout.count("#")
    parts: list[pl.Expr] = []
    used = 0
    i = 0
    while i < len(layout):
        j = i
        if layout[i] == "#":
            while j < len(layout) and layout[j] == "#":
                j += 1
            parts.append(digits.str.slice(4 - free + used, j - i))
            used += j - i
        else:
            while j < len(layout) and layout[j] != "#":
                j += 1
            parts.append(pl.lit(layout[i:j]))
        i = j
    return pl.concat_str(parts)


def _by_layout(layouts: tuple[str, ...], column: str, digits: pl.Expr) -> pl.Expr:
    expr: pl.Expr = pl.lit(None, dtype=pl.String)
    for idx in reversed(range(len(layouts))):
        expr = pl.when(pl.col(column) == idx).then(_fill(layouts[idx], digits)).otherwise(expr)
    return expr


def _phones(d: _Draws, pools: Pools, ci: pl.Series) -> pl.DataFrame:
    """phone, phone_kind (mobile/landline/None), phone_valid (bool)."""
    status = d.choice([78, 2, 20])  # valid, invalid, missing
    kind = d.choice([55, 45]).cast(pl.UInt32)  # index into PHONE_KINDS
    rows = pools.phones.take(ci * len(PHONE_KINDS) + kind, d.u32())
    fmt = d.choice([50, 35, 8, 7])  # national, international, 00-international, E.164
    digits = (d.u32() % 10_000).cast(pl.String).str.zfill(4)
    invalid = pl.Series(INVALID_PHONES, dtype=pl.String).gather(d.u32() % len(INVALID_PHONES))
    frame = rows.with_columns(
        _digits=digits,
        _fmt=fmt,
        _status=status,
        _invalid=invalid,
        _kind=pl.Series(PHONE_KINDS, dtype=pl.String).gather(kind),
    )
    free_digits = pl.col("_digits").str.slice(pl.lit(4, dtype=pl.Int64) - pl.col("free").cast(pl.Int64))
    national = pl.concat_str(pl.col("national_head"), _by_layout(pools.layouts, "national_layout", pl.col("_digits")))
    international = pl.concat_str(
        pl.col("international_head"), _by_layout(pools.layouts, "international_layout", pl.col("_digits"))
    )
    valid = (
        pl.when(pl.col("_fmt") == 0)
        .then(national)
        .when(pl.col("_fmt") == 1)
        .then(international)
        .when(pl.col("_fmt") == 2)
        .then(pl.concat_str(pl.lit("00"), international.str.slice(1)))
        .otherwise(pl.concat_str(pl.col("e164_head"), free_digits))
    )
    return frame.select(
        pl.when(pl.col("_status") == 0)
        .then(valid)
        .when(pl.col("_status") == 1)
        .then(pl.col("_invalid"))
        .otherwise(None)
        .alias("phone"),
        pl.when(pl.col("_status") == 0).then(pl.col("_kind")).otherwise(None).alias("phone_kind"),
    )


def _emails(d: _Draws, names: pl.DataFrame, companies: pl.DataFrame, roles: pl.DataFrame) -> pl.DataFrame:
    """email and email_kind (personal/role/missing/malformed)."""
    kind = pl.Series(["personal", "role", "missing", "malformed"], dtype=pl.String).gather(d.choice([70, 25, 3, 2]))
    pattern = d.choice([40, 12, 10, 8, 5, 5, 3, 7, 10])
    broken = d.choice([1, 1, 1, 1, 1])
    tag = pl.Series(_TAGS, dtype=pl.String).gather(d.u32() % len(_TAGS))
    frame = pl.DataFrame(
        [
            names["first_slug"].alias("fs"),
            names["last_slug"].alias("ls"),
            names["first_cap"].alias("fc"),
            names["last_cap"].alias("lc"),
            companies["domain"].alias("dom"),
            companies["domain_label"].alias("lab"),
            roles["role"].alias("role"),
            kind.alias("kind"),
            pattern.alias("p"),
            broken.alias("b"),
            tag.alias("tag"),
        ]
    )
    fs, ls, dom = pl.col("fs"), pl.col("ls"), pl.col("dom")
    initial = fs.str.slice(0, 1)
    locals_ = [
        pl.concat_str(fs, pl.lit("."), ls),
        pl.concat_str(initial, ls),
        pl.concat_str(initial, pl.lit("."), ls),
        fs,
        pl.concat_str(fs, pl.lit("_"), ls),
        pl.concat_str(fs, ls),
        pl.concat_str(ls, pl.lit("."), fs),
        pl.concat_str(fs, pl.lit("."), ls, pl.lit("+"), pl.col("tag")),
        pl.concat_str(pl.col("fc"), pl.lit("."), pl.col("lc")),
    ]
    local: pl.Expr = locals_[-1]
    for idx in reversed(range(len(locals_) - 1)):
        local = pl.when(pl.col("p") == idx).then(locals_[idx]).otherwise(local)
    malformed = (
        pl.when(pl.col("b") == 0)
        .then(pl.concat_str(fs, pl.lit("."), ls, pl.lit("@")))
        .when(pl.col("b") == 1)
        .then(pl.concat_str(fs, pl.lit("@@"), dom))
        .when(pl.col("b") == 2)
        .then(pl.concat_str(fs, pl.lit("."), ls, pl.lit("."), dom))
        .when(pl.col("b") == 3)
        .then(pl.concat_str(fs, pl.lit(" "), ls, pl.lit("@"), dom))
        .otherwise(pl.concat_str(fs, pl.lit("."), ls, pl.lit("@"), pl.col("lab")))
    )
    return frame.select(
        pl.when(pl.col("kind") == "personal")
        .then(pl.concat_str(local, pl.lit("@"), dom))
        .when(pl.col("kind") == "role")
        .then(pl.concat_str(pl.col("role"), pl.lit("@"), dom))
        .when(pl.col("kind") == "malformed")
        .then(malformed)
        .otherwise(None)
        .alias("email"),
        pl.col("kind").alias("email_kind"),
    )


def _first_party(d: _Draws, n: int) -> pl.DataFrame:
    """Relationship and consent columns as a first-party CRM export would hold them.

    relationship_kind customer ~45% / negotiation ~20% / none ~35% (written ``none``); for customers and
    negotiations: legal entity (~85% the campaign's, some variants in case or entity), products
    (``;``-separated), opt_out_offered (~80% ``true``), last_interaction (uniform over the three years
    before :data:`REFERENCE_DATE`). consent_status none ~60% / given ~22% / confirmed ~12% /
    withdrawn ~6%; with a status other than none, consent_channel (email/sms/call) and consent_method
    (confirmed: ``double_opt_in_email`` for email, else ``web_form``; otherwise web_form,
    unticked_checkbox, pre_ticked ~10%).
    """
    rel = _label(d, (("customer", 45), ("negotiation", 20), ("none", 35)))
    entity = _label(d, _ENTITIES)
    products = _label(d, _PRODUCTS)
    opt_out = _label(d, (("true", 80), ("false", 20)))
    days = (d.u32() % (3 * 365 + 1)).cast(pl.Int32)
    ref = (REFERENCE_DATE - date(1970, 1, 1)).days
    last = (
        (pl.Series([ref] * n, dtype=pl.Int32) - days).cast(pl.Date).dt.to_string("%Y-%m-%d")
        if n
        else (pl.Series([], dtype=pl.String))
    )
    status = _label(d, (("none", 60), ("given", 22), ("confirmed", 12), ("withdrawn", 6)))
    channel = _label(d, (("email", 60), ("sms", 15), ("call", 25)))
    method = _label(d, (("web_form", 55), ("unticked_checkbox", 35), ("pre_ticked", 10)))
    frame = pl.DataFrame(
        [
            rel.alias("rk"),
            entity.alias("le"),
            products.alias("pr"),
            opt_out.alias("oo"),
            last.alias("li"),
            status.alias("cs"),
            channel.alias("cc"),
            method.alias("cm"),
        ]
    )
    has_rel = pl.col("rk") != "none"
    has_consent = pl.col("cs") != "none"
    confirmed_method = (
        pl.when(pl.col("cc") == "email").then(pl.lit("double_opt_in_email")).otherwise(pl.lit("web_form"))
    )
    return frame.select(
        pl.col("rk").alias("relationship_kind"),
        pl.when(has_rel).then(pl.col("le")).alias("relationship_legal_entity"),
        pl.when(has_rel).then(pl.col("pr")).alias("relationship_products"),
        pl.when(has_rel).then(pl.col("oo")).alias("opt_out_offered"),
        pl.when(has_rel).then(pl.col("li")).alias("last_interaction"),
        pl.col("cs").alias("consent_status"),
        pl.when(has_consent).then(pl.col("cc")).alias("consent_channel"),
        pl.when(pl.col("cs") == "confirmed")
        .then(confirmed_method)
        .when(has_consent)
        .then(pl.col("cm"))
        .alias("consent_method"),
    )


def generate_prospects(n: int, seed: int = 0) -> pl.DataFrame:
    """``n`` synthetic B2B prospects; the same ``(n, seed)`` always gives the same frame.

    Columns: :data:`COLUMNS`, all String, null where a value is missing. See the module docstring
    for the designed shares.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise InputError(f"the number of prospects must be a whole number ≥ 0, got {n!r}")
    if n > MAX_ROWS:
        raise InputError(f"at most {MAX_ROWS:,} prospects can be generated at once, got {n:,}")
    pools = build_pools(sample_countries())
    d = _Draws(seed, n)
    ci = d.choice(pools.weights)
    codes = pl.Series(pools.countries, dtype=pl.String).gather(ci)

    names = pools.names.take(ci, d.u32())
    companies = pools.companies.take(ci, d.u32())
    titles = pools.titles.take(ci, d.u32())
    roles = pools.roles.take(ci, d.u32())
    country_names = pools.country_names.take(ci, d.u32())
    emails = _emails(d, names, companies, roles)
    phones = _phones(d, pools, ci)

    base = pl.DataFrame(
        [
            codes.alias("code"),
            names["first"].alias("first"),
            names["last"].alias("last"),
            companies["company"].alias("company"),
            companies["company_kind"].alias("company_kind"),
            titles["job_title"].alias("title"),
            country_names["country_name"].alias("country_name"),
            emails["email"],
            emails["email_kind"],
            phones["phone"],
            phones["phone_kind"],
            d.chance(0.4).alias("role_without_name"),
            d.chance(0.03).alias("no_company"),
            d.chance(0.08).alias("no_title"),
            d.chance(0.85).alias("has_country"),
            d.choice([94, 2, 4]).alias("country_form"),
            d.chance(0.45).alias("has_region"),
            _label(d, _US_REGIONS).alias("us_region"),
            d.chance(0.30).alias("first_party"),
            (d.u32().cast(pl.UInt64) < int(0.10 * 2**32)).alias("explicit_sub"),
            (d.u32().cast(pl.UInt64) < int(0.60 * 2**32)).alias("explicit_gov"),
            _label(d, _SUBSCRIBER_PLAIN).alias("plain_sub"),
            d.chance(0.12).alias("explicit_phone_type"),
            d.chance(0.4).alias("cz_directory"),
        ]
    )
    first_party = _first_party(d, n)

    nameless = (pl.col("email_kind") == "role") & pl.col("role_without_name")
    kind = pl.col("company_kind")
    subscriber = (
        pl.when((kind == "government") & pl.col("explicit_gov"))
        .then(pl.lit("government"))
        .when(~pl.col("explicit_sub") | (kind == "government"))
        .then(None)
        .when(kind == "form")
        .then(pl.lit("corporate"))
        .when(kind == "partnership")
        .then(pl.lit("partnership"))
        .otherwise(pl.col("plain_sub"))
    )
    country = (
        pl.when(~pl.col("has_country"))
        .then(None)
        .when(pl.col("country_form") == 0)
        .then(pl.col("code"))
        .when(pl.col("country_form") == 1)
        .then(pl.col("code").str.to_lowercase())
        .otherwise(pl.col("country_name"))
    )
    fp = pl.col("first_party")
    out = pl.concat([base, first_party], how="horizontal").select(
        pl.when(nameless).then(None).otherwise(pl.col("first")).alias("first_name"),
        pl.when(nameless).then(None).otherwise(pl.col("last")).alias("last_name"),
        pl.col("email"),
        pl.col("phone"),
        pl.when(pl.col("no_company")).then(None).otherwise(pl.col("company")).alias("company"),
        pl.when(pl.col("no_title")).then(None).otherwise(pl.col("title")).alias("job_title"),
        country.alias("country"),
        pl.when((pl.col("code") == "US") & pl.col("has_region")).then(pl.col("us_region")).alias("region"),
        pl.when(fp).then(pl.lit("first_party")).otherwise(pl.lit("third_party")).alias("source"),
        subscriber.alias("subscriber_type"),
        pl.when(pl.col("explicit_phone_type")).then(pl.col("phone_kind")).alias("phone_type"),
        pl.when((pl.col("code") == "CZ") & pl.col("cz_directory")).then(pl.lit("true")).alias("in_public_directory"),
        *(pl.when(fp).then(pl.col(c)).alias(c) for c in COLUMNS[12:]),
    )
    return out.cast(dict.fromkeys(COLUMNS, pl.String))


def write_prospects(frame: pl.DataFrame, path: Path) -> None:
    """Write a prospect frame as Parquet when ``path`` ends in ``.parquet``, else as CSV (UTF-8)."""
    try:
        if path.suffix.lower() == ".parquet":
            frame.write_parquet(path)
        else:
            frame.write_csv(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write file: {exc.strerror or exc}") from None


def write_prospects_csv(path: Path | str, n: int, seed: int = 0) -> pl.DataFrame:
    """Generate ``n`` prospects with ``seed`` and write them to ``path`` (CSV); returns the frame."""
    frame = generate_prospects(n, seed)
    write_prospects(frame, Path(path))
    return frame
