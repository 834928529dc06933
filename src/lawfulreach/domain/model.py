"""The request and decision shapes of the contract (spec §1–§2), as plain frozen dataclasses.

The domain core stays free of frameworks: pydantic validates JSON at the boundary
(``lawfulreach.schema``) and hands these value objects to the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from lawfulreach.domain.versions import campaign_fingerprint
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
class LiaAssessmentRef:
    """The legitimate-interests assessment that gave a stored campaign its LIA status (issue "prove it").

    A campaign file's ``lia = "passed"`` is only *asserted*; a stored campaign's status comes from its
    assessment, and reports and records name which one (id, version), who approved it and when, and
    whether its review date has passed (an expired assessment counts as missing)."""

    id: str
    version: int
    #: the assessment's conclusion as the engine reads it: passed only when approved and not expired
    status: LiaStatus
    outcome: str
    approved_by: str | None = None
    approved_at: datetime | None = None
    review_due: date | None = None
    expired: bool = False
    #: the stored assessment fails its integrity check (edited in the database): it never counts as passed
    tampered: bool = False


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
    #: the stored campaign's id and version (``stored_as``); None for a campaign given inline or in a file
    id: str | None = None
    version: str | None = None
    #: the assessment behind ``lia`` for a stored campaign; None: ``lia`` is asserted (file/inline) or missing
    lia_assessment: LiaAssessmentRef | None = None
    #: a stored campaign's version number (1, 2, …: one per change, ``store.campaigns``); None otherwise
    revision: int | None = None
    #: when a stored campaign was archived (retired): it stays readable but decides nothing new
    archived_at: datetime | None = None

    def content(self) -> dict[str, Any]:
        """The facts a campaign decides with, as JSON: what a stored version keeps and its version
        fingerprints (id, version and the assessment reference are about the record, not the facts)."""
        return {
            "name": self.name,
            "purpose": self.purpose.value,
            "sender_type": self.sender_type.value,
            "legal_entity": self.legal_entity,
            "products": list(self.products),
            "consent_purposes": list(self.consent_purposes),
            "lia": self.lia.value,
            "excluded_regions": list(self.excluded_regions),
        }

    @classmethod
    def from_content(cls, content: dict[str, Any]) -> Campaign:
        """The campaign ``content()`` described (a stored version read back)."""
        return cls(
            name=content.get("name"),
            purpose=Purpose(content["purpose"]),
            sender_type=SenderType(content["sender_type"]),
            legal_entity=content.get("legal_entity"),
            products=tuple(content.get("products", ())),
            consent_purposes=tuple(content.get("consent_purposes", ("marketing",))),
            lia=LiaStatus(content["lia"]),
            excluded_regions=tuple(content.get("excluded_regions", ())),
        )

    def stored_as(self, campaign_id: str) -> Campaign:
        """This campaign as the store holds it under ``campaign_id``, with its version: a fingerprint
        of its content (``domain.versions``), so a decision names exactly the campaign facts it used."""
        return replace(self, id=campaign_id, version=campaign_fingerprint(self.content()))

    def archived_refusal(self) -> str | None:
        """Why this campaign may not be used for a new decision (it was archived), or None."""
        if self.archived_at is None:
            return None
        return (
            f"campaign {self.id!r} was archived on {self.archived_at.date().isoformat()} and cannot be used for new "
            "checks or screens; its versions stay readable"
        )


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
    """A decision (spec §1) and what a record of it needs: the rule-base version that decided it, the
    clock reading it was decided at, and the stored campaign (id and version) it was decided for.

    The engine returns the decision proper; the service (``service.Lawfulreach``) stamps the rest on
    (``stamped``), so decisions made on any front end carry the same fields."""

    outcome: Outcome
    jurisdiction: str | None
    regimes: tuple[str, ...]
    basis: Basis | None
    requirements: tuple[Requirement, ...]
    reasons: tuple[Reason, ...]
    rulebase_version: str | None = None
    decided_at: datetime | None = None
    campaign_id: str | None = None
    campaign_version: str | None = None

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code.value for r in self.reasons)

    def stamped(self, rulebase_version: str, decided_at: datetime, campaign: Campaign | None = None) -> Decision:
        """This decision with its record fields set (built directly: the batch path stamps one per
        distinct fact tuple and ``dataclasses.replace`` costs twice as much)."""
        return Decision(
            self.outcome,
            self.jurisdiction,
            self.regimes,
            self.basis,
            self.requirements,
            self.reasons,
            rulebase_version,
            decided_at,
            campaign.id if campaign is not None else None,
            campaign.version if campaign is not None else None,
        )

    def to_dict(self) -> dict[str, Any]:
        """The decision proper: the JSON shape of spec §1, key order as in the spec. Identical on every
        front end for the same request, whenever it is made."""
        return {
            "outcome": self.outcome.value,
            "jurisdiction": self.jurisdiction,
            "regimes": list(self.regimes),
            "basis": self.basis.value if self.basis else None,
            "requirements": [r.value for r in self.requirements],
            "reasons": [r.to_dict() for r in self.reasons],
        }

    def record_fields(self) -> dict[str, Any]:
        """What a record of the decision adds to it: rule-base version, time, stored campaign."""
        return {
            "rulebase_version": self.rulebase_version,
            "decided_at": self.decided_at.isoformat() if self.decided_at is not None else None,
            "campaign_id": self.campaign_id,
            "campaign_version": self.campaign_version,
        }

    def to_json(self) -> dict[str, Any]:
        """What ``lawfulreach check`` prints and the API answers: ``to_dict`` then ``record_fields``."""
        return {**self.to_dict(), **self.record_fields()}
