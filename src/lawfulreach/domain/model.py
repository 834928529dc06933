"""The request and decision shapes of the contract (spec §1–§2), as plain frozen dataclasses.

The domain core stays free of frameworks: pydantic validates JSON at the boundary
(``lawfulreach.schema``) and hands these value objects to the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lawfulreach.domain.vocabulary import (
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
    Source,
    SubscriberType,
)


@dataclass(frozen=True, slots=True)
class Contact:
    email: str | None = None
    phone: str | None = None
    name: str | None = None
    job_title: str | None = None
    company: str | None = None
    country: str | None = None
    region: str | None = None
    subscriber_type: SubscriberType = SubscriberType.UNKNOWN
    phone_type: PhoneType | None = None
    in_public_directory: bool = False


@dataclass(frozen=True, slots=True)
class Consent:
    status: ConsentStatus = ConsentStatus.NONE
    channel: Channel | None = None
    purpose: str | None = None
    method: str | None = None


@dataclass(frozen=True, slots=True)
class Relationship:
    kind: RelationshipKind = RelationshipKind.NONE
    legal_entity: str | None = None
    products: tuple[str, ...] = ()
    opt_out_offered: bool = False
    last_interaction: date | None = None


@dataclass(frozen=True, slots=True)
class Campaign:
    name: str | None = None
    purpose: Purpose = Purpose.MARKETING
    sender_type: SenderType = SenderType.COMMERCIAL
    legal_entity: str | None = None
    products: tuple[str, ...] = ()
    consent_purposes: tuple[str, ...] = ("marketing",)
    lia: LiaStatus = LiaStatus.MISSING
    excluded_regions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Request:
    contact: Contact
    channel: Channel
    source: Source = Source.THIRD_PARTY
    relationship: Relationship | None = None
    consent: Consent | None = None
    campaign: Campaign = field(default_factory=Campaign)


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    message: str
    citation: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code.value, "message": self.message, "citation": self.citation}


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    jurisdiction: str | None
    regimes: tuple[str, ...]
    basis: Basis | None
    requirements: tuple[Requirement, ...]
    reasons: tuple[Reason, ...]

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code.value for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of spec §1, key order as in the spec."""
        return {
            "outcome": self.outcome.value,
            "jurisdiction": self.jurisdiction,
            "regimes": list(self.regimes),
            "basis": self.basis.value if self.basis else None,
            "requirements": [r.value for r in self.requirements],
            "reasons": [r.to_dict() for r in self.reasons],
        }
