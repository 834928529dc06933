"""The screening report: aggregates of a screened prospect list as one self-contained HTML file.

Two public functions:

- :func:`summarise` — pure Polars aggregation of a screened frame (one row per contact, an
  ``{channel}_outcome`` / ``_reasons`` / ``_requirements`` column group per channel). The CLI's Rich
  summary uses it too. It reads only ``jurisdiction`` and those column groups, so personal data columns
  in the frame can never reach its output.
- :func:`render_report` — that summary (plus the campaign parameters and the rule base used) rendered
  through ``templates/report.html.j2``. Charts are inline SVG drawn here; the document has no script,
  no external resource and no personal data, so it can be attached to a campaign file and read offline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import count
from typing import Any, Final, TypedDict

import jinja2
import polars as pl
import pycountry
from markupsafe import Markup, escape

from lawfulreach.domain.vocabulary import ReasonCode
from lawfulreach.report.campaign import campaign_line, lia_line

__all__ = [
    "OUTCOMES",
    "SEVERITIES",
    "UNKNOWN_JURISDICTION",
    "OutcomeCounts",
    "Summary",
    "render_report",
    "summarise",
]

OUTCOMES: Final = ("allowed", "review", "blocked")
#: Keys of ``Summary["reasons"][channel]``: the code's severity (``other``: a code outside the vocabulary).
SEVERITIES: Final = ("block", "review", "allow", "note", "other")
#: The jurisdiction key used for contacts whose jurisdiction is null.
UNKNOWN_JURISDICTION: Final = "unknown"


class OutcomeCounts(TypedDict):
    allowed: int
    review: int
    blocked: int
    total: int


class Summary(TypedDict):
    """What :func:`summarise` returns. Every inner dict is ordered by count, largest first."""

    total: int
    channels: list[str]
    #: Contacts allowed on at least one of the channels.
    reachable: int
    #: Contacts per jurisdiction (``UNKNOWN_JURISDICTION`` last).
    jurisdictions: dict[str, int]
    #: channel -> outcome counts.
    outcomes: dict[str, OutcomeCounts]
    #: channel -> jurisdiction -> outcome counts (same jurisdiction order as ``jurisdictions``).
    by_jurisdiction: dict[str, dict[str, OutcomeCounts]]
    #: channel -> severity (``SEVERITIES``) -> reason code -> contacts carrying it.
    reasons: dict[str, dict[str, dict[str, int]]]
    #: channel -> requirement code -> allowed contacts whose messages must meet it.
    requirements: dict[str, dict[str, int]]
    #: channel -> [(code, contacts)] of the blocking and review codes, largest first: why contacts
    #: were not allowed (what a short console summary shows).
    top_reasons: dict[str, list[tuple[str, int]]]


# --------------------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------------------


def _severity(code: str) -> str:
    try:
        return ReasonCode(code).severity.value
    except ValueError:
        return "other"


def _code_counts(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """``(channel, <column>, len)`` grouped rows → ``(channel, code, n)``, splitting the ";" lists."""
    return (
        frame.lazy()
        .filter(pl.col(column).is_not_null())
        .with_columns(pl.col(column).str.split(";").alias("code"))
        .explode("code")
        .with_columns(pl.col("code").str.strip_chars())
        .filter(pl.col("code") != "")
        .group_by("channel", "code")
        .agg(pl.col("len").sum().alias("n"))
        .sort(["channel", "n", "code"], descending=[False, True, False])
        .collect()
    )


def _counts(allowed: int = 0, review: int = 0, blocked: int = 0) -> OutcomeCounts:
    return {"allowed": allowed, "review": review, "blocked": blocked, "total": allowed + review + blocked}


def summarise(results: pl.DataFrame, channels: Sequence[str]) -> Summary:
    """Aggregate a screened frame: outcomes per channel and jurisdiction, top reasons, requirements.

    Works on the distinct combinations of (jurisdiction, outcome, reasons, requirements) per channel —
    a few hundred even for a million contacts — so the row count barely matters.
    """
    channels = list(dict.fromkeys(channels))
    missing = [
        c
        for ch in channels
        for c in (f"{ch}_outcome", f"{ch}_reasons", f"{ch}_requirements")
        if c not in results.columns
    ]
    if "jurisdiction" not in results.columns:
        missing.insert(0, "jurisdiction")
    if missing:
        raise ValueError(f"screened results lack column(s): {', '.join(missing)}")

    string = pl.String
    jur = pl.col("jurisdiction").cast(string).fill_null(UNKNOWN_JURISDICTION).alias("jurisdiction")
    lf = results.lazy()
    queries = [
        lf.group_by(
            jur,
            pl.col(f"{ch}_outcome").cast(string).alias("outcome"),
            pl.col(f"{ch}_reasons").cast(string).alias("reasons"),
            pl.col(f"{ch}_requirements").cast(string).alias("requirements"),
        )
        .len()
        .with_columns(pl.lit(ch).alias("channel"))
        for ch in channels
    ]
    allowed_any = pl.any_horizontal([pl.col(f"{ch}_outcome").cast(string) == "allowed" for ch in channels])
    queries.append(lf.select(allowed_any.fill_null(False).sum().alias("reachable") if channels else pl.lit(0)))
    *grouped_parts, reachable_frame = pl.collect_all(queries)

    schema = pl.Schema(
        {name: pl.String() for name in ("jurisdiction", "outcome", "reasons", "requirements", "channel")}
        | {"len": pl.UInt32()}
    )
    grouped = pl.concat(
        [g.cast(schema) for g in grouped_parts] or [pl.DataFrame(schema=schema)],
        how="vertical",
    )

    total = results.height
    reachable = int(reachable_frame.item()) if channels and total else 0

    # Jurisdictions ordered by contacts (each contact is counted once per channel, so use the first).
    jur_rows = (
        (grouped.filter(pl.col("channel") == channels[0]) if channels else grouped.clear())
        .group_by("jurisdiction")
        .agg(pl.col("len").sum().alias("n"))
    )
    jur_rows = jur_rows.sort(
        [pl.col("jurisdiction") == UNKNOWN_JURISDICTION, "n", "jurisdiction"],
        descending=[False, True, False],
    )
    jurisdictions = {str(j): int(n) for j, n in jur_rows.iter_rows()}

    per_outcome = grouped.group_by("channel", "jurisdiction", "outcome").agg(pl.col("len").sum())
    cells: dict[tuple[str, str, str], int] = {
        (str(ch), str(j), str(o)): int(n) for ch, j, o, n in per_outcome.iter_rows()
    }
    by_jurisdiction: dict[str, dict[str, OutcomeCounts]] = {}
    outcomes: dict[str, OutcomeCounts] = {}
    for ch in channels:
        by_jurisdiction[ch] = {j: _counts(*(cells.get((ch, j, o), 0) for o in OUTCOMES)) for j in jurisdictions}
        outcomes[ch] = _counts(*(sum(cells.get((ch, j, o), 0) for j in jurisdictions) for o in OUTCOMES))

    reasons: dict[str, dict[str, dict[str, int]]] = {ch: {s: {} for s in SEVERITIES} for ch in channels}
    for ch, code, n in _code_counts(grouped, "reasons").iter_rows():
        reasons[str(ch)][_severity(str(code))][str(code)] = int(n)

    requirements: dict[str, dict[str, int]] = {ch: {} for ch in channels}
    for ch, code, n in _code_counts(grouped.filter(pl.col("outcome") == "allowed"), "requirements").iter_rows():
        requirements[str(ch)][str(code)] = int(n)

    top_reasons = {
        ch: sorted(
            [*reasons[ch]["block"].items(), *reasons[ch]["review"].items()],
            key=lambda item: (-item[1], item[0]),
        )
        for ch in channels
    }
    return {
        "total": total,
        "channels": channels,
        "reachable": reachable,
        "jurisdictions": jurisdictions,
        "outcomes": outcomes,
        "by_jurisdiction": by_jurisdiction,
        "reasons": reasons,
        "requirements": requirements,
        "top_reasons": top_reasons,
    }


# --------------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------------

CHANNEL_LABELS: Final = {
    "email": "Email",
    "sms": "SMS",
    "call": "Live calls",
    "automated_call": "Automated calls",
    "post": "Post",
}
OUTCOME_LABELS: Final = {"allowed": "Allowed", "review": "Review", "blocked": "Blocked"}

#: Short label and one-line explanation of every reason code.
REASON_TEXT: Final[dict[str, tuple[str, str]]] = {
    "erased_subject": (
        "Erased subject",
        "The person asked to be forgotten; their address or number is erased.",
    ),
    "suppressed_email": ("Email on exclusion list", "The address is on your organisation's exclusion list."),
    "suppressed_domain": ("Domain on exclusion list", "The email domain (or a parent domain) is excluded."),
    "suppressed_phone": (
        "Number on exclusion list",
        "The phone number is on your organisation's exclusion list.",
    ),
    "opted_out": ("Opted out", "The contact objected to marketing on this channel or on all channels."),
    "consent_required": ("Consent required", "The law needs prior opt-in and no valid consent is on file."),
    "double_opt_in_required": (
        "Double opt-in required",
        "Consent exists but has not been confirmed (double opt-in), as the law requires.",
    ),
    "dnc_registered": ("On do-not-call register", "The number is listed on a national do-not-call register."),
    "region_excluded": ("Region excluded", "The campaign excludes the contact's country or region."),
    "lia_missing": (
        "LI assessment missing",
        "GDPR legitimate interests needs a passed assessment; the campaign has none.",
    ),
    "lia_failed": ("LI assessment failed", "The campaign's assessment did not pass."),
    "invalid_email": ("Invalid or missing email", "There is no usable email address for this contact."),
    "invalid_phone": ("Invalid or missing phone", "There is no usable phone number for this contact."),
    "jurisdiction_unknown": ("Country unknown", "No country was given and none could be inferred."),
    "no_rule_for_jurisdiction": (
        "No rule for this country",
        "The rule base has no rule for this country and channel; a person must decide.",
    ),
    "subscriber_type_unknown": (
        "Subscriber type unknown",
        "The outcome depends on whether the contact is a company or an individual, which is unknown.",
    ),
    "dnc_register_missing": (
        "DNC register not loaded",
        "A do-not-call check is required but the register is not loaded.",
    ),
    "dnc_register_stale": (
        "DNC register out of date",
        "The loaded register is older than its maximum age; reload it and screen again.",
    ),
    "opt_out_permitted": (
        "Opt-out basis",
        "The law allows contact without consent if opting out is offered.",
    ),
    "consent_valid": ("Valid consent", "Valid consent for this channel and purpose is on file."),
    "double_opt_in_confirmed": ("Double opt-in confirmed", "Consent has been confirmed by double opt-in."),
    "soft_opt_in": ("Soft opt-in", "Existing customer or negotiation, similar products, opt-out offered."),
    "implied_consent": (
        "Implied consent",
        "An existing business relationship counts as implied consent (CASL).",
    ),
    "no_consent_needed": ("No consent needed", "This channel needs no consent in this country."),
    "dnc_screened": ("Do-not-call screened", "The number was checked against the required registers."),
    "dnc_overridden_by_consent": (
        "Consent overrides register",
        "The number is on a register but the contact consented to calls.",
    ),
    "dnc_not_required": (
        "Register not required",
        "The country's do-not-call register does not cover this kind of subscriber (e.g. businesses).",
    ),
    "established_relationship": (
        "Established business relationship",
        "A recent purchase or inquiry lets the call go ahead without the do-not-call register.",
    ),
    "lia_passed": ("Legitimate interests", "The campaign's legitimate interests assessment passed."),
    "not_personal_data": ("Not personal data", "A generic role address without a name is not personal data."),
    "service_message": ("Service message", "A service message is not direct marketing."),
    "suppression_noted": (
        "Exclusion noted",
        "On the exclusion list; service messages are not blocked by it.",
    ),
    "opt_out_noted": ("Opt-out noted", "Opted out of marketing; service messages are not blocked by it."),
    "subscriber_type_assumed": (
        "Subscriber type assumed",
        "Your policy decided the unknown subscriber type.",
    ),
}

#: One-line explanation of every requirement code.
REQUIREMENT_TEXT: Final[dict[str, tuple[str, str]]] = {
    "opt_out_link": (
        "Opt-out in every message",
        "A simple, free way to opt out (link or reply) in every message.",
    ),
    "sender_identity": ("Sender identity", "Name the organisation on whose behalf the message is sent."),
    "privacy_notice": (
        "Privacy notice",
        "Tell the recipient how their data is used (GDPR Art. 13/14, CCPA).",
    ),
    "postal_address": ("Postal address", "Include a valid physical postal address of the sender."),
    "ad_disclosure": ("Advertisement disclosure", "Identify the message clearly as an advertisement."),
    "caller_id": ("Caller ID", "Present a caller line identification that can be called back."),
    "contact_details": (
        "Contact details",
        "Give an address or freephone number where the contact can opt out.",
    ),
    "no_promotional_content": (
        "No promotional content",
        "Service messages must contain nothing promotional.",
    ),
}

_CAMPAIGN_FIELDS: Final = (
    ("purpose", "Purpose"),
    ("sender_type", "Sender type"),
    ("legal_entity", "Legal entity"),
    ("products", "Products"),
    ("consent_purposes", "Consent purposes accepted"),
    ("lia", "Legitimate interests assessment"),
    ("excluded_regions", "Excluded regions"),
)
_CAMPAIGN_DEFAULTS: Final[dict[str, str]] = {
    "purpose": "marketing",
    "sender_type": "commercial",
    "lia": "missing",
    "consent_purposes": "marketing",
}


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel.replace("_", " ").capitalize())


def reason_label(code: str) -> str:
    return REASON_TEXT.get(code, (code.replace("_", " ").capitalize(), ""))[0]


def country_name(code: str) -> str:
    """The country's short English name ("" when the code is not an ISO 3166-1 alpha-2 code)."""
    if code == UNKNOWN_JURISDICTION:
        return "Unknown country"
    try:
        country = pycountry.countries.get(alpha_2=code)
    except (KeyError, LookupError):
        country = None
    return str(getattr(country, "common_name", None) or getattr(country, "name", None) or "")


def country_label(code: str) -> str:
    if code == UNKNOWN_JURISDICTION:
        return country_name(code)
    name = country_name(code)
    return f"{code} · {name}" if name else code


def _num(n: int) -> str:
    return f"{n:,}"


def _pct(n: int, total: int) -> str:
    if not total:
        return "—"
    share = 100.0 * n / total
    if 0 < share < 0.1:
        return "<0.1%"
    return f"{share:.1f}%"


# --------------------------------------------------------------------------------------------------
# Inline SVG charts
# --------------------------------------------------------------------------------------------------

#: Okabe-Ito colours (safe for the common colour-vision deficiencies); each outcome also has its own
#: pattern and is always labelled in words, so nothing relies on colour alone.
COLOURS: Final = {"allowed": "#009E73", "review": "#E69F00", "blocked": "#D55E00"}
_INK: Final = "#1b2430"
_MUTED: Final = "#52606d"
_GRID: Final = "#d9e2ec"
_FONT: Final = "font-family:inherit"


def _a(value: object) -> str:
    """An attribute value or text node, escaped."""
    return str(escape(str(value)))


def _patterns(prefix: str) -> str:
    c = COLOURS
    return (
        "<defs>"
        f'<pattern id="{prefix}-allowed" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{c["allowed"]}"/></pattern>'
        f'<pattern id="{prefix}-review" width="7" height="7" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="7" height="7" fill="{c["review"]}"/>'
        '<rect width="2.2" height="7" fill="#ffffff" fill-opacity="0.42"/></pattern>'
        f'<pattern id="{prefix}-blocked" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{c["blocked"]}"/>'
        '<circle cx="3" cy="3" r="1.25" fill="#000000" fill-opacity="0.30"/></pattern>'
        "</defs>"
    )


@dataclass
class _Ids:
    """Unique element ids across all the SVGs of one document."""

    counter: count[int]

    def new(self, stem: str) -> str:
        return f"{stem}-{next(self.counter)}"


def _svg_open(ids: _Ids, width: int, height: int, title: str, desc: str, css_class: str) -> tuple[str, str]:
    root = ids.new("chart")
    head = (
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{root}-t {root}-d" preserveAspectRatio="xMinYMin meet" style="{_FONT}">'
        f'<title id="{root}-t">{_a(title)}</title><desc id="{root}-d">{_a(desc)}</desc>' + _patterns(root)
    )
    return head, root


def _stack_segments(
    root: str,
    counts: OutcomeCounts,
    x0: float,
    y: float,
    width: float,
    height: float,
    name: str,
    *,
    labels: bool = True,
) -> list[str]:
    parts: list[str] = []
    total = counts["total"]
    x = x0
    for outcome in OUTCOMES:
        n = counts[outcome]
        if not n or not total:
            continue
        w = width * n / total
        tip = f"{name} — {OUTCOME_LABELS[outcome].lower()}: {_num(n)} ({_pct(n, total)})"
        parts.append(
            f'<rect x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{height:.2f}" '
            f'fill="url(#{root}-{outcome})" stroke="#ffffff" stroke-width="1"><title>{_a(tip)}</title></rect>'
        )
        if labels and w >= 44:
            text = _pct(n, total)
            pill = 7.0 * len(text) + 12
            cx, cy = x + w / 2, y + height / 2
            parts.append(
                f'<rect x="{cx - pill / 2:.2f}" y="{cy - 7.5:.2f}" width="{pill:.2f}" height="15" rx="7.5" '
                f'fill="#ffffff" fill-opacity="0.88"/>'
                f'<text x="{cx:.2f}" y="{cy:.2f}" dy="0.35em" text-anchor="middle" font-size="11" '
                f'font-weight="600" fill="{_INK}">{_a(text)}</text>'
            )
        x += w
    return parts


def outcome_bars_by_country(ids: _Ids, channel: str, rows: Mapping[str, OutcomeCounts], *, limit: int = 14) -> Markup:
    """100 %-stacked horizontal bars, one per jurisdiction (top ``limit`` by volume, the rest pooled)."""
    items = list(rows.items())
    known = [(j, c) for j, c in items if j != UNKNOWN_JURISDICTION]
    unknown = [(j, c) for j, c in items if j == UNKNOWN_JURISDICTION]
    shown: list[tuple[str, OutcomeCounts]] = [(country_label(j), c) for j, c in known[:limit]]
    rest = known[limit:]
    if rest:
        pooled = _counts(*(sum(c[o] for _, c in rest) for o in OUTCOMES))
        shown.append((f"{len(rest)} other countries", pooled))
    shown.extend((country_label(j), c) for j, c in unknown)

    label_w, bar_w, n_w, row_h, bar_h, top = 210, 640, 110, 28, 19, 34
    width = label_w + bar_w + n_w
    height = top + row_h * max(len(shown), 1) + 8
    summary = "; ".join(f"{name}: " + ", ".join(f"{_num(c[o])} {o}" for o in OUTCOMES) for name, c in shown)
    head, root = _svg_open(
        ids,
        width,
        height,
        f"{channel_label(channel)}: outcomes by country",
        f"Share of allowed, review and blocked contacts per country. {summary or 'No contacts.'}",
        "chart chart-country",
    )
    parts = [head]
    # Axis: 0, 25, 50, 75, 100 %.
    for tick in range(0, 101, 25):
        x = label_w + bar_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 6}" stroke="{_GRID}" '
            'stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{top - 12}" text-anchor="middle" font-size="11" '
            f'fill="{_MUTED}">{tick}%</text>'
        )
    parts.append(
        f'<text x="{width - 8}" y="{top - 12}" text-anchor="end" font-size="11" fill="{_MUTED}">Contacts</text>'
    )
    if not shown:
        parts.append(f'<text x="{label_w}" y="{top + 16}" font-size="13" fill="{_MUTED}">No contacts screened.</text>')
    for i, (name, counts) in enumerate(shown):
        y = top + i * row_h + (row_h - bar_h) / 2
        parts.append(
            f'<text x="{label_w - 10}" y="{y + bar_h / 2:.2f}" dy="0.35em" text-anchor="end" '
            f'font-size="12.5" fill="{_INK}">{_a(name)}</text>'
        )
        parts.extend(_stack_segments(root, counts, label_w, y, bar_w, bar_h, name))
        parts.append(
            f'<text x="{width - 8}" y="{y + bar_h / 2:.2f}" dy="0.35em" text-anchor="end" font-size="12.5" '
            f'fill="{_INK}" font-variant-numeric="tabular-nums">{_num(counts["total"])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def mini_stack(ids: _Ids, channel: str, counts: OutcomeCounts) -> Markup:
    """A single 100 %-stacked bar for the headline table."""
    head, root = _svg_open(
        ids,
        300,
        22,
        f"{channel_label(channel)}: outcome shares",
        ", ".join(f"{OUTCOME_LABELS[o]} {_pct(counts[o], counts['total'])}" for o in OUTCOMES),
        "chart chart-mini",
    )
    parts = [head, f'<rect x="0" y="2" width="300" height="18" fill="{_GRID}"/>']
    parts.extend(_stack_segments(root, counts, 0, 2, 300, 18, channel_label(channel), labels=False))
    parts.append("</svg>")
    return Markup("".join(parts))


def reason_bars(
    ids: _Ids, channel: str, reasons: Mapping[str, int], *, outcome: str, denominator: int, limit: int = 8
) -> Markup:
    """Horizontal bars: contacts carrying each reason code (top ``limit``)."""
    items = list(reasons.items())[:limit]
    kind = "blocking" if outcome == "blocked" else "review"
    label_w, bar_w, n_w, row_h, bar_h, top = 178, 222, 104, 25, 16, 4
    width = label_w + bar_w + n_w
    height = top + row_h * max(len(items), 1) + 4
    desc = "; ".join(f"{reason_label(code)} ({code}): {_num(n)}" for code, n in items)
    head, root = _svg_open(
        ids,
        width,
        height,
        f"{channel_label(channel)}: top {kind} reasons",
        f"Contacts carrying each {kind} reason. {desc or 'None.'}",
        "chart chart-reasons",
    )
    parts = [head]
    top_n = max((n for _, n in items), default=0)
    for i, (code, n) in enumerate(items):
        y = top + i * row_h + (row_h - bar_h) / 2
        w = bar_w * n / top_n if top_n else 0
        parts.append(
            f'<text x="{label_w - 10}" y="{y + bar_h / 2:.2f}" dy="0.35em" text-anchor="end" '
            f'font-size="12.5" fill="{_INK}">{_a(reason_label(code))}</text>'
            f'<rect x="{label_w}" y="{y:.2f}" width="{max(w, 1.5):.2f}" height="{bar_h}" '
            f'fill="url(#{root}-{outcome})"><title>{_a(code)}: {_num(n)}</title></rect>'
            f'<text x="{label_w + w + 8:.2f}" y="{y + bar_h / 2:.2f}" dy="0.35em" font-size="12" '
            f'fill="{_INK}" font-variant-numeric="tabular-nums">{_num(n)} '
            f'<tspan fill="{_MUTED}">({_a(_pct(n, denominator))})</tspan></text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(ids: _Ids) -> Markup:
    head, root = _svg_open(
        ids,
        420,
        22,
        "Legend",
        "Allowed: solid green. Review: amber with diagonal stripes. Blocked: red with dots.",
        "chart chart-legend",
    )
    parts = [head]
    x = 0
    for outcome in OUTCOMES:
        parts.append(
            f'<rect x="{x}" y="3" width="26" height="16" fill="url(#{root}-{outcome})"/>'
            f'<text x="{x + 33}" y="11" dy="0.35em" font-size="13" '
            f'fill="{_INK}">{OUTCOME_LABELS[outcome]}</text>'
        )
        x += 130
    parts.append("</svg>")
    return Markup("".join(parts))


# --------------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------------

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("lawfulreach.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["num"] = _num
_ENV.filters["pct"] = _pct


def _campaign_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, Iterable):
        return ", ".join(str(v) for v in value)
    return str(value)


def _campaign_rows(campaign: Mapping[str, object], lia_text: str | None = None) -> list[tuple[str, str, bool]]:
    """(label, value, is_default) for the known parameters, then any others the campaign carries;
    ``lia_text`` (assessed / asserted, not assessed / missing) replaces the bare ``lia`` value."""
    rows: list[tuple[str, str, bool]] = []
    for key, label in _CAMPAIGN_FIELDS:
        raw = campaign.get(key)
        value = _campaign_value(raw)
        if key == "lia" and lia_text is not None:
            rows.append((label, lia_text, False))
        elif value:
            rows.append((label, value.replace("_", " ") if key in ("sender_type", "lia") else value, False))
        elif key in _CAMPAIGN_DEFAULTS:
            rows.append((label, _CAMPAIGN_DEFAULTS[key] + " (default)", True))
        else:
            rows.append((label, "none", True))
    known = {k for k, _ in _CAMPAIGN_FIELDS} | {"name", "id"}
    for key, raw in campaign.items():
        if key not in known and _campaign_value(raw):
            rows.append((key.replace("_", " ").capitalize(), _campaign_value(raw), False))
    return rows


_LEVELS: Final = {
    "opt_out": "opt-out",
    "opt_in": "opt-in",
    "opt_in_soft": "opt-in + soft opt-in",
    "double_opt_in": "double opt-in",
    "double_opt_in_soft": "double opt-in + soft opt-in",
}


def _rulebase_rows(rows: Sequence[Mapping[str, str]], jurisdictions: Mapping[str, int]) -> list[dict[str, str]]:
    """The rule base rows for the countries in the list (all rows when no country is known)."""
    present = {j for j in jurisdictions if j != UNKNOWN_JURISDICTION}
    out = []
    for row in rows:
        country = row.get("country", "")
        if present and country not in present:
            continue
        channel = row.get("channel", "")
        for suffix, words in (("_first_party", " (1st party)"), ("_third_party", " (3rd party)")):
            if channel.endswith(suffix):
                channel = channel.removesuffix(suffix).replace("_", " ") + words
        level = row.get("level", "")
        out.append(
            {
                "country": country,
                "channel": channel.replace("_", " "),
                "level": _LEVELS.get(level, level.replace("_", " ")),
                "citation": row.get("citation", ""),
            }
        )
    return out


def _format_time(moment: datetime) -> str:
    text = moment.strftime("%d %B %Y, %H:%M")
    if moment.tzinfo is not None:
        text += " " + (moment.tzname() or moment.strftime("%z"))
    return text.lstrip("0")


def render_report(
    results: pl.DataFrame,
    *,
    channels: list[str],
    campaign: dict[str, object],
    generated_at: datetime,
    source_name: str,
    rejects: int = 0,
    rulebase_summary: list[dict[str, str]] | None = None,
    rulebase_version: str | None = None,
    provenance: Mapping[str, Any] | None = None,
) -> str:
    """The screening report as one self-contained HTML document (no script, no external resource).

    Only aggregates of ``results`` are used (see :func:`summarise`); no contact-level value is written.
    ``provenance`` (``report.campaign.campaign_provenance``) names the campaign version or file and
    the LIA status (assessed, asserted, missing) in the masthead and the campaign section.
    """
    summary = summarise(results, channels)
    ids = _Ids(count(1))
    total = summary["total"]

    channel_views = []
    for ch in channels:
        blocking = summary["reasons"][ch]["block"]
        review = summary["reasons"][ch]["review"]
        channel_views.append(
            {
                "code": ch,
                "label": channel_label(ch),
                "counts": summary["outcomes"][ch],
                "mini": mini_stack(ids, ch, summary["outcomes"][ch]),
                "by_country": outcome_bars_by_country(ids, ch, summary["by_jurisdiction"][ch]) if total else None,
                "blocking": reason_bars(ids, ch, blocking, outcome="blocked", denominator=total) if blocking else None,
                "review": reason_bars(ids, ch, review, outcome="review", denominator=total) if review else None,
            }
        )

    used_reasons = {code for ch in channels for sev in ("block", "review") for code in summary["reasons"][ch][sev]}
    glossary = [
        {
            "code": code,
            "label": reason_label(code),
            "text": REASON_TEXT.get(code, ("", ""))[1],
            "severity": _severity(code),
        }
        for code in [c.value for c in ReasonCode] + sorted(used_reasons - {c.value for c in ReasonCode})
        if code in used_reasons
    ]

    req_codes = [code for code in REQUIREMENT_TEXT if any(code in summary["requirements"][ch] for ch in channels)]
    req_codes += sorted({code for ch in channels for code in summary["requirements"][ch]} - set(REQUIREMENT_TEXT))
    requirements = [
        {
            "code": code,
            "label": REQUIREMENT_TEXT.get(code, (code.replace("_", " ").capitalize(), ""))[0],
            "text": REQUIREMENT_TEXT.get(code, ("", ""))[1],
            "cells": [
                (summary["requirements"][ch].get(code, 0), summary["outcomes"][ch]["allowed"]) for ch in channels
            ],
        }
        for code in req_codes
    ]

    country_rows = [
        {
            "code": "" if j == UNKNOWN_JURISDICTION else j,
            "name": country_name(j),
            "total": n,
            "cells": {ch: summary["by_jurisdiction"][ch][j] for ch in channels},
        }
        for j, n in summary["jurisdictions"].items()
    ]

    name = campaign.get("name") or campaign.get("id")
    template = _ENV.get_template("report.html.j2")
    return template.render(
        campaign_name=str(name) if name else "Untitled campaign",
        campaign_rows=_campaign_rows(campaign, lia_line(provenance["lia"]) if provenance else None),
        campaign_text=campaign_line(provenance) if provenance else None,
        lia_text=lia_line(provenance["lia"]) if provenance else None,
        lia_status=provenance["lia"]["status"] if provenance else None,
        generated_at=generated_at,
        generated_text=_format_time(generated_at),
        source_name=source_name,
        rejects=rejects,
        summary=summary,
        total=total,
        channels=channel_views,
        outcomes=OUTCOMES,
        outcome_labels=OUTCOME_LABELS,
        legend=legend(ids),
        glossary=glossary,
        requirements=requirements,
        country_rows=country_rows,
        rulebase=_rulebase_rows(rulebase_summary or [], summary["jurisdictions"]),
        rulebase_version=rulebase_version,
    )
