"""The audit trail: who changed what a decision depends on, and when — tamper-evident.

Every act that can change a decision (exclusion entries added, imported or removed; consents,
withdrawals, opt-outs and objections; erasures; privacy-request state changes; do-not-call loads;
key rotations; campaigns created, changed or archived) appends one entry *in the same transaction as
the act*, so there is no act without its entry and no entry for an act that was rolled back.

An entry holds the time, the actor, the act, a *subject reference* and a small JSON object of
details. The reference is the subject's blind index (``TenantScope.index``), never the address;
details hold counts and vocabulary values, never free text a person typed (a reason can name
someone; it stays sealed in its own table). So the trail can be kept after an erasure.

Tamper evidence
---------------
Entries are numbered per tenant (``seq`` 1, 2, …) and chained: each entry's hash is an HMAC over its
own content *and the previous entry's hash*, under a key derived from the tenant's index key. The
head row remembers the last entry with a keyed mark. Editing an entry breaks its hash; deleting one
leaves a gap and breaks the next link; swapping two breaks the first of them; deleting the newest
entries no longer matches the head. Because the chain is keyed, someone who can write to the
database but does not hold the key file cannot re-compute a consistent chain after an edit (an
unkeyed SHA-256 chain could simply be rebuilt). ``verify`` names the first entry that fails.

What the database alone cannot show — every entry deleted together with the head, or an older copy of
both restored — is caught by the *anchor*, the head checkpointed outside the database beside the key
file after every commit (``store.anchor``), and by a cross-check: state that only comes into being
with an audit entry (exclusion entries, ledger events, contacts, registers, erasures, privacy
requests) must have at least one entry of the acts that create it.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from lawfulreach.errors import InputError
from lawfulreach.store import anchor
from lawfulreach.store.errors import AuditTamperedError
from lawfulreach.store.models import (
    AuditEntry,
    AuditHead,
    Contact,
    DncRegister,
    ErasedSubject,
    LedgerEvent,
    PrivacyRequest,
    SuppressionEntry,
)
from lawfulreach.store.scope import TenantScope

log = logging.getLogger("lawfulreach.store")

GENESIS = "0" * 64
_CHAIN_LABEL = b"lawfulreach/audit-chain/v1"

#: The acts the trail records (``audit show --act`` takes one of these or a prefix such as ``request``).
ACTS = (
    "suppress.add",
    "suppress.import",
    "suppress.remove",
    "contacts.import",
    "contacts.rectify",
    "ledger.given",
    "ledger.confirmed",
    "ledger.withdrawn",
    "ledger.opt_out",
    "ledger.objection",
    "erase",
    "request.open",
    "request.verify",
    "request.extend",
    "request.fulfil",
    "request.reject",
    "dnc.load",
    "dnc.max_age",
    "keys.rotate",
    "settings.set",
    "campaign.create",
    "campaign.update",
    "campaign.archive",
    "lia.assess",
    "lia.approve",
    "org.update",
    "evidence.record",
    "send.run",
    "inbound.process",
)


def chain_key(tenant_key: bytes) -> bytes:
    return hmac.digest(tenant_key, _CHAIN_LABEL, "sha256")


def entry_hash(
    key: bytes, seq: int, at: datetime, actor: str, act: str, subject_ref: str | None, details: str, prev: str
) -> str:
    payload = json.dumps(
        [seq, at.astimezone(UTC).isoformat(), actor, act, subject_ref, details, prev],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hmac.digest(key, payload.encode("utf-8"), "sha256").hex()


def head_mark(key: bytes, seq: int, last_hash: str) -> str:
    return hmac.digest(key, f"head|{seq}|{last_hash}".encode("ascii"), "sha256").hex()


def _details(details: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(details or {}), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record(
    session: Session,
    scope: TenantScope,
    act: str,
    *,
    subject_ref: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> int:
    """Append one entry inside the caller's write transaction; its sequence number.

    Callers hold the tenant's write lock (``scope.writing(exclusive=True)``: on PostgreSQL the tenant
    row is locked, SQLite serialises writers), so two acts cannot take the same number.
    """
    if act not in ACTS:  # pragma: no cover - a programming error, caught by the tests
        raise ValueError(f"unknown audit act {act!r}")
    key = chain_key(scope.key)
    head = session.scalar(select(AuditHead))
    seq = head.seq + 1 if head is not None else 1
    prev = head.entry_hash if head is not None else GENESIS
    at = scope.clock().astimezone(UTC)
    text = _details(details)
    digest = entry_hash(key, seq, at, scope.actor, act, subject_ref, text, prev)
    session.add(
        AuditEntry(
            tenant_id=scope.tenant_id,
            seq=seq,
            at=at,
            actor=scope.actor,
            act=act,
            subject_ref=subject_ref,
            details=text,
            prev_hash=prev,
            entry_hash=digest,
        )
    )
    mark = head_mark(key, seq, digest)
    if head is None:
        session.add(AuditHead(tenant_id=scope.tenant_id, seq=seq, entry_hash=digest, mark=mark))
    else:
        head.seq, head.entry_hash, head.mark = seq, digest, mark
    session.flush()
    _anchor_after_commit(session, scope, key, seq, digest)
    return seq


def _anchor_holds(session: Session, scope: TenantScope, directory: Path, key: bytes) -> bool:
    """Whether the chain still contains the anchored entry. If it does not, the trail was wiped or
    rolled back: the act is still recorded (an opt-out must never be lost to a damaged trail), but the
    anchor is left where it is — moving it on would erase the evidence ``verify`` reports."""
    try:
        anchored = anchor.read(directory, key, scope.tenant)
    except anchor.AnchorUnreadableError:
        return False
    if anchored is None:
        return True
    found = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == anchored.seq))
    if found is not None and hmac.compare_digest(found, anchored.entry_hash):
        return True
    log.error("the audit trail of tenant %r no longer reaches its anchor; run `audit verify`", scope.tenant)
    return False


def _anchor_after_commit(session: Session, scope: TenantScope, key: bytes, seq: int, digest: str) -> None:
    """Checkpoint the new head outside the database once this transaction commits (``store.anchor``);
    several entries in one transaction anchor the last."""
    directory = scope.anchor_dir
    if directory is None:
        return
    pending = session.info.get("audit_anchor")
    if pending is None and not _anchor_holds(session, scope, directory, key):
        return
    session.info["audit_anchor"] = (seq, digest)
    if pending is not None:
        return

    def write(committed: Session) -> None:
        latest = committed.info.pop("audit_anchor", None)
        if latest is not None:
            anchor.advance_quietly(directory, key, scope.tenant, *latest)

    def forget(rolled_back: Session) -> None:
        rolled_back.info.pop("audit_anchor", None)

    event.listen(session, "after_commit", write, once=True)
    event.listen(session, "after_soft_rollback", forget, once=True)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    at: datetime
    actor: str
    act: str
    subject_ref: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class VerifyReport:
    entries: int
    head: int | None
    #: the entry the anchor outside the database vouches for (None: no anchor kept)
    anchored: int | None = None


#: State that only ever comes into being with an audit entry: (table, what it is, acts that create it).
_STATE_ACTS: tuple[tuple[Any, str, tuple[str, ...]], ...] = (
    (SuppressionEntry, "exclusion entries", ("suppress.add", "suppress.import")),
    (
        LedgerEvent,
        "ledger events",
        ("ledger.given", "ledger.confirmed", "ledger.withdrawn", "ledger.opt_out", "ledger.objection"),
    ),
    (Contact, "contacts", ("contacts.import",)),
    (DncRegister, "do-not-call registers", ("dnc.load",)),
    (ErasedSubject, "erased subjects", ("erase",)),
    (PrivacyRequest, "privacy requests", ("request.open",)),
)


def _rows(session: Session) -> Iterator[AuditEntry]:
    yield from session.scalars(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=2_000))


def _problem(key: bytes, row: AuditEntry, expected: int, prev: str) -> tuple[int, str] | None:
    """(first bad entry, why) for one entry read in sequence, or None when it is sound."""
    if row.seq != expected:
        missing = f"#{expected}" if row.seq == expected + 1 else f"#{expected}–#{row.seq - 1}"
        return expected, f"entry {missing} is missing (deleted); the next one found is #{row.seq}"
    digest = entry_hash(key, row.seq, row.at, row.actor, row.act, row.subject_ref, row.details, row.prev_hash)
    if not hmac.compare_digest(digest, row.entry_hash):
        return row.seq, "its content does not match its hash (edited, or swapped with another entry)"
    if row.prev_hash != prev:
        return row.seq, f"it does not follow entry #{row.seq - 1} (entries replaced or reordered)"
    return None


def _unaccounted(session: Session) -> str | None:
    """State the tenant holds without a single audit entry of the acts that create it: the trail was
    wiped (or the rows were written behind lawfulreach's back). Existence queries on indexed columns."""
    for model, what, acts in _STATE_ACTS:
        held = session.scalar(select(model.id).limit(1)) is not None
        if held and session.scalar(select(AuditEntry.id).where(AuditEntry.act.in_(acts)).limit(1)) is None:
            return f"the tenant holds {what} but the trail records no act that creates them (entries wiped?)"
    return None


def _read_anchor(scope: TenantScope, key: bytes, count: int) -> anchor.Anchor | None:
    if scope.anchor_dir is None:
        return None
    try:
        return anchor.read(scope.anchor_dir, key, scope.tenant)
    except anchor.AnchorUnreadableError as exc:
        raise AuditTamperedError(
            scope.tenant, count, f"the trail's anchor outside the database is unusable: {exc}", count
        ) from None


def verify(scope: TenantScope) -> VerifyReport:
    """Check the whole chain, its head, its anchor outside the database and that every kind of state
    the tenant holds has the entries that created it; ``AuditTamperedError`` naming the first failure."""
    key = chain_key(scope.key)
    count = 0
    expected, prev = 1, GENESIS
    anchored = _read_anchor(scope, key, 0)
    at_anchor: str | None = None
    with scope.reading(consistent=True) as session:
        head = session.scalar(select(AuditHead))
        for row in _rows(session):
            problem = _problem(key, row, expected, prev)
            if problem is not None:
                raise AuditTamperedError(scope.tenant, problem[0], problem[1], count)
            count += 1
            expected, prev = row.seq + 1, row.entry_hash
            if anchored is not None and row.seq == anchored.seq:
                at_anchor = row.entry_hash
        unaccounted = _unaccounted(session)
    if head is None:
        if count:
            raise AuditTamperedError(scope.tenant, count, "the trail's head record is missing", count)
    elif not hmac.compare_digest(head.mark, head_mark(key, head.seq, head.entry_hash)):
        raise AuditTamperedError(scope.tenant, head.seq, "the trail's head record was altered", count)
    elif head.seq != count or head.entry_hash != prev:
        if head.seq > count:
            missing = f"entries after #{count} are missing (deleted); the trail ended at #{head.seq}"
            raise AuditTamperedError(scope.tenant, count + 1, missing, count)
        raise AuditTamperedError(scope.tenant, head.seq, "the trail does not end where its head says", count)
    if anchored is not None and anchored.seq > count:
        raise AuditTamperedError(
            scope.tenant,
            count + 1,
            f"the trail ends at #{count} but its anchor outside the database says it reached #{anchored.seq}: "
            "entries were deleted or rolled back together with the head",
            count,
        )
    if anchored is not None and (at_anchor is None or not hmac.compare_digest(at_anchor, anchored.entry_hash)):
        raise AuditTamperedError(
            scope.tenant,
            anchored.seq,
            "it is not the entry the anchor outside the database recorded (the trail was rolled back and rewritten)",
            count,
        )
    if unaccounted is not None:
        raise AuditTamperedError(scope.tenant, count + 1, unaccounted, count)
    if scope.anchor_dir is not None and count and (anchored is None or anchored.seq < count):
        anchor.advance(scope.anchor_dir, key, scope.tenant, count, prev)  # first anchoring, or catching up
    return VerifyReport(count, head.seq if head is not None else None, count if scope.anchor_dir and count else None)


def parse_when(raw: str | None, what: str) -> datetime | None:
    """``2026-11-25`` (midnight UTC) or an ISO date-time (UTC when no offset is given)."""
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise InputError(f"{what} {raw!r} is not a date (YYYY-MM-DD) or ISO date-time") from None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-14:00 has no UTC time
        raise InputError(f"{what} {raw!r} is outside the range of dates that can be recorded") from None


def show(
    scope: TenantScope,
    *,
    subject_ref: str | None = None,
    actor: str | None = None,
    act: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> list[AuditRecord]:
    """Entries matching every filter given, oldest first; ``act`` may be a prefix (``request``)."""
    stmt = select(AuditEntry).order_by(AuditEntry.seq)
    if subject_ref is not None:
        stmt = stmt.where(AuditEntry.subject_ref == subject_ref)
    if actor is not None:
        stmt = stmt.where(AuditEntry.actor == actor)
    if act is not None:
        name = act.strip().lower()
        if name not in ACTS and not any(a.startswith(name + ".") for a in ACTS):
            raise InputError(f"unknown act {act!r}; use one of {', '.join(ACTS)} (or a prefix such as request)")
        stmt = stmt.where((AuditEntry.act == name) | AuditEntry.act.startswith(name + "."))
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.at < until)
    with scope.reading() as session:
        rows = list(session.scalars(stmt))
    if limit is not None:
        rows = rows[-limit:]
    return [AuditRecord(r.seq, r.at, r.actor, r.act, r.subject_ref, json.loads(r.details)) for r in rows]


__all__ = ["ACTS", "AuditRecord", "VerifyReport", "parse_when", "record", "show", "verify"]
