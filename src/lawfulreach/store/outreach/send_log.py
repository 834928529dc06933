"""The send log: one row per (campaign version, recipient) — what ``send`` did, and what a reply answers.

Why it exists: a send must never reach the same person twice for the same campaign version, even
after a crash or a re-run, and a reply, bounce or complaint must be traced back to the message it
answers. So each row is keyed by (tenant, campaign id, campaign version, the recipient's blind index)
and carries the status, the number of attempts, our Message-ID and timestamps.

Statuses, and the safe reading of each on a re-run:

* ``in_flight`` — claimed just before the SMTP ``DATA`` command and not yet confirmed. A crash here
  leaves it uncertain whether the server accepted the message; a re-run does **not** send it again
  unless asked (``retry_uncertain``): a regulator prefers a missing message to a duplicate one. A
  retry reuses the row's Message-ID, so a receiving system can recognise the duplicate.
* ``sent`` — the server answered 250 to ``DATA``; never sent again.
* ``failed`` — a permanent (5xx) refusal; not retried unless asked (``retry_failed``).
* ``deferred`` — temporary (4xx) refusals until the retries ran out; retried by the next run.
* ``refused`` — the decision at send time said no (an opt-out since screening…); the next run
  decides again.

Personal data: the recipient is their blind index (``TenantScope.index``), the address itself is
sealed (``store.crypto``) with our Message-ID and the server's last answer (which may quote the
address). The Message-ID is also kept as a keyed blind index (HMAC under the tenant's index key), so
a reply's ``In-Reply-To`` finds the row without the identifier being readable in the database. The
module registers with ``store.subject_data``: an erasure deletes the person's rows, an access export
lists them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    CheckConstraint,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from lawfulreach.errors import InputError
from lawfulreach.store import subject_data
from lawfulreach.store.coltypes import UtcDateTime
from lawfulreach.store.db import translated, writer
from lawfulreach.store.models import INDEX_LENGTH, Base, TenantScoped, one_of
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.subject_data import SubjectKeys
from lawfulreach.store.subjects import email_key

SEND_STATUSES = ("in_flight", "sent", "failed", "deferred", "refused")
#: how the Message-ID's blind index is told apart from an address's (same key, different inputs)
_MESSAGE_ID_PREFIX = "message-id:"
_ANGLE = re.compile(r"<([^<>\s]+)>")


class SendLogRow(TenantScoped, Base):
    """One recipient of one campaign version (see the module docstring)."""

    __tablename__ = "send_log"
    __table_args__ = (
        UniqueConstraint("tenant_id", "campaign_id", "campaign_version", "recipient_index"),
        CheckConstraint(one_of("status", SEND_STATUSES), name="status"),
        Index("ix_send_log_tenant_message", "tenant_id", "message_index"),
        Index("ix_send_log_tenant_recipient", "tenant_id", "recipient_index"),
        Index("ix_send_log_tenant_sent", "tenant_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    campaign_version: Mapped[str] = mapped_column(String(64))
    recipient_index: Mapped[str] = mapped_column(String(INDEX_LENGTH))
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer)
    #: keyed blind index of our Message-ID (None while none was assigned: a refusal)
    message_index: Mapped[str | None] = mapped_column(String(INDEX_LENGTH))
    #: the decision's reason codes when refused (vocabulary, ``;``-separated; no personal data)
    reasons: Mapped[str | None] = mapped_column(Text)
    #: the evidence run (``run-…``) of the send invocation that last touched the row
    run_ref: Mapped[str | None] = mapped_column(String(24))
    #: the address, the Message-ID and the server's last answer, sealed
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


@dataclass(frozen=True, slots=True)
class SendLogEntry:
    campaign_id: str
    campaign_version: str
    email: str
    status: str
    attempts: int
    message_id: str | None
    detail: str | None
    reasons: tuple[str, ...]
    run_ref: str | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "campaign": {"id": self.campaign_id, "version": self.campaign_version},
            "email": self.email,
            "status": self.status,
            "attempts": self.attempts,
            "message_id": self.message_id,
            "detail": self.detail,
            "reasons": list(self.reasons),
            "run": self.run_ref,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
        }


@dataclass(frozen=True, slots=True)
class SentMessage:
    """Who a message we sent went to: what inbound processing needs to act on a reply."""

    #: the recipient's address (normalised), decrypted
    email: str
    campaign_id: str
    campaign_version: str
    #: our Message-ID, without angle brackets
    message_id: str
    status: str
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class Claim:
    """The answer to ``SendLog.claim``: whether to send, and with which Message-ID."""

    granted: bool
    #: the status the row had before (None: new)
    previous: str | None
    #: the Message-ID to send with: the row's own when it had one (a retry reuses it), else the proposed one
    message_id: str


def normalise_message_id(raw: str) -> str:
    """A Message-ID as compared: surrounding space and angle brackets removed."""
    text = raw.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    return text


def message_ids_in(values: Iterable[str]) -> list[str]:
    """Every Message-ID in header values such as ``In-Reply-To`` and ``References`` (``<a> <b>``),
    in order, without duplicates; a value with no angle brackets counts as one bare id."""
    out: list[str] = []
    for value in values:
        if not value:
            continue
        found = _ANGLE.findall(value)
        ids = found if found else [value]
        for raw in ids:
            mid = normalise_message_id(raw)
            if mid and mid not in out:
                out.append(mid)
    return out


def _table() -> Table:
    return cast(Table, SendLogRow.__table__)


@lru_cache(maxsize=4)
def _insert_statement(dialect: str, *, ignore: bool = False) -> Any:
    table = _table()
    if not ignore:
        return insert(table)
    build = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return build(table).on_conflict_do_nothing().returning(table.c.id)


@lru_cache(maxsize=1)
def _mark_statement() -> Any:
    """The outcome of a send, by (tenant, campaign, version, recipient): built once, run with bound values."""
    t = _table().c
    return (
        update(_table())
        .where(
            t.tenant_id == bindparam("b_tenant"),
            t.campaign_id == bindparam("b_campaign"),
            t.campaign_version == bindparam("b_version"),
            t.recipient_index == bindparam("b_recipient"),
        )
        .values(
            status=bindparam("b_status"),
            attempts=t.attempts + bindparam("b_attempts", type_=Integer()),
            updated_at=bindparam("b_now", type_=UtcDateTime()),
            sealed=bindparam("b_sealed", type_=LargeBinary()),
            key_version=bindparam("b_key_version", type_=SmallInteger()),
            message_index=bindparam("b_message"),
            sent_at=func.coalesce(bindparam("b_sent_at", type_=UtcDateTime()), t.sent_at),
            run_ref=func.coalesce(bindparam("b_run", type_=String()), t.run_ref),
        )
    )


def seal_context(recipient_index: str) -> str:
    """What a row's sealed blob is bound to (``store.crypto``: another row's blob does not open here)."""
    return f"send_log|{recipient_index}"


_context = seal_context


def _check(campaign_id: str, campaign_version: str) -> None:
    if not campaign_id or not campaign_version:
        raise InputError("a send log entry needs a campaign id and version")


class SendLog:
    """The send log of one tenant. Each method is one transaction."""

    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope
        #: the two statements of every message (claim, mark) run on a plain connection, like
        #: ``store.lookup``: the ORM session's set-up cost more than the statements. Each carries its
        #: own tenant: the claim inserts the tenant's id, the mark filters on it.
        self._writer = writer(scope.engine)

    def _insert_new(self, row: dict[str, Any]) -> bool:
        """Insert a new row unless the recipient already has one (``ON CONFLICT DO NOTHING``)."""
        with translated(self._scope.url), self._writer.begin() as conn:
            return bool(conn.execute(_insert_statement(self._scope.dialect, ignore=True), [row]).all())

    def message_index(self, message_id: str) -> str:
        return self._scope.index(_MESSAGE_ID_PREFIX + normalise_message_id(message_id))

    def _find(self, session: Session, campaign_id: str, version: str, recipient: str) -> SendLogRow | None:
        query = select(SendLogRow).where(
            SendLogRow.campaign_id == campaign_id,
            SendLogRow.campaign_version == version,
            SendLogRow.recipient_index == recipient,
        )
        if self._scope.dialect == "postgresql":
            query = query.with_for_update()
        return session.scalar(query)

    def _new_row(
        self,
        recipient: str,
        campaign_id: str,
        campaign_version: str,
        status: str,
        attempts: int,
        address: str,
        message_id: str | None,
        run_ref: str | None,
        now: datetime,
        detail: str | None = None,
    ) -> dict[str, Any]:
        sealed, key_version = self._scope.seal(
            _context(recipient), {"email": address, "message_id": message_id, "detail": detail}
        )
        return {
            "tenant_id": self._scope.tenant_id,
            "campaign_id": campaign_id,
            "campaign_version": campaign_version,
            "recipient_index": recipient,
            "status": status,
            "attempts": attempts,
            "message_index": self.message_index(message_id) if message_id else None,
            "reasons": None,
            "run_ref": run_ref,
            "sealed": sealed,
            "key_version": key_version,
            "created_at": now,
            "updated_at": now,
            "sent_at": now if status == "sent" else None,
        }

    def _seal(self, row: SendLogRow, email: str, message_id: str | None, detail: str | None) -> None:
        row.sealed, row.key_version = self._scope.seal(
            _context(row.recipient_index), {"email": email, "message_id": message_id, "detail": detail}
        )

    def _entry(self, row: SendLogRow) -> SendLogEntry:
        fields = self._scope.unseal(_context(row.recipient_index), row.sealed)
        return SendLogEntry(
            row.campaign_id,
            row.campaign_version,
            fields["email"],
            row.status,
            row.attempts,
            fields.get("message_id"),
            fields.get("detail"),
            tuple(p for p in (row.reasons or "").split(";") if p),
            row.run_ref,
            row.created_at,
            row.updated_at,
            row.sent_at,
        )

    def claim(
        self,
        campaign_id: str,
        campaign_version: str,
        email: str,
        message_id: str,
        *,
        run_ref: str | None = None,
        retry_uncertain: bool = False,
        retry_failed: bool = False,
    ) -> Claim:
        """Mark the recipient ``in_flight`` for this campaign version, if it may be sent to now.

        Granted for a new recipient, a ``deferred`` or ``refused`` one; for ``in_flight`` only with
        ``retry_uncertain``, for ``failed`` only with ``retry_failed``; never for ``sent``. Call it
        just before the message's ``DATA`` and ``mark`` right after the server's answer.
        """
        _check(campaign_id, campaign_version)
        address = email_key(email)
        recipient = self._scope.index(address)
        now = self._scope.clock()
        mid = normalise_message_id(message_id)
        fresh = self._new_row(recipient, campaign_id, campaign_version, "in_flight", 1, address, mid, run_ref, now)
        if self._insert_new(fresh):
            return Claim(True, None, mid)  # the common case: one statement
        with self._scope.writing() as session:
            row = self._find(session, campaign_id, campaign_version, recipient)
            if row is None:  # pragma: no cover - erased between the two statements
                return Claim(False, None, mid)
            previous = row.status
            allowed = previous in ("deferred", "refused")
            allowed = allowed or (previous == "in_flight" and retry_uncertain)
            allowed = allowed or (previous == "failed" and retry_failed)
            fields = self._scope.unseal(_context(recipient), row.sealed)
            use = fields.get("message_id") or mid
            if not allowed:
                return Claim(False, previous, use)
            row.status = "in_flight"
            row.attempts += 1
            row.reasons = None
            row.run_ref = run_ref
            row.updated_at = now
            row.message_index = self.message_index(use)
            self._seal(row, address, use, fields.get("detail"))
            return Claim(True, previous, use)

    def mark(
        self,
        campaign_id: str,
        campaign_version: str,
        email: str,
        status: str,
        *,
        detail: str | None = None,
        attempts: int = 0,
        message_id: str | None = None,
        run_ref: str | None = None,
    ) -> None:
        """Record the outcome of a send: ``sent``, ``failed`` or ``deferred`` (with the server's
        answer as ``detail``); ``attempts`` adds the retries made within the run.

        Normally the row was claimed; a message refused before ``DATA`` (a 5xx to ``RCPT TO``) never
        was, and is recorded here with its ``message_id`` (``InputError`` without one)."""
        if status not in ("sent", "failed", "deferred"):
            raise InputError(f"a send is marked sent, failed or deferred, not {status!r}")
        _check(campaign_id, campaign_version)
        address = email_key(email)
        recipient = self._scope.index(address)
        now = self._scope.clock()
        if message_id is not None:
            mid = normalise_message_id(message_id)
            sealed, key_version = self._scope.seal(
                _context(recipient), {"email": address, "message_id": mid, "detail": detail}
            )
            params = {
                "b_tenant": self._scope.tenant_id,
                "b_campaign": campaign_id,
                "b_version": campaign_version,
                "b_recipient": recipient,
                "b_status": status,
                "b_attempts": attempts,
                "b_now": now,
                "b_sealed": sealed,
                "b_key_version": key_version,
                "b_message": self.message_index(mid),
                "b_sent_at": now if status == "sent" else None,
                "b_run": run_ref,
            }
            with translated(self._scope.url), self._writer.begin() as conn:
                done = conn.execute(_mark_statement(), params)
                if int(getattr(done, "rowcount", 0) or 0) == 0:  # refused before DATA: never claimed
                    row_values = self._new_row(
                        recipient,
                        campaign_id,
                        campaign_version,
                        status,
                        attempts + 1,
                        address,
                        mid,
                        run_ref,
                        now,
                        detail,
                    )
                    conn.execute(_insert_statement(self._scope.dialect), [row_values])
            return
        with self._scope.writing() as session:
            row = self._find(session, campaign_id, campaign_version, recipient)
            if row is None:
                raise InputError("no claimed send log entry to mark")
            fields = self._scope.unseal(_context(recipient), row.sealed)
            row.status = status
            row.attempts += attempts
            row.updated_at = now
            if run_ref is not None:
                row.run_ref = run_ref
            if status == "sent":
                row.sent_at = now
            self._seal(row, address, fields.get("message_id"), detail)

    def record_sent(
        self, campaign_id: str, campaign_version: str, email: str, message_id: str, *, run_ref: str | None = None
    ) -> bool:
        """Claim and mark sent in one go (a message delivered by other means); False if already sent."""
        claim = self.claim(campaign_id, campaign_version, email, message_id, run_ref=run_ref, retry_uncertain=True)
        if not claim.granted:
            return False
        self.mark(campaign_id, campaign_version, email, "sent")
        return True

    def record_refused(
        self,
        campaign_id: str,
        campaign_version: str,
        email: str,
        reasons: Iterable[str],
        *,
        run_ref: str | None = None,
    ) -> bool:
        """The decision at send time said no: record it (a row already ``sent`` or ``in_flight`` is
        left alone — what happened to the message stays known). True if recorded."""
        _check(campaign_id, campaign_version)
        address = email_key(email)
        recipient = self._scope.index(address)
        now = self._scope.clock()
        codes = ";".join(reasons) or None
        with self._scope.writing() as session:
            row = self._find(session, campaign_id, campaign_version, recipient)
            if row is None:
                row = SendLogRow(
                    tenant_id=self._scope.tenant_id,
                    campaign_id=campaign_id,
                    campaign_version=campaign_version,
                    recipient_index=recipient,
                    status="refused",
                    attempts=0,
                    message_index=None,
                    reasons=codes,
                    run_ref=run_ref,
                    created_at=now,
                    updated_at=now,
                )
                self._seal(row, address, None, None)
                session.add(row)
                return True
            if row.status in ("sent", "in_flight"):
                return False
            row.status = "refused"
            row.reasons = codes
            row.run_ref = run_ref
            row.updated_at = now
            return True

    def entry(self, campaign_id: str, campaign_version: str, email: str) -> SendLogEntry | None:
        recipient = self._scope.index(email_key(email))
        with self._scope.reading() as session:
            row = session.scalar(
                select(SendLogRow).where(
                    SendLogRow.campaign_id == campaign_id,
                    SendLogRow.campaign_version == campaign_version,
                    SendLogRow.recipient_index == recipient,
                )
            )
            return None if row is None else self._entry(row)

    def statuses(self, campaign_id: str, campaign_version: str) -> dict[str, str]:
        """{recipient blind index: status} for a campaign version: what a run reads once to skip
        recipients already done without a query per row."""
        with self._scope.reading() as session:
            rows = session.execute(
                select(SendLogRow.recipient_index, SendLogRow.status).where(
                    SendLogRow.campaign_id == campaign_id, SendLogRow.campaign_version == campaign_version
                )
            )
            return {index: status for index, status in rows.all()}  # noqa: C416 - rows are Row objects

    def sent_since(self, since: datetime) -> list[datetime]:
        """When each message the tenant sent since ``since`` left (any campaign), oldest first: what an
        hourly quota counts, across runs."""
        with self._scope.reading() as session:
            times = session.scalars(
                select(SendLogRow.sent_at)
                .where(SendLogRow.status == "sent", SendLogRow.sent_at >= since)
                .order_by(SendLogRow.sent_at)
            )
            return [t for t in times if t is not None]

    def counts(self, campaign_id: str, campaign_version: str) -> dict[str, int]:
        with self._scope.reading() as session:
            rows = session.execute(
                select(SendLogRow.status, func.count())
                .where(SendLogRow.campaign_id == campaign_id, SendLogRow.campaign_version == campaign_version)
                .group_by(SendLogRow.status)
            )
            return {status: int(n) for status, n in rows}

    def entries(self, campaign_id: str, campaign_version: str) -> list[SendLogEntry]:
        with self._scope.reading() as session:
            rows = session.scalars(
                select(SendLogRow)
                .where(SendLogRow.campaign_id == campaign_id, SendLogRow.campaign_version == campaign_version)
                .order_by(SendLogRow.id)
            )
            return [self._entry(r) for r in rows]

    def recipient_for_message_ids(self, message_ids: Iterable[str]) -> SentMessage | None:
        """The recipient of the first of ``message_ids`` we sent (an inbound message's ``In-Reply-To``
        then ``References`` ids; header values with several ``<…>`` are split), else None.

        Only rows that carry a Message-ID count (``sent``, ``in_flight``, ``failed``, ``deferred``):
        a bounce may answer a message the server first accepted and then could not deliver.
        """
        ids = message_ids_in(message_ids)
        if not ids:
            return None
        wanted = {self.message_index(m): m for m in ids}
        with self._scope.reading() as session:
            rows = list(session.scalars(select(SendLogRow).where(SendLogRow.message_index.in_(list(wanted)))))
            if not rows:
                return None
            order = {index: n for n, index in enumerate(wanted)}
            row = min(rows, key=lambda r: (order[r.message_index or ""], r.id))
            fields = self._scope.unseal(_context(row.recipient_index), row.sealed)
            return SentMessage(
                fields["email"],
                row.campaign_id,
                row.campaign_version,
                fields.get("message_id") or wanted[row.message_index or ""],
                row.status,
                row.sent_at,
            )


# --- erasure and the access export (``store.subject_data``) -----------------------------------------


class _SendLogHolder:
    name = "send_log"

    def export(self, session: Session, scope: TenantScope, subject: SubjectKeys) -> list[dict[str, Any]]:
        if not subject.indexes:
            return []
        log = SendLog(scope)
        rows = session.scalars(
            select(SendLogRow).where(SendLogRow.recipient_index.in_(list(subject.indexes))).order_by(SendLogRow.id)
        )
        return [log._entry(r).as_json() for r in rows]

    def erase(self, session: Session, scope: TenantScope, subject: SubjectKeys) -> int:
        if not subject.indexes:
            return 0
        result = session.execute(
            delete(SendLogRow)
            .where(SendLogRow.recipient_index.in_(list(subject.indexes)))
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)


subject_data.register(_SendLogHolder())


__all__ = [
    "SEND_STATUSES",
    "Claim",
    "SendLog",
    "SendLogEntry",
    "SendLogRow",
    "SentMessage",
    "message_ids_in",
    "normalise_message_id",
    "seal_context",
]
