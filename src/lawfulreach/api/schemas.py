"""The API's JSON shapes besides the decision request itself (which is ``schema.RequestIn``, shared
with the CLI). One family per resource: ``…In`` for what a client sends, ``…Out`` for what it gets.

Inputs forbid unknown fields (a typo must not be silently ignored) and strip whitespace; an address
is read by the store's one normaliser (``store.subjects``), so the API matches exactly what the CLI
and the engine match.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator

from lawfulreach.domain.vocabulary import (
    Basis,
    ExclusionSource,
    LedgerEventKind,
    Outcome,
    PrivacyRequestType,
    ReasonCode,
    Requirement,
)
from lawfulreach.errors import InputError
from lawfulreach.store.subjects import Subject, subject

Channel = Literal["email", "sms", "call", "automated_call", "post"]
ChannelOrAll = Literal["email", "sms", "call", "automated_call", "post", "all"]
Kind = Literal["email", "domain", "phone"]


def _in_utc(value: datetime) -> datetime:
    """A claimed event time in UTC (no offset: UTC). One that cannot be expressed in UTC — such as
    ``9999-12-31T23:59:59-14:00`` — is a validation error (422), not a server error."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is outside the range of dates that can be recorded") from None


#: When a ledger event happened, as the client claims it (default: now). At most a few minutes in
#: the future (the workspace's allowed clock skew); state follows the order of recording anyway.
ClaimedTime = Annotated[
    datetime,
    AfterValidator(_in_utc),
    Field(description="When it happened (default: now); not more than the allowed clock skew ahead of the server."),
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


#: a value with something in it (cells are stripped: "  " is as empty as "")
NON_BLANK = r"\S"


def exactly_one(*names: str) -> dict[str, Any]:
    """JSON Schema for "exactly one of these fields is given (not null)", which the model validators
    enforce: published so the OpenAPI document says what the code does."""
    branch = {"type": "string", "minLength": 1, "pattern": NON_BLANK}
    return {"oneOf": [{"required": [n], "properties": {n: branch}} for n in names]}


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- decisions (spec §1) -------------------------------------------------------------------------
class ReasonOut(_Out):
    code: ReasonCode
    message: str
    citation: str


class DecisionOut(_Out):
    """A decision of spec §1, exactly as ``lawfulreach check`` prints it."""

    outcome: Outcome
    jurisdiction: str | None
    regimes: list[str]
    basis: Basis | None
    requirements: list[Requirement]
    reasons: list[ReasonOut] = Field(min_length=1)
    rulebase_version: str = Field(
        description="The version of the rule base that decided: a stable hash of the shipped rule data, "
        "the override files and the workspace's register ages (`rb-` and 12 hex digits).",
        pattern=r"^rb-[0-9a-f]{12}$",
    )
    decided_at: datetime = Field(description="The clock reading the decision was made at (UTC).")
    campaign_id: str | None = Field(description="The stored campaign decided for; null for an inline campaign.")
    campaign_version: str | None = Field(
        description="A fingerprint of the stored campaign's content when decided (`cv-` and 12 hex digits); "
        "null for an inline campaign."
    )


class ItemErrorOut(_Out):
    """A batch item that could not be read, in its place (the CLI's ``{"line": n, "error": …}``)."""

    index: int = Field(description="Position of the item in `requests`, from 0.")
    error: str


class BatchOut(_Out):
    results: list[DecisionOut | ItemErrorOut]
    decided: int
    invalid: int


# --- people --------------------------------------------------------------------------------------
class SubjectIn(_In):
    """A person, by email or by phone (exactly one)."""

    model_config = ConfigDict(json_schema_extra=exactly_one("email", "phone"))

    email: str | None = Field(default=None, min_length=1, max_length=320, pattern=NON_BLANK)
    phone: str | None = Field(default=None, min_length=1, max_length=64, pattern=NON_BLANK)
    country: str | None = Field(default=None, max_length=60, description="Country to read a national phone with.")

    @model_validator(mode="after")
    def _one(self) -> SubjectIn:
        if (self.email is None) == (self.phone is None):
            raise ValueError("give exactly one of email or phone")
        return self

    def subject(self) -> Subject:
        try:
            return subject(self.email, self.phone, self.country)
        except InputError as exc:  # the store's messages name the CLI's options; here they are fields
            raise InputError(str(exc).replace("--country", "country").replace("--email", "email")) from None


# --- exclusion lists -----------------------------------------------------------------------------
class ExclusionIn(_In):
    model_config = ConfigDict(json_schema_extra=exactly_one("email", "domain", "phone"))

    email: str | None = Field(default=None, min_length=1, max_length=320, pattern=NON_BLANK)
    domain: str | None = Field(default=None, min_length=1, max_length=253, pattern=NON_BLANK)
    phone: str | None = Field(default=None, min_length=1, max_length=64, pattern=NON_BLANK)
    country: str | None = Field(default=None, max_length=60)
    reason: str | None = Field(default=None, max_length=1000)
    source: ExclusionSource = ExclusionSource.MANUAL

    @model_validator(mode="after")
    def _one(self) -> ExclusionIn:
        if sum(v is not None for v in (self.email, self.domain, self.phone)) != 1:
            raise ValueError("give exactly one of email, domain or phone")
        return self


class ExclusionTargetIn(_In):
    model_config = ConfigDict(json_schema_extra=exactly_one("email", "domain", "phone"))

    email: str | None = Field(default=None, min_length=1, max_length=320, pattern=NON_BLANK)
    domain: str | None = Field(default=None, min_length=1, max_length=253, pattern=NON_BLANK)
    phone: str | None = Field(default=None, min_length=1, max_length=64, pattern=NON_BLANK)
    country: str | None = Field(default=None, max_length=60)

    @model_validator(mode="after")
    def _one(self) -> ExclusionTargetIn:
        if sum(v is not None for v in (self.email, self.domain, self.phone)) != 1:
            raise ValueError("give exactly one of email, domain or phone")
        return self


class ExclusionItemIn(_In):
    value: str = Field(min_length=1, max_length=320, pattern=NON_BLANK)
    kind: Kind | None = Field(default=None, description="Recognised from the value when omitted.")
    reason: str | None = Field(default=None, max_length=1000)
    source: ExclusionSource | None = None
    country: str | None = Field(default=None, max_length=60)


class ExclusionImportIn(_In):
    """Up to 100,000 entries; all or nothing, and importing the same entries again changes nothing."""

    entries: list[str | ExclusionItemIn] = Field(min_length=1, max_length=100_000)
    reason: str | None = Field(default=None, max_length=1000)
    source: ExclusionSource = ExclusionSource.IMPORT
    country: str | None = Field(default=None, max_length=60, description="For national-format phone numbers.")


class ExclusionOut(_Out):
    kind: Kind
    value: str
    reason: str | None
    source: str
    created_at: datetime | None


class ExclusionAddedOut(_Out):
    kind: Kind
    value: str
    added: bool = Field(description="False when the entry was already listed.")


class ExclusionListOut(_Out):
    entries: list[ExclusionOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
    limit: int


class ImportReportOut(_Out):
    read: int
    added: int
    already_listed: int
    skipped_erased: int


# --- ledger --------------------------------------------------------------------------------------
class ConsentIn(SubjectIn):
    channel: Channel
    purpose: str = Field(min_length=1, max_length=100, pattern=NON_BLANK)
    method: str = Field(
        min_length=1, max_length=100, pattern=NON_BLANK, description="web_form, verbal, … (pre_ticked never counts)."
    )
    confirmed: StrictBool = Field(default=False, description="Double opt-in completed.")
    wording: str | None = Field(default=None, max_length=10_000)
    source: str | None = Field(default=None, max_length=200)
    occurred_at: ClaimedTime | None = None


class WithdrawIn(SubjectIn):
    channel: Channel
    purpose: str = Field(default="marketing", min_length=1, max_length=100, pattern=NON_BLANK)
    source: str | None = Field(default=None, max_length=200)
    occurred_at: ClaimedTime | None = None


class OptOutIn(SubjectIn):
    channel: ChannelOrAll = "all"
    objection: StrictBool = Field(default=False, description="Record it as a GDPR Art. 21 objection.")
    source: str | None = Field(default=None, max_length=200)
    wording: str | None = Field(default=None, max_length=10_000)
    occurred_at: ClaimedTime | None = None


class EventOut(_Out):
    id: int
    subject_kind: Literal["email", "phone"]
    subject: str
    event: LedgerEventKind
    channel: ChannelOrAll
    purpose: str | None
    method: str | None
    wording: str | None
    source: str | None
    occurred_at: datetime
    recorded_at: datetime


class RecordedOut(_Out):
    """What was recorded — no address echoed back."""

    id: int
    event: LedgerEventKind
    channel: ChannelOrAll
    occurred_at: datetime


class ConsentStateOut(_Out):
    channel: Channel
    purpose: str
    status: Literal["none", "given", "confirmed", "withdrawn"]
    method: str | None


class LedgerOut(_Out):
    events: list[EventOut]
    opted_out_of: list[ChannelOrAll]
    consents: list[ConsentStateOut]


# --- registers -----------------------------------------------------------------------------------
class RegisterOut(_Out):
    country: str
    #: ``register`` in JSON, as ``dnc status --json`` prints it (the name is taken on pydantic models)
    register_name: str = Field(alias="register")
    loaded: bool
    size: int
    as_of: datetime | None
    loaded_at: datetime | None
    age_days: float | None
    max_age_days: int | None
    stale: bool


# --- campaigns -----------------------------------------------------------------------------------
class CampaignFields(_Out):
    """A campaign's facts (spec §2), as every campaign answer shows them."""

    name: str | None
    purpose: Literal["marketing", "service"]
    sender_type: Literal["commercial", "charity", "political"]
    legal_entity: str | None
    products: list[str]
    consent_purposes: list[str]
    lia: Literal["passed", "failed", "missing"]
    excluded_regions: list[str]


class CampaignOut(CampaignFields):
    id: str
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="The current version's number: 1, then one more per change.")
    fingerprint: str = Field(
        description="The current version's content fingerprint (`cv-…`): what decisions carry as `campaign_version`."
    )
    archived_at: datetime | None = Field(
        description="When the campaign was archived: it stays readable, and checks naming it are refused."
    )


class CampaignVersionOut(CampaignFields):
    """One version of a stored campaign, as it was made."""

    id: str
    version: int
    fingerprint: str
    created_at: datetime
    actor: str = Field(description="Who made the version (the API key's name, or the CLI's actor).")
    current: bool


# --- privacy requests ----------------------------------------------------------------------------
class PrivacyRequestIn(SubjectIn):
    """A request received some other way (a letter, a call, a CRM's form), recorded in the workflow."""

    type: PrivacyRequestType
    received_at: datetime | None = Field(default=None, description="When it arrived (default: now).")
    regime: Literal["gdpr", "uk_gdpr", "ccpa"] | None = Field(
        default=None, description="Which law it is handled under (default: from the type and country)."
    )


class PrivacyRequestOut(_Out):
    """A request of the data-subject-rights workflow (``lawfulreach dsar``), with what the person
    typed into the public form when it came that way."""

    number: int
    type: PrivacyRequestType
    regime: Literal["gdpr", "uk_gdpr", "ccpa"]
    status: Literal["received", "verified", "extended", "fulfilled", "rejected"]
    subject_kind: Literal["email", "phone"]
    subject: str | None = Field(description="The address; null once the person was erased.")
    received_at: datetime
    due_at: datetime
    overdue: bool
    target_due_at: datetime
    legal_due_at: datetime
    verified_at: datetime | None
    extended_at: datetime | None
    closed_at: datetime | None
    via_form: bool
    name: str | None
    details: str | None


# --- unsubscribe links ---------------------------------------------------------------------------
class LinkIn(SubjectIn):
    channel: ChannelOrAll = Field(default="email", description="What a one-click unsubscribe opts out of.")
    mailto: str | None = Field(default=None, max_length=320, description="Optional mailto: unsubscribe address.")


class LinkOut(_Out):
    token: str
    unsubscribe_url: str
    preferences_url: str
    headers: dict[str, str] = Field(description="`List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058).")
    privacy_url: str | None = Field(
        default=None,
        description="The privacy notice every message links to: the organisation's own, else the generated `/privacy`.",
    )


# --- organisation and caller ---------------------------------------------------------------------
class OrganisationIn(_In):
    organisation: str = Field(min_length=1, max_length=200, pattern=NON_BLANK)
    purpose: str | None = Field(default=None, max_length=2000, description="Why you hold the recipients' data.")
    privacy_notice_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://\S+$")
    contact_email: str | None = Field(default=None, max_length=320)
    postal_address: str | None = Field(default=None, max_length=1000)
    public_url: str | None = Field(
        default=None, max_length=500, description="Where the unsubscribe and privacy pages are served (https)."
    )
    mail_from: str | None = Field(default=None, max_length=320, description="The address mail is sent from.")
    country: str | None = Field(
        default=None, max_length=2, description="ISO 3166-1 alpha-2 country (picks the supervisory authority)."
    )
    data_source: str | None = Field(default=None, max_length=2000, description="Where recipients' data comes from.")
    recipients: str | None = Field(default=None, max_length=2000, description="Who receives recipients' data.")
    retention: str | None = Field(default=None, max_length=1000, description="How long the data is kept.")
    dpo_email: str | None = Field(default=None, max_length=320, description="The DPO's address, if not contact_email.")
    supervisory_authority: str | None = Field(default=None, max_length=200)
    supervisory_authority_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://\S+$")
    data_categories: str | None = Field(
        default=None, max_length=2000, description="The categories of personal data held (Art. 14(1)(d))."
    )
    transfers: str | None = Field(
        default=None,
        max_length=2000,
        description="Transfers outside the UK/EEA and their safeguard, or that there are none (Art. 14(1)(f)).",
    )


class OrganisationOut(_Out):
    organisation: str
    purpose: str | None
    privacy_notice_url: str | None
    contact_email: str | None
    postal_address: str | None
    public_url: str | None
    mail_from: str | None
    country: str | None
    data_source: str | None
    recipients: str | None
    retention: str | None
    dpo_email: str | None
    supervisory_authority: str | None
    supervisory_authority_url: str | None
    data_categories: str | None
    transfers: str | None
    missing: list[str] = Field(
        description="What lawful messages, the public pages and the generated privacy notice still lack."
    )


class NoticeLinkOut(_Out):
    label: str
    url: str


class NoticeSectionOut(_Out):
    key: str
    heading: str
    paragraphs: list[str]
    items: list[str]
    links: list[NoticeLinkOut]


class NoticeOut(_Out):
    version: str = Field(description="A fingerprint of the notice's content (`np-…`): new whenever it changes.")
    effective: str | None = Field(description="When its content last changed (ISO date).")
    url: str | None = Field(description="Where the generated notice is served.")
    organisation: str
    sections: list[NoticeSectionOut]
    missing: list[str] = Field(description="Facts shown on the notice as 'not provided'.")


class MeOut(_Out):
    tenant: str
    role: Literal["admin", "compliance", "marketer", "readonly"]
    key_id: str
    permissions: list[str]


class HealthOut(_Out):
    status: Literal["ok"]


# --- evidence (issue "prove it") -----------------------------------------------------------------
class EvidenceCampaignOut(_Out):
    id: str | None = Field(description="The stored campaign's id; null for a campaign given inline or in a file.")
    version: str | None = Field(description="The stored campaign's version when decided.")
    name: str | None


class EvidenceLiaOut(_Out):
    kind: Literal["assessed", "asserted", "missing"] = Field(
        description="assessed: a stored assessment; asserted: the campaign's own `lia`, not assessed; missing."
    )
    status: Literal["passed", "failed", "missing"]
    id: str | None = Field(description="The assessment's id (assessed only).")
    version: int | None


class EvidenceInputOut(_Out):
    name: str | None = Field(description="The input file's name (null for an API request).")
    sha256: str | None = Field(description="The input file's SHA-256.")


class EvidenceLineOut(EvidenceInputOut):
    line: int = Field(description="The contact's line in the input file (an API batch: the item's index).")


class EvidenceRunOut(_Out):
    """A recorded run: who decided, when, for which campaign version, under which rules, on what input."""

    run: str
    kind: Literal["screen", "check", "api"]
    recorded_at: datetime
    actor: str
    tenant: str
    campaign: EvidenceCampaignOut
    lia: EvidenceLiaOut
    rulebase_version: str
    input: EvidenceInputOut
    channels: list[str]
    decisions: int
    counts: dict[str, dict[str, int]] = Field(description="Per channel, decisions per outcome.")


class EvidenceDecisionOut(_Out):
    run: str
    recorded_at: datetime
    kind: Literal["screen", "check", "api"]
    actor: str
    input: EvidenceLineOut
    campaign: EvidenceCampaignOut
    lia: EvidenceLiaOut
    rulebase_version: str
    channel: Channel
    matched: str = Field(description="`key`: decided on this person's own key; else the same contact line.")
    outcome: Outcome
    jurisdiction: str | None
    basis: Basis | None
    reasons: list[ReasonCode]
    requirements: list[Requirement]
    regimes: list[str]


class EvidenceLedgerOut(_Out):
    subject: str | None
    event: LedgerEventKind
    channel: ChannelOrAll
    purpose: str | None
    method: str | None
    wording: str | None
    source: str | None
    occurred_at: datetime
    recorded_at: datetime


class EvidenceSubjectOut(_Out):
    emails: list[str]
    phones: list[str]


class EvidenceOut(_Out):
    """Every recorded decision about one person and every ledger event of theirs."""

    format: Literal["lawfulreach-evidence/1"]
    tenant: str
    generated_at: datetime
    subject: EvidenceSubjectOut
    erased: bool
    decisions: list[EvidenceDecisionOut]
    runs: list[EvidenceRunOut]
    ledger: list[EvidenceLedgerOut]
