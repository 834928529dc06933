"""Privacy requests received through the public form, held until the sender proves the address.

A request arrives *pending*; a one-time link is mailed to the address it names; following it makes
the request *verified* and hands it to the data-subject-rights workflow (``store.dsar``: opened as
received on the day the form was sent, its identity verified — the link proved control of the
address the workspace knows the person by). Until then nothing enters the workflow: a stranger
typing someone's address achieves nothing but a mail to that address.

The link's token is 256 random bits; only its SHA-256 is stored, it works once (the update that
verifies a request also clears its hash, so a replayed link finds nothing) and it expires. Pending
requests whose link expired are deleted the next time anyone submits one: an address nobody
verified is not kept.

Like every table holding personal data since issue 4, the row keeps the person as a blind index
(``TenantScope.index``) and seals the address, the name and the details typed (``store.crypto``);
it is registered with ``store.subject_data`` so an erasure deletes it and an access export includes
it. After the hand-off the row stays as the form's part of the request: the name and details the
person typed, which the workflow's own record does not hold.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from lawfulreach.errors import InputError
from lawfulreach.store import subject_data
from lawfulreach.store.coltypes import UtcDateTime
from lawfulreach.store.models import REQUEST_TYPES, Base, TenantScoped, one_of
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.subject_data import SubjectKeys
from lawfulreach.store.subjects import email_key


class PrivacyIntake(TenantScoped, Base):
    __tablename__ = "privacy_intake"
    __table_args__ = (
        UniqueConstraint("verify_hash"),
        CheckConstraint(one_of("request_type", REQUEST_TYPES), name="request_type"),
        CheckConstraint("status IN ('pending', 'verified')", name="status"),
        Index("ix_privacy_intake_tenant_subject", "tenant_id", "subject_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_type: Mapped[str] = mapped_column(String(16))
    subject_index: Mapped[str] = mapped_column(String(64))
    #: the address, name and details as typed, sealed (``store.crypto``)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(10))
    verify_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: the workflow's request number once handed over (``store.dsar``)
    request_number: Mapped[int | None] = mapped_column(Integer)


@dataclass(frozen=True, slots=True)
class IntakeRecord:
    id: int
    request_type: str
    email: str
    email_key: str
    name: str | None
    details: str | None
    status: str
    created_at: datetime
    verified_at: datetime | None
    request_number: int | None


@dataclass(frozen=True, slots=True)
class Submitted:
    record: IntakeRecord
    #: the one-time verification token for the mailed link (never stored)
    token: str


def seal_context(subject_index: str) -> str:
    """What a row's sealed fields are bound to (its subject), so a row's ciphertext cannot be moved to
    another's; key rotation (``store.rotation``) re-seals under the same."""
    return f"intake|{subject_index}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _text(value: str | None, what: str, limit: int) -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) > limit:
        raise InputError(f"{what} is longer than {limit} characters")
    return text


def _record(scope: TenantScope, row: PrivacyIntake) -> IntakeRecord:
    fields = scope.unseal(seal_context(row.subject_index), row.sealed)
    return IntakeRecord(
        row.id,
        row.request_type,
        fields["email"],
        fields["email_key"],
        fields.get("name"),
        fields.get("details"),
        row.status,
        row.created_at,
        row.verified_at,
        row.request_number,
    )


class IntakeRepo:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def submit(
        self, request_type: str, email: str, *, name: str | None, details: str | None, valid_for: timedelta
    ) -> Submitted:
        if request_type not in REQUEST_TYPES:
            raise InputError(f"unknown request type {request_type!r}; use one of {', '.join(REQUEST_TYPES)}")
        key = email_key(email)
        now = self._scope.clock()
        token = secrets.token_urlsafe(32)
        index = self._scope.index(key)
        fields = {
            "email": email.strip()[:320],
            "email_key": key,
            "name": _text(name, "the name", 200),
            "details": _text(details, "the details", 5_000),
        }
        sealed, version = self._scope.seal(seal_context(index), fields)
        row = PrivacyIntake(
            tenant_id=self._scope.tenant_id,
            request_type=request_type,
            subject_index=index,
            sealed=sealed,
            key_version=version,
            status="pending",
            verify_hash=_hash(token),
            created_at=now,
            expires_at=now + valid_for,
        )
        with self._scope.writing() as session:
            session.execute(
                delete(PrivacyIntake).where(PrivacyIntake.status == "pending", PrivacyIntake.expires_at < now)
            )
            session.add(row)
            session.flush()
            return Submitted(_record(self._scope, row), token)

    def discard(self, intake_id: int) -> None:
        """Delete a request that is still pending (its verification mail could not be sent)."""
        with self._scope.writing() as session:
            session.execute(
                delete(PrivacyIntake).where(PrivacyIntake.id == intake_id, PrivacyIntake.status == "pending")
            )

    def verify(self, token: str) -> IntakeRecord | None:
        """Mark the request of this link verified; None when the link is unknown, used or expired."""
        now = self._scope.clock()
        with self._scope.writing(exclusive=True) as session:
            # The tenant's write lock serialises two clicks on one link: the second finds no pending row.
            row = session.scalar(
                select(PrivacyIntake).where(
                    PrivacyIntake.verify_hash == _hash(token),
                    PrivacyIntake.status == "pending",
                    PrivacyIntake.expires_at >= now,
                )
            )
            if row is None:
                return None
            row.status, row.verify_hash, row.verified_at = "verified", None, now
            session.flush()
            return _record(self._scope, row)

    def attach(self, intake_id: int, request_number: int) -> None:
        """Record the workflow's number for a verified request."""
        with self._scope.writing() as session:
            row = session.get(PrivacyIntake, intake_id)
            if row is not None:
                row.request_number = request_number

    def by_request(self, numbers: Iterable[int]) -> dict[int, IntakeRecord]:
        """The form's part (name, details) of these workflow requests, where they came by the form."""
        wanted = sorted(set(numbers))
        if not wanted:
            return {}
        with self._scope.reading() as session:
            rows = session.scalars(select(PrivacyIntake).where(PrivacyIntake.request_number.in_(wanted)))
            return {r.request_number: _record(self._scope, r) for r in rows if r.request_number is not None}


class _IntakeData:
    """The intake's rows about one subject, for erasure and the access export (``store.subject_data``)."""

    name = "privacy_intake"

    def _rows(self, session: Session, subject: SubjectKeys) -> list[PrivacyIntake]:
        if not subject.indexes:
            return []
        return list(session.scalars(select(PrivacyIntake).where(PrivacyIntake.subject_index.in_(subject.indexes))))

    def export(self, session: Session, scope: TenantScope, subject: SubjectKeys) -> list[dict[str, Any]]:
        out = []
        for row in self._rows(session, subject):
            r = _record(scope, row)
            out.append(
                {
                    "request_type": r.request_type,
                    "email": r.email,
                    "name": r.name,
                    "details": r.details,
                    "status": r.status,
                    "submitted_at": r.created_at.isoformat(),
                    "verified_at": r.verified_at.isoformat() if r.verified_at else None,
                    "request_number": r.request_number,
                }
            )
        return out

    def erase(self, session: Session, scope: TenantScope, subject: SubjectKeys) -> int:
        if not subject.indexes:
            return 0
        result = session.execute(delete(PrivacyIntake).where(PrivacyIntake.subject_index.in_(subject.indexes)))
        return int(getattr(result, "rowcount", 0) or 0)


subject_data.register(_IntakeData())

__all__ = ["REQUEST_TYPES", "IntakeRecord", "IntakeRepo", "PrivacyIntake", "Submitted"]
