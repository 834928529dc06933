"""The workspace store: exclusion lists, the consent/opt-out ledger, do-not-call registers, erased
subjects and contacts with provenance — SQLite by default, PostgreSQL in production.

An adapter around the pure domain core: the engine reads a tenant through ``Workspace.state()``
(``domain.state.TenantState``), the batch screen through ``Workspace.batch_snapshot()``.
"""

from lawfulreach.store import (
    intake,  # noqa: F401  (registers itself with erasure and export)
    staff,  # noqa: F401  (the console's tables, in the schema every workspace checks)
)
from lawfulreach.store.settings import WorkspaceSettings
from lawfulreach.store.subjects import Subject
from lawfulreach.store.workspace import Workspace, add_tenant, tenant_names, upgrade_workspace

__all__ = ["Subject", "Workspace", "WorkspaceSettings", "add_tenant", "tenant_names", "upgrade_workspace"]
