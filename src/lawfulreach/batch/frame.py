"""The batch path: a frame of contacts in, a frame of decisions out (spec §4, issue 2 §4).

Facts are extracted column-wise; the engine (``domain.engine.decide``) runs once per *distinct* fact
tuple; the decisions are joined back. No rule is re-implemented here: where a fact needs a domain
function that has no vector form (``dnc_register_facts``, country names, ``cctld_country``), it is
applied to the distinct values only and mapped back; ``relationship_recent`` is one expression, held
to the scalar function by ``tests/test_relationship_vector.py``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from lawfulreach.batch.columns import FLAG_FIELDS, PHONE_FIELDS, conform
from lawfulreach.batch.phones import choose_phone_columns, explicit_type, pick
from lawfulreach.batch.places import read_places
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.batch.vector_email import normalise_emails
from lawfulreach.batch.vector_phone import normalise_phones
from lawfulreach.domain.engine import decide
from lawfulreach.domain.extract import (
    LEGAL_FORM_PATTERN,
    PARTNERSHIP_PATTERN,
    ROLE_PATTERN,
    cctld_country,
    consent_covers,
)
from lawfulreach.domain.facts import FACT_FIELDS, Facts
from lawfulreach.domain.lia import status_note
from lawfulreach.domain.model import Campaign, Decision
from lawfulreach.domain.relevance import DEFAULTS, irrelevant, only_in
from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.domain.state import dnc_register_facts, parent_domains
from lawfulreach.domain.vocabulary import (
    AddressKind,
    AddressStatus,
    Channel,
    ConsentStatus,
    PhoneType,
    RelationshipKind,
    Source,
    SubscriberPolicy,
    SubscriberType,
)

_TRUE = ["true", "yes", "1", "y"]
_RANK = {"confirmed": 3, "given": 2, "withdrawn": 1}

#: Fact columns that vary per row (the rest are constant for a run and added when building Facts).
ROW_FACTS: tuple[str, ...] = (
    "source",
    "jurisdiction",
    "region",
    "email_status",
    "phone_status",
    "address_kind",
    "has_name",
    "subscriber_type",
    "phone_type",
    "in_public_directory",
    "consent_status",
    "consent_channel_ok",
    "consent_purpose_ok",
    "consent_pre_ticked",
    "relationship",
    "same_legal_entity",
    "products_overlap",
    "opt_out_offered",
    "relationship_recent",
    "has_last_interaction",
    "erased",
    "suppressed_email",
    "suppressed_domain",
    "suppressed_phone",
    "opted_out",
    "dnc_listed",
    "dnc_missing",
    "dnc_stale",
)


def _map_distinct(
    col: pl.Expr | str, fn: Callable[[str], object], dtype: pl.DataType, frame: pl.DataFrame
) -> pl.Series:
    """Apply a scalar domain function to the distinct non-null values of a column only."""
    series = frame.select(col).to_series() if isinstance(col, pl.Expr) else frame[col]
    uniques = series.drop_nulls().unique().to_list()
    mapping = {u: fn(u) for u in uniques}
    return (
        series.replace_strict(mapping, default=None, return_dtype=dtype)
        if mapping
        else pl.Series(series.name, [None] * len(series), dtype=dtype)
    )


def _norm_text(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def contact_facts(
    contacts: pl.DataFrame,
    snapshot: BatchSnapshot,
    campaign: Campaign,
    today: date,
    rulebase: RuleBase,
    default_source: Source = Source.THIRD_PARTY,
    *,
    conformed: bool = False,
) -> pl.DataFrame:
    """Normalise and enrich every contact row once; the per-channel step reuses it.

    ``today`` is kept for callers; the relationship window is measured per channel (its length
    depends on the jurisdiction and channel) from the ``now`` given to ``decide_channel``.

    ``conformed``: the frame already has every canonical column as trimmed text with blanks as nulls
    (what ``read_prospects`` returns), so ``conform`` need not run again."""
    df = contacts if conformed else conform(contacts)
    # Countries and regions through the one normaliser ``check`` uses (``domain.places``); rows whose
    # values it cannot read were rejected by the reader, so a null here means "not given".
    df = pl.concat([df, read_places(df).drop("_place_error")], how="horizontal")
    df = df.with_columns(pl.coalesce("_country", pl.col("_region").str.slice(0, 2)).alias("_country"))
    emails = normalise_emails(df["email"])
    df = pl.concat([df, emails], how="horizontal")
    df = df.with_columns(
        _map_distinct("email_domain", lambda v: cctld_country(v), pl.String(), df).alias("_email_country")
    )
    # Every phone column, normalised once each; the number a channel decides on is chosen later
    # (``batch.phones``). A single-phone list normalises one column, as before.
    fields = [f for f in PHONE_FIELDS if f in df.columns and df[f].null_count() < df.height] or ["phone"]
    df = df.with_columns(
        pl.when(pl.col("phone_type").is_in(["mobile", "landline"]))
        .then(pl.col("phone_type"))
        .otherwise(pl.lit(PhoneType.UNKNOWN.value))
        .alias("_given_phone_type")
    )
    default_country = df.select(pl.coalesce("_country", "_email_country")).to_series()
    for f in fields:
        given = pl.lit(explicit_type(f, None)) if f != "phone" else pl.col("phone_type")
        norm = normalise_phones(df[f], default_country).select(
            pl.col("phone_status"),
            pl.col("phone_e164"),
            # Same rule as domain.extract.phone_country: non-geographic numbers (region "001") give no country.
            pl.when(pl.col("phone_country").str.contains("^[A-Z]{2}$"))
            .then(pl.col("phone_country"))
            .alias("phone_country"),
            pl.col("phone_type").alias("_inferred"),
        )
        df = pl.concat([df, norm.rename({c: f"_ph.{f}.{c}" for c in norm.columns})], how="horizontal").with_columns(
            pl.when(given.is_in(["mobile", "landline"]))
            .then(given)
            .otherwise(pl.col(f"_ph.{f}._inferred").fill_null(PhoneType.UNKNOWN.value))
            .alias(f"_ph.{f}.phone_type"),
            pl.col(f).alias(f"_ph.{f}.raw"),
        )

    # Contact-level facts (same patterns as domain.extract).
    explicit_sub = pl.col("subscriber_type").fill_null("unknown")
    company = pl.col("company").fill_null("")
    name = pl.coalesce(
        pl.col("name"),
        pl.concat_str([pl.col("first_name"), pl.col("last_name")], separator=" ", ignore_nulls=True),
    )
    df = df.with_columns(
        pl.when(pl.col("email_local").is_null())
        .then(None)
        .when(pl.col("email_local").str.contains(ROLE_PATTERN))
        .then(pl.lit(AddressKind.GENERIC.value))
        .otherwise(pl.lit(AddressKind.PERSONAL.value))
        .alias("address_kind"),
        (name.fill_null("").str.strip_chars().str.len_chars() > 0).alias("has_name"),
        pl.when(explicit_sub != "unknown")
        .then(explicit_sub)
        .when(company.str.strip_chars().str.contains(LEGAL_FORM_PATTERN))
        .then(pl.lit(SubscriberType.CORPORATE.value))
        .when(company.str.contains(PARTNERSHIP_PATTERN))
        .then(pl.lit(SubscriberType.PARTNERSHIP.value))
        .otherwise(pl.lit(SubscriberType.UNKNOWN.value))
        .alias("subscriber_type"),
        pl.col("in_public_directory").fill_null("false").is_in(_TRUE).alias("in_public_directory"),
        pl.col("source").fill_null(default_source.value).alias("source"),
    )

    # Relationship, compared with the campaign.
    entity = (campaign.legal_entity or "").strip()
    products = sorted({p.strip().lower() for p in campaign.products if p.strip()})
    kind = pl.col("relationship_kind").fill_null(RelationshipKind.NONE.value)
    df = df.with_columns(
        kind.alias("relationship"),
        (
            (pl.lit(bool(entity)))
            & (_norm_text(pl.col("relationship_legal_entity").fill_null("")) == " ".join(entity.lower().split()))
        ).alias("same_legal_entity"),
        pl.col("relationship_products")
        .fill_null("")
        .str.to_lowercase()
        .str.split(";")
        .list.eval(pl.element().str.strip_chars().is_in(products))
        .list.any()
        .fill_null(False)
        .alias("products_overlap"),
        pl.col("opt_out_offered").fill_null("false").is_in(_TRUE).alias("opt_out_offered"),
        pl.col("last_interaction").is_not_null().alias("has_last_interaction"),
    )

    # Tenant state, joined (spec §2: always consulted). Person keys in the snapshot are blind indexes.
    df = df.with_columns(_blind_index(df["email_key"], snapshot).alias("_email_index"))
    df = df.with_columns(
        pl.col("_email_index").is_in(snapshot.suppressed_emails.implode()).fill_null(False).alias("suppressed_email"),
    )
    if snapshot.suppressed_domains.len():
        listed = set(snapshot.suppressed_domains.to_list())
        df = df.with_columns(
            _map_distinct("email_domain", lambda v: any(d in listed for d in parent_domains(v)), pl.Boolean(), df)
            .fill_null(False)
            .alias("suppressed_domain")
        )
    else:
        df = df.with_columns(pl.lit(False).alias("suppressed_domain"))
    df = df.with_columns(
        pl.col("_email_index").is_in(snapshot.erased_hashes.implode()).fill_null(False).alias("_email_erased")
    )
    return with_phone(df, Channel.CALL, snapshot)


def phone_fields(df: pl.DataFrame) -> list[str]:
    """The phone fields ``contact_facts`` normalised, in ``PHONE_FIELDS`` order."""
    return [f for f in PHONE_FIELDS if f"_ph.{f}.phone_status" in df.columns]


def with_phone(df: pl.DataFrame, channel: Channel, snapshot: BatchSnapshot) -> pl.DataFrame:
    """The phone facts of the number ``channel`` decides on (``batch.phones``): ``phone_status``,
    ``phone_e164``, ``phone_country``, ``phone_type``, ``_phone_raw`` (as written, for the output),
    its blind index, suppression and erasure."""
    fields = phone_fields(df)
    chosen = choose_phone_columns(df, fields, channel)
    df = df.with_columns(chosen.alias("_phone_field"))
    picked = pl.col("_phone_field")
    df = df.with_columns(
        pick(fields, picked, "phone_status").fill_null("missing").alias("phone_status"),
        pick(fields, picked, "phone_e164").alias("phone_e164"),
        pick(fields, picked, "phone_country").alias("phone_country"),
        # No number at all: the row's own phone_type column still stands, as for a single check.
        pick(fields, picked, "phone_type").fill_null(pl.col("_given_phone_type")).alias("phone_type"),
        pick(fields, picked, "raw").alias("_phone_raw"),
    )
    df = df.with_columns(_blind_index(df["phone_e164"], snapshot).alias("_phone_index"))
    erased = snapshot.erased_hashes.implode()
    return df.with_columns(
        pl.col("_phone_index").is_in(snapshot.suppressed_phones.implode()).fill_null(False).alias("suppressed_phone"),
        (pl.col("_email_erased") | pl.col("_phone_index").is_in(erased).fill_null(False)).alias("erased"),
    )


def _blind_index(keys: pl.Series, snapshot: BatchSnapshot) -> pl.Series:
    """The blind index of each normalised key (``BatchSnapshot.index_of``), computed for distinct
    values only and only when some person-keyed state exists; null otherwise."""
    if not snapshot.needs_index():
        return pl.Series(keys.name, [None] * len(keys), dtype=pl.String)
    uniques = keys.drop_nulls().unique().to_list()
    table = dict(zip(uniques, snapshot.index_of(uniques), strict=True))
    if not table:
        return pl.Series(keys.name, [None] * len(keys), dtype=pl.String)
    return keys.replace_strict(table, default=None, return_dtype=pl.String)


def _relationship_recent(df: pl.DataFrame, channel: Channel, rulebase: RuleBase, today: date) -> pl.DataFrame:
    """``relationship_recent``: the last interaction inside the window the overlays set for the row's
    jurisdiction and this channel — ``domain.extract.relationship_recent`` written as one expression
    (the same month arithmetic, ``_months_between``), so no join of a million rows back onto distinct
    triples (~0.2 s a channel). A date that does not parse is never recent: the stricter reading
    (``read_prospects`` refuses such a row before this point anyway)."""
    overlays = rulebase.overlays
    countries = sorted(overlays.window_countries(channel))
    kind = pl.col("relationship_kind").fill_null(RelationshipKind.NONE.value)
    if not countries:  # no window for this channel anywhere: never recent (as the scalar form says)
        return df.with_columns(pl.lit(False).alias("relationship_recent"))
    last = pl.col("last_interaction").str.to_date("%Y-%m-%d", strict=False)
    months = (
        (today.year - last.dt.year().cast(pl.Int32)) * 12
        + (today.month - last.dt.month().cast(pl.Int32))
        + (today.day - last.dt.day().cast(pl.Int32)) / 31
    )
    customer = kind == RelationshipKind.CUSTOMER.value
    limit: pl.Expr = pl.lit(None, dtype=pl.Int64)
    for country in reversed(countries):
        window = overlays.window(country, channel)
        assert window is not None  # window_countries lists only countries that have one
        limit = (
            pl.when(pl.col("jurisdiction") == country)
            .then(pl.when(customer).then(window.customer_months).otherwise(window.negotiation_months))
            .otherwise(limit)
        )
    recent = (kind != RelationshipKind.NONE.value) & (months >= 0) & (months <= limit)
    return df.with_columns(recent.fill_null(False).alias("relationship_recent"))


def _channel_facts(
    df: pl.DataFrame,
    channel: Channel,
    snapshot: BatchSnapshot,
    campaign: Campaign,
    rulebase: RuleBase,
    now: datetime,
) -> pl.DataFrame:
    phone_first = channel.uses_phone
    jurisdiction = (
        pl.coalesce("_country", "phone_country", "_email_country")
        if phone_first
        else pl.coalesce("_country", "_email_country", "phone_country")
    )
    df = df.with_columns(jurisdiction.alias("jurisdiction"))
    df = df.with_columns(
        pl.when(pl.col("_region").str.slice(0, 2) == pl.col("jurisdiction")).then(pl.col("_region")).alias("region")
    )
    df = _relationship_recent(df, channel, rulebase, now.date())

    # Opt-outs for this channel or all (spec §5), by email or by phone.
    # A withdrawn consent in the ledger acts as an opt-out for its channel, whatever the purpose.
    opted = (
        pl.concat(
            [
                snapshot.opt_outs.filter(pl.col("channel").is_in([channel.value, "all"]))["key"],
                snapshot.consents.filter(
                    (pl.col("channel") == channel.value) & (pl.col("status") == ConsentStatus.WITHDRAWN.value)
                )["key"],
            ]
        )
        .unique()
        .implode()
    )
    # The list's own do-not-contact columns are opt-outs for their channels (spec §6).
    flags = [pl.col(f) for f, chans in FLAG_FIELDS.items() if channel in chans and f in df.columns]
    listed = (
        pl.concat_str(flags, separator="; ", ignore_nulls=True).replace("", None) if flags else pl.lit(None, pl.String)
    )
    df = df.with_columns(listed.alias("_opted_out_by"))
    df = df.with_columns(
        (
            pl.col("_email_index").is_in(opted).fill_null(False)
            | pl.col("_phone_index").is_in(opted).fill_null(False)
            | pl.col("_opted_out_by").is_not_null()
        ).alias("opted_out")
    )

    # Consent: inline columns win over the ledger (spec §2).
    purposes = list(campaign.consent_purposes)
    ledger = (
        snapshot.consents.filter((pl.col("channel") == channel.value) & pl.col("purpose").is_in(purposes))
        .with_columns(
            (
                pl.col("status").replace_strict(_RANK, default=0, return_dtype=pl.Int64)
                - pl.when(_pre_ticked(pl.col("method"))).then(2).otherwise(0)
            ).alias("_rank")
        )
        .sort("_rank", descending=True)
        .unique("key", keep="first")
        .select("key", pl.col("status").alias("_l_status"), pl.col("method").alias("_l_method"), "_rank")
    )
    for key_col, suffix in (("_email_index", "_e"), ("_phone_index", "_p")):
        df = df.join(
            ledger.rename(
                {
                    "_l_status": f"_l_status{suffix}",
                    "_l_method": f"_l_method{suffix}",
                    "_rank": f"_rank{suffix}",
                }
            ),
            left_on=key_col,
            right_on="key",
            how="left",
            maintain_order="left",
        )
    use_phone = pl.col("_rank_p").fill_null(-99) > pl.col("_rank_e").fill_null(-99)
    l_status = pl.when(use_phone).then(pl.col("_l_status_p")).otherwise(pl.col("_l_status_e"))
    l_method = pl.when(use_phone).then(pl.col("_l_method_p")).otherwise(pl.col("_l_method_e"))
    inline = pl.col("consent_status").is_not_null() & (pl.col("consent_status") != ConsentStatus.NONE.value)
    has_ledger = l_status.is_not_null()
    df = df.with_columns(
        pl.when(inline)
        .then(pl.col("consent_status"))
        .when(has_ledger)
        .then(l_status)
        .otherwise(pl.lit(ConsentStatus.NONE.value))
        .alias("consent_status"),
        pl.when(inline)
        .then(
            _map_distinct(
                pl.col("consent_channel").fill_null(""),
                lambda v: consent_covers(Channel(v) if v else None, channel),
                pl.Boolean(),
                df,
            )
        )
        .otherwise(has_ledger)
        .alias("consent_channel_ok"),
        pl.when(inline)
        .then(pl.col("consent_purpose").is_null() | pl.col("consent_purpose").is_in(purposes))
        .otherwise(has_ledger)
        .alias("consent_purpose_ok"),
        pl.when(inline)
        .then(_pre_ticked(pl.col("consent_method")))
        .when(has_ledger)
        .then(_pre_ticked(l_method))
        .otherwise(False)
        .alias("consent_pre_ticked"),
    )

    # Do-not-call registers (live calls only, spec §5).
    if channel is Channel.CALL:
        countries = df["jurisdiction"].drop_nulls().unique().to_list()
        per_country = {
            c: dnc_register_facts(c, [r for r in snapshot.registers if r.country == c], rulebase.overlays, now)
            for c in countries
        }
        df = df.with_columns(
            _map_distinct("jurisdiction", lambda c: ";".join(per_country[c][0]), pl.String(), df)
            .fill_null("")
            .alias("dnc_missing"),
            _map_distinct("jurisdiction", lambda c: ";".join(per_country[c][1]), pl.String(), df)
            .fill_null("")
            .alias("dnc_stale"),
        )
        names = {(r.country, r.name.upper()): r.name for r in snapshot.registers}
        hits = (
            snapshot.dnc_numbers.join(
                df.select("jurisdiction", "phone_e164").unique().drop_nulls(),
                left_on=["country", "e164"],
                right_on=["jurisdiction", "phone_e164"],
                how="semi",
            )
            .with_columns(
                pl.struct("country", "register")
                .map_elements(lambda s: names.get((s["country"], s["register"]), s["register"]), return_dtype=pl.String)
                .alias("name")
            )
            .group_by("country", "e164")
            .agg(pl.col("name").unique().sort().str.join(";").alias("dnc_listed"))
        )
        df = df.join(
            hits,
            left_on=["jurisdiction", "phone_e164"],
            right_on=["country", "e164"],
            how="left",
            maintain_order="left",
        ).with_columns(pl.col("dnc_listed").fill_null(""))
    else:
        df = df.with_columns(
            pl.lit("").alias("dnc_listed"), pl.lit("").alias("dnc_missing"), pl.lit("").alias("dnc_stale")
        )
    key = pl.col("phone_e164" if channel.uses_phone else "email_key").alias("_key")
    index = pl.col("_phone_index" if channel.uses_phone else "_email_index").alias("_key_index")
    return df.select(*ROW_FACTS, "_phone_raw", "_opted_out_by", key, index)


def _literal(name: str) -> pl.Expr:
    default = DEFAULTS[name]
    if isinstance(default, tuple):
        return pl.lit(";".join(default))
    if isinstance(default, enum.Enum):
        return pl.lit(default.value)
    return pl.lit(default)


def canonical_columns(facts: pl.DataFrame, channel: Channel, rulebase: RuleBase) -> pl.DataFrame:
    """Reset the facts the engine does not read for this channel (``domain.relevance``), so that
    rows differing only in those collapse into one tuple."""
    unread = irrelevant(channel, rulebase)
    resets = [_literal(name).alias(name) for name in sorted(unread)]
    resets += [
        pl.when(pl.col("jurisdiction").is_in(sorted(where))).then(pl.col(name)).otherwise(_literal(name)).alias(name)
        for name, where in only_in(channel, rulebase).items()
    ]
    return facts.with_columns(resets)


def _pre_ticked(expr: pl.Expr) -> pl.Expr:
    return expr.fill_null("").str.strip_chars().str.to_lowercase().str.replace_all(r"[- ]", "_") == "pre_ticked"


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split(";") if v)


#: How each fact column's text turns back into the domain's values.
_CONVERT: dict[str, Callable[[str | None], object]] = {
    "source": lambda v: Source(str(v)),
    "email_status": lambda v: AddressStatus(str(v)),
    "phone_status": lambda v: AddressStatus(str(v)),
    "address_kind": lambda v: AddressKind(v) if v else None,
    "subscriber_type": lambda v: SubscriberType(str(v)),
    "phone_type": lambda v: PhoneType(str(v)),
    "consent_status": lambda v: ConsentStatus(str(v)),
    "relationship": lambda v: RelationshipKind(str(v)),
    "dnc_listed": _split,
    "dnc_missing": _split,
    "dnc_stale": _split,
}


def facts_from_columns(
    distinct: pl.DataFrame, channel: Channel, campaign: Campaign, policy: SubscriberPolicy
) -> list[Facts]:
    """Distinct fact rows → the domain's ``Facts``, converting each column's few distinct values once."""
    columns: list[list[object]] = []
    for name in ROW_FACTS:
        values = distinct[name].to_list()
        convert = _CONVERT.get(name)
        if convert is not None:
            table = {v: convert(v) for v in set(values)}
            values = [table[v] for v in values]
        columns.append(values)
    by_name = dict(zip(ROW_FACTS, columns, strict=True))
    constants: dict[str, object] = {
        "channel": channel,
        "purpose": campaign.purpose,
        "sender_type": campaign.sender_type,
        "lia": campaign.lia,
        "lia_note": status_note(campaign.lia_assessment),
        "excluded_regions": tuple(sorted({r.strip().upper() for r in campaign.excluded_regions if r.strip()})),
        "subscriber_policy": policy,
    }
    n = distinct.height
    ordered = [by_name[name] if name in by_name else [constants[name]] * n for name in FACT_FIELDS]
    return [Facts(*row) for row in zip(*ordered, strict=True)]


@dataclass
class ChannelResult:
    """Per contact row: the id of its distinct fact tuple; per tuple: the one decision."""

    tuple_ids: pl.Series
    decisions: list[Decision]
    #: per contact row: the number the channel decided on, as written (phone channels only)
    phone: pl.Series | None = None
    #: per contact row: the list's do-not-contact column(s) that opted the contact out, if any
    opted_out_by: pl.Series | None = None
    #: per contact row: the decided number's status (phone channels only)
    phone_status: pl.Series | None = None
    #: per contact row: the normalised key the channel decided on — the email (email, post) or the
    #: E.164 number (phone channels) — for evidence records (``store.evidence``); null where none
    keys: pl.Series | None = None
    #: per contact row: the blind index of ``keys``, where the run computed it (only when the tenant
    #: holds person-keyed state: ``BatchSnapshot.needs_index``); null otherwise
    key_indexes: pl.Series | None = None

    def columns(self, prefix: str) -> list[pl.Series]:
        def col(name: str, values: list[str | None]) -> pl.Series:
            table = pl.Series(values, dtype=pl.String)
            return table.gather(self.tuple_ids).alias(f"{prefix}_{name}")

        ds = self.decisions
        out = [
            col("outcome", [d.outcome.value for d in ds]),
            col("jurisdiction", [d.jurisdiction for d in ds]),
            col("basis", [d.basis.value if d.basis else None for d in ds]),
            col("reasons", [";".join(d.reason_codes) for d in ds]),
            col("requirements", [";".join(r.value for r in d.requirements) for d in ds]),
            col("regimes", [";".join(d.regimes) for d in ds]),
        ]
        if self.phone is not None:
            out.append(self.phone.alias(f"{prefix}_phone"))
        if self.opted_out_by is not None:
            out.append(self.opted_out_by.alias(f"{prefix}_opted_out_by"))
        return out


def _distinct_tuples(facts: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """The distinct fact tuples in order of first appearance, and per row the index of its tuple.

    One ``group_by`` that collects the row numbers of each tuple, sorted back into a per-row array:
    measured at ~0.23 s a channel on a million rows, against ~0.52 s for ``unique`` followed by a
    join of every row back onto its tuple on all the fact columns. ``group_by`` keeps nulls
    together as one key, as the join did with ``nulls_equal``.
    """
    grouped = (
        facts.with_row_index("_row")
        .group_by(list(ROW_FACTS), maintain_order=True)
        .agg(pl.col("_row"))
        .with_row_index("_tuple")
    )
    ids = grouped.select(pl.col("_tuple").cast(pl.Int64), "_row").explode("_row").sort("_row")["_tuple"]
    return grouped.drop("_row", "_tuple"), ids


def decide_channel(
    contacts: pl.DataFrame,
    channel: Channel,
    snapshot: BatchSnapshot,
    campaign: Campaign,
    rulebase: RuleBase,
    now: datetime,
    policy: SubscriberPolicy,
    cache: dict[Facts, Decision] | None = None,
) -> ChannelResult:
    if channel is Channel.SMS and len(phone_fields(contacts)) > 1:
        contacts = with_phone(contacts, channel, snapshot)  # a mobile, where the row has one
    row_facts = _channel_facts(contacts, channel, snapshot, campaign, rulebase, now)
    extra = row_facts.select("_phone_raw", "_opted_out_by", "phone_status", "_key", "_key_index")
    facts = canonical_columns(row_facts.select(ROW_FACTS), channel, rulebase)
    distinct, ids = _distinct_tuples(facts)
    cache = {} if cache is None else cache
    decisions = []
    for key in facts_from_columns(distinct, channel, campaign, policy):
        decision = cache.get(key)
        if decision is None:
            # Stamped as the service stamps a single check (``Decision.stamped``): once per tuple.
            decision = cache[key] = decide(key, rulebase).stamped(rulebase.version, now, campaign)
        decisions.append(decision)
    return ChannelResult(
        ids,
        decisions,
        phone=extra["_phone_raw"] if channel.uses_phone else None,
        opted_out_by=extra["_opted_out_by"],
        phone_status=extra["phone_status"] if channel.uses_phone else None,
        keys=extra["_key"],
        key_indexes=extra["_key_index"],
    )
