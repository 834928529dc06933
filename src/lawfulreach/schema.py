"""Pydantic models at the boundary: the JSON request of spec §2, validated, turned into domain values.

Every front end (``check``, the HTTP API, the batch readers) parses requests here, so a malformed
request gets the same clear message everywhere.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from lawfulreach.domain.model import Campaign, Consent, Contact, Relationship, Request
from lawfulreach.domain.places import country_error, normalise_country, normalise_region, region_error
from lawfulreach.domain.vocabulary import (
    Channel,
    ConsentStatus,
    LiaStatus,
    PhoneType,
    Purpose,
    RelationshipKind,
    SenderType,
    Source,
    SubscriberType,
)
from lawfulreach.errors import RequestError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ContactIn(_Strict):
    email: str | None = None
    phone: str | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    job_title: str | None = None
    company: str | None = None
    country: str | None = None
    region: str | None = None
    subscriber_type: SubscriberType = SubscriberType.UNKNOWN
    phone_type: PhoneType | None = None
    in_public_directory: bool = False

    @field_validator("country")
    @classmethod
    def _country(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        code = normalise_country(v)
        if code is None:
            raise ValueError(country_error(v))
        return code

    @field_validator("region")
    @classmethod
    def _region(cls, v: str | None, info: ValidationInfo) -> str | None:
        """Read against the country (validated first: fields validate in order), as ``screen`` does."""
        if v is None or not v.strip():
            return None
        country = info.data.get("country")
        code = normalise_region(v, country)
        if code is None:
            raise ValueError(region_error(v, country))
        return code

    def to_domain(self) -> Contact:
        name = self.name or " ".join(p for p in (self.first_name, self.last_name) if p) or None
        return Contact(
            email=self.email,
            phone=self.phone,
            name=name,
            job_title=self.job_title,
            company=self.company,
            country=self.country,
            region=self.region,
            subscriber_type=self.subscriber_type,
            phone_type=self.phone_type,
            in_public_directory=self.in_public_directory,
        )


class ConsentIn(_Strict):
    status: ConsentStatus = ConsentStatus.NONE
    channel: Channel | None = None
    purpose: str | None = None
    method: str | None = None

    def to_domain(self) -> Consent:
        return Consent(self.status, self.channel, self.purpose, self.method)


class RelationshipIn(_Strict):
    kind: RelationshipKind = RelationshipKind.NONE
    legal_entity: str | None = None
    products: list[str] = Field(default_factory=list)
    opt_out_offered: bool = False
    last_interaction: date | None = None

    def to_domain(self) -> Relationship:
        return Relationship(
            self.kind, self.legal_entity, tuple(self.products), self.opt_out_offered, self.last_interaction
        )


class CampaignIn(_Strict):
    name: str | None = None
    id: str | None = None
    purpose: Purpose = Purpose.MARKETING
    sender_type: SenderType = SenderType.COMMERCIAL
    legal_entity: str | None = None
    products: list[str] = Field(default_factory=list)
    consent_purposes: list[str] = Field(default_factory=lambda: ["marketing"])
    lia: LiaStatus = LiaStatus.MISSING
    excluded_regions: list[str] = Field(default_factory=list)

    @field_validator("excluded_regions")
    @classmethod
    def _regions(cls, v: list[str]) -> list[str]:
        out = []
        for item in v:
            text = item.strip().upper()
            if text in ("EU", "EEA", "GDPR") or normalise_region(text):
                out.append(text)
            elif normalise_country(text):
                out.append(normalise_country(text) or text)
            else:
                raise ValueError(f"excluded region {item!r} is not a country, ISO 3166-2 code, EU, EEA or GDPR")
        return out

    def to_domain(self) -> Campaign:
        return Campaign(
            name=self.name,
            purpose=self.purpose,
            sender_type=self.sender_type,
            legal_entity=self.legal_entity,
            products=tuple(self.products),
            consent_purposes=tuple(self.consent_purposes),
            lia=self.lia,
            excluded_regions=tuple(self.excluded_regions),
        )


class RequestIn(_Strict):
    contact: ContactIn
    channel: Channel
    source: Source = Source.THIRD_PARTY
    relationship: RelationshipIn | None = None
    consent: ConsentIn | None = None
    campaign: CampaignIn | str | None = None

    def to_domain(self, campaigns: dict[str, Campaign] | None = None) -> Request:
        if isinstance(self.campaign, str):
            if not campaigns or self.campaign not in campaigns:
                raise RequestError(f"unknown campaign id {self.campaign!r}")
            campaign = campaigns[self.campaign]
            refusal = campaign.archived_refusal()
            if refusal is not None:  # a retired campaign is never silently reused
                raise RequestError(refusal)
        else:
            campaign = (self.campaign or CampaignIn()).to_domain()
        return Request(
            contact=self.contact.to_domain(),
            channel=self.channel,
            source=self.source,
            relationship=self.relationship.to_domain() if self.relationship else None,
            consent=self.consent.to_domain() if self.consent else None,
            campaign=campaign,
        )


def describe_validation_error(exc: ValidationError) -> str:
    """One readable line: ``contact.country: unknown country 'XX' …; channel: Input should be …``."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "request"
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)


def parse_request(data: Any, campaigns: dict[str, Campaign] | None = None) -> Request:
    """A JSON-like object → domain ``Request``, or ``RequestError`` with one readable line."""
    if not isinstance(data, dict):
        raise RequestError("a request must be a JSON object")
    try:
        model = RequestIn.model_validate(data)
    except ValidationError as exc:
        raise RequestError(describe_validation_error(exc)) from None
    return model.to_domain(campaigns)


def parse_campaign(data: Any) -> Campaign:
    try:
        return CampaignIn.model_validate(data).to_domain()
    except ValidationError as exc:
        raise RequestError(describe_validation_error(exc)) from None
