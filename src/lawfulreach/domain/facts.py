"""The fact tuple: everything the rules look at, already extracted and normalised.

The engine (``engine.decide``) is a pure function of a ``Facts`` value and the rule base. Both the
single-request path (``extract.extract_facts``) and the vectorised batch path
(``lawfulreach.batch``) produce ``Facts``; the batch path decides once per *distinct* tuple and joins
the decision back, so every rule exists exactly once. Keep the fields low-cardinality (booleans,
enums, short tuples): that is what makes a million contacts collapse to a few hundred tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from lawfulreach.domain.vocabulary import (
    AddressKind,
    AddressStatus,
    Channel,
    ConsentStatus,
    LiaStatus,
    PhoneType,
    Purpose,
    RelationshipKind,
    SenderType,
    Source,
    SubscriberPolicy,
    SubscriberType,
)


@dataclass(frozen=True, slots=True)
class Facts:
    channel: Channel
    purpose: Purpose = Purpose.MARKETING
    sender_type: SenderType = SenderType.COMMERCIAL
    source: Source = Source.THIRD_PARTY
    jurisdiction: str | None = None
    region: str | None = None
    email_status: AddressStatus = AddressStatus.MISSING
    phone_status: AddressStatus = AddressStatus.MISSING
    address_kind: AddressKind | None = None
    has_name: bool = False
    subscriber_type: SubscriberType = SubscriberType.UNKNOWN
    phone_type: PhoneType = PhoneType.UNKNOWN
    in_public_directory: bool = False
    # Consent, already matched against this request's channel and the campaign's accepted purposes.
    consent_status: ConsentStatus = ConsentStatus.NONE
    consent_channel_ok: bool = False
    consent_purpose_ok: bool = False
    consent_pre_ticked: bool = False
    # Relationship, already compared with the campaign (soft opt-in, CASL implied consent, the register
    # exemption for calls). ``relationship_recent``: within the window the overlays set for this
    # jurisdiction and channel (False where none applies).
    relationship: RelationshipKind = RelationshipKind.NONE
    same_legal_entity: bool = False
    products_overlap: bool = False
    opt_out_offered: bool = False
    relationship_recent: bool = False
    has_last_interaction: bool = False
    lia: LiaStatus = LiaStatus.MISSING
    #: why a stored campaign's assessment gives no passed LIA (expired, awaiting approval, …); for the message
    lia_note: str | None = None
    excluded_regions: tuple[str, ...] = ()
    # Tenant state (spec §2): always consulted, never overridden by a request.
    erased: bool = False
    suppressed_email: bool = False
    suppressed_domain: bool = False
    suppressed_phone: bool = False
    opted_out: bool = False
    dnc_listed: tuple[str, ...] = ()
    dnc_missing: tuple[str, ...] = ()
    dnc_stale: tuple[str, ...] = ()
    subscriber_policy: SubscriberPolicy = SubscriberPolicy.REVIEW


FACT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Facts))
