"""Key rotation: re-encrypt every tenant's personal data under a new data key, without downtime.

``rotate`` (``lawfulreach keys rotate``):

1. *Start* — under a lock on ``key_versions``, add a random version N+1 to the key file (written
   atomically, 0600) and register it. From then on every process seals new data under N+1; a
   process that started earlier meets N+1 when it reads such a row and re-reads the key file. Old
   versions stay in the ring, so every row stays readable throughout.
2. *Re-encrypt* — tenant by tenant, table by table, batches of rows still sealed under an older
   version are opened and sealed again under N+1, each batch its own short transaction (holding the
   tenant's write lock, so no import can interleave with it). Readers never wait; writers wait for
   at most one batch.
3. *Complete* — when no row is left under an older version, N+1 is marked complete.

Each tenant's audit trail records the rotation twice: when it starts (or resumes), before any row is
touched — so a rotation that dies half-way is on the record — and when the tenant's rows are done.

Interrupted at any point, running ``keys rotate`` again resumes: a version in the key file that is
not yet registered is registered (not replaced), and an incomplete version is finished rather than
a new one started. Re-running after completion starts the next rotation.

What does *not* rotate: key-ring version 1, the root of the blind indexes, the erased-subject
hashes and the audit chain. Erased people have no plaintext left to re-hash, so a new index key
would unblock every one of them (``docs/security.md``, "What cannot rotate").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawfulreach.clock import utc_now
from lawfulreach.store import audit, keys
from lawfulreach.store.contacts import seal_context as contact_context
from lawfulreach.store.crypto import KeyRing, TenantCrypto, write_ring
from lawfulreach.store.db import translated, writer
from lawfulreach.store.dsar import request_context
from lawfulreach.store.errors import SecretKeyError
from lawfulreach.store.intake import PrivacyIntake
from lawfulreach.store.intake import seal_context as intake_context
from lawfulreach.store.ledger import seal_context as ledger_context
from lawfulreach.store.models import (
    SEALED_MODELS,
    Contact,
    KeyVersion,
    LedgerEvent,
    PrivacyRequest,
    SuppressionEntry,
    Tenant,
)
from lawfulreach.store.outreach.inbound_log import InboundRow
from lawfulreach.store.outreach.inbound_log import seal_context as inbound_context
from lawfulreach.store.outreach.send_log import SendLogRow
from lawfulreach.store.outreach.send_log import seal_context as send_log_context
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.settings import WorkspaceSettings
from lawfulreach.store.suppression import seal_context as suppression_context
from lawfulreach.store.workspace import Workspace, key_ring, version_check

BATCH = 1_000
#: every table whose rows are sealed: the store's own, the public pages' privacy-request intake, the
#: send log and the inbound log (rows emptied by an erasure, ``key_version`` NULL, are skipped);
#: tests/privacy/test_key_rotation.py checks that no table with a ``key_version`` column is missing
ROTATED_MODELS: tuple[Any, ...] = (*SEALED_MODELS, PrivacyIntake, SendLogRow, InboundRow)


def _context(row: Any) -> str:
    if isinstance(row, SuppressionEntry):
        return suppression_context(row.kind, row.match_key)
    if isinstance(row, Contact):
        return contact_context(row.identity_index)
    if isinstance(row, LedgerEvent):
        return ledger_context(row.subject_index)
    if isinstance(row, PrivacyRequest):
        return request_context(row.subject_index, row.number)
    if isinstance(row, PrivacyIntake):
        return intake_context(row.subject_index)
    if isinstance(row, SendLogRow):
        return send_log_context(row.recipient_index)
    if isinstance(row, InboundRow):
        return inbound_context(row.message_key, row.position)
    raise TypeError(type(row).__name__)  # pragma: no cover - ROTATED_MODELS lists the seven above


@dataclass
class RotationReport:
    version: int
    #: True when this call added the version; False when it resumed an interrupted rotation
    started: bool
    #: table → rows re-encrypted by this call
    rows: dict[str, int] = field(default_factory=dict)
    completed: bool = False


@dataclass(frozen=True)
class VersionStatus:
    version: int
    created_at: datetime
    completed_at: datetime | None
    #: rows sealed under this version, all tenants
    rows: int
    in_ring: bool


def _counts(session: Session) -> dict[int, int]:
    """Rows per key version, across tenants (an administrative count: plain session, no tenant guard)."""
    counts: dict[int, int] = {}
    for model in ROTATED_MODELS:
        column = model.key_version
        for version, n in session.execute(select(column, func.count()).where(column.is_not(None)).group_by(column)):
            if version is not None:
                counts[int(version)] = counts.get(int(version), 0) + int(n)
    return counts


def status(settings: WorkspaceSettings) -> list[VersionStatus]:
    ring = key_ring(settings)
    with Workspace.open(settings) as ws, translated(settings.url), Session(ws.engine) as session:
        counts = _counts(session)
        rows = list(session.scalars(select(KeyVersion).order_by(KeyVersion.version)))
        return [
            VersionStatus(r.version, r.created_at, r.completed_at, counts.get(r.version, 0), r.version in ring.versions)
            for r in rows
        ]


def _begin(ws: Workspace, settings: WorkspaceSettings, now: datetime) -> tuple[int, bool, KeyRing]:
    """(target version, whether it is new, ring holding it): start a rotation or find the one to resume."""
    with Session(writer(ws.engine)) as session, session.begin():
        versions = list(session.scalars(select(KeyVersion).order_by(KeyVersion.version).with_for_update()))
        ring = key_ring(settings)  # re-read under the lock: another rotation may just have written it
        latest = versions[-1]
        if ring.latest > latest.version:  # written by a rotation that stopped before registering it
            version, root, started = ring.latest, ring.versions[ring.latest], True
        elif latest.completed_at is None and latest.version > 1:
            return latest.version, False, ring
        else:
            if settings.secret_key or settings.key_file is None:
                raise SecretKeyError(
                    "the key ring comes from LAWFULREACH_SECRET_KEY: rotation must add a key to it; put the "
                    "ring in a key file (LAWFULREACH_KEY_FILE), rotate, then store the new ring in your "
                    "secret store"
                )
            ring = ring.with_new_version()
            write_ring(settings.key_file, ring)
            version, root, started = ring.latest, ring.versions[ring.latest], True
        session.add(KeyVersion(version=version, key_check=version_check(root), created_at=now))
        return version, started, ring


def _reencrypt_tenant(scope: TenantScope, target: int, report: RotationReport, batch: int) -> int:
    done = 0
    for model in ROTATED_MODELS:
        column = model.key_version
        while True:
            with scope.writing(exclusive=True) as session:
                rows: list[Any] = list(
                    session.scalars(
                        select(model).where(column.is_not(None), column != target).order_by(model.id).limit(batch)
                    )
                )
                for row in rows:
                    context = _context(row)
                    row.sealed, row.key_version = scope.seal(context, scope.sealer.open(context, row.sealed))
            if not rows:
                break
            name = model.__tablename__
            report.rows[name] = report.rows.get(name, 0) + len(rows)
            done += len(rows)
    return done


def rotate(
    settings: WorkspaceSettings,
    *,
    clock: Callable[[], datetime] = utc_now,
    batch: int = BATCH,
    progress: Callable[[str, int], None] | None = None,
) -> RotationReport:
    """Start or resume a rotation and run it to completion (see the module docstring)."""
    with Workspace.open(settings, clock=clock) as ws, translated(settings.url):
        target, started, ring = _begin(ws, settings, clock())
        report = RotationReport(target, started)
        with Session(ws.engine) as session:
            tenants = list(session.execute(select(Tenant.id, Tenant.name).order_by(Tenant.id)))
        scopes = []
        for tenant_id, name in tenants:
            index_key = keys.tenant_key(ring.index_root, name)
            crypto = TenantCrypto.from_ring(ring, name, target)
            scope = replace(ws.scope, tenant_id=tenant_id, tenant=name, key=index_key, crypto=crypto)
            scopes.append(scope)
            # Recorded before any row is touched: a rotation that dies half-way is on the record too.
            with scope.writing(exclusive=True) as session:
                phase = "started" if started else "resumed"
                audit.record(session, scope, "keys.rotate", details={"version": target, "phase": phase})
        for scope in scopes:
            done = _reencrypt_tenant(scope, target, report, batch)
            if progress is not None:
                progress(scope.tenant, done)
            with scope.writing(exclusive=True) as session:
                details = {"version": target, "rows": done, "phase": "re-encrypted"}
                audit.record(session, scope, "keys.rotate", details=details)
        with Session(writer(ws.engine)) as session, session.begin():
            left = sum(n for v, n in _counts(session).items() if v != target)
            row = session.get(KeyVersion, target)
            if left == 0 and row is not None:
                row.completed_at = clock()
                report.completed = True
        return report


__all__ = ["RotationReport", "VersionStatus", "rotate", "status"]
