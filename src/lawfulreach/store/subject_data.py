"""Where personal data about one subject lives, for erasure and the access export to find all of it.

The store's own tables are handled by ``store.erasure`` and ``store.export`` directly. A module that
adds a table holding personal data (the HTTP API's privacy-request intake, for instance) registers a
``SubjectDataHolder`` here at import time; every erasure then calls its ``erase`` inside the
erasure's transaction, and every access export includes what its ``export`` returns as one more
section. Forgetting to register is the one way a new table could keep someone after an erasure —
``tests/privacy/test_erasure_dump.py`` dumps the whole database to catch exactly that.

Registration happens when the module is imported, and a command such as ``erase`` need not import
the HTTP API's modules; so ``holders()`` first imports every module named in ``HOLDER_MODULES``. A
module that keeps personal data in the workspace database adds its name there.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from lawfulreach.store.scope import TenantScope


@dataclass(frozen=True)
class SubjectKeys:
    """Every key a subject is known by: normalised emails and E.164 phones, and their blind indexes."""

    emails: frozenset[str]
    phones: frozenset[str]
    indexes: frozenset[str]

    @property
    def keys(self) -> frozenset[str]:
        return self.emails | self.phones


class SubjectDataHolder(Protocol):
    #: section name in the access export (``<name>.csv`` and a key of ``subject.json``)
    name: str

    def export(self, session: Session, scope: TenantScope, subject: SubjectKeys) -> list[dict[str, Any]]:
        """Every record held on the subject, as JSON-ready dicts (decrypted where sealed)."""
        ...

    def erase(self, session: Session, scope: TenantScope, subject: SubjectKeys) -> int:
        """Delete (or strip of personal data) every record held on the subject; how many."""
        ...


_HOLDERS: dict[str, SubjectDataHolder] = {}

#: Modules that keep personal data in the workspace and register a holder when imported.
HOLDER_MODULES: tuple[str, ...] = (
    "lawfulreach.store.intake",
    "lawfulreach.store.evidence",
    "lawfulreach.store.outreach.send_log",
    "lawfulreach.store.outreach.inbound_log",
)


def register(holder: SubjectDataHolder) -> SubjectDataHolder:
    """Add a holder (idempotent by name); returns it, so it can be used as a decorator on an instance."""
    _HOLDERS[holder.name] = holder
    return holder


def holders() -> list[SubjectDataHolder]:
    """Every registered holder (the modules of ``HOLDER_MODULES`` imported first, where installed)."""
    for module in HOLDER_MODULES:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
    return [_HOLDERS[name] for name in sorted(_HOLDERS)]


__all__ = ["SubjectDataHolder", "SubjectKeys", "holders", "register"]
