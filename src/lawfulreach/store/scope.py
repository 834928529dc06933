"""One tenant's view of the workspace: its sessions, its hashing key and the clock.

Repositories receive a ``TenantScope`` and nothing else, so every query they make is tenant-scoped by
construction (``store.db.TenantSession``). Each public repository method is one transaction: it
either happens completely or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from lawfulreach.domain.state import keyed_hash
from lawfulreach.store.db import TenantSession, tenant_sessions, translated
from lawfulreach.store.models import Tenant


@dataclass
class TenantScope:
    engine: Engine
    url: str
    tenant_id: int
    tenant: str
    key: bytes = field(repr=False)
    clock: Callable[[], datetime]
    _read: sessionmaker[TenantSession] = field(init=False, repr=False)
    _write: sessionmaker[TenantSession] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._read, self._write = tenant_sessions(self.engine, self.tenant_id)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def hash(self, key: str) -> str:
        """The keyed hash erasure keeps for a normalised email / E.164 phone (``domain.state.keyed_hash``)."""
        return keyed_hash(self.key, key)

    @contextmanager
    def reading(self, *, consistent: bool = False) -> Iterator[TenantSession]:
        """A read transaction; ``consistent`` makes its several SELECTs see one snapshot on PostgreSQL
        too (SQLite transactions always do)."""
        with translated(self.url), self._read() as session, session.begin():
            if consistent and self.dialect == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session

    @contextmanager
    def writing(self, *, exclusive: bool = False) -> Iterator[TenantSession]:
        """A write transaction; ``exclusive`` also serialises it with the tenant's other exclusive writes.

        SQLite already serialises writers (``BEGIN IMMEDIATE``); on PostgreSQL the tenant row is locked,
        so an erasure and an import of the same person cannot interleave and re-store them.
        """
        with translated(self.url), self._write() as session, session.begin():
            if exclusive and self.dialect == "postgresql":
                session.execute(select(Tenant.id).where(Tenant.id == self.tenant_id).with_for_update())
            yield session
