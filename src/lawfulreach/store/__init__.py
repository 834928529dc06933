"""The workspace store: exclusion lists, the consent/opt-out ledger, do-not-call registers, erased
subjects and contacts with provenance — SQLite by default, PostgreSQL in production.

An adapter around the pure domain core: the engine reads a tenant through ``Workspace.state()``
(``domain.state.TenantState``), the batch screen through ``Workspace.batch_snapshot()``.

The public names are imported on first use (PEP 562), and ``Workspace`` builds each repository the
first time it is used: one ``lawfulreach check`` needs the exclusion list, the ledger and the
registers, not the console's accounts, the send log or the privacy-request intake, whose modules
(ORM models, Argon2, the reply classifier) cost a ``check`` more than its decision (issue 17). The
modules that hold personal data are still always reached by erasure and export: ``store.subject_data``
imports every one of ``HOLDER_MODULES`` before it lists them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lawfulreach.store.settings import WorkspaceSettings
    from lawfulreach.store.subjects import Subject
    from lawfulreach.store.workspace import Workspace, add_tenant, tenant_names, upgrade_workspace

_WHERE = {
    "Subject": "lawfulreach.store.subjects",
    "Workspace": "lawfulreach.store.workspace",
    "WorkspaceSettings": "lawfulreach.store.settings",
    "add_tenant": "lawfulreach.store.workspace",
    "tenant_names": "lawfulreach.store.workspace",
    "upgrade_workspace": "lawfulreach.store.workspace",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'lawfulreach.store' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


__all__ = ["Subject", "Workspace", "WorkspaceSettings", "add_tenant", "tenant_names", "upgrade_workspace"]
