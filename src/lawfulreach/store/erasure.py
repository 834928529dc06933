"""Erasure (right to be forgotten): delete what the tenant holds on a person, keep only keyed hashes.

Everything that names the person goes — contacts (with their provenance), ledger events, exclusion
entries for their email or phone — in one transaction, and HMAC-SHA-256 hashes of their normalised
email and E.164 phone (under the tenant's key) are kept so they are blocked as ``erased_subject``
forever, even when a later import brings them back. Contacts found by the email also give up their
phone (and vice versa), so the person is erased under every key the workspace knew them by.
Domain entries are kept: a domain names a company, not the person. Do-not-call registers are copies
of public registers, not data held about the person, and are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, or_, select

from lawfulreach.errors import InputError
from lawfulreach.store.db import insert_ignoring_duplicates
from lawfulreach.store.models import Contact, ContactProvenance, ErasedSubject, LedgerEvent, SuppressionEntry
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.subjects import Subject


@dataclass(frozen=True)
class ErasureReport:
    """Counts only: an erasure report must not name the person."""

    contacts: int
    ledger_events: int
    exclusion_entries: int
    hashes_kept: int


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def erase(scope: TenantScope, subjects: list[Subject]) -> ErasureReport:
    if not subjects:
        raise InputError("give --email and/or --phone of the person to erase")
    emails = {s.key for s in subjects if s.kind == "email"}
    phones = {s.key for s in subjects if s.kind == "phone"}
    with scope.writing(exclusive=True) as session:
        linked = session.execute(
            select(Contact.id, Contact.email_key, Contact.phone_key).where(
                or_(Contact.email_key.in_(emails), Contact.phone_key.in_(phones))
            )
        ).all()
        contact_ids = [row.id for row in linked]
        emails |= {row.email_key for row in linked if row.email_key}
        phones |= {row.phone_key for row in linked if row.phone_key}
        keys = emails | phones
        if contact_ids:
            session.execute(delete(ContactProvenance).where(ContactProvenance.contact_id.in_(contact_ids)))
            session.execute(delete(Contact).where(Contact.id.in_(contact_ids)))
        events = _rowcount(session.execute(delete(LedgerEvent).where(LedgerEvent.subject_key.in_(keys))))
        entries = _rowcount(
            session.execute(
                delete(SuppressionEntry).where(
                    or_(
                        (SuppressionEntry.kind == "email") & SuppressionEntry.value.in_(emails),
                        (SuppressionEntry.kind == "phone") & SuppressionEntry.value.in_(phones),
                    )
                )
            )
        )
        now = scope.clock()
        rows = [
            {"tenant_id": scope.tenant_id, "kind": kind, "key_hash": scope.hash(key), "erased_at": now}
            for kind, group in (("email", emails), ("phone", phones))
            for key in sorted(group)
        ]
        insert_ignoring_duplicates(session, ErasedSubject, rows)
    return ErasureReport(len(contact_ids), events, entries, len(rows))


def erased_hashes(scope: TenantScope, keys: list[str]) -> set[str]:
    """Which of these normalised keys were erased, as their hashes (one indexed query)."""
    hashes = {scope.hash(k) for k in keys if k}
    if not hashes:
        return set()
    with scope.reading() as session:
        return set(session.scalars(select(ErasedSubject.key_hash).where(ErasedSubject.key_hash.in_(hashes))))
