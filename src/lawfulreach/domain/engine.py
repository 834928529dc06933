"""The decision engine: ``Facts`` + ``RuleBase`` → ``Decision``. Pure, no I/O.

A pipeline in the manner of structlog's processor chain: every step has the one signature
``(facts, rulebase, draft) -> None`` (``Step``) and adds reasons, requirements and regimes to a
``Draft``; which steps run, and in which order, is declared as data (``PIPELINES``, by purpose and
channel) and walked by ``run``. A step that settles the decision (no country, no rule, consent
required and missing) marks the draft ``final`` and the walk stops there — the one place where
"return early" lives, so a new step is one function and one entry in a tuple. Nothing in a step
branches on a country code: what differs by country or region is rule data (``RuleBase``).

The outcome is derived from the reasons at the end (spec §1): blocked if any blocking reason, else
review if any review reason, else allowed.

When the subscriber type is unknown, the engine evaluates the request as a corporate and as an
individual subscriber; only if the two differ does the tenant's policy decide (spec §3).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType

import pycountry

from lawfulreach.domain.facts import Facts
from lawfulreach.domain.lexicons import GDPR_AREA, REGION_GROUPS
from lawfulreach.domain.model import Decision, Reason
from lawfulreach.domain.rulebase import Column, CountryRule, Level, RelationshipWindow, RuleBase
from lawfulreach.domain.vocabulary import (
    AddressKind,
    AddressStatus,
    Basis,
    Channel,
    ConsentStatus,
    LiaStatus,
    Outcome,
    PhoneType,
    Purpose,
    ReasonCode,
    RelationshipKind,
    Requirement,
    SenderType,
    Severity,
    Source,
    SubscriberPolicy,
    SubscriberType,
)

__all__ = ["PIPELINES", "Draft", "Step", "decide", "explain", "pipeline_for", "run"]


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    c = pycountry.countries.get(alpha_2=code)
    return str(getattr(c, "common_name", None) or c.name) if c else code


@dataclass
class Draft:
    """A decision under construction, handed from step to step; ``finish`` makes the ``Decision``.

    Mutable on purpose: each step adds to it in place (``add``, ``require``, ``regime``, ``note``) rather
    than returning a copy, which keeps a step a plain function and costs nothing per decision. What one
    step works out for a later one is kept here too, so that every step has the same signature:
    ``rule`` (the table row ``_rule_step`` found) and ``legitimate_interests_possible`` (set by the
    permission test, read by the GDPR basis). ``final`` stops the walk: set by a step whose reason
    settles the decision. ``trace`` records the path for ``rules explain``."""

    jurisdiction: str | None
    regimes: list[str] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    basis: Basis | None = None
    relied_on_consent: bool = False
    trace: list[str] = field(default_factory=list)
    codes: set[ReasonCode] = field(default_factory=set)
    severities: set[Severity] = field(default_factory=set)
    rule: CountryRule | None = None
    legitimate_interests_possible: bool = True
    final: bool = False

    def add(self, code: ReasonCode, message: str, citation: str) -> None:
        if code not in self.codes:
            self.reasons.append(Reason(code, message, citation))
            self.codes.add(code)
            self.severities.add(code.severity)

    def require(self, *reqs: Requirement) -> None:
        for r in reqs:
            if r not in self.requirements:
                self.requirements.append(r)

    def regime(self, name: str) -> None:
        if name and name not in self.regimes:
            self.regimes.append(name)

    def note(self, line: str) -> None:
        self.trace.append(line)

    def has(self, severity: Severity) -> bool:
        return severity in self.severities

    def finish(self) -> Decision:
        if self.has(Severity.BLOCK):
            outcome = Outcome.BLOCKED
        elif self.has(Severity.REVIEW):
            outcome = Outcome.REVIEW
        else:
            outcome = Outcome.ALLOWED
        reasons = self.reasons
        if outcome is not Outcome.ALLOWED:
            # What *would* have allowed it is not a reason for a block or a review.
            reasons = [r for r in reasons if r.code.severity is not Severity.ALLOW]
        return Decision(
            outcome=outcome,
            jurisdiction=self.jurisdiction,
            regimes=tuple(self.regimes),
            basis=self.basis if outcome is Outcome.ALLOWED else None,
            requirements=tuple(self.requirements) if outcome is Outcome.ALLOWED else (),
            reasons=tuple(reasons),
        )


Step = Callable[[Facts, RuleBase, Draft], None]
"""One step of the pipeline: reads the facts and the rule base, adds to the draft, returns nothing."""


# --- helpers --------------------------------------------------------------------------------------


def _in_gdpr_area(f: Facts) -> bool:
    return f.jurisdiction in GDPR_AREA


def _personal_data(f: Facts) -> bool:
    """Seed 003 glossary / spec §3: a generic address without a name is not personal data."""
    return not (f.address_kind is AddressKind.GENERIC and not f.has_name)


def _valid_consent(f: Facts) -> bool:
    return (
        f.consent_status in (ConsentStatus.GIVEN, ConsentStatus.CONFIRMED)
        and f.consent_channel_ok
        and f.consent_purpose_ok
        and not f.consent_pre_ticked
    )


def _consent_problem(f: Facts) -> str:
    """Why the consent on file does not count, for the ``consent_required`` message."""
    if f.consent_status is ConsentStatus.NONE:
        return "no consent is on record"
    if f.consent_status is ConsentStatus.WITHDRAWN:
        return "consent was withdrawn"
    if f.consent_pre_ticked:
        return "the consent on record came from a pre-ticked box, which is never consent"
    if not f.consent_channel_ok:
        return f"the consent on record is not for {f.channel.value.replace('_', ' ')}"
    if not f.consent_purpose_ok:
        return "the consent on record is for a purpose this campaign does not accept"
    return "no valid consent is on record"


def _soft_opt_in_failures(f: Facts) -> list[str]:
    """The five conditions of seeds 002/003, plus the sender and channel limits (spec §3)."""
    failed = []
    if f.relationship not in (RelationshipKind.CUSTOMER, RelationshipKind.NEGOTIATION):
        failed.append("details were not collected in a sale or negotiation")
    if not f.same_legal_entity:
        failed.append("the sender is not the legal entity that collected the details")
    if not f.products_overlap:
        failed.append("the campaign is not about similar products or services")
    if not f.opt_out_offered:
        failed.append("no opt-out was offered when the details were collected")
    if f.sender_type is not SenderType.COMMERCIAL:
        failed.append(f"a {f.sender_type.value} sender cannot use the soft opt-in")
    if not f.channel.is_electronic_mail:
        failed.append("the soft opt-in covers only emails and texts")
    return failed


def _relationship_in_window(f: Facts) -> bool:
    """An existing business relationship within the window the overlays set for this country and
    channel (``relationship_recent`` is measured against that window): same legal entity and a
    ``last_interaction`` needed (spec §5, §6)."""
    return (
        f.relationship in (RelationshipKind.CUSTOMER, RelationshipKind.NEGOTIATION)
        and f.same_legal_entity
        and f.has_last_interaction
        and f.relationship_recent
    )


def _window_words(window: RelationshipWindow) -> str:
    return f"a purchase within {window.customer_months} months or an inquiry within {window.negotiation_months} months"


_SUBSCRIBER_WORDS = {
    SubscriberType.CORPORATE: "companies",
    SubscriberType.GOVERNMENT: "government bodies",
    SubscriberType.SOLE_TRADER: "sole traders",
    SubscriberType.PARTNERSHIP: "partnerships",
    SubscriberType.INDIVIDUAL: "individuals",
    SubscriberType.UNKNOWN: "subscribers of unknown type",
}


def _region_excluded(f: Facts) -> str | None:
    for entry in f.excluded_regions:
        if entry in REGION_GROUPS and f.jurisdiction in REGION_GROUPS[entry]:
            return entry
        if entry == f.jurisdiction or (f.region is not None and entry == f.region):
            return entry
    return None


def _channel_words(channel: Channel) -> str:
    return {
        Channel.EMAIL: "email",
        Channel.SMS: "SMS",
        Channel.CALL: "live calls",
        Channel.AUTOMATED_CALL: "automated calls",
        Channel.POST: "post",
    }[channel]


# --- steps ----------------------------------------------------------------------------------------


def _rule_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    """Find the table row once, for the regime, the permission test and the register check after it."""
    d.rule = _rule_for(f, rb)


def _regimes_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    """The regimes the decision names: the data-protection regime of the GDPR area (the country's own
    where the overlays name one: the UK GDPR), the marketing rule's, and the region's (the CCPA)."""
    ov = rb.overlays
    if _in_gdpr_area(f):
        d.regime(ov.gdpr_regime(f.jurisdiction))
    if d.rule is not None:
        d.regime(d.rule.regime)
    region = ov.region(f.region)
    if region is not None:
        d.regime(region.regime)


def _address_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    cite = rb.overlays.citation("invalid_address")
    if f.channel is Channel.EMAIL and f.email_status is not AddressStatus.VALID:
        what = "missing" if f.email_status is AddressStatus.MISSING else "not a valid email address"
        d.add(ReasonCode.INVALID_EMAIL, f"The email address is {what}.", cite)
    if f.channel.uses_phone and f.phone_status is not AddressStatus.VALID:
        what = {
            AddressStatus.MISSING: "missing",
            AddressStatus.MANGLED: (
                "unreadable: a spreadsheet turned it into a number in scientific notation (such as "
                "4.4207946E+11) and its last digits are lost; export the column as text"
            ),
        }.get(f.phone_status, "not a valid phone number")
        d.add(ReasonCode.INVALID_PHONE, f"The phone number is {what}.", cite)


def _erasure_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    if f.erased:
        d.add(
            ReasonCode.ERASED_SUBJECT,
            "This person asked to be erased; they are kept only as a keyed hash so they are never contacted again.",
            rb.overlays.citation("erasure"),
        )


def _region_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    entry = _region_excluded(f)
    if entry is not None:
        d.add(
            ReasonCode.REGION_EXCLUDED,
            f"The campaign excludes {entry}, and this contact is in {f.region or f.jurisdiction}.",
            rb.overlays.citation("region_exclusion"),
        )


def _suppression_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    cite = rb.overlays.citation("exclusion_list")
    if f.suppressed_email:
        d.add(ReasonCode.SUPPRESSED_EMAIL, "The email address is on the exclusion list.", cite)
    if f.suppressed_domain:
        d.add(ReasonCode.SUPPRESSED_DOMAIN, "The email domain is on the exclusion list.", cite)
    if f.suppressed_phone:
        d.add(ReasonCode.SUPPRESSED_PHONE, "The phone number is on the exclusion list.", cite)
    if f.opted_out or (f.consent_status is ConsentStatus.WITHDRAWN and f.consent_channel_ok):
        d.add(
            ReasonCode.OPTED_OUT,
            f"This person has opted out of or objected to {_channel_words(f.channel)} (or all direct marketing).",
            rb.overlays.citation("opt_out"),
        )


def _email_level(f: Facts, rule: CountryRule, d: Draft) -> Level:
    level = rule.level
    if rule.level_generic is not None and f.address_kind is AddressKind.GENERIC:
        level = rule.level_generic
        d.note(f"generic address: cell for generic addresses applies ({level.label})")
    if _in_gdpr_area(f) and not f.subscriber_type.is_corporate_subscriber:
        stricter = level.stricter(Level.OPT_IN_SOFT)
        if stricter is not level:
            d.note(f"{f.subscriber_type.value} subscriber: at least opt-in + soft opt-in (PECR/ePrivacy)")
        level = stricter
    return level


def _call_level(f: Facts, rule: CountryRule, d: Draft) -> Level:
    level = rule.level
    if rule.public_directory_level is not None and f.in_public_directory:
        level = rule.public_directory_level
        d.note(f"number in the public directory: {level.label}")
    if rule.mobile_level is not None and f.phone_type is PhoneType.MOBILE:
        level = level.stricter(rule.mobile_level)
        d.note(f"mobile number: {level.label}")
    return level


def _permission_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    """Consent/opt-out test for the cell; records whether legitimate interests remain possible (the
    basis is not consent, so the GDPR overlay may need an LIA)."""
    if d.rule is not None:
        d.legitimate_interests_possible = _permission(f, rb, d, d.rule)


def _permission(f: Facts, rb: RuleBase, d: Draft, rule: CountryRule) -> bool:
    """Consent/opt-out test for the cell. Returns True when the basis is not consent (LIA may apply)."""
    ov = rb.overlays
    where = country_name(rule.country)
    chan = _channel_words(f.channel)
    if f.channel.is_electronic_mail:
        level = _email_level(f, rule, d)
    elif f.channel is Channel.CALL:
        level = _call_level(f, rule, d)
    else:
        level = rule.level
    d.note(f"{where}, {rule.column.value}: {level.label} — {rule.citation}")
    consent = _valid_consent(f)
    soft_failures = _soft_opt_in_failures(f)
    soft = level.soft_opt_in_suffices and not soft_failures
    confirmed = consent and f.consent_status is ConsentStatus.CONFIRMED

    if consent and (not level.needs_confirmed or confirmed):
        d.relied_on_consent = True
        code = ReasonCode.DOUBLE_OPT_IN_CONFIRMED if confirmed and level.needs_confirmed else ReasonCode.CONSENT_VALID
        cite = ov.citation("double_opt_in") if level.needs_confirmed else ov.citation("consent_definition")
        d.add(code, f"Valid {'confirmed ' if confirmed else ''}consent for {chan} is on record.", cite)
        return False
    window = ov.window(f.jurisdiction, f.channel)
    if window is not None and window.effect == "implied_consent" and level.needs_consent and _relationship_in_window(f):
        d.relied_on_consent = True
        d.add(
            ReasonCode.IMPLIED_CONSENT,
            f"An existing business relationship with the sender ({_window_words(window)}) counts as implied consent.",
            window.citation,
        )
        return False
    if not level.needs_consent:
        d.add(ReasonCode.OPT_OUT_PERMITTED, f"{where} permits {chan} on an opt-out basis.", rule.citation)
        return True
    if soft:
        d.add(
            ReasonCode.SOFT_OPT_IN,
            "All five soft opt-in conditions are met (sale or negotiation, same legal entity, similar "
            "products, opt-out offered at collection and in every message).",
            ov.citation("soft_opt_in"),
        )
        return True
    if level.needs_confirmed and consent:
        d.add(
            ReasonCode.DOUBLE_OPT_IN_REQUIRED,
            f"{where} requires confirmed (double opt-in) consent for {chan}; the consent on record is not confirmed.",
            rule.citation,
        )
        return False
    detail = _consent_problem(f)
    if level.soft_opt_in_suffices:
        detail += "; soft opt-in does not apply: " + "; ".join(soft_failures)
    cite = rule.citation
    if f.channel is Channel.AUTOMATED_CALL:
        # Plain words in the message; the law behind "consent must be for automated calls" in the citation.
        detail += " (consent to general marketing or to live calls is not consent to automated calls)"
        cite += f"; {ov.citation('consent_specific_channel')}"
    d.add(
        ReasonCode.CONSENT_REQUIRED,
        f"{where} requires {level.label} for {chan} to this contact, and {detail}.",
        cite,
    )
    return False


def _dnc_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    """Live calls only (spec §5, §6): listings block unless valid call consent; missing/stale need review.

    Which subscribers a country's register covers, the exemption's citation and the established
    business relationship that lets a call go ahead without the register are all rule data."""
    rule = d.rule
    if rule is None:
        return
    ov = rb.overlays
    cite = ov.dnc_citation(rule.country, rule.citation)
    if _valid_consent(f):
        if f.dnc_listed:
            d.add(
                ReasonCode.DNC_OVERRIDDEN_BY_CONSENT,
                f"Listed on {', '.join(f.dnc_listed)}, but the subscriber consented to calls from you.",
                cite,
            )
        return
    if rule.dnc_check and not rule.dnc_applies_to(f.subscriber_type):
        covered = ", ".join(_SUBSCRIBER_WORDS[t] for t in SubscriberType if t in rule.dnc_subscribers)
        d.add(
            ReasonCode.DNC_NOT_REQUIRED,
            f"In {country_name(rule.country)} the do-not-call register covers {covered} only; calls to "
            f"{_SUBSCRIBER_WORDS[f.subscriber_type]} are exempt.",
            ov.dnc_exempt_citations.get(rule.country, cite),
        )
        return
    window = ov.window(rule.country, f.channel)
    if rule.dnc_check and window is not None and window.effect == "dnc_exemption" and _relationship_in_window(f):
        d.add(
            ReasonCode.ESTABLISHED_RELATIONSHIP,
            f"An established business relationship with the sender ({_window_words(window)}) lets the call "
            "go ahead without the do-not-call register.",
            window.citation,
        )
        return
    if f.dnc_listed:
        d.add(
            ReasonCode.DNC_REGISTERED,
            f"The number is on the do-not-call register {', '.join(f.dnc_listed)}.",
            cite,
        )
    if not rule.dnc_check:
        return
    if f.dnc_missing:
        d.add(
            ReasonCode.DNC_REGISTER_MISSING,
            f"A do-not-call check is required in {country_name(rule.country)} but "
            f"{', '.join(f.dnc_missing)} is not loaded.",
            cite,
        )
    if f.dnc_stale:
        d.add(
            ReasonCode.DNC_REGISTER_STALE,
            f"The do-not-call register {', '.join(f.dnc_stale)} is older than its maximum age; reload it.",
            cite,
        )
    if not (f.dnc_listed or f.dnc_missing or f.dnc_stale):
        d.add(
            ReasonCode.DNC_SCREENED,
            "The number was screened against the required do-not-call registers.",
            cite,
        )


def _basis_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    """GDPR overlay (spec §3): lawful basis, LIA, privacy notice."""
    ov = rb.overlays
    if not _personal_data(f):
        d.basis = Basis.NOT_PERSONAL_DATA
        d.add(
            ReasonCode.NOT_PERSONAL_DATA,
            "A generic role address with no name is not personal data.",
            ov.citation("gdpr_not_personal"),
        )
        return
    if d.relied_on_consent:
        d.basis = Basis.CONSENT
    else:
        d.basis = Basis.LEGITIMATE_INTERESTS
    if not _in_gdpr_area(f):
        return
    d.require(*ov.gdpr_requires)
    if d.basis is Basis.CONSENT or not d.legitimate_interests_possible:
        return
    if f.lia is LiaStatus.PASSED:
        d.add(
            ReasonCode.LIA_PASSED,
            "The campaign's legitimate interests assessment passed.",
            ov.citation("gdpr_lia"),
        )
    elif f.lia is LiaStatus.FAILED:
        d.add(
            ReasonCode.LIA_FAILED,
            _with_note(
                "The basis would be legitimate interests, and the campaign's legitimate interests assessment failed.",
                f.lia_note,
            ),
            ov.citation("gdpr_lia"),
        )
    else:
        d.add(
            ReasonCode.LIA_MISSING,
            _with_note(
                "The basis would be legitimate interests, and the campaign has no passed legitimate interests "
                "assessment.",
                f.lia_note,
            ),
            ov.citation("gdpr_lia"),
        )


def _with_note(message: str, note: str | None) -> str:
    """A reason's message with what the stored campaign's assessment adds (``domain.lia.status_note``)."""
    return message if note is None else f"{message.rstrip('.')}: {note}."


def _requirements_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    """The country's own list where the overlays give one (CAN-SPAM, TCPA texts, CASL), else the
    channel's default; minus what the country waives on consent; plus the region's (CCPA)."""
    ov = rb.overlays
    drops = ov.consent_drops(f.jurisdiction) if d.relied_on_consent else ()
    d.require(*(r for r in ov.requirements(f.jurisdiction, f.channel) if r not in drops))
    region = ov.region(f.region)
    if region is not None:
        d.require(*region.requires)


def _rule_for(f: Facts, rb: RuleBase) -> CountryRule | None:
    """The table row for this request: texts use the country's own ``sms`` row where it has one
    (spec §6: US texts follow the TCPA, not the email columns), else the email column of the source."""
    if f.jurisdiction is None:
        return None
    if f.channel is Channel.SMS:
        own = rb.rule(f.jurisdiction, Column.SMS)
        if own is not None:
            return own
    column = _column(f)
    return rb.rule(f.jurisdiction, column) if column else None


def _column(f: Facts) -> Column | None:
    if f.channel.is_electronic_mail:
        return Column.EMAIL_FIRST_PARTY if f.source is Source.FIRST_PARTY else Column.EMAIL_THIRD_PARTY
    if f.channel is Channel.CALL:
        return Column.CALL
    if f.channel is Channel.AUTOMATED_CALL:
        return Column.AUTOMATED_CALL
    return None


def _jurisdiction_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    """Marketing needs the recipient's country: without one there is no rule to apply (final)."""
    if f.jurisdiction is None:
        d.add(
            ReasonCode.JURISDICTION_UNKNOWN,
            "No country is given and none can be inferred from the phone number or the email domain.",
            rb.overlays.citation("jurisdiction"),
        )
        d.final = True


def _no_rule_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    """A country the table has no row for, on this channel: a person must check its law (final)."""
    if d.rule is None and f.jurisdiction is not None:
        d.add(
            ReasonCode.NO_RULE_FOR_JURISDICTION,
            f"The rule base has no rule for {_channel_words(f.channel)} in {country_name(f.jurisdiction)}.",
            rb.overlays.citation("no_rule"),
        )
        d.final = True


def _post_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    """Post needs no consent anywhere (no table row); consent on file still makes it the basis."""
    d.add(
        ReasonCode.NO_CONSENT_NEEDED,
        "Marketing by post needs no consent; the GDPR overlay and opt-outs still apply.",
        rb.overlays.citation("post"),
    )
    d.relied_on_consent = _valid_consent(f)


_CELL_BLOCKS = frozenset({ReasonCode.CONSENT_REQUIRED, ReasonCode.DOUBLE_OPT_IN_REQUIRED})


def _consent_gate_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    """Consent was required and is not there: there is no lawful basis to assess, and the message must
    carry nothing, so the decision is settled (final). Runs after the register check, which still
    reports what it found for a call."""
    if d.codes & _CELL_BLOCKS:
        d.final = True


def _service_note_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    """Says in ``rules explain`` why the marketing screens are absent from this path."""
    d.note("service message: only erasure, invalid addresses and region exclusion can block")


def _service_jurisdiction_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    """A service message needs no country, except to tell whether the campaign's region exclusion applies."""
    if f.jurisdiction is None and f.excluded_regions:
        d.add(
            ReasonCode.JURISDICTION_UNKNOWN,
            "The campaign excludes regions and this contact's country is unknown.",
            rb.overlays.citation("jurisdiction"),
        )


def _service_step(f: Facts, rb: RuleBase, d: Draft) -> None:
    """Service messages are not direct marketing (spec §3, §5): exclusion lists and opt-outs are noted,
    not obeyed, and the message must carry nothing promotional."""
    ov = rb.overlays
    if f.suppressed_email or f.suppressed_domain or f.suppressed_phone:
        d.add(
            ReasonCode.SUPPRESSION_NOTED,
            "On the exclusion list; that does not stop service messages, which are not marketing.",
            ov.citation("service"),
        )
    if f.opted_out:
        d.add(
            ReasonCode.OPT_OUT_NOTED,
            "Opted out of marketing; that does not stop service messages, which must carry nothing promotional.",
            ov.citation("service"),
        )
    d.add(ReasonCode.SERVICE_MESSAGE, "A service message is not direct marketing.", ov.citation("service"))
    d.basis = Basis.SERVICE_MESSAGE
    d.require(*ov.service_requires)


# --- the declared sequences -----------------------------------------------------------------------

#: What every marketing decision runs first: the screens that block whatever the channel's rule says.
_MARKETING_HEAD: tuple[Step, ...] = (
    _rule_step,
    _regimes_step,
    _erasure_step,
    _address_step,
    _suppression_step,
    _region_step,
    _jurisdiction_step,
)
#: The country's table cell: found or not, then consent or opt-out.
_CELL: tuple[Step, ...] = (_no_rule_step, _permission_step)
#: What an allowed contact must carry, and on which basis (the GDPR overlay).
_TAIL: tuple[Step, ...] = (_requirements_step, _basis_step)
_ELECTRONIC: tuple[Step, ...] = (*_MARKETING_HEAD, *_CELL, _consent_gate_step, *_TAIL)
_SERVICE: tuple[Step, ...] = (
    _service_note_step,
    _regimes_step,
    _erasure_step,
    _address_step,
    _service_jurisdiction_step,
    _region_step,
    _service_step,
)

PIPELINES: Mapping[Purpose, Mapping[Channel, tuple[Step, ...]]] = MappingProxyType(
    {
        Purpose.MARKETING: MappingProxyType(
            {
                Channel.EMAIL: _ELECTRONIC,
                Channel.SMS: _ELECTRONIC,
                Channel.CALL: (*_MARKETING_HEAD, *_CELL, _dnc_step, _consent_gate_step, *_TAIL),
                Channel.AUTOMATED_CALL: _ELECTRONIC,
                Channel.POST: (*_MARKETING_HEAD, _post_step, *_TAIL),
            }
        ),
        Purpose.SERVICE: MappingProxyType(dict.fromkeys(Channel, _SERVICE)),
    }
)
"""The steps each request runs, in order, by purpose and channel. Declared rather than coded so the
order is read in one place (and tested: ``tests/test_engine_pipeline.py``): a new check is a function
with the ``Step`` signature and an entry here. Only live calls screen do-not-call registers; post has
no table cell; service messages skip the marketing screens."""


def pipeline_for(facts: Facts) -> tuple[Step, ...]:
    """The declared sequence for this request's purpose and channel."""
    return PIPELINES[facts.purpose][facts.channel]


def run(facts: Facts, rulebase: RuleBase, steps: tuple[Step, ...] | None = None) -> Draft:
    """Walk the steps (the declared sequence unless given) over a fresh draft, stopping at the first
    step that marks it final. The subscriber-type handling of ``decide`` sits above this."""
    draft = Draft(jurisdiction=facts.jurisdiction)
    for step in pipeline_for(facts) if steps is None else steps:
        step(facts, rulebase, draft)
        if draft.final:
            break
    return draft


def _signature(d: Decision) -> tuple[object, ...]:
    return (d.outcome, d.basis, d.requirements, tuple(r.code for r in d.reasons))


def _with_subscriber(f: Facts, rb: RuleBase) -> tuple[Decision, list[str]]:
    if f.subscriber_type is not SubscriberType.UNKNOWN or f.purpose is Purpose.SERVICE:
        d = run(f, rb)
        return d.finish(), d.trace
    corp_d = run(replace(f, subscriber_type=SubscriberType.CORPORATE), rb)
    indiv_d = run(replace(f, subscriber_type=SubscriberType.INDIVIDUAL), rb)
    corp, indiv = corp_d.finish(), indiv_d.finish()
    if _signature(corp) == _signature(indiv):
        return corp, ["subscriber type unknown, but the decision is the same either way", *corp_d.trace]
    if corp.outcome is indiv.outcome:
        # Spec §3: the policy decides only where the *outcome* depends on the subscriber type. The
        # same outcome either way is that outcome, with what each reading needs (union of reasons
        # and requirements); the individual reading is the stricter one, so its basis is kept.
        merged = _merge(indiv, corp)
        return merged, ["subscriber type unknown; the outcome is the same either way", *indiv_d.trace]
    ov = rb.overlays
    cite = ov.citation("subscriber_unknown")
    if f.subscriber_policy is not SubscriberPolicy.REVIEW:
        chosen_d = corp_d if f.subscriber_policy is SubscriberPolicy.ASSUME_CORPORATE else indiv_d
        label = "corporate" if f.subscriber_policy is SubscriberPolicy.ASSUME_CORPORATE else "individual"
        chosen_d.add(
            ReasonCode.SUBSCRIBER_TYPE_ASSUMED,
            f"Subscriber type unknown; the tenant's policy assumes a {label} subscriber.",
            cite,
        )
        return chosen_d.finish(), [
            f"subscriber type unknown: policy {f.subscriber_policy.value}",
            *chosen_d.trace,
        ]
    both_blocked = corp.outcome is Outcome.BLOCKED and indiv.outcome is Outcome.BLOCKED
    corp_codes = {r.code for r in corp.reasons}
    indiv_codes = {r.code for r in indiv.reasons}
    reasons: list[Reason] = []
    for r in (*corp.reasons, *indiv.reasons):
        sev = r.code.severity
        keep = (
            sev is Severity.BLOCK and (both_blocked or (r.code in corp_codes and r.code in indiv_codes))
        ) or sev is Severity.REVIEW
        if keep and all(x.code is not r.code for x in reasons):
            reasons.append(r)

    def _summary(d: Decision) -> str:
        blocking = [r.code.value for r in d.reasons if r.code.severity is not Severity.ALLOW]
        return d.outcome.value + (f" ({', '.join(blocking)})" if blocking else "")

    reasons.append(
        Reason(
            ReasonCode.SUBSCRIBER_TYPE_UNKNOWN,
            "The outcome depends on whether the subscriber is corporate: as a corporate subscriber "
            f"{_summary(corp)}; as an individual, sole trader or partnership {_summary(indiv)}.",
            cite,
        )
    )
    outcome = Outcome.BLOCKED if any(r.code.severity is Severity.BLOCK for r in reasons) else Outcome.REVIEW
    regimes = tuple(dict.fromkeys((*corp.regimes, *indiv.regimes)))
    trace = ["subscriber type unknown and the outcome depends on it: review (tenant policy)"]
    return Decision(outcome, f.jurisdiction, regimes, None, (), tuple(reasons)), trace


def _merge(first: Decision, second: Decision) -> Decision:
    reasons = list(first.reasons)
    for r in second.reasons:
        if all(x.code is not r.code for x in reasons):
            reasons.append(r)
    return Decision(
        outcome=first.outcome,
        jurisdiction=first.jurisdiction,
        regimes=tuple(dict.fromkeys((*first.regimes, *second.regimes))),
        basis=first.basis,
        requirements=tuple(dict.fromkeys((*first.requirements, *second.requirements))),
        reasons=tuple(reasons),
    )


def decide(facts: Facts, rulebase: RuleBase) -> Decision:
    """The decision for one fact tuple. Pure: the same facts always give the same decision."""
    return _with_subscriber(facts, rulebase)[0]


def explain(facts: Facts, rulebase: RuleBase) -> tuple[Decision, list[str]]:
    """The decision plus the path the engine took, one line a step (``lawfulreach rules explain``)."""
    return _with_subscriber(facts, rulebase)
