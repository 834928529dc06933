"""Many tenants on one engine: what a server needs that a one-tenant CLI command does not.

``Workspace.open`` gives one tenant its own engine — right for a command that serves one tenant and
exits. A server answers every tenant with a key, so it opens the workspace once (schema, key ring and
key versions checked there) and derives each tenant's handle from it on first use: same engine and
pool, the tenant's own index key (checked against the tenant's stored check value, as
``Workspace.open`` does) and its sealer for the current key version. Handles made here share the
engine: close only the base workspace.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawfulreach.store import keys
from lawfulreach.store.crypto import TenantCrypto
from lawfulreach.store.db import translated, writer
from lawfulreach.store.errors import SecretKeyError, UnknownTenantError
from lawfulreach.store.models import Tenant
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.settings import WorkspaceSettings
from lawfulreach.store.workspace import Workspace, key_ring, sealing_version


def workspace_key(settings: WorkspaceSettings) -> bytes:
    """The workspace's root secret (key-ring version 1, which never rotates): what unsubscribe tokens
    are derived from, so a link stays valid across ``keys rotate``."""
    return key_ring(settings).index_root


def tenant_workspace(base: Workspace, *, tenant_id: int | None = None, name: str | None = None) -> Workspace:
    """The handle of one tenant (by id or by name) sharing ``base``'s engine and actor."""
    ring = key_ring(base.settings)
    with translated(base.settings.url), Session(writer(base.engine)) as session, session.begin():
        stmt = select(Tenant)
        stmt = stmt.where(Tenant.id == tenant_id) if tenant_id is not None else stmt.where(Tenant.name == name)
        tenant = session.scalar(stmt)
        if tenant is None:
            raise UnknownTenantError(name if name is not None else f"#{tenant_id}")
        key = keys.tenant_key(ring.index_root, tenant.name)
        if tenant.key_check != keys.key_check(key):
            raise SecretKeyError(f"the secret key in use does not belong to tenant {tenant.name!r} of this workspace")
        current, ring = sealing_version(session, ring, base.scope.clock())
        tenant_name, tenant_pk = tenant.name, tenant.id
    crypto = TenantCrypto.from_ring(ring, tenant_name, current)
    scope = TenantScope(
        base.engine,
        base.settings.url,
        tenant_pk,
        tenant_name,
        key,
        base.scope.clock,
        crypto,
        base.scope.actor,
        base.scope.max_skew,
        base.scope.anchor_dir,
        base.scope.outbox_dir,
    )
    return Workspace(base.engine, replace(base.settings, tenant=tenant_name), scope)


def acting_as(workspace: Workspace, actor: str) -> Workspace:
    """The same tenant handle, with writes recorded in the audit trail as ``actor`` (an API key)."""
    scope = replace(workspace.scope, actor=actor)
    return Workspace(workspace.engine, workspace.settings, scope)


__all__ = ["acting_as", "tenant_workspace", "workspace_key"]
