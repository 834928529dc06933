"""Single-request fact extraction: ``Request`` + tenant state → ``Facts`` (spec §2–§3, §5).

The batch path (``lawfulreach.batch``) computes the same facts column-wise; where the two could
diverge, both call the helpers below or share the patterns in ``domain.lexicons`` and are checked
against each other by a property test.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from lawfulreach.domain.facts import Facts
from lawfulreach.domain.lexicons import (
    CCTLD_ALIASES,
    GENERIC_USE_CCTLDS,
    LEGAL_FORM_PREFIXES,
    LEGAL_FORMS,
    PARTNERSHIP_FORMS,
    ROLE_LOCAL_PARTS,
)
from lawfulreach.domain.lia import status_note
from lawfulreach.domain.model import Request
from lawfulreach.domain.normalise import EmailFacts, PhoneFacts, normalise_email, normalise_phone
from lawfulreach.domain.places import normalise_country, normalise_region
from lawfulreach.domain.rulebase import Overlays, RelationshipWindow
from lawfulreach.domain.state import TenantState, dnc_register_facts
from lawfulreach.domain.vocabulary import (
    AddressKind,
    AddressStatus,
    Channel,
    ConsentStatus,
    PhoneType,
    RelationshipKind,
    SubscriberPolicy,
    SubscriberType,
)


def _rx_escape(text: str) -> str:
    """Escape for both Python ``re`` and Rust ``regex`` (Polars): only the metacharacters we use."""
    return re.sub(r"([.\\+*?()|\[\]{}^$/])", r"\\\1", text)


#: One pattern, used by both paths: a role word, optionally followed by role words or short tags
#: (``sales``, ``info.de``, ``sales-team``) — the address names a function, not a person.
ROLE_PATTERN = (
    "^(?:" + "|".join(_rx_escape(w) for w in sorted(ROLE_LOCAL_PARTS, key=len, reverse=True)) + ")"
    "(?:[._-](?:"
    + "|".join(_rx_escape(w) for w in sorted(ROLE_LOCAL_PARTS, key=len, reverse=True))
    + "|[a-z0-9]{1,3}))*$"
)
#: A company name ending in a corporate legal form (spec §3).
LEGAL_FORM_PATTERN = (
    r"(?i)(?:(?:^|[\s,])(?:"
    + "|".join(_rx_escape(f) for f in sorted(LEGAL_FORMS, key=len, reverse=True))
    + r")\.?\s*$|^(?:"
    + "|".join(_rx_escape(f) for f in sorted(LEGAL_FORM_PREFIXES, key=len, reverse=True))
    + r")\s)"
)
PARTNERSHIP_PATTERN = "(?i)(?:" + "|".join(_rx_escape(f) for f in PARTNERSHIP_FORMS) + ")"

_ROLE_RE = re.compile(ROLE_PATTERN)
_LEGAL_FORM_RE = re.compile(LEGAL_FORM_PATTERN)
_PARTNERSHIP_RE = re.compile(PARTNERSHIP_PATTERN)


def address_kind(local: str) -> AddressKind:
    return AddressKind.GENERIC if _ROLE_RE.match(local) else AddressKind.PERSONAL


def infer_subscriber_type(given: SubscriberType, company: str | None) -> SubscriberType:
    """Given, else from the company's legal form; an address alone never decides it (ICO, seed 002)."""
    if given is not SubscriberType.UNKNOWN:
        return given
    if company:
        if _LEGAL_FORM_RE.search(company.strip()):
            return SubscriberType.CORPORATE
        if _PARTNERSHIP_RE.search(company):
            return SubscriberType.PARTNERSHIP
    return SubscriberType.UNKNOWN


def _valid_alpha2() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


VALID_ALPHA2 = _valid_alpha2()


def cctld_country(domain: str | None) -> str | None:
    """``.de`` → DE, ``.co.uk``/``.uk`` → GB; generic TLDs (and ccTLDs sold as generic) give nothing."""
    if not domain or "." not in domain:
        return None
    tld = domain.rsplit(".", 1)[1].lower()
    if tld in CCTLD_ALIASES:
        return CCTLD_ALIASES[tld]
    if len(tld) != 2 or tld in GENERIC_USE_CCTLDS:
        return None
    code = tld.upper()
    return code if code in VALID_ALPHA2 else None


def phone_country(region: str | None) -> str | None:
    """A phone's region as a jurisdiction: non-geographic numbers (+800, +882…, region "001") give none."""
    return region if region is not None and len(region) == 2 and region.isalpha() else None


def infer_jurisdiction(
    country: str | None, phone_country: str | None, email_country: str | None, channel: Channel
) -> str | None:
    """Spec §5: explicit country; then phone before ccTLD for phone channels, ccTLD first otherwise."""
    if country:
        return country
    if channel.uses_phone:
        return phone_country or email_country
    return email_country or phone_country


def _months_between(earlier: date, later: date) -> float:
    return (later.year - earlier.year) * 12 + (later.month - earlier.month) + (later.day - earlier.day) / 31


def relationship_recent(
    kind: RelationshipKind, last: date | None, today: date, window: RelationshipWindow | None
) -> bool:
    """Whether the last interaction falls inside the relationship window that applies to this country
    and channel (overlays.toml: CASL implied consent 24/6 months; TSR 18/3 and UTR 18/6 for calls).
    No window for the country and channel: False (the engine reads the fact only where one exists)."""
    if window is None or last is None or kind is RelationshipKind.NONE:
        return False
    months = window.customer_months if kind is RelationshipKind.CUSTOMER else window.negotiation_months
    return 0 <= _months_between(last, today) <= months


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b) and " ".join((a or "").lower().split()) == " ".join((b or "").lower().split())


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return bool({x.strip().lower() for x in a} & {x.strip().lower() for x in b})


def consent_covers(consent_channel: Channel | None, channel: Channel) -> bool:
    """Consent is per channel (spec §3). A consent naming no channel is general marketing consent: it
    covers the request's channel, except automated calls, which need consent for automated calls
    specifically (ICO, seed 002: "Consent for general marketing, or live marketing calls, isn't enough")."""
    if consent_channel is None:
        return channel is not Channel.AUTOMATED_CALL
    return consent_channel is channel


def is_pre_ticked(method: str | None) -> bool:
    return (method or "").strip().lower().replace("-", "_").replace(" ", "_") == "pre_ticked"


def contact_keys(request: Request) -> tuple[EmailFacts, PhoneFacts, str | None]:
    """Normalised email and phone facts plus the explicit country they were read with."""
    c = request.contact
    country = normalise_country(c.country)
    region = normalise_region(c.region, country)
    country = country or (region[:2] if region else None)
    email = normalise_email(c.email)
    phone = normalise_phone(c.phone, country or cctld_country(email.domain))
    return email, phone, country


def extract_facts(
    request: Request,
    state: TenantState,
    overlays: Overlays,
    now: datetime,
    subscriber_policy: SubscriberPolicy = SubscriberPolicy.REVIEW,
) -> Facts:
    c, campaign, channel = request.contact, request.campaign, request.channel
    email, phone, country = contact_keys(request)
    region = normalise_region(c.region, normalise_country(c.country))
    jurisdiction = infer_jurisdiction(country, phone_country(phone.country), cctld_country(email.domain), channel)
    if region and jurisdiction and region[:2] != jurisdiction:
        region = None  # a subdivision of another country says nothing about this contact

    email_key = email.address
    phone_key = phone.e164
    purposes = tuple(campaign.consent_purposes)

    # Consent: inline wins over the ledger (spec §2); opt-outs come from the ledger regardless.
    consent_status, channel_ok, purpose_ok, pre_ticked = ConsentStatus.NONE, False, False, False
    if request.consent is not None and request.consent.status is not ConsentStatus.NONE:
        inline = request.consent
        consent_status = inline.status
        channel_ok = consent_covers(inline.channel, channel)
        purpose_ok = inline.purpose is None or inline.purpose in purposes
        pre_ticked = is_pre_ticked(inline.method)
    else:
        stored = state.consent_for(email_key, phone_key, channel, purposes)
        if stored is not None:
            consent_status, channel_ok, purpose_ok = stored.status, True, True
            pre_ticked = is_pre_ticked(stored.method)

    rel = request.relationship
    kind = rel.kind if rel else RelationshipKind.NONE
    sup_email, sup_domain, sup_phone = state.suppression_hits(email_key, email.domain, phone_key)

    listed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()
    if channel is Channel.CALL and jurisdiction is not None:
        missing, stale = dnc_register_facts(jurisdiction, state.registers(jurisdiction), overlays, now)
        if phone_key:
            listed = tuple(state.dnc_listed(jurisdiction, phone_key))

    phone_type = c.phone_type if c.phone_type not in (None, PhoneType.UNKNOWN) else phone.phone_type
    return Facts(
        channel=channel,
        purpose=campaign.purpose,
        sender_type=campaign.sender_type,
        source=request.source,
        jurisdiction=jurisdiction,
        region=region,
        email_status=email.status,
        phone_status=phone.status,
        address_kind=address_kind(email.local) if email.local else None,
        has_name=bool(c.name and c.name.strip()),
        subscriber_type=infer_subscriber_type(c.subscriber_type, c.company),
        phone_type=phone_type or PhoneType.UNKNOWN,
        in_public_directory=c.in_public_directory,
        consent_status=consent_status,
        consent_channel_ok=channel_ok,
        consent_purpose_ok=purpose_ok,
        consent_pre_ticked=pre_ticked,
        relationship=kind,
        same_legal_entity=_same(rel.legal_entity if rel else None, campaign.legal_entity),
        products_overlap=_overlap(rel.products if rel else (), campaign.products),
        opt_out_offered=bool(rel and rel.opt_out_offered),
        relationship_recent=relationship_recent(
            kind, rel.last_interaction if rel else None, now.date(), overlays.window(jurisdiction, channel)
        ),
        has_last_interaction=bool(rel and rel.last_interaction),
        lia=campaign.lia,
        lia_note=status_note(campaign.lia_assessment),
        excluded_regions=tuple(sorted({r.strip().upper() for r in campaign.excluded_regions if r.strip()})),
        erased=state.is_erased(email_key, phone_key),
        suppressed_email=sup_email,
        suppressed_domain=sup_domain,
        suppressed_phone=sup_phone,
        opted_out=state.is_opted_out(email_key, phone_key, channel),
        dnc_listed=listed,
        dnc_missing=missing,
        dnc_stale=stale,
        subscriber_policy=subscriber_policy,
    )


__all__ = [
    "LEGAL_FORM_PATTERN",
    "PARTNERSHIP_PATTERN",
    "ROLE_PATTERN",
    "AddressStatus",
    "address_kind",
    "cctld_country",
    "extract_facts",
    "infer_jurisdiction",
    "infer_subscriber_type",
    "normalise_country",
    "normalise_region",
]
