"""One tenant's view of the workspace: its sessions, its keys, the clock and who is acting.

Repositories receive a ``TenantScope`` and nothing else, so every query they make is tenant-scoped by
construction (``store.db.TenantSession``). Each public repository method is one transaction: it
either happens completely or not at all.

Keys: ``key`` is the tenant's *index key* (blind indexes and erasure hashes, ``index``); ``crypto``
seals and opens personal fields (``store.crypto``). ``actor`` is who the audit trail records;
``anchor_dir`` where its head is anchored outside the database (``store.anchor``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from lawfulreach.domain.state import KeyedHasher
from lawfulreach.store.crypto import TenantCrypto
from lawfulreach.store.db import TenantSession, tenant_sessions, translated
from lawfulreach.store.models import Tenant
from lawfulreach.store.settings import DEFAULT_MAX_SKEW


@dataclass
class TenantScope:
    engine: Engine
    url: str
    tenant_id: int
    tenant: str
    key: bytes = field(repr=False)
    clock: Callable[[], datetime]
    #: seals personal fields; built from ``key`` (key-ring version 1 only) when not given
    crypto: TenantCrypto | None = field(default=None, repr=False)
    #: who acts, as the audit trail records it (``LAWFULREACH_ACTOR``, else the OS user)
    actor: str = "system"
    #: how far ahead of ``clock`` a claimed event time may be (``WorkspaceSettings.max_clock_skew``)
    max_skew: timedelta = DEFAULT_MAX_SKEW
    #: where the audit trail's head is checkpointed outside the database (``store.anchor``); None: nowhere
    anchor_dir: Path | None = None
    #: the mail outbox ``serve`` writes to (``store.settings``): erasure deletes the person's mail there
    outbox_dir: Path | None = None
    _read: sessionmaker[TenantSession] = field(init=False, repr=False)
    _write: sessionmaker[TenantSession] = field(init=False, repr=False)
    _hasher: KeyedHasher = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._read, self._write = tenant_sessions(self.engine, self.tenant_id)
        self._hasher = KeyedHasher(self.key)
        if self.crypto is None:
            self.crypto = TenantCrypto.from_tenant_key(self.tenant, self.key)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def index(self, key: str) -> str:
        """The blind index of a normalised email / E.164 phone (``domain.state.keyed_hash``): what the
        workspace stores and matches instead of the address, and what erasure keeps."""
        return self._hasher(key)

    def indexes(self, keys: list[str]) -> list[str]:
        return self._hasher.many(keys)

    def index_prefixes(self, keys: list[bytes], size: int) -> list[bytes]:
        """The first ``size`` bytes of each key's blind index (keys UTF-8 encoded), as binary
        (``store.evidence``)."""
        return self._hasher.many_prefixes(keys, size)

    #: the erasure hash is the blind index (kept for callers written before issue 4)
    hash = index

    @property
    def sealer(self) -> TenantCrypto:
        assert self.crypto is not None  # set in __post_init__
        return self.crypto

    def seal(self, context: str, fields: dict[str, Any]) -> tuple[bytes, int]:
        """(sealed blob, key version) for a row's personal fields (``store.crypto``)."""
        return self.sealer.seal(context, fields), self.sealer.current

    def unseal(self, context: str, blob: bytes | None) -> dict[str, Any]:
        return {} if blob is None else self.sealer.open(context, blob)

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
