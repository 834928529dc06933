"""The workspace: one database (SQLite file or PostgreSQL), several tenants, one key ring.

``Workspace.open`` is the only way in. It migrates an empty database, refuses one at another schema
revision (``lawfulreach db upgrade`` first), finds the tenant, and loads (or, for a new workspace,
creates) the secret key — a key ring since issue 4 (``store.crypto``) — and checks it against the
tenant and the key versions the data is sealed under. Everything else is reached through the
object: the repositories (``suppressions``, ``contacts``, ``ledger``, ``dnc``, ``requests``),
``erase``, the audit trail (``audit_verify``, ``audit_show``), the engine's ``state()`` and the batch
``batch_snapshot()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from lawfulreach.clock import utc_now
from lawfulreach.errors import ConflictError
from lawfulreach.store import audit, keys
from lawfulreach.store.anchor import anchor_dir
from lawfulreach.store.crypto import KeyRing, TenantCrypto, read_ring
from lawfulreach.store.db import insert_ignoring_duplicates, make_engine, translated, writer
from lawfulreach.store.errors import KeyRingError, SchemaError, SecretKeyError, UnknownTenantError
from lawfulreach.store.migrate import SchemaState, head_revision, schema_state, upgrade
from lawfulreach.store.models import KeyVersion, Tenant
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.settings import DEFAULT_TENANT, WorkspaceSettings, default_actor, sqlite_path, validate_tenant
from lawfulreach.store.tenant_settings import SETTINGS, TenantSettingsRepo
from lawfulreach.store.tenant_state import StoreState

if TYPE_CHECKING:
    from lawfulreach.batch.snapshot import BatchSnapshot
    from lawfulreach.domain.rulebase import RuleBase
    from lawfulreach.store.campaigns import CampaignRepo
    from lawfulreach.store.contacts import ContactRepo
    from lawfulreach.store.dnc import DncRepo
    from lawfulreach.store.dsar import RequestRepo
    from lawfulreach.store.erasure import ErasureReport
    from lawfulreach.store.evidence import EvidenceRepo
    from lawfulreach.store.ledger import LedgerRepo
    from lawfulreach.store.outreach.inbound_log import InboundLog
    from lawfulreach.store.outreach.send_log import SendLog
    from lawfulreach.store.profiles import ProfileRepo
    from lawfulreach.store.subjects import Subject
    from lawfulreach.store.suppression import SuppressionRepo


def _ensure_schema(engine: Engine, settings: WorkspaceSettings) -> None:
    state, current = schema_state(engine)
    if state is SchemaState.EMPTY:
        upgrade(settings.url)
    elif state is SchemaState.OUTDATED:
        raise SchemaError(
            f"workspace {settings.redacted_url} is at schema revision {current}, this version needs "
            f"{head_revision()}: back it up, then run `lawfulreach db upgrade`",
            current,
            head_revision(),
        )
    elif state is SchemaState.NEWER:
        raise SchemaError(
            f"workspace {settings.redacted_url} was written by a newer lawfulreach (schema revision {current})",
            current,
        )
    elif state is SchemaState.FOREIGN:
        raise SchemaError(f"{settings.redacted_url} holds tables that are not a lawfulreach workspace")


#: the advisory lock's first key: "lawfulreach first use" (the second is the schema's hash)
_FIRST_USE_LOCK = 0x4C524655


@contextmanager
def first_use_lock(engine: Engine) -> Iterator[None]:
    """Serialise opening a workspace with every other process opening it, on PostgreSQL.

    Two API workers or two CLI jobs starting on a fresh database would both find it empty, both
    migrate it and both insert the default tenant — one then failed on ``uq_tenants_name``. A
    session-level advisory lock (keyed by the schema, so workspaces in other schemas do not wait)
    is held on a connection of its own while the schema is checked or created and the tenant and
    key version are found or created; the next process then finds a finished workspace. Once a
    workspace exists this costs one round trip per open. SQLite needs nothing: migration and the
    tenant's creation run in ``BEGIN IMMEDIATE`` transactions, which already queue writers.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    lock = text("SELECT pg_advisory_lock(:k, hashtext(current_schema()))")
    unlock = text("SELECT pg_advisory_unlock(:k, hashtext(current_schema()))")
    with engine.connect() as conn:
        conn.execute(lock, {"k": _FIRST_USE_LOCK})
        conn.commit()  # the lock outlives the transaction; nothing is left open while we work
        try:
            yield
        finally:
            conn.execute(unlock, {"k": _FIRST_USE_LOCK})
            conn.commit()


def key_ring(settings: WorkspaceSettings, fresh: bool = False) -> KeyRing:
    """The workspace key ring; a new key file is created only for a workspace that has no tenants yet."""
    if settings.secret_key:
        return KeyRing.parse(settings.secret_key, "LAWFULREACH_SECRET_KEY")
    if settings.key_file is None:
        raise SecretKeyError("no secret key configured: set LAWFULREACH_KEY_FILE or LAWFULREACH_SECRET_KEY")
    existing = read_ring(settings.key_file)
    if existing is not None:
        return existing
    if not fresh:
        raise SecretKeyError(
            f"the secret key of workspace {settings.redacted_url} is missing (expected {settings.key_file}, "
            "or LAWFULREACH_SECRET_KEY): restore it from your backup — without it the workspace's personal "
            "data cannot be read and erased people can no longer be recognised"
        )
    return KeyRing.single(keys.create_key_file(settings.key_file), settings.key_file)


def _workspace_key(settings: WorkspaceSettings, fresh: bool) -> bytes:
    """The workspace's original secret (key-ring version 1: blind indexes and erasure hashes)."""
    return key_ring(settings, fresh).index_root


def version_check(root: bytes) -> str:
    """The check value ``key_versions`` stores for one ring version."""
    return keys.key_check(keys.tenant_key(root, "\x00key-version"))


def sealing_version(session: Session, ring: KeyRing, now: datetime) -> tuple[int, KeyRing]:
    """(the version new data is sealed under, the ring — re-read if another process rotated).

    Every registered version the ring holds must match its check value; the newest registered one
    must be in the ring (a workspace whose newest data key is missing cannot be written to safely).
    """
    rows = list(session.scalars(select(KeyVersion).order_by(KeyVersion.version)))
    if not rows:  # ON CONFLICT DO NOTHING: two processes opening a new workspace at once both get here
        first = {"version": 1, "key_check": version_check(ring.index_root), "created_at": now}
        insert_ignoring_duplicates(session, KeyVersion, [first])
        return 1, ring
    current = rows[-1].version
    if current not in ring.versions:
        ring = ring.reloaded()
    if current not in ring.versions:
        raise KeyRingError(
            f"the key ring lacks version {current}, which this workspace's data is sealed under: restore the "
            "key file written by `lawfulreach keys rotate` (docs/security.md)"
        )
    for row in rows:
        root = ring.versions.get(row.version)
        if root is not None and row.key_check != version_check(root):
            raise SecretKeyError(f"key version {row.version} in the key ring does not belong to this workspace")
    return current, ring


def _tenant(session: Session, name: str) -> Tenant | None:
    return session.scalar(select(Tenant).where(Tenant.name == name))


def _add_tenant(session: Session, name: str, workspace_key: bytes, now: datetime) -> Tenant:
    tenant = Tenant(name=name, key_check=keys.key_check(keys.tenant_key(workspace_key, name)), created_at=now)
    session.add(tenant)
    session.flush()
    return tenant


class Workspace:
    """One tenant's handle on a workspace database."""

    def __init__(self, engine: Engine, settings: WorkspaceSettings, scope: TenantScope) -> None:
        self.engine = engine
        self.settings = settings
        self.scope = scope

    # Each repository is built (and its module imported) on first use: see the package docstring.
    @cached_property
    def suppressions(self) -> SuppressionRepo:
        from lawfulreach.store.suppression import SuppressionRepo

        return SuppressionRepo(self.scope)

    @cached_property
    def contacts(self) -> ContactRepo:
        from lawfulreach.store.contacts import ContactRepo

        return ContactRepo(self.scope)

    @cached_property
    def ledger(self) -> LedgerRepo:
        from lawfulreach.store.ledger import LedgerRepo

        return LedgerRepo(self.scope)

    @cached_property
    def dnc(self) -> DncRepo:
        from lawfulreach.store.dnc import DncRepo

        return DncRepo(self.scope)

    @cached_property
    def requests(self) -> RequestRepo:
        from lawfulreach.store.dsar import RequestRepo

        return RequestRepo(self.scope)

    @cached_property
    def tenant_settings(self) -> TenantSettingsRepo:
        return TenantSettingsRepo(self.scope)

    @cached_property
    def campaigns(self) -> CampaignRepo:
        from lawfulreach.store.campaigns import CampaignRepo

        return CampaignRepo(self.scope)

    @cached_property
    def profiles(self) -> ProfileRepo:
        from lawfulreach.store.profiles import ProfileRepo

        return ProfileRepo(self.scope)

    @cached_property
    def evidence(self) -> EvidenceRepo:
        from lawfulreach.store.evidence import EvidenceRepo

        return EvidenceRepo(self.scope)

    @cached_property
    def send_log(self) -> SendLog:
        from lawfulreach.store.outreach.send_log import SendLog

        return SendLog(self.scope)

    @cached_property
    def inbound(self) -> InboundLog:
        from lawfulreach.store.outreach.inbound_log import InboundLog

        return InboundLog(self.scope)

    @classmethod
    def open(cls, settings: WorkspaceSettings, *, clock: Callable[[], datetime] = utc_now) -> Workspace:
        engine = make_engine(settings.url)
        try:
            with translated(settings.url), first_use_lock(engine):
                _ensure_schema(engine, settings)
                tenant_id, tenant_key, crypto = _bootstrap(engine, settings, clock)
        except BaseException:
            engine.dispose()
            raise
        actor = settings.actor or default_actor()
        anchors = anchor_dir(settings.key_file)
        scope = TenantScope(
            engine,
            settings.url,
            tenant_id,
            settings.tenant,
            tenant_key,
            clock,
            crypto,
            actor,
            max_skew=settings.max_clock_skew,
            anchor_dir=anchors,
            outbox_dir=settings.outbox,
        )
        return cls(engine, settings, scope)

    @property
    def tenant(self) -> str:
        return self.scope.tenant

    def state(self) -> StoreState:
        """The decision engine's view of this tenant (``domain.state.TenantState``)."""
        return StoreState(self.scope)

    def batch_snapshot(self) -> BatchSnapshot:
        """The whole tenant state as frames, for one ``screen`` run."""
        from lawfulreach.store.snapshot import build_snapshot

        return build_snapshot(self.scope)

    def rulebase(self, base: RuleBase) -> RuleBase:
        """``base`` with the register maximum ages set in this workspace, so decisions and
        ``dnc status`` agree on which registers are stale."""
        return base.with_register_ages(self.dnc.max_ages())

    def erase(self, subjects: list[Subject]) -> ErasureReport:
        from lawfulreach.store.erasure import erase

        return erase(self.scope, subjects)

    def audit_verify(self) -> audit.VerifyReport:
        """Check the tenant's audit trail; ``AuditTamperedError`` names the first bad entry."""
        return audit.verify(self.scope)

    def audit_show(
        self,
        *,
        subject: Subject | None = None,
        actor: str | None = None,
        act: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[audit.AuditRecord]:
        """Audit entries matching every filter given; a subject is looked up by its blind index."""
        ref = self.scope.index(subject.key) if subject is not None else None
        return audit.show(self.scope, subject_ref=ref, actor=actor, act=act, since=since, until=until, limit=limit)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _bootstrap(
    engine: Engine, settings: WorkspaceSettings, clock: Callable[[], datetime]
) -> tuple[int, bytes, TenantCrypto]:
    """(tenant id, tenant index key, tenant sealer): the default tenant and the key are created with
    the workspace."""
    with Session(writer(engine)) as session, session.begin():
        fresh = not session.scalar(select(func.count()).select_from(Tenant))
        ring = key_ring(settings, fresh)
        if fresh:
            _add_tenant(session, DEFAULT_TENANT, ring.index_root, clock())
        tenant = _tenant(session, settings.tenant)
        if tenant is None:
            raise UnknownTenantError(settings.tenant)
        tenant_key = keys.tenant_key(ring.index_root, tenant.name)
        if tenant.key_check != keys.key_check(tenant_key):
            raise SecretKeyError(
                f"the secret key in use does not belong to workspace {settings.redacted_url} (tenant "
                f"{tenant.name!r}); use the key file that was created with it"
            )
        current, ring = sealing_version(session, ring, clock())
        return tenant.id, tenant_key, TenantCrypto.from_ring(ring, tenant.name, current)


# --- administration (the ``db`` and ``tenant`` commands) ------------------------------------------


def _admin(settings: WorkspaceSettings) -> Workspace:
    """The workspace opened as its default tenant (which always exists): schema and key checked."""
    return Workspace.open(replace(settings, tenant=DEFAULT_TENANT))


def upgrade_workspace(settings: WorkspaceSettings) -> tuple[str | None, str | None]:
    """Migrate to the newest schema (creating the workspace if empty); (revision before, after).

    The key ring is handed to the migrations when it exists: the one that encrypts personal data
    (0004) needs it for a workspace that already holds some, and says so when it is missing."""
    ring: KeyRing | None
    try:
        ring = key_ring(settings)
    except SecretKeyError:
        ring = None
    engine = make_engine(settings.url)
    try:
        with translated(settings.url), first_use_lock(engine):
            before, after = upgrade(settings.url, keyring=ring)
    finally:
        engine.dispose()
    _admin(settings).close()
    return before, after


def add_tenant(settings: WorkspaceSettings, name: str, clock: Callable[[], datetime] = utc_now) -> None:
    name = validate_tenant(name)
    with _admin(settings) as ws:
        workspace_key = _workspace_key(settings, fresh=False)
        with translated(settings.url), Session(writer(ws.engine)) as session, session.begin():
            if _tenant(session, name) is not None:
                raise ConflictError(f"tenant {name!r} already exists")
            _add_tenant(session, name, workspace_key, clock())


@dataclass(frozen=True)
class WorkspaceInfo:
    """What ``db info`` reports, read without creating anything."""

    #: None when the SQLite file does not exist
    state: SchemaState | None
    revision: str | None
    tenants: list[str]
    #: tenant → stored subscriber-type policy (the default where none is stored or the schema predates it)
    policies: dict[str, str]


def describe(settings: WorkspaceSettings) -> WorkspaceInfo:
    """The workspace's schema revision and tenants, read only: unlike ``Workspace.open`` this never
    migrates an empty database, adds a tenant or a key version, writes a key file or creates an
    SQLite file — ``db info`` pointed at a shared database must leave it as it was."""
    path = sqlite_path(settings.url)
    if path is not None and not path.exists():
        return WorkspaceInfo(None, None, [], {})
    engine = make_engine(settings.url)
    try:
        with translated(settings.url):
            state, revision = schema_state(engine)
            tenants: list[str] = []
            policies: dict[str, str] = {}
            default = SETTINGS["subscriber_policy"][0]
            with engine.connect() as conn:
                if state is SchemaState.CURRENT:
                    rows = conn.execute(select(Tenant.name, Tenant.subscriber_policy).order_by(Tenant.name))
                    policies = {name: policy or default for name, policy in rows}
                    tenants = list(policies)
                elif state is SchemaState.OUTDATED:  # the settings column may not exist yet
                    tenants = list(conn.scalars(select(Tenant.name).order_by(Tenant.name)))
                    policies = dict.fromkeys(tenants, default)
    finally:
        engine.dispose()
    return WorkspaceInfo(state, revision, tenants, policies)


def tenant_names(settings: WorkspaceSettings) -> list[str]:
    with _admin(settings) as ws, translated(settings.url), Session(ws.engine) as session:
        return list(session.scalars(select(Tenant.name).order_by(Tenant.name)))
