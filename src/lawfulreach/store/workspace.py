"""The workspace: one database (SQLite file or PostgreSQL), several tenants, one secret key.

``Workspace.open`` is the only way in. It migrates an empty database, refuses one at another schema
revision (``lawfulreach db upgrade`` first), finds the tenant, and loads (or, for a new workspace,
creates) the secret key and checks it against the tenant. Everything else is reached through the
object: the repositories (``suppressions``, ``contacts``, ``ledger``, ``dnc``), ``erase``, the
engine's ``state()`` and the batch ``batch_snapshot()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from types import TracebackType

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.errors import ConflictError
from lawfulreach.store import keys
from lawfulreach.store.contacts import ContactRepo
from lawfulreach.store.db import make_engine, translated, writer
from lawfulreach.store.dnc import DncRepo
from lawfulreach.store.erasure import ErasureReport, erase
from lawfulreach.store.errors import SchemaError, SecretKeyError, UnknownTenantError
from lawfulreach.store.ledger import LedgerRepo
from lawfulreach.store.migrate import SchemaState, head_revision, schema_state, upgrade
from lawfulreach.store.models import Tenant
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.settings import DEFAULT_TENANT, WorkspaceSettings, validate_tenant
from lawfulreach.store.snapshot import build_snapshot
from lawfulreach.store.subjects import Subject
from lawfulreach.store.suppression import SuppressionRepo
from lawfulreach.store.tenant_state import StoreState


def utc_now() -> datetime:
    return datetime.now(UTC)


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


def _workspace_key(settings: WorkspaceSettings, fresh: bool) -> bytes:
    """The workspace secret key; created only for a workspace that has no tenants yet."""
    if settings.secret_key:
        return keys.decode_secret(settings.secret_key, "LAWFULREACH_SECRET_KEY")
    if settings.key_file is None:
        raise SecretKeyError("no secret key configured: set LAWFULREACH_KEY_FILE or LAWFULREACH_SECRET_KEY")
    existing = keys.read_key_file(settings.key_file)
    if existing is not None:
        return existing
    if not fresh:
        raise SecretKeyError(
            f"the secret key of workspace {settings.redacted_url} is missing (expected {settings.key_file}, "
            "or LAWFULREACH_SECRET_KEY): restore it from your backup — without it erased people can no "
            "longer be recognised"
        )
    return keys.create_key_file(settings.key_file)


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
        self.suppressions = SuppressionRepo(scope)
        self.contacts = ContactRepo(scope)
        self.ledger = LedgerRepo(scope)
        self.dnc = DncRepo(scope)

    @classmethod
    def open(cls, settings: WorkspaceSettings, *, clock: Callable[[], datetime] = utc_now) -> Workspace:
        engine = make_engine(settings.url)
        try:
            with translated(settings.url):
                _ensure_schema(engine, settings)
                tenant_id, tenant_key = _bootstrap(engine, settings, clock)
        except BaseException:
            engine.dispose()
            raise
        scope = TenantScope(engine, settings.url, tenant_id, settings.tenant, tenant_key, clock)
        return cls(engine, settings, scope)

    @property
    def tenant(self) -> str:
        return self.scope.tenant

    def state(self) -> StoreState:
        """The decision engine's view of this tenant (``domain.state.TenantState``)."""
        return StoreState(self.scope)

    def batch_snapshot(self) -> BatchSnapshot:
        """The whole tenant state as frames, for one ``screen`` run."""
        return build_snapshot(self.scope)

    def rulebase(self, base: RuleBase) -> RuleBase:
        """``base`` with the register maximum ages set in this workspace, so decisions and
        ``dnc status`` agree on which registers are stale."""
        stored = self.dnc.max_ages()
        if not stored:
            return base
        ages = {**base.overlays.dnc_max_age_days, **stored}
        return replace(base, overlays=replace(base.overlays, dnc_max_age_days=ages))

    def erase(self, subjects: list[Subject]) -> ErasureReport:
        return erase(self.scope, subjects)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _bootstrap(engine: Engine, settings: WorkspaceSettings, clock: Callable[[], datetime]) -> tuple[int, bytes]:
    """(tenant id, tenant key): the default tenant and the key are created with the workspace."""
    with Session(writer(engine)) as session, session.begin():
        fresh = not session.scalar(select(func.count()).select_from(Tenant))
        workspace_key = _workspace_key(settings, fresh)
        if fresh:
            _add_tenant(session, DEFAULT_TENANT, workspace_key, clock())
        tenant = _tenant(session, settings.tenant)
        if tenant is None:
            raise UnknownTenantError(settings.tenant)
        tenant_key = keys.tenant_key(workspace_key, tenant.name)
        if tenant.key_check != keys.key_check(tenant_key):
            raise SecretKeyError(
                f"the secret key in use does not belong to workspace {settings.redacted_url} (tenant "
                f"{tenant.name!r}); use the key file that was created with it"
            )
        return tenant.id, tenant_key


# --- administration (the ``db`` and ``tenant`` commands) ------------------------------------------


def _admin(settings: WorkspaceSettings) -> Workspace:
    """The workspace opened as its default tenant (which always exists): schema and key checked."""
    return Workspace.open(replace(settings, tenant=DEFAULT_TENANT))


def upgrade_workspace(settings: WorkspaceSettings) -> tuple[str | None, str | None]:
    """Migrate to the newest schema (creating the workspace if empty); (revision before, after)."""
    with translated(settings.url):
        before, after = upgrade(settings.url)
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


def tenant_names(settings: WorkspaceSettings) -> list[str]:
    with _admin(settings) as ws, translated(settings.url), Session(ws.engine) as session:
        return list(session.scalars(select(Tenant.name).order_by(Tenant.name)))
