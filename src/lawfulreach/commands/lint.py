"""The message check: which requirements would the decision carry for this audience, and does the
message carry each? What ``lawfulreach lint`` and ``POST /v1/lint`` call.

The requirements come from the one decision path (``service.Lawfulreach.decide``), never from rules
of its own: a *representative request* stands for the audience — a named person (so personal data,
under the GDPR overlay where it applies) at a business of the given subscriber type (corporate by
default: lawfulreach decides B2B outreach, and only corporate subscribers may be emailed without
consent in the UK), with an example number of the country (a mobile for SMS, a landline for calls),
no relationship, the campaign as given, and, with ``consent``, a confirmed consent for the channel
and the campaign's first consent purpose. It is decided over a *representative state*: no exclusions,
opt-outs or erasures, and the country's do-not-call registers loaded now and not listing the number
(the number screened clean) — registers decide *whether* to call, never what a call must say.
The decision is hypothetical, so it goes to no ``DecisionSink``: nothing about it is recorded.

A decision that is not ``allowed`` carries no requirements: the report says the message cannot be
sent lawfully to that audience, and why (the decision's reasons).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import phonenumbers

from lawfulreach.domain.lint import Audience, LintReport, Sender, check_message
from lawfulreach.domain.message import Message
from lawfulreach.domain.model import Campaign, Consent, Contact, Decision, Request
from lawfulreach.domain.places import country_error, normalise_country, normalise_region, region_error
from lawfulreach.domain.state import InMemoryState, RegisterInfo
from lawfulreach.domain.vocabulary import Channel, ConsentStatus, SubscriberType
from lawfulreach.errors import InputError
from lawfulreach.messages.read import read_message
from lawfulreach.rules.lint import lint_rules

if TYPE_CHECKING:
    from lawfulreach.commands.session import Session
    from lawfulreach.service import Lawfulreach
    from lawfulreach.store.profiles import Profile

#: the representative contact's address and name: a person (personal data), at no real domain
EXAMPLE_EMAIL = "a.recipient@example.com"
EXAMPLE_NAME = "A. Recipient"


def parse_audience(
    channel: str, country: str, region: str | None = None, *, consent: bool = False, subscriber_type: str = "corporate"
) -> Audience:
    """The audience from what a user typed; an ``InputError`` naming the value otherwise."""
    try:
        chan = Channel(channel.strip().lower())
    except ValueError:
        raise InputError(f"unknown channel {channel!r}; use {', '.join(c.value for c in Channel)}") from None
    code = normalise_country(country)
    if code is None:
        raise InputError(country_error(country))
    subdivision = None
    if region:
        subdivision = normalise_region(region, code)
        if subdivision is None or not subdivision.startswith(f"{code}-"):
            raise InputError(region_error(region, code))
    try:
        kind = SubscriberType(subscriber_type.strip().lower())
    except ValueError:
        raise InputError(
            f"unknown subscriber type {subscriber_type!r}; use {', '.join(s.value for s in SubscriberType)}"
        ) from None
    return Audience(chan, code, subdivision, consent, kind)


def _example_phone(country: str, channel: Channel) -> str | None:
    kind = phonenumbers.PhoneNumberType.MOBILE if channel is Channel.SMS else phonenumbers.PhoneNumberType.FIXED_LINE
    number = phonenumbers.example_number_for_type(country, kind) or phonenumbers.example_number(country)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else None


def representative_request(audience: Audience, campaign: Campaign) -> Request:
    """The request that stands for the audience (see the module docstring)."""
    consent = None
    if audience.consent:
        purpose = campaign.consent_purposes[0] if campaign.consent_purposes else "marketing"
        consent = Consent(ConsentStatus.CONFIRMED, audience.channel, purpose)
    contact = Contact(
        email=EXAMPLE_EMAIL,
        phone=_example_phone(audience.country, audience.channel),
        name=EXAMPLE_NAME,
        country=audience.country,
        region=audience.region,
        subscriber_type=audience.subscriber_type,
    )
    return Request(contact, audience.channel, consent=consent, campaign=campaign)


def representative_state(service: Lawfulreach, audience: Audience, now: Any) -> InMemoryState:
    """No history with anyone; the country's do-not-call registers loaded ``now``, listing nobody."""
    state = InMemoryState()
    overlays = service.rulebase.overlays
    country = audience.country
    names = overlays.dnc_required_registers.get(country) or overlays.dnc_known_registers.get(country, ())[:1]
    for name in names or (f"{country} register",):
        state.load_register(RegisterInfo(country, name, now), ())
    return state


def decide_for(service: Lawfulreach, audience: Audience, campaign: Campaign) -> Decision:
    """The decision the one decision path makes for the audience — recorded nowhere."""
    quiet = replace(service, sinks=())  # hypothetical: not evidence of anything done
    now = quiet.clock()
    request = representative_request(audience, campaign)
    return quiet.decide([request], states=[representative_state(quiet, audience, now)], now=now)[0]


def sender_for(campaign: Campaign, profile: Profile | None) -> Sender:
    """Who the message must name: the campaign's legal entity, and the organisation's profile."""
    if profile is None:
        return Sender(legal_entity=campaign.legal_entity)
    return Sender(campaign.legal_entity, profile.organisation, profile.privacy_notice_url, profile.postal_address)


def lint_message(
    service: Lawfulreach, message: Message, audience: Audience, campaign: Campaign, profile: Profile | None
) -> LintReport:
    """Decide for the audience, then check the message against the decision's requirements."""
    decision = decide_for(service, audience, campaign)
    return check_message(message, decision, audience, sender_for(campaign, profile), lint_rules())


@dataclass(frozen=True)
class LintRun:
    source: str
    message: Message
    campaign: Campaign
    #: the campaign as written or stored (its name, id and version for the output)
    campaign_doc: dict[str, Any]
    report: LintReport


def lint(session: Session, message_file: Path, campaign_reference: str, audience: Audience) -> LintRun:
    """``lawfulreach lint``: the message read first (an unreadable one fails before anything is
    opened), then the campaign (a file or a stored id), then the decision and the checks."""
    from lawfulreach.commands.campaigns import resolve_campaign
    from lawfulreach.store.profiles import ProfileRepo

    message = read_message(message_file)
    campaign, doc = resolve_campaign(campaign_reference, session)
    profile = ProfileRepo(session.workspace().scope).get()
    report = lint_message(session.service(), message, audience, campaign, profile)
    return LintRun(str(message_file), message, campaign, doc, report)


__all__ = [
    "EXAMPLE_EMAIL",
    "LintRun",
    "decide_for",
    "lint",
    "lint_message",
    "parse_audience",
    "representative_request",
    "representative_state",
    "sender_for",
]
