"""API keys: one tenant and one role each, stored only as a hash, revocable.

A key looks like ``lr_3f9a0c1d2e4b_<43 random characters>``: the middle part is a public key id (it is
what ``keys api list`` shows and ``revoke`` takes), the rest is 256 random bits shown once, at
creation. The workspace keeps SHA-256 of the whole key. A fast hash is right here: the secret is
random and 256 bits long, so there is no dictionary to try (slow password hashes exist for
human-chosen secrets), and every API request has to verify a key.

Authentication is the one read that is not tenant-scoped: the key is what tells which tenant the
caller is. It reads the key's row by its unique id with a plain session, compares the hash in
constant time and returns the owning tenant; everything after that runs in that tenant's scope.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CheckConstraint, Engine, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lawfulreach.errors import InputError, NotFoundError
from lawfulreach.store.coltypes import UtcDateTime
from lawfulreach.store.db import translated
from lawfulreach.store.models import Base, Tenant, TenantScoped
from lawfulreach.store.scope import TenantScope

ROLES = ("admin", "compliance", "marketer", "readonly")
PREFIX = "lr"
_TOKEN_RE = re.compile(r"^lr_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


class ApiKey(TenantScoped, Base):
    __tablename__ = "api_keys"
    __table_args__ = (
        UniqueConstraint("key_id"),
        CheckConstraint("role IN ('admin', 'compliance', 'marketer', 'readonly')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(12))
    name: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(12))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


@dataclass(frozen=True, slots=True)
class KeyInfo:
    key_id: str
    name: str | None
    role: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IssuedKey:
    info: KeyInfo
    #: the whole key; shown once, never stored
    token: str


@dataclass(frozen=True, slots=True)
class KeyOwner:
    """Who is calling: the tenant and role of a valid, unrevoked key."""

    tenant_id: int
    tenant: str
    role: str
    key_id: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_role(role: str) -> str:
    value = role.strip().lower()
    if value not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return value


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(row.key_id, row.name, row.role, row.created_at, row.revoked_at)


class ApiKeyRepo:
    """One tenant's keys (``keys api create|list|revoke``)."""

    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def create(self, role: str, name: str | None = None) -> IssuedKey:
        role = check_role(role)
        label = (name or "").strip() or None
        if label is not None and len(label) > 100:
            raise InputError("a key name is at most 100 characters")
        key_id = secrets.token_hex(6)
        token = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        now = self._scope.clock()
        with self._scope.writing() as session:
            session.add(
                ApiKey(
                    tenant_id=self._scope.tenant_id,
                    key_id=key_id,
                    name=label,
                    role=role,
                    secret_hash=_hash(token),
                    created_at=now,
                )
            )
        return IssuedKey(KeyInfo(key_id, label, role, now), token)

    def list(self) -> list[KeyInfo]:
        with self._scope.reading() as session:
            rows = session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id))
            return [_info(r) for r in rows]

    def revoke(self, key_id: str) -> KeyInfo:
        """Revoke a key of this tenant (revoking twice keeps the first time)."""
        with self._scope.writing() as session:
            row = session.scalar(select(ApiKey).where(ApiKey.key_id == key_id.strip().lower()))
            if row is None:
                raise NotFoundError(f"tenant {self._scope.tenant!r} has no API key {key_id!r}")
            if row.revoked_at is None:
                row.revoked_at = self._scope.clock()
            return _info(row)


def authenticate(engine: Engine, url: str, token: str) -> KeyOwner | None:
    """The owner of a valid, unrevoked key; None for anything else (never says why)."""
    match = _TOKEN_RE.match(token.strip())
    if match is None:
        return None
    with translated(url), Session(engine) as session:
        row = session.execute(
            select(ApiKey.secret_hash, ApiKey.role, ApiKey.revoked_at, Tenant.id, Tenant.name)
            .join(Tenant, Tenant.id == ApiKey.tenant_id)
            .where(ApiKey.key_id == match.group(1))
        ).first()
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.secret_hash, _hash(token.strip())):
        return None
    return KeyOwner(row.id, row.name, row.role, match.group(1))


__all__ = ["ROLES", "ApiKey", "ApiKeyRepo", "IssuedKey", "KeyInfo", "KeyOwner", "authenticate", "check_role"]
