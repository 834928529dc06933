"""The rule base as data: one row per country × channel column, plus the overlays.

Rows come from ``rules/data/countries.csv`` (the table of seed 003, with its legislation column) and
the overlays from ``rules/data/overlays.toml``. This module validates parsed rows into value objects;
reading files is the loader's job (``lawfulreach.rules``). A bad row is a ``RuleBaseError`` naming
the file and the row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lawfulreach.domain.vocabulary import Requirement
from lawfulreach.errors import RuleBaseError


class Level(StrEnum):
    """What a table cell demands, in the strictness order of spec §5."""

    OPT_OUT = "opt_out"
    OPT_IN_SOFT = "opt_in_soft"
    OPT_IN = "opt_in"
    DOUBLE_OPT_IN_SOFT = "double_opt_in_soft"
    DOUBLE_OPT_IN = "double_opt_in"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def needs_consent(self) -> bool:
        return self is not Level.OPT_OUT

    @property
    def soft_opt_in_suffices(self) -> bool:
        return self in (Level.OPT_IN_SOFT, Level.DOUBLE_OPT_IN_SOFT)

    @property
    def needs_confirmed(self) -> bool:
        return self in (Level.DOUBLE_OPT_IN_SOFT, Level.DOUBLE_OPT_IN)

    @property
    def label(self) -> str:
        return _LABEL[self]

    def stricter(self, other: Level) -> Level:
        return self if self.rank >= other.rank else other


_RANK = {lvl: i for i, lvl in enumerate(Level)}
_LABEL = {
    Level.OPT_OUT: "opt-out",
    Level.OPT_IN_SOFT: "opt-in (soft opt-in permitted)",
    Level.OPT_IN: "prior opt-in",
    Level.DOUBLE_OPT_IN_SOFT: "double opt-in (soft opt-in permitted)",
    Level.DOUBLE_OPT_IN: "double opt-in",
}


class Column(StrEnum):
    """The four columns of the seed 003 table."""

    EMAIL_FIRST_PARTY = "email_first_party"
    EMAIL_THIRD_PARTY = "email_third_party"
    CALL = "call"
    AUTOMATED_CALL = "automated_call"


@dataclass(frozen=True, slots=True)
class CountryRule:
    country: str
    column: Column
    level: Level
    level_generic: Level | None
    dnc_check: bool
    mobile_level: Level | None
    public_directory_level: Level | None
    regime: str
    seed_cell: str
    citation: str
    note: str = ""


@dataclass(frozen=True)
class Overlays:
    gdpr_regime_eu: str
    gdpr_regime_gb: str
    gdpr_requires: tuple[Requirement, ...]
    electronic_mail_requires: tuple[Requirement, ...]
    live_call_requires: tuple[Requirement, ...]
    automated_call_requires: tuple[Requirement, ...]
    post_requires: tuple[Requirement, ...]
    post_regime: str
    service_requires: tuple[Requirement, ...]
    us_email_requires: tuple[Requirement, ...]
    us_consent_drops: tuple[Requirement, ...]
    us_ca_region: str
    us_ca_regime: str
    us_ca_requires: tuple[Requirement, ...]
    ca_email_requires: tuple[Requirement, ...]
    casl_customer_months: int
    casl_negotiation_months: int
    dnc_default_max_age_days: int
    dnc_required_registers: Mapping[str, tuple[str, ...]]
    dnc_max_age_days: Mapping[str, int]
    citations: Mapping[str, str] = field(default_factory=dict)
    dnc_known_registers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Register names ``dnc load`` accepts per country (upper case; the required ones included)."""

    def citation(self, key: str) -> str:
        return self.citations[key]

    def max_age_days(self, register: str) -> int:
        return self.dnc_max_age_days.get(register.upper(), self.dnc_default_max_age_days)


@dataclass(frozen=True)
class RuleBase:
    rules: Mapping[tuple[str, Column], CountryRule]
    overlays: Overlays

    def rule(self, country: str, column: Column) -> CountryRule | None:
        return self.rules.get((country, column))

    @property
    def countries(self) -> tuple[str, ...]:
        return tuple(sorted({c for c, _ in self.rules}))

    def for_country(self, country: str) -> list[CountryRule]:
        return [r for (c, _), r in sorted(self.rules.items()) if c == country]


# --- validation -----------------------------------------------------------------------------------

CSV_COLUMNS = (
    "country",
    "channel",
    "level",
    "level_generic",
    "dnc_check",
    "mobile_level",
    "public_directory_level",
    "regime",
    "seed_cell",
    "citation",
    "note",
)
_REQUIRED_CITATIONS = (
    "gdpr_lawful_basis",
    "gdpr_lia",
    "gdpr_privacy_notice",
    "gdpr_not_personal",
    "gdpr_objection",
    "pecr_corporate",
    "soft_opt_in",
    "consent_definition",
    "consent_specific_channel",
    "double_opt_in",
    "casl_implied",
    "can_spam",
    "ccpa",
    "post",
    "service",
    "dnc_gb",
    "dnc_generic",
    "exclusion_list",
    "erasure",
    "opt_out",
    "region_exclusion",
    "invalid_address",
    "jurisdiction",
    "no_rule",
    "subscriber_unknown",
)


def _level(value: str, source: str, row: int, column: str, *, optional: bool) -> Level | None:
    value = (value or "").strip()
    if not value:
        if optional:
            return None
        raise RuleBaseError(source, row, f"column {column!r} is empty; expected one of {[lv.value for lv in Level]}")
    try:
        return Level(value)
    except ValueError:
        raise RuleBaseError(
            source, row, f"unknown {column} {value!r}; expected one of {[lv.value for lv in Level]}"
        ) from None


def parse_country_rows(
    rows: Iterable[Mapping[str, str]], source: str, valid_countries: frozenset[str]
) -> dict[tuple[str, Column], CountryRule]:
    """Validate CSV rows (header on line 1, so the first data row is row 2)."""
    out: dict[tuple[str, Column], CountryRule] = {}
    for line, raw in enumerate(rows, start=2):
        missing = [c for c in ("country", "channel", "level", "citation") if c not in raw]
        if missing:
            raise RuleBaseError(source, line, f"missing column(s) {missing}")
        country = (raw["country"] or "").strip().upper()
        if country not in valid_countries:
            raise RuleBaseError(source, line, f"unknown country code {raw['country']!r} (ISO 3166-1 alpha-2)")
        try:
            column = Column((raw["channel"] or "").strip())
        except ValueError:
            raise RuleBaseError(
                source,
                line,
                f"unknown channel {raw['channel']!r}; expected one of {[c.value for c in Column]}",
            ) from None
        level = _level(raw["level"], source, line, "level", optional=False)
        assert level is not None
        citation = (raw.get("citation") or "").strip()
        if not citation:
            raise RuleBaseError(source, line, "every rule needs a citation")
        dnc_raw = (raw.get("dnc_check") or "").strip().lower()
        if dnc_raw not in ("", "yes", "no", "true", "false"):
            raise RuleBaseError(source, line, f"dnc_check must be yes or no, not {dnc_raw!r}")
        if (country, column) in out:
            raise RuleBaseError(source, line, f"duplicate rule for {country} {column.value}")
        out[(country, column)] = CountryRule(
            country=country,
            column=column,
            level=level,
            level_generic=_level(raw.get("level_generic", ""), source, line, "level_generic", optional=True),
            dnc_check=dnc_raw in ("yes", "true"),
            mobile_level=_level(raw.get("mobile_level", ""), source, line, "mobile_level", optional=True),
            public_directory_level=_level(
                raw.get("public_directory_level", ""), source, line, "public_directory_level", optional=True
            ),
            regime=(raw.get("regime") or "").strip() or f"{country}:ePrivacy",
            seed_cell=(raw.get("seed_cell") or "").strip(),
            citation=citation,
            note=(raw.get("note") or "").strip(),
        )
    return out


def _reqs(doc: Mapping[str, Any], path: str, source: str) -> tuple[Requirement, ...]:
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise RuleBaseError(source, None, f"missing key {path!r}")
        node = node[part]
    if not isinstance(node, list):
        raise RuleBaseError(source, None, f"{path!r} must be a list of requirements")
    try:
        return tuple(Requirement(v) for v in node)
    except ValueError as exc:
        raise RuleBaseError(
            source, None, f"{path!r}: {exc}; expected one of {[r.value for r in Requirement]}"
        ) from None


def _get(doc: Mapping[str, Any], path: str, source: str, kind: type) -> Any:
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise RuleBaseError(source, None, f"missing key {path!r}")
        node = node[part]
    if not isinstance(node, kind):
        raise RuleBaseError(source, None, f"{path!r} must be a {kind.__name__}")
    return node


def parse_overlays(doc: Mapping[str, Any], source: str) -> Overlays:
    citations = dict(_get(doc, "citations", source, dict))
    for key in _REQUIRED_CITATIONS:
        if not isinstance(citations.get(key), str) or not citations[key].strip():
            raise RuleBaseError(source, None, f"missing citation {key!r}")
    required = {
        k.upper(): tuple(str(v).upper() for v in vs)
        for k, vs in _get(doc, "dnc.required_registers", source, dict).items()
    }
    ages = {str(k).upper(): int(v) for k, v in _get(doc, "dnc.max_age_days", source, dict).items()}
    known_doc = doc.get("dnc", {}).get("known_registers", {})
    if not isinstance(known_doc, Mapping) or not all(isinstance(v, list) for v in known_doc.values()):
        raise RuleBaseError(source, None, "'dnc.known_registers' must map country codes to lists of register names")
    known: dict[str, tuple[str, ...]] = {}
    for cc in sorted({*(str(k).upper() for k in known_doc), *required}):
        names = [str(v) for k, vs in known_doc.items() if str(k).upper() == cc for v in vs]
        names += [n for n in required.get(cc, ()) if n.upper() not in {x.upper() for x in names}]
        known[cc] = tuple(dict.fromkeys(names))
    return Overlays(
        gdpr_regime_eu=_get(doc, "gdpr.regime_eu", source, str),
        gdpr_regime_gb=_get(doc, "gdpr.regime_gb", source, str),
        gdpr_requires=_reqs(doc, "gdpr.requires", source),
        electronic_mail_requires=_reqs(doc, "electronic_mail.requires", source),
        live_call_requires=_reqs(doc, "live_call.requires", source),
        automated_call_requires=_reqs(doc, "automated_call.requires", source),
        post_requires=_reqs(doc, "post.requires", source),
        post_regime=_get(doc, "post.regime", source, str),
        service_requires=_reqs(doc, "service.requires", source),
        us_email_requires=_reqs(doc, "us.email_requires", source),
        us_consent_drops=_reqs(doc, "us.consent_drops", source),
        us_ca_region=_get(doc, "us_ca.region", source, str),
        us_ca_regime=_get(doc, "us_ca.regime", source, str),
        us_ca_requires=_reqs(doc, "us_ca.requires", source),
        ca_email_requires=_reqs(doc, "ca.email_requires", source),
        casl_customer_months=_get(doc, "ca.implied_consent_customer_months", source, int),
        casl_negotiation_months=_get(doc, "ca.implied_consent_negotiation_months", source, int),
        dnc_default_max_age_days=_get(doc, "dnc.default_max_age_days", source, int),
        dnc_required_registers=required,
        dnc_max_age_days=ages,
        citations=citations,
        dnc_known_registers=known,
    )


def merge_overlay_docs(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge a tenant's overlay document over the shipped one (tables merge, values replace)."""
    out: dict[str, Any] = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge_overlay_docs(out[key], value)
        else:
            out[key] = value
    return out
