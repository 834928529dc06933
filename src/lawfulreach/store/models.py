"""The workspace schema: SQLAlchemy 2 models, one row type per kind of tenant state.

Every table but ``tenants`` carries a ``tenant_id`` (``TenantScoped``); the session guard in
``store.db`` adds ``tenant_id = <the session's tenant>`` to every ORM SELECT/UPDATE/DELETE, so no
query path can read across tenants. Personal data is stored only in normalised match keys and the
contact rows an import brought in; erased subjects keep nothing but a keyed hash.

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
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from lawfulreach.store.coltypes import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SUPPRESSION_KINDS = ("email", "domain", "phone")
SUPPRESSION_SOURCES = ("import", "opt_out", "reply", "complaint", "manual")
SUBJECT_KINDS = ("email", "phone")
LEDGER_EVENTS = ("given", "confirmed", "withdrawn", "opt_out", "objection")
LEDGER_CHANNELS = ("email", "sms", "call", "automated_call", "post", "all")
CONTACT_SOURCES = ("first_party", "third_party")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Tenant(Base):
    """A client of the agency; the scope every other row belongs to."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: HMAC of a fixed label under the tenant's key: detects a wrong or replaced secret key
    key_check: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TenantScoped:
    """Mixin: a ``tenant_id`` column (a foreign key to ``tenants``), which the session guard filters on."""

    #: False only for bulk tables whose per-row foreign-key checks would dominate load time
    tenant_foreign_key = True

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805 - declared_attr receives the class
        if not cls.tenant_foreign_key:
            return mapped_column(Integer, nullable=False)
        return mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False)


class SuppressionEntry(TenantScoped, Base):
    """An exclusion-list entry: a normalised email, a domain (covers its subdomains) or an E.164 phone."""

    __tablename__ = "suppression_entries"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "value"),
        CheckConstraint(_one_of("kind", SUPPRESSION_KINDS), name="kind"),
        CheckConstraint(_one_of("source", SUPPRESSION_SOURCES), name="source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Contact(TenantScoped, Base):
    """A stored prospect: identity by normalised email, else E.164 phone; details as imported."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "identity"),
        Index("ix_contacts_tenant_email_key", "tenant_id", "email_key"),
        Index("ix_contacts_tenant_phone_key", "tenant_id", "phone_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str | None] = mapped_column(String(320))
    phone_key: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(400))
    company: Mapped[str | None] = mapped_column(String(400))
    job_title: Mapped[str | None] = mapped_column(String(400))
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
        CheckConstraint(_one_of("source", CONTACT_SOURCES), name="source"),
        Index("ix_contact_provenance_tenant_contact", "tenant_id", "contact_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str | None] = mapped_column(String(200))
    file_name: Mapped[str | None] = mapped_column(String(400))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LedgerEvent(TenantScoped, Base):
    """One consent or opt-out event. Append-only: current state is derived, never stored over events."""

    __tablename__ = "ledger_events"
    __table_args__ = (
        CheckConstraint(_one_of("subject_kind", SUBJECT_KINDS), name="subject_kind"),
        CheckConstraint(_one_of("event", LEDGER_EVENTS), name="event"),
        CheckConstraint(_one_of("channel", LEDGER_CHANNELS), name="channel"),
        Index("ix_ledger_events_tenant_subject", "tenant_id", "subject_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(5))
    subject_key: Mapped[str] = mapped_column(String(320))
    event: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str | None] = mapped_column(String(100))
    method: Mapped[str | None] = mapped_column(String(100))
    wording: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ErasedSubject(TenantScoped, Base):
    """What an erasure leaves: HMAC-SHA-256 of the normalised email or E.164 phone, nothing else."""

    __tablename__ = "erased_subjects"
    __table_args__ = (
        UniqueConstraint("tenant_id", "key_hash"),
        CheckConstraint(_one_of("kind", SUBJECT_KINDS), name="kind"),
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


TENANT_SCOPED_MODELS: tuple[type[Base], ...] = (
    SuppressionEntry,
    Contact,
    ContactProvenance,
    LedgerEvent,
    ErasedSubject,
    DncRegister,
    DncNumber,
)
