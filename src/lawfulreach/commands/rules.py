"""The rule base as rows a person reads: ``rules show`` prints them, the console's rules page lists them.

One row per country × column (email first/third party, SMS, call, automated call) with its level, the
register check, the exceptions and every citation the row's decisions can carry — from the rule data
and the overlays, so the terminal and the browser cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lawfulreach.domain.engine import country_name
from lawfulreach.domain.rulebase import Column, CountryRule, RuleBase
from lawfulreach.domain.vocabulary import Channel, SubscriberType


@dataclass(frozen=True)
class RuleLines:
    """What ``rules show`` prints for one row besides its level: the register check, the exceptions
    and every citation the row's decisions can carry."""

    dnc: str
    exceptions: list[str]
    citations: list[str]


SUBSCRIBER_LABEL = {
    SubscriberType.CORPORATE: "companies",
    SubscriberType.GOVERNMENT: "government bodies",
    SubscriberType.SOLE_TRADER: "sole traders",
    SubscriberType.PARTNERSHIP: "partnerships",
    SubscriberType.INDIVIDUAL: "individuals",
}
CHANNEL_OF = {
    Column.EMAIL_FIRST_PARTY: Channel.EMAIL,
    Column.EMAIL_THIRD_PARTY: Channel.EMAIL,
    Column.SMS: Channel.SMS,
    Column.CALL: Channel.CALL,
    Column.AUTOMATED_CALL: Channel.AUTOMATED_CALL,
}


def rule_lines(rb: RuleBase, rule: CountryRule) -> RuleLines:
    """The register check, exceptions and citations of one row, from the rule data and the overlays."""
    ov = rb.overlays
    exceptions: list[str] = []
    citations = [(rule.citation)]
    if rule.mobile_level:
        exceptions.append(f"mobile: {rule.mobile_level.label}")
    if rule.public_directory_level:
        exceptions.append(f"public directory: {rule.public_directory_level.label}")
    dnc = ""
    if rule.dnc_check:
        registers = ov.dnc_required_registers.get(rule.country, ())
        named = ", ".join(f"{n} (max {ov.max_age_days(n)} days)" for n in registers) or "a national register"
        dnc = f"yes: {named}"
        own = ov.dnc_citations.get(rule.country)
        if own:
            citations.append(own)
        if rule.dnc_subscribers:
            covered = [label for t, label in SUBSCRIBER_LABEL.items() if t in rule.dnc_subscribers]
            exempt = [label for t, label in SUBSCRIBER_LABEL.items() if t not in rule.dnc_subscribers]
            dnc += f"; for {', '.join(covered)} only"
            exceptions.append(f"no register check for calls to {', '.join(exempt)}")
            exempt_cite = ov.dnc_exempt_citations.get(rule.country)
            if exempt_cite:
                citations.append(exempt_cite)
    window = ov.window(rule.country, CHANNEL_OF[rule.column])
    if window is not None and (window.effect == "implied_consent" or rule.dnc_check):
        span = (
            f"a purchase within {window.customer_months} months or an inquiry within {window.negotiation_months} months"
        )
        if window.effect == "implied_consent":
            exceptions.append(f"implied consent: an existing business relationship ({span})")
        else:
            exceptions.append(f"no register check with an established business relationship ({span})")
        citations.append(window.citation)
    return RuleLines(dnc, exceptions, citations)


@dataclass(frozen=True)
class RuleRow:
    country: str
    country_name: str
    column: str
    rule: str
    generic: str
    dnc: str
    exceptions: list[str]
    requirements: list[str]
    citations: list[str]
    note: str | None


def rule_rows(rb: RuleBase, countries: Iterable[str]) -> list[RuleRow]:
    """Every rule of the countries, in the rule base's order."""
    rows = []
    for code in countries:
        for rule in rb.for_country(code):
            lines = rule_lines(rb, rule)
            rows.append(
                RuleRow(
                    code,
                    country_name(code),
                    rule.column.value,
                    rule.level.label,
                    rule.level_generic.label if rule.level_generic else "",
                    lines.dnc,
                    lines.exceptions,
                    [r.value for r in rb.overlays.requirements(code, CHANNEL_OF[rule.column])],
                    lines.citations,
                    rule.note,
                )
            )
    return rows


__all__ = ["RuleLines", "RuleRow", "rule_lines", "rule_rows"]
