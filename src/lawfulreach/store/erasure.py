"""Erasure (right to be forgotten): delete what the tenant holds on a person, keep only keyed hashes.

Everything that names the person goes — contacts (with their provenance), ledger events, exclusion
entries for their email or phone, the personal part of their privacy requests, and whatever other
modules registered (``store.subject_data``) — in one transaction, and the blind indexes of their
normalised email and E.164 phone (HMAC-SHA-256 under the tenant's index key) are kept in
``erased_subjects`` so they are blocked as ``erased_subject`` forever, even when a later import brings
them back. Contacts found by the email also give up their phone (and vice versa), so the person is
erased under every key the workspace knew them by. Domain entries are kept: a domain names a
company, not the person. Do-not-call registers are copies of public registers, not data held about
the person, and are left alone. The audit entry names the person only by blind index.

What a deleted row leaves behind: on SQLite the erasure runs with ``secure_delete`` on (freed space
is overwritten with zeros) and the write-ahead log is truncated afterwards, so the database file
holds no copy of the deleted cells; on PostgreSQL deleted rows stay in the table's pages until
``VACUUM`` reclaims them (autovacuum does; ``docs/security.md`` says when to run it by hand). Either
way the remnants are ciphertext and blind indexes, never plaintext.

Files count too. The only file the workspace itself writes with an address in it is the verification
mail of a privacy request, left as an ``.eml`` in the outbox ``serve`` writes to (``TenantScope.
outbox_dir``); after the transaction commits, ``forget_files`` deletes every message there addressed to
(or mentioning) the person. Files a user asked for (screen results, exports) are theirs to delete.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from lawfulreach.errors import InputError, LawfulreachError
from lawfulreach.store import audit
from lawfulreach.store.db import insert_ignoring_duplicates
from lawfulreach.store.models import (
    Contact,
    ContactProvenance,
    ErasedSubject,
    LedgerEvent,
    PrivacyRequest,
    SuppressionEntry,
)
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.subject_data import SubjectKeys, holders
from lawfulreach.store.subjects import Subject, email_key

log = logging.getLogger("lawfulreach.store")


@dataclass(frozen=True)
class ErasureReport:
    """Counts only: an erasure report must not name the person."""

    contacts: int
    ledger_events: int
    exclusion_entries: int
    hashes_kept: int
    requests_scrubbed: int = 0
    other_records: int = 0


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def subject_keys(session: Session, scope: TenantScope, subjects: list[Subject]) -> SubjectKeys:
    """The subjects' keys plus those of every stored contact found under one of them (one hop)."""
    from lawfulreach.store.contacts import open_contact  # its Polars import is not for `check`'s path

    emails = {s.key for s in subjects if s.kind == "email"}
    phones = {s.key for s in subjects if s.kind == "phone"}
    indexes = {scope.index(k) for k in emails | phones}
    for row in session.scalars(
        select(Contact).where(or_(Contact.email_index.in_(indexes), Contact.phone_index.in_(indexes)))
    ):
        contact = open_contact(scope, row)
        emails |= {contact.email_key} if contact.email_key else set()
        phones |= {contact.phone_key} if contact.phone_key else set()
    return SubjectKeys(frozenset(emails), frozenset(phones), frozenset(scope.index(k) for k in emails | phones))


@contextmanager
def _secure_delete(session: Session) -> Iterator[None]:
    """SQLite: overwrite freed space with zeros while the erasure deletes (a per-connection setting;
    some builds have it on by default, so the previous value is restored, not switched off)."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    conn = session.connection()
    before = conn.exec_driver_sql("PRAGMA secure_delete").scalar()
    conn.exec_driver_sql("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA secure_delete = {int(before or 0)}")


def erase_in(session: Session, scope: TenantScope, subjects: list[Subject]) -> tuple[ErasureReport, SubjectKeys]:
    """The erasure, inside the caller's exclusive write transaction (a privacy request's fulfilment
    commits it together with the request's new state)."""
    if not subjects:
        raise InputError("give --email and/or --phone of the person to erase")
    with _secure_delete(session):
        who = subject_keys(session, scope, subjects)
        idx = list(who.indexes)
        contact_ids = list(
            session.scalars(select(Contact.id).where(or_(Contact.email_index.in_(idx), Contact.phone_index.in_(idx))))
        )
        if contact_ids:
            session.execute(delete(ContactProvenance).where(ContactProvenance.contact_id.in_(contact_ids)))
            session.execute(delete(Contact).where(Contact.id.in_(contact_ids)))
        events = _rowcount(session.execute(delete(LedgerEvent).where(LedgerEvent.subject_index.in_(idx))))
        entries = _rowcount(
            session.execute(
                delete(SuppressionEntry).where(
                    SuppressionEntry.kind.in_(("email", "phone")), SuppressionEntry.match_key.in_(idx)
                )
            )
        )
        scrubbed = _rowcount(
            session.execute(
                update(PrivacyRequest)
                .where(PrivacyRequest.subject_index.in_(idx), PrivacyRequest.sealed.is_not(None))
                .values(sealed=None, key_version=None)
                .execution_options(synchronize_session=False)
            )
        )
        others = sum(holder.erase(session, scope, who) for holder in holders())
        now = scope.clock()
        rows: list[dict[str, Any]] = [
            {"tenant_id": scope.tenant_id, "kind": kind, "key_hash": scope.index(key), "erased_at": now}
            for kind, group in (("email", who.emails), ("phone", who.phones))
            for key in sorted(group)
        ]
        insert_ignoring_duplicates(session, ErasedSubject, rows)
    report = ErasureReport(len(contact_ids), events, entries, len(rows), scrubbed, others)
    counts = {
        "contacts": report.contacts,
        "ledger_events": report.ledger_events,
        "exclusion_entries": report.exclusion_entries,
        "requests_scrubbed": report.requests_scrubbed,
        "other_records": report.other_records,
        "keys": report.hashes_kept,
    }
    for row in rows:
        audit.record(session, scope, "erase", subject_ref=str(row["key_hash"]), details=counts | {"kind": row["kind"]})
    return report, who


def purge_wal(scope: TenantScope) -> None:
    """SQLite: fold the write-ahead log into the database and truncate it, so no page image written
    before an erasure survives in ``-wal``. Best effort: a reader still using the log keeps it until
    the next checkpoint."""
    if scope.dialect != "sqlite":
        return
    with scope.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _recipients(raw: bytes) -> set[str]:
    headers = BytesHeaderParser().parsebytes(raw)
    found: set[str] = set()
    for _, address in getaddresses([str(v) for name in ("to", "cc", "bcc") for v in headers.get_all(name, [])]):
        try:
            found.add(email_key(address))
        except LawfulreachError:
            continue
    return found


def forget_files(scope: TenantScope, who: SubjectKeys) -> int:
    """Delete the outbox messages addressed to (or naming) the erased person; how many.

    Run after the erasure committed. A message is matched by its recipients, normalised like every
    other address, and by the person's normalised addresses and phones anywhere in its bytes.
    """
    directory = scope.outbox_dir
    if directory is None or not who.keys or not directory.is_dir():
        return 0
    needles = [k.encode("utf-8") for k in who.keys]
    removed = 0
    for path in directory.glob("*.eml"):
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        lowered = raw.lower()
        if _recipients(raw) & who.emails or any(n in lowered for n in needles):
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:  # picked up by the relay meanwhile
                continue
            except OSError as exc:
                log.error("cannot delete an outbox message of an erased person: %s", exc.strerror)
    return removed


def erase(scope: TenantScope, subjects: list[Subject]) -> ErasureReport:
    with scope.writing(exclusive=True) as session:
        report, who = erase_in(session, scope, subjects)
    purge_wal(scope)
    forget_files(scope, who)
    return report


def erased_hashes(scope: TenantScope, keys: list[str]) -> set[str]:
    """Which of these normalised keys were erased, as their hashes (one indexed query)."""
    hashes = {scope.index(k) for k in keys if k}
    if not hashes:
        return set()
    with scope.reading() as session:
        return set(session.scalars(select(ErasedSubject.key_hash).where(ErasedSubject.key_hash.in_(hashes))))
