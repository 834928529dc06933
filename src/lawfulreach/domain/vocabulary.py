"""The closed vocabularies of the decision contract (``shared/spec/decisions.md`` §1–§2), and of
what the store records.

Every code a decision can carry is declared here once, so front ends, docs and tests all speak the
same words. ``StrEnum`` keeps the JSON form identical to the spec's strings.

The store's vocabularies (at the end: ledger event kinds, privacy request types, exclusion sources)
are declared here too, so the API's schemas, the store's checks and the database's CHECK constraints
list the same values; their values are what the database holds and never change
(``tests/store/test_store_vocabulary.py`` holds them to what the migrations accept).
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    ALLOWED = "allowed"
    BLOCKED = "blocked"
    REVIEW = "review"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    CALL = "call"
    AUTOMATED_CALL = "automated_call"
    POST = "post"

    @property
    def uses_phone(self) -> bool:
        return self in (Channel.SMS, Channel.CALL, Channel.AUTOMATED_CALL)

    @property
    def is_electronic_mail(self) -> bool:
        """Email and SMS are both 'electronic mail' under the ePrivacy Directive / PECR reg. 22."""
        return self in (Channel.EMAIL, Channel.SMS)


class Source(StrEnum):
    FIRST_PARTY = "first_party"
    THIRD_PARTY = "third_party"


class SubscriberType(StrEnum):
    CORPORATE = "corporate"
    GOVERNMENT = "government"
    SOLE_TRADER = "sole_trader"
    PARTNERSHIP = "partnership"
    INDIVIDUAL = "individual"
    UNKNOWN = "unknown"

    @property
    def is_corporate_subscriber(self) -> bool:
        """PECR: 'a corporate body or government body' (LLPs, Scottish partnerships count as corporate)."""
        return self in (SubscriberType.CORPORATE, SubscriberType.GOVERNMENT)


class PhoneType(StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    UNKNOWN = "unknown"


class AddressKind(StrEnum):
    GENERIC = "generic"
    PERSONAL = "personal"


class ConsentStatus(StrEnum):
    NONE = "none"
    GIVEN = "given"
    CONFIRMED = "confirmed"
    WITHDRAWN = "withdrawn"


class RelationshipKind(StrEnum):
    CUSTOMER = "customer"
    NEGOTIATION = "negotiation"
    NONE = "none"


class Purpose(StrEnum):
    MARKETING = "marketing"
    SERVICE = "service"


class SenderType(StrEnum):
    COMMERCIAL = "commercial"
    CHARITY = "charity"
    POLITICAL = "political"


class LiaStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    MISSING = "missing"


class Basis(StrEnum):
    CONSENT = "consent"
    LEGITIMATE_INTERESTS = "legitimate_interests"
    NOT_PERSONAL_DATA = "not_personal_data"
    SERVICE_MESSAGE = "service_message"


class AddressStatus(StrEnum):
    """Whether the address a channel needs is usable."""

    VALID = "valid"
    INVALID = "invalid"
    MISSING = "missing"
    #: a phone a spreadsheet turned into a number in scientific notation (``4.4207946E+11``): its last
    #: digits are lost, so it is unreadable — told apart so the user knows how to fix the export
    MANGLED = "mangled"


class SubscriberPolicy(StrEnum):
    """What the tenant wants when the outcome hinges on an unknown subscriber type (spec §3)."""

    REVIEW = "review"
    ASSUME_CORPORATE = "assume_corporate"
    ASSUME_INDIVIDUAL = "assume_individual"


class Requirement(StrEnum):
    OPT_OUT_LINK = "opt_out_link"
    SENDER_IDENTITY = "sender_identity"
    PRIVACY_NOTICE = "privacy_notice"
    POSTAL_ADDRESS = "postal_address"
    AD_DISCLOSURE = "ad_disclosure"
    CALLER_ID = "caller_id"
    CONTACT_DETAILS = "contact_details"
    NO_PROMOTIONAL_CONTENT = "no_promotional_content"


class Severity(StrEnum):
    BLOCK = "block"
    REVIEW = "review"
    ALLOW = "allow"
    NOTE = "note"


class ReasonCode(StrEnum):
    # Blocking (spec §1, closed).
    ERASED_SUBJECT = "erased_subject"
    SUPPRESSED_EMAIL = "suppressed_email"
    SUPPRESSED_DOMAIN = "suppressed_domain"
    SUPPRESSED_PHONE = "suppressed_phone"
    OPTED_OUT = "opted_out"
    CONSENT_REQUIRED = "consent_required"
    DOUBLE_OPT_IN_REQUIRED = "double_opt_in_required"
    DNC_REGISTERED = "dnc_registered"
    REGION_EXCLUDED = "region_excluded"
    LIA_MISSING = "lia_missing"
    LIA_FAILED = "lia_failed"
    INVALID_EMAIL = "invalid_email"
    INVALID_PHONE = "invalid_phone"
    # Review (spec §1, closed).
    JURISDICTION_UNKNOWN = "jurisdiction_unknown"
    NO_RULE_FOR_JURISDICTION = "no_rule_for_jurisdiction"
    SUBSCRIBER_TYPE_UNKNOWN = "subscriber_type_unknown"
    DNC_REGISTER_MISSING = "dnc_register_missing"
    DNC_REGISTER_STALE = "dnc_register_stale"
    # Allowing (codes of our choice, documented in docs/rules.md).
    OPT_OUT_PERMITTED = "opt_out_permitted"
    CONSENT_VALID = "consent_valid"
    DOUBLE_OPT_IN_CONFIRMED = "double_opt_in_confirmed"
    SOFT_OPT_IN = "soft_opt_in"
    IMPLIED_CONSENT = "implied_consent"
    NO_CONSENT_NEEDED = "no_consent_needed"
    DNC_SCREENED = "dnc_screened"
    DNC_OVERRIDDEN_BY_CONSENT = "dnc_overridden_by_consent"
    DNC_NOT_REQUIRED = "dnc_not_required"
    ESTABLISHED_RELATIONSHIP = "established_relationship"
    LIA_PASSED = "lia_passed"
    NOT_PERSONAL_DATA = "not_personal_data"
    SERVICE_MESSAGE = "service_message"
    # Notes: never change the outcome.
    SUPPRESSION_NOTED = "suppression_noted"
    OPT_OUT_NOTED = "opt_out_noted"
    SUBSCRIBER_TYPE_ASSUMED = "subscriber_type_assumed"

    @property
    def severity(self) -> Severity:
        return _SEVERITY[self]


_BLOCKING = {
    ReasonCode.ERASED_SUBJECT,
    ReasonCode.SUPPRESSED_EMAIL,
    ReasonCode.SUPPRESSED_DOMAIN,
    ReasonCode.SUPPRESSED_PHONE,
    ReasonCode.OPTED_OUT,
    ReasonCode.CONSENT_REQUIRED,
    ReasonCode.DOUBLE_OPT_IN_REQUIRED,
    ReasonCode.DNC_REGISTERED,
    ReasonCode.REGION_EXCLUDED,
    ReasonCode.LIA_MISSING,
    ReasonCode.LIA_FAILED,
    ReasonCode.INVALID_EMAIL,
    ReasonCode.INVALID_PHONE,
}
_REVIEW = {
    ReasonCode.JURISDICTION_UNKNOWN,
    ReasonCode.NO_RULE_FOR_JURISDICTION,
    ReasonCode.SUBSCRIBER_TYPE_UNKNOWN,
    ReasonCode.DNC_REGISTER_MISSING,
    ReasonCode.DNC_REGISTER_STALE,
}
_NOTES = {ReasonCode.SUPPRESSION_NOTED, ReasonCode.OPT_OUT_NOTED, ReasonCode.SUBSCRIBER_TYPE_ASSUMED}
_SEVERITY: dict[ReasonCode, Severity] = {
    code: (
        Severity.BLOCK
        if code in _BLOCKING
        else Severity.REVIEW
        if code in _REVIEW
        else Severity.NOTE
        if code in _NOTES
        else Severity.ALLOW
    )
    for code in ReasonCode
}


# --- what the store records ------------------------------------------------------------------------
# The docstrings of these three are their descriptions in the API's OpenAPI document.
class LedgerEventKind(StrEnum):
    """What a ledger event records: consent given, confirmed (double opt-in completed) or withdrawn;
    an opt-out; or an objection to direct marketing (GDPR Art. 21)."""

    GIVEN = "given"
    CONFIRMED = "confirmed"
    WITHDRAWN = "withdrawn"
    OPT_OUT = "opt_out"
    OBJECTION = "objection"


class PrivacyRequestType(StrEnum):
    """What a data subject asks for: access (GDPR Art. 15), portability (Art. 20), erasure (Art. 17),
    rectification (Art. 16), objection to direct marketing (Art. 21), or, under the CCPA, to know or
    to delete."""

    ACCESS = "access"
    PORTABILITY = "portability"
    ERASURE = "erasure"
    RECTIFICATION = "rectification"
    OBJECTION = "objection"
    CCPA_KNOW = "ccpa_know"
    CCPA_DELETE = "ccpa_delete"


class ExclusionSource(StrEnum):
    """Where an exclusion-list entry came from: an import, an opt-out, a reply, a complaint, a bounce
    (inbound processing: a hard bounce, or soft bounces repeated), or entered by hand."""

    IMPORT = "import"
    OPT_OUT = "opt_out"
    REPLY = "reply"
    COMPLAINT = "complaint"
    BOUNCE = "bounce"
    MANUAL = "manual"
