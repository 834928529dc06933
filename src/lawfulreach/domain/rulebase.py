"""The rule base as data: one row per country × channel column, plus the overlays.

Rows come from ``rules/data/countries.csv`` (the table of seed 003, with its legislation column, plus
the rows and columns spec §6 adds: US text messages, do-not-call registers that apply to some
subscriber types only) and the overlays from ``rules/data/overlays.toml`` (per-country requirements,
relationship windows, register citations). This module validates parsed rows into value objects;
reading files is the loader's job (``lawfulreach.rules``). A bad row is a ``RuleBaseError`` naming
the file and the row. Country-specific behaviour lives here as data, never as a branch on a country
code in the engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from lawfulreach.domain.lexicons import GDPR_AREA
from lawfulreach.domain.versions import with_settings
from lawfulreach.domain.vocabulary import Channel, Requirement, SubscriberType
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
    """The four columns of the seed 003 table, plus ``sms`` for countries whose texts do not follow the
    email columns (spec §6: the US, where the TCPA governs marketing texts)."""

    EMAIL_FIRST_PARTY = "email_first_party"
    EMAIL_THIRD_PARTY = "email_third_party"
    SMS = "sms"
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
    #: the subscriber types the do-not-call check applies to; empty: every type (spec §6: the US
    #: National DNC covers non-corporate subscribers only, Canada's DNCL individuals only)
    dnc_subscribers: frozenset[SubscriberType] = frozenset()

    def dnc_applies_to(self, subscriber: SubscriberType) -> bool:
        """Whether a call to this subscriber type must be screened against the country's registers."""
        return self.dnc_check and (not self.dnc_subscribers or subscriber in self.dnc_subscribers)


@dataclass(frozen=True, slots=True)
class RelationshipWindow:
    """How recent an existing business relationship must be to count, for some channels of a country.

    Two uses (``effect``): ``implied_consent`` — CASL's existing business relationship stands in for
    consent to electronic messages; ``dnc_exemption`` — an established business relationship lets a
    live call go ahead without the do-not-call register (US TSR, Canada UTR). Either needs the same
    legal entity and a ``last_interaction`` within the window for its kind (spec §5, §6)."""

    country: str
    effect: str
    channels: frozenset[Channel]
    customer_months: int
    negotiation_months: int
    citation: str


@dataclass(frozen=True, slots=True)
class RegionOverlay:
    """What a subdivision adds on top of its country (``[regions.US-CA]``: the CCPA): a regime shown
    in the decision and requirements every message to a contact there must meet. Any region is data:
    a tenant adds ``[regions.US-VA]`` without a code change."""

    code: str
    regime: str
    requires: tuple[Requirement, ...]


@dataclass(frozen=True)
class Overlays:
    #: the regime shown in the GDPR area unless ``gdpr_regime_by_country`` names the country's own
    gdpr_regime_default: str
    gdpr_requires: tuple[Requirement, ...]
    electronic_mail_requires: tuple[Requirement, ...]
    live_call_requires: tuple[Requirement, ...]
    automated_call_requires: tuple[Requirement, ...]
    post_requires: tuple[Requirement, ...]
    post_regime: str
    service_requires: tuple[Requirement, ...]
    dnc_default_max_age_days: int
    #: country → register names, as written (compared case-insensitively)
    dnc_required_registers: Mapping[str, tuple[str, ...]]
    dnc_max_age_days: Mapping[str, int]
    citations: Mapping[str, str] = field(default_factory=dict)
    dnc_known_registers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Register names ``dnc load`` accepts per country (upper case; the required ones included)."""
    #: country → channel (or ``consent_drops``) → requirements replacing the channel's default
    country_requirements: Mapping[str, Mapping[str, tuple[Requirement, ...]]] = field(default_factory=dict)
    #: (country, channel) → the relationship window that applies there
    relationship_windows: Mapping[tuple[str, Channel], RelationshipWindow] = field(default_factory=dict)
    #: country → the law that requires its do-not-call screening (else ``citations.dnc_generic``)
    dnc_citations: Mapping[str, str] = field(default_factory=dict)
    #: country → the law that exempts the subscriber types its register does not cover
    dnc_exempt_citations: Mapping[str, str] = field(default_factory=dict)
    #: GDPR-area country → the regime it applies instead of the default (GB: the UK GDPR)
    gdpr_regime_by_country: Mapping[str, str] = field(default_factory=dict)
    #: ISO 3166-2 code → what that subdivision adds (``[regions.US-CA]``: the CCPA)
    regions: Mapping[str, RegionOverlay] = field(default_factory=dict)

    def gdpr_regime(self, country: str | None) -> str:
        """The data-protection regime of a GDPR-area country: its own where the overlays name one
        (``[gdpr.regime_by_country]``), else the default (``gdpr.regime_eu``)."""
        return self.gdpr_regime_by_country.get(country or "", self.gdpr_regime_default)

    def region(self, code: str | None) -> RegionOverlay | None:
        """The overlay of a subdivision (``US-CA``), or ``None`` where the region adds nothing."""
        return self.regions.get(code) if code else None

    def citation(self, key: str) -> str:
        return self.citations[key]

    def max_age_days(self, register: str) -> int:
        return self.dnc_max_age_days.get(register.upper(), self.dnc_default_max_age_days)

    def requirements(self, country: str | None, channel: Channel) -> tuple[Requirement, ...]:
        """What every message or call on this channel must carry: the country's own list where the
        overlays give one (CAN-SPAM, TCPA, CASL), else the channel's default."""
        own = self.country_requirements.get(country or "", {}).get(channel.value)
        if own is not None:
            return own
        if channel.is_electronic_mail:
            return self.electronic_mail_requires
        if channel is Channel.CALL:
            return self.live_call_requires
        if channel is Channel.AUTOMATED_CALL:
            return self.automated_call_requires
        return self.post_requires

    def consent_drops(self, country: str | None) -> tuple[Requirement, ...]:
        """Requirements a country waives where the recipient consented (CAN-SPAM: the ad disclosure)."""
        return self.country_requirements.get(country or "", {}).get("consent_drops", ())

    def window(self, country: str | None, channel: Channel) -> RelationshipWindow | None:
        return self.relationship_windows.get((country or "", channel))

    def window_countries(self, channel: Channel) -> frozenset[str]:
        """Countries where a relationship window applies to this channel (which facts the batch reads)."""
        return frozenset(c for c, ch in self.relationship_windows if ch is channel)

    def dnc_citation(self, country: str, rule_citation: str) -> str:
        own = self.dnc_citations.get(country)
        return own if own else f"{self.citation('dnc_generic')}; {rule_citation}"


@dataclass(frozen=True)
class RuleBase:
    rules: Mapping[tuple[str, Column], CountryRule]
    overlays: Overlays
    #: ``rb-<12 hex>``: a stable hash of the rule data this was loaded from (``domain.versions``), set
    #: once by the loader; every decision made with this rule base carries it
    version: str = ""

    def with_register_ages(self, ages: Mapping[str, int]) -> RuleBase:
        """This rule base with a workspace's register maximum ages (``dnc max-age``) over the overlays'
        ones, and a version that says so; unchanged when the workspace sets none."""
        if not ages:
            return self
        merged = {**self.overlays.dnc_max_age_days, **ages}
        return replace(
            self,
            overlays=replace(self.overlays, dnc_max_age_days=merged),
            version=with_settings(self.version, {"dnc.max_age_days": dict(sorted(ages.items()))}),
        )

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
    "dnc_subscribers",
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
    "can_spam",
    "ccpa",
    "post",
    "service",
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
        subscribers = _subscribers(raw.get("dnc_subscribers", ""), source, line)
        if subscribers and dnc_raw not in ("yes", "true"):
            raise RuleBaseError(source, line, "dnc_subscribers is set but dnc_check is not yes")
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
            dnc_subscribers=subscribers,
        )
    return out


def _subscribers(value: str | None, source: str, row: int) -> frozenset[SubscriberType]:
    """``sole_trader;partnership;individual`` → the subscriber types; empty → every type."""
    out = set()
    for part in (value or "").split(";"):
        name = part.strip().lower()
        if not name:
            continue
        try:
            kind = SubscriberType(name)
        except ValueError:
            kind = SubscriberType.UNKNOWN
        if kind is SubscriberType.UNKNOWN:
            known = [t.value for t in SubscriberType if t is not SubscriberType.UNKNOWN]
            raise RuleBaseError(
                source, row, f"unknown subscriber type {part.strip()!r} in dnc_subscribers; expected {known}"
            )
        out.add(kind)
    return frozenset(out)


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


def _country_key(key: object, path: str, source: str) -> str:
    code = str(key).strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise RuleBaseError(source, None, f"{path}: {key!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def _text_table(doc: Mapping[str, Any], path: str, source: str) -> dict[str, str]:
    """An optional ``[path]`` table of country code → non-empty text (citations)."""
    node: Any = doc
    for part in path.split("."):
        node = node.get(part, {}) if isinstance(node, Mapping) else {}
    if not isinstance(node, Mapping):
        raise RuleBaseError(source, None, f"{path!r} must be a table")
    out = {}
    for key, value in node.items():
        if not isinstance(value, str) or not value.strip():
            raise RuleBaseError(source, None, f"{path}.{key} must be a non-empty text")
        out[_country_key(key, path, source)] = value.strip()
    return out


def _country_requirements(doc: Mapping[str, Any], source: str) -> dict[str, dict[str, tuple[Requirement, ...]]]:
    """``[requirements.US] email = [...], sms = [...], consent_drops = [...]``."""
    table = doc.get("requirements", {})
    if not isinstance(table, Mapping):
        raise RuleBaseError(source, None, "'requirements' must be a table of countries")
    allowed = {c.value for c in Channel} | {"consent_drops"}
    out: dict[str, dict[str, tuple[Requirement, ...]]] = {}
    for key, entry in table.items():
        code = _country_key(key, "requirements", source)
        if not isinstance(entry, Mapping):
            raise RuleBaseError(source, None, f"requirements.{key} must be a table")
        unknown = sorted(set(entry) - allowed)
        if unknown:
            raise RuleBaseError(
                source, None, f"requirements.{key}: unknown key(s) {unknown}; expected {sorted(allowed)}"
            )
        out[code] = {name: _reqs(doc, f"requirements.{key}.{name}", source) for name in entry}
    return out


_WINDOW_EFFECTS = ("implied_consent", "dnc_exemption")


def _windows(doc: Mapping[str, Any], source: str) -> dict[tuple[str, Channel], RelationshipWindow]:
    """``[implied_consent.CA]`` and ``[established_relationship.US]`` tables → windows by country and
    channel; one window at most per country and channel."""
    out: dict[tuple[str, Channel], RelationshipWindow] = {}
    for effect, table_name in zip(_WINDOW_EFFECTS, ("implied_consent", "established_relationship"), strict=True):
        table = doc.get(table_name, {})
        if not isinstance(table, Mapping):
            raise RuleBaseError(source, None, f"{table_name!r} must be a table of countries")
        for key in table:
            code = _country_key(key, table_name, source)
            path = f"{table_name}.{key}"
            try:
                channels = frozenset(Channel(c) for c in _get(doc, f"{path}.channels", source, list))
            except ValueError as exc:
                raise RuleBaseError(source, None, f"{path}.channels: {exc}") from None
            window = RelationshipWindow(
                country=code,
                effect=effect,
                channels=channels,
                customer_months=_get(doc, f"{path}.customer_months", source, int),
                negotiation_months=_get(doc, f"{path}.negotiation_months", source, int),
                citation=_get(doc, f"{path}.citation", source, str).strip(),
            )
            if not window.citation:
                raise RuleBaseError(source, None, f"{path}.citation must not be empty")
            if effect == "dnc_exemption" and channels - {Channel.CALL}:
                raise RuleBaseError(source, None, f"{path}.channels: the register exemption is for live calls only")
            for channel in channels:
                if (code, channel) in out:
                    raise RuleBaseError(source, None, f"{path}: more than one relationship window for {code} {channel}")
                out[(code, channel)] = window
    return out


#: overlay sections and keys of earlier versions and where their content lives now: an override file
#: still using them would otherwise be ignored silently (e.g. a stricter CASL window), or refused only
#: as an unknown key without saying where the setting went.
_MOVED: dict[tuple[str, ...], str] = {
    ("us",): "[requirements.US] (email, consent_drops, sms)",
    ("ca",): "[requirements.CA] and [implied_consent.CA]",
    ("us_ca",): "[regions.US-CA] (regime, requires; the table's name is the region)",
    ("gdpr", "regime_gb"): '[gdpr.regime_by_country] as GB = "…"',
}


def refuse_moved_sections(doc: Mapping[str, Any], source: str) -> None:
    """A section or key the rule data no longer reads is named with where its settings went, before
    any generic "unknown table" message: an old override file then says how to fix it."""
    for old, new in _MOVED.items():
        node: Any = doc
        for part in old:
            node = node.get(part) if isinstance(node, Mapping) else None
        if node is None:
            continue
        if len(old) == 1:
            raise RuleBaseError(source, None, f"the [{old[0]}] section is no longer read; its settings moved to {new}")
        raise RuleBaseError(source, None, f"the key {'.'.join(old)} is no longer read; it moved to {new}")


def _gdpr_regimes(doc: Mapping[str, Any], source: str) -> dict[str, str]:
    """``[gdpr.regime_by_country]``: a country's own regime name; only GDPR-area countries have one, so a
    code outside it (a typo, or a country the GDPR does not cover) is refused rather than ignored."""
    out = _text_table(doc, "gdpr.regime_by_country", source)
    outside = sorted(c for c in out if c not in GDPR_AREA)
    if outside:
        raise RuleBaseError(
            source,
            None,
            f"gdpr.regime_by_country: {outside} not in the GDPR area (the EEA and GB); no regime applies there",
        )
    return out


_REGION_CODE = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")
_REGION_KEYS = ("regime", "requires")


def _regions(doc: Mapping[str, Any], source: str) -> dict[str, RegionOverlay]:
    """``[regions.US-CA] regime = "…", requires = [...]``: what each subdivision adds to its country."""
    table = doc.get("regions", {})
    if not isinstance(table, Mapping):
        raise RuleBaseError(source, None, "'regions' must be a table of ISO 3166-2 codes")
    out: dict[str, RegionOverlay] = {}
    for key, entry in table.items():
        code = str(key).strip().upper()
        if not _REGION_CODE.fullmatch(code):
            raise RuleBaseError(source, None, f"regions: {key!r} is not an ISO 3166-2 code such as US-CA")
        if not isinstance(entry, Mapping):
            raise RuleBaseError(source, None, f"regions.{key} must be a table")
        unknown = sorted(set(entry) - set(_REGION_KEYS))
        if unknown:
            raise RuleBaseError(source, None, f"regions.{key}: unknown key(s) {unknown}; expected {list(_REGION_KEYS)}")
        regime = _get(doc, f"regions.{key}.regime", source, str).strip()
        if not regime:
            raise RuleBaseError(source, None, f"regions.{key}.regime must not be empty")
        out[code] = RegionOverlay(code, regime, _reqs(doc, f"regions.{key}.requires", source))
    return out


def parse_overlays(doc: Mapping[str, Any], source: str) -> Overlays:
    refuse_moved_sections(doc, source)
    citations = dict(_get(doc, "citations", source, dict))
    for key in _REQUIRED_CITATIONS:
        if not isinstance(citations.get(key), str) or not citations[key].strip():
            raise RuleBaseError(source, None, f"missing citation {key!r}")
    required = {
        _country_key(k, "dnc.required_registers", source): tuple(str(v).strip() for v in vs)
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
        gdpr_regime_default=_get(doc, "gdpr.regime_eu", source, str),
        gdpr_requires=_reqs(doc, "gdpr.requires", source),
        electronic_mail_requires=_reqs(doc, "electronic_mail.requires", source),
        live_call_requires=_reqs(doc, "live_call.requires", source),
        automated_call_requires=_reqs(doc, "automated_call.requires", source),
        post_requires=_reqs(doc, "post.requires", source),
        post_regime=_get(doc, "post.regime", source, str),
        service_requires=_reqs(doc, "service.requires", source),
        dnc_default_max_age_days=_get(doc, "dnc.default_max_age_days", source, int),
        dnc_required_registers=required,
        dnc_max_age_days=ages,
        citations=citations,
        dnc_known_registers=known,
        country_requirements=_country_requirements(doc, source),
        relationship_windows=_windows(doc, source),
        dnc_citations=_text_table(doc, "dnc.citations", source),
        dnc_exempt_citations=_text_table(doc, "dnc.exempt_citations", source),
        gdpr_regime_by_country=_gdpr_regimes(doc, source),
        regions=_regions(doc, source),
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
