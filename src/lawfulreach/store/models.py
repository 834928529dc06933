"""The workspace schema: SQLAlchemy 2 models, one row type per kind of tenant state.

Every table but ``tenants`` and ``key_versions`` carries a ``tenant_id`` (``TenantScoped``); the
session guard in ``store.db`` adds ``tenant_id = <the session's tenant>`` to every ORM
SELECT/UPDATE/DELETE, so no query path can read across tenants.

Personal data is never stored in the clear (issue 4). A row that holds any keeps it in ``sealed``
(AES-GCM, ``store.crypto``) with the ``key_version`` it was sealed under, and is found through
*blind indexes*: HMAC-SHA-256 of the normalised email / E.164 phone under the tenant's index key
(``*_index`` columns, 64 hex digits) — the same value an erasure keeps in ``erased_subjects``. Domain
exclusion entries keep the domain itself as their match key: a domain names a company, and the batch
screen matches parent domains against it. Do-not-call numbers are copies of the published registers
and stay as published (``docs/security.md`` explains both choices).

The naming convention makes constraint names deterministic, which Alembic needs to alter them on
SQLite (batch mode) and to compare schemas.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from lawfulreach.domain.vocabulary import ExclusionSource, LedgerEventKind, PrivacyRequestType
from lawfulreach.store.coltypes import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SUPPRESSION_KINDS = ("email", "domain", "phone")
#: the values the CHECK constraints accept; the store's vocabularies are declared once, in ``domain.vocabulary``
SUPPRESSION_SOURCES: tuple[str, ...] = tuple(s.value for s in ExclusionSource)
SUBJECT_KINDS = ("email", "phone")
LEDGER_EVENTS: tuple[str, ...] = tuple(e.value for e in LedgerEventKind)
LEDGER_CHANNELS = ("email", "sms", "call", "automated_call", "post", "all")
CONTACT_SOURCES = ("first_party", "third_party")
REQUEST_TYPES: tuple[str, ...] = tuple(t.value for t in PrivacyRequestType)
REQUEST_STATUSES = ("received", "verified", "extended", "fulfilled", "rejected")
REGIMES = ("gdpr", "uk_gdpr", "ccpa")
#: length of a blind index / keyed hash: HMAC-SHA-256 as hex
INDEX_LENGTH = 64


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The SQL of a CHECK constraint that ``column`` holds one of ``values``."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


#: The modules that declare tables beside this one. The store imports each on first use (see
#: ``lawfulreach.store``), so ``Base.metadata`` holds only the tables a process has touched; what needs
#: the whole schema (Alembic's autogenerate, the test that the models and the migrations agree) calls
#: ``all_tables``. tests/store/test_schema_head.py keeps the list complete.
TABLE_MODULES: tuple[str, ...] = (
    "lawfulreach.store.api_keys",
    "lawfulreach.store.campaigns",
    "lawfulreach.store.evidence",
    "lawfulreach.store.intake",
    "lawfulreach.store.lia",
    "lawfulreach.store.outreach.inbound_log",
    "lawfulreach.store.outreach.send_log",
    "lawfulreach.store.profiles",
    "lawfulreach.store.staff",
)


def all_tables() -> MetaData:
    """``Base.metadata`` with every table of the workspace schema declared."""
    import importlib

    for module in TABLE_MODULES:
        importlib.import_module(module)
    return Base.metadata


class Tenant(Base):
    """A client of the agency; the scope every other row belongs to."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: HMAC of a fixed label under the tenant's key: detects a wrong or replaced secret key
    key_check: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: the tenant's own deadline for privacy requests, in hours (None: the default, 72 — seed 000)
    dsar_target_hours: Mapped[int | None] = mapped_column(Integer)
    #: what decides when the outcome hinges on an unknown subscriber type (None: ``review``); issue 12
    subscriber_policy: Mapped[str | None] = mapped_column(String(20))


class KeyVersion(Base):
    """A version of the workspace key ring that personal data is (or was) sealed under.

    Workspace-wide, like the key file. The newest registered version is the one new data is sealed
    under; ``completed_at`` is set when ``keys rotate`` has re-encrypted every row of every tenant
    under it. ``key_check`` tells whether a key file's entry for this version is the right one.
    """

    __tablename__ = "key_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    key_check: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TenantScoped:
    """Mixin: a ``tenant_id`` column (a foreign key to ``tenants``), which the session guard filters on."""

    #: False only for bulk tables whose per-row foreign-key checks would dominate load time
    tenant_foreign_key = True

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805 - declared_attr receives the class
        if not cls.tenant_foreign_key:
            return mapped_column(Integer, nullable=False)
        return mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False)


class Sealed:
    """Mixin: the row's personal fields, encrypted (``store.crypto``), and the key version used."""

    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column(SmallInteger)


class SuppressionEntry(Sealed, TenantScoped, Base):
    """An exclusion-list entry: an email or E.164 phone (matched by blind index), or a domain
    (matched as itself; covers its subdomains). ``sealed`` holds the value and the reason."""

    __tablename__ = "suppression_entries"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "match_key"),
        CheckConstraint(one_of("kind", SUPPRESSION_KINDS), name="kind"),
        CheckConstraint(one_of("source", SUPPRESSION_SOURCES), name="source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    #: the blind index of an email / phone, or the normalised domain
    match_key: Mapped[str] = mapped_column(String(320))
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Contact(Sealed, TenantScoped, Base):
    """A stored prospect: identity by normalised email, else E.164 phone (both as blind indexes).

    ``sealed`` holds the address, phone, names, company and job title as imported (and the normalised
    keys); the categorical facts a decision reads (country, subscriber type, …) stay queryable.
    """

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "identity_index"),
        Index("ix_contacts_tenant_email_index", "tenant_id", "email_index"),
        Index("ix_contacts_tenant_phone_index", "tenant_id", "phone_index"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity_index: Mapped[str] = mapped_column(String(INDEX_LENGTH))
    email_index: Mapped[str | None] = mapped_column(String(INDEX_LENGTH))
    phone_index: Mapped[str | None] = mapped_column(String(INDEX_LENGTH))
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(10))
    subscriber_type: Mapped[str] = mapped_column(String(20))
    phone_type: Mapped[str | None] = mapped_column(String(10))
    in_public_directory: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ContactProvenance(TenantScoped, Base):
    """Where a contact came from and when (seed 001: enriched and bought data must be traceable)."""

    __tablename__ = "contact_provenance"
    __table_args__ = (
        CheckConstraint(one_of("source", CONTACT_SOURCES), name="source"),
        Index("ix_contact_provenance_tenant_contact", "tenant_id", "contact_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str | None] = mapped_column(String(200))
    file_name: Mapped[str | None] = mapped_column(String(400))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LedgerEvent(Sealed, TenantScoped, Base):
    """One consent or opt-out event. Append-only: current state is derived, never stored over events.

    The subject is a blind index; ``sealed`` holds the normalised address, the wording shown and the
    free-text source.
    """

    __tablename__ = "ledger_events"
    __table_args__ = (
        CheckConstraint(one_of("subject_kind", SUBJECT_KINDS), name="subject_kind"),
        CheckConstraint(one_of("event", LEDGER_EVENTS), name="event"),
        CheckConstraint(one_of("channel", LEDGER_CHANNELS), name="channel"),
        Index("ix_ledger_events_tenant_subject", "tenant_id", "subject_index"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(5))
    subject_index: Mapped[str] = mapped_column(String(INDEX_LENGTH))
    event: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str | None] = mapped_column(String(100))
    method: Mapped[str | None] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ErasedSubject(TenantScoped, Base):
    """What an erasure leaves: HMAC-SHA-256 of the normalised email or E.164 phone, nothing else."""

    __tablename__ = "erased_subjects"
    __table_args__ = (
        UniqueConstraint("tenant_id", "key_hash"),
        CheckConstraint(one_of("kind", SUBJECT_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(5))
    key_hash: Mapped[str] = mapped_column(String(64))
    erased_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DncRegister(TenantScoped, Base):
    """A loaded national do-not-call register (name compared case-insensitively via ``name_key``)."""

    __tablename__ = "dnc_registers"
    __table_args__ = (UniqueConstraint("tenant_id", "country", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))
    as_of: Mapped[datetime] = mapped_column(UtcDateTime())
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    size: Mapped[int] = mapped_column(Integer)
    #: overrides the rule base's maximum age for this register when set
    max_age_days: Mapped[int | None] = mapped_column(Integer)


class DncNumber(TenantScoped, Base):
    """One E.164 number on a register; the primary key makes every lookup an index hit.

    No foreign keys: checking two of them per row more than doubled the time to load a register
    (1M numbers: ~7 s instead of ~2.5 s on PostgreSQL). Numbers are only written by ``DncRepo.load``,
    which creates their register first and deletes a register's numbers before replacing them.
    """

    __tablename__ = "dnc_numbers"
    #: SQLite: one B-tree keyed by (register_id, e164) instead of a rowid table plus an index
    __table_args__ = {"sqlite_with_rowid": False}
    tenant_foreign_key = False

    register_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    e164: Mapped[str] = mapped_column(String(16), primary_key=True)


class PrivacyRequest(TenantScoped, Base):
    """A data subject request (GDPR Art. 15–21, CCPA) tracked from receipt to its outcome.

    The subject is a blind index; ``sealed`` (nullable: emptied when the person is erased) holds the
    normalised address and the reasons a person typed. Deadlines are stored, not recomputed, so a
    later change of the tenant's target does not move the dates of requests already received.
    """

    __tablename__ = "privacy_requests"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        CheckConstraint(one_of("request_type", REQUEST_TYPES), name="request_type"),
        CheckConstraint(one_of("status", REQUEST_STATUSES), name="status"),
        CheckConstraint(one_of("regime", REGIMES), name="regime"),
        CheckConstraint(one_of("subject_kind", SUBJECT_KINDS), name="subject_kind"),
        Index("ix_privacy_requests_tenant_subject", "tenant_id", "subject_index"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the request's number within its tenant (what ``dsar verify 7`` names)
    number: Mapped[int] = mapped_column(Integer)
    request_type: Mapped[str] = mapped_column(String(16))
    regime: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10))
    subject_kind: Mapped[str] = mapped_column(String(5))
    subject_index: Mapped[str] = mapped_column(String(INDEX_LENGTH))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_version: Mapped[int | None] = mapped_column(SmallInteger)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: the tenant's own target (default 72 hours after receipt)
    target_due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: the regime's deadline, moved once by an extension
    legal_due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    extended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuditEntry(TenantScoped, Base):
    """One entry of a tenant's audit trail: append-only and hash-chained (``store.audit``).

    Holds no personal data: the subject is a blind index, ``details`` a JSON object of counts and
    vocabulary values (never free text a person typed).
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        UniqueConstraint("tenant_id", "seq"),
        Index("ix_audit_entries_tenant_subject", "tenant_id", "subject_ref"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    act: Mapped[str] = mapped_column(String(40))
    subject_ref: Mapped[str | None] = mapped_column(String(INDEX_LENGTH))
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(TenantScoped, Base):
    """The last entry of a tenant's audit trail, with a keyed mark: deleting entries at the end of
    the chain is detected, not only gaps inside it."""

    __tablename__ = "audit_heads"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[str] = mapped_column(String(64))
    mark: Mapped[str] = mapped_column(String(64))


TENANT_SCOPED_MODELS: tuple[type[Base], ...] = (
    SuppressionEntry,
    Contact,
    ContactProvenance,
    LedgerEvent,
    ErasedSubject,
    DncRegister,
    DncNumber,
    PrivacyRequest,
    AuditEntry,
    AuditHead,
)

#: The tables whose rows hold sealed personal data (what ``keys rotate`` re-encrypts).
SEALED_MODELS: tuple[type[SuppressionEntry] | type[Contact] | type[LedgerEvent] | type[PrivacyRequest], ...] = (
    SuppressionEntry,
    Contact,
    LedgerEvent,
    PrivacyRequest,
)
