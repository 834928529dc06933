"""One canonical prospect row → one domain ``Request``: the single-check view of a batch row.

Used by the naive single-check loop of the benchmark and by the property test that proves the batch
path and single checks agree on every input.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from lawfulreach.batch.phones import choose_phone, explicit_type
from lawfulreach.domain.extract import cctld_country
from lawfulreach.domain.model import Campaign, Consent, Contact, Relationship, Request
from lawfulreach.domain.normalise import normalise_email, normalise_phone
from lawfulreach.domain.places import normalise_country, normalise_region
from lawfulreach.domain.vocabulary import (
    Channel,
    ConsentStatus,
    PhoneType,
    RelationshipKind,
    Source,
    SubscriberType,
)

_TRUE = {"true", "yes", "1", "y"}


def _text(row: Mapping[str, object], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def request_from_row(
    row: Mapping[str, object],
    channel: Channel,
    campaign: Campaign,
    default_source: Source = Source.THIRD_PARTY,
) -> Request:
    name = _text(row, "name") or " ".join(p for p in (_text(row, "first_name"), _text(row, "last_name")) if p) or None
    country = normalise_country(_text(row, "country"))
    region = normalise_region(_text(row, "region"), country)
    sub = (_text(row, "subscriber_type") or "unknown").lower()
    given = (_text(row, "phone_type") or "").lower()
    email = _text(row, "email")
    default_country = (country or (region[:2] if region else None)) or cctld_country(normalise_email(email).domain)

    def read(raw: str) -> tuple[str, str]:
        facts = normalise_phone(raw, default_country)
        return facts.status.value, facts.phone_type.value

    # The number this channel decides on (``batch.phones``: every phone column is read).
    field = choose_phone(row, channel, read)
    ptype = (explicit_type(field, given) or "") if field and field != "phone" else given
    contact = Contact(
        email=email,
        phone=_text(row, field) if field else None,
        name=name,
        job_title=_text(row, "job_title"),
        company=_text(row, "company"),
        country=country,
        region=region,
        subscriber_type=SubscriberType(sub),
        phone_type=PhoneType(ptype) if ptype else None,
        in_public_directory=(_text(row, "in_public_directory") or "").lower() in _TRUE,
    )
    relationship = None
    kind = (_text(row, "relationship_kind") or "").lower()
    last = _text(row, "last_interaction")
    if kind or last or _text(row, "relationship_legal_entity") or _text(row, "relationship_products"):
        relationship = Relationship(
            kind=RelationshipKind(kind or "none"),
            legal_entity=_text(row, "relationship_legal_entity"),
            products=tuple(p.strip() for p in (_text(row, "relationship_products") or "").split(";") if p.strip()),
            opt_out_offered=(_text(row, "opt_out_offered") or "").lower() in _TRUE,
            last_interaction=date.fromisoformat(last) if last else None,
        )
    consent = None
    status = (_text(row, "consent_status") or "").lower()
    if status:
        chan = (_text(row, "consent_channel") or "").lower()
        consent = Consent(
            status=ConsentStatus(status),
            channel=Channel(chan) if chan else None,
            purpose=_text(row, "consent_purpose"),
            method=_text(row, "consent_method"),
        )
    source = (_text(row, "source") or default_source.value).lower()
    return Request(
        contact=contact,
        channel=channel,
        source=Source(source),
        relationship=relationship,
        consent=consent,
        campaign=campaign,
    )
