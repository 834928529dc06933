"""The inbound log: every received reply, bounce and complaint, recorded once with what was done.

Why it exists: the sources ask that "all replies to prospecting emails are logged" and that the
prospects who object are excluded; and a mailbox is imported more than once (a nightly job reads the
whole folder again), so each message must take effect exactly once. A message is keyed by a keyed
hash (HMAC under the tenant's index key) of its Message-ID — of its content when it has none — and
``InboundLog.apply`` records it *and* its effects in one exclusive write transaction: the opt-out on
the ledger, the privacy request, the exclusion entry. Either all of it is recorded or none; a second
import of the same message finds the key and changes nothing.

One row per message and recipient (``position`` numbers them): a bounce may name several addresses,
and soft bounces are counted per address from these rows (``soft_bounces``). What a row keeps is what
the classification needs and a person may have to check: the class, the effect, the evidence (a
phrase of ``rules/data/replies.toml``, a header field, a status code — never the person's words), the
recipient's blind index and, sealed, their address and the message's Message-ID; for a message left
for a person (``other``) also its subject, so it can be found in the mailbox. No body is kept.
Automatic replies keep nothing about anyone: they are only counted.

The module registers with ``store.subject_data``: an erasure strips the rows about the person of
their index and sealed fields (the key stays, so the message is still not processed twice, and
names no one), an access export lists them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from lawfulreach.domain.replies import ReplyKind
from lawfulreach.domain.state import ALL_CHANNELS
from lawfulreach.domain.vocabulary import ExclusionSource, LedgerEventKind
from lawfulreach.store import audit, subject_data
from lawfulreach.store.coltypes import UtcDateTime
from lawfulreach.store.dsar import RequestRepo
from lawfulreach.store.ledger import LedgerRepo
from lawfulreach.store.models import INDEX_LENGTH, Base, ErasedSubject, TenantScoped, one_of
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.subject_data import SubjectKeys
from lawfulreach.store.subjects import Subject
from lawfulreach.store.suppression import Entry, SuppressionRepo

__all__ = [
    "INBOUND_KINDS",
    "InboundLog",
    "InboundPlan",
    "InboundRecord",
    "InboundRow",
    "Recorded",
    "seal_context",
]

INBOUND_KINDS: tuple[str, ...] = tuple(k.value for k in ReplyKind)


class InboundRow(TenantScoped, Base):
    """One recipient of one received message (see the module docstring)."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("tenant_id", "message_key", "position"),
        CheckConstraint(one_of("kind", INBOUND_KINDS), name="kind"),
        Index("ix_inbound_messages_tenant_subject", "tenant_id", "subject_index"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: keyed hash of the Message-ID (or the content): what makes a second import a no-op
    message_key: Mapped[str] = mapped_column(String(INDEX_LENGTH))
    position: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(16))
    #: privacy requests: ``access``, ``erasure`` (space-separated)
    request_types: Mapped[str | None] = mapped_column(String(40))
    effect: Mapped[str] = mapped_column(String(100))
    evidence: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str | None] = mapped_column(String(20))
    subject_index: Mapped[str | None] = mapped_column(String(INDEX_LENGTH))
    #: the address, the Message-ID (and for ``other`` the subject), sealed; None once erased
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_version: Mapped[int | None] = mapped_column(SmallInteger)
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime())


def seal_context(message_key: str, position: int) -> str:
    """What a row's sealed fields are bound to (``store.crypto``): its table, message key and position."""
    return f"inbound|{message_key}|{position}"


@dataclass(frozen=True)
class InboundPlan:
    """What to record for one message: the command layer (``commands.inbound``) builds it from the
    classification and the recipients found."""

    message_key: str
    kind: str
    evidence: str
    status: str | None = None
    request_types: tuple[str, ...] = ()
    #: normalised addresses to opt out on every channel (opt-outs, complaints, erasure requests)
    opt_out: tuple[str, ...] = ()
    #: the normalised address a privacy request is opened for (the sender)
    requester: str | None = None
    #: normalised addresses the bounce concerns
    bounced: tuple[str, ...] = ()
    #: the normalised address a message for a person came from
    reviewer_address: str | None = None
    message_id: str | None = None
    subject: str | None = None
    received_at: datetime | None = None
    #: ledger ``method`` of the opt-out (``reply``, ``complaint``)
    method: str = "reply"


@dataclass(frozen=True)
class Recorded:
    """What recording a message did (counts and numbers; addresses only as the caller gave them)."""

    duplicate: bool = False
    opted_out: tuple[str, ...] = ()
    requests: tuple[int, ...] = ()
    suppressed: tuple[str, ...] = ()
    soft_counts: dict[str, int] = field(default_factory=dict)
    erased: tuple[str, ...] = ()
    effect: str = ""


@dataclass(frozen=True, slots=True)
class InboundRecord:
    kind: str
    effect: str
    evidence: str | None
    status: str | None
    request_types: tuple[str, ...]
    address: str | None
    message_id: str | None
    subject: str | None
    received_at: datetime | None
    processed_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "effect": self.effect,
            "evidence": self.evidence,
            "status": self.status,
            "request_types": list(self.request_types),
            "address": self.address,
            "message_id": self.message_id,
            "subject": self.subject,
            "received_at": self.received_at.isoformat() if self.received_at else None,
            "processed_at": self.processed_at.isoformat(),
        }


class InboundLog:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def key_for(self, message_id: str | None, content_digest: str) -> str:
        """The message's key: a keyed hash of its Message-ID, or of its content's SHA-256 without one."""
        basis = f"inbound-message-id:{message_id}" if message_id else f"inbound-content:{content_digest}"
        return self._scope.index(basis)

    def seen(self, message_key: str) -> bool:
        with self._scope.reading() as session:
            return self._seen(session, message_key)

    @staticmethod
    def _seen(session: Session, message_key: str) -> bool:
        return session.scalar(select(InboundRow.id).where(InboundRow.message_key == message_key).limit(1)) is not None

    def soft_bounces(self, address: str) -> int:
        """How many soft bounces were recorded for this normalised address."""
        with self._scope.reading() as session:
            return self._soft_count(session, self._scope.index(address))

    @staticmethod
    def _soft_count(session: Session, index: str) -> int:
        stmt = select(func.count(InboundRow.id)).where(
            InboundRow.subject_index == index, InboundRow.kind == ReplyKind.SOFT_BOUNCE.value
        )
        return int(session.scalar(stmt) or 0)

    def apply(self, plan: InboundPlan, *, soft_bounce_limit: int) -> Recorded:
        """Record the message and its effects in one exclusive write transaction (module docstring);
        a message already recorded changes nothing (``Recorded.duplicate``)."""
        with self._scope.writing(exclusive=True) as session:
            if self._seen(session, plan.message_key):
                return Recorded(duplicate=True, effect="already processed")
            return self._apply(session, plan, soft_bounce_limit)

    def _erased(self, session: Session, index: str) -> bool:
        return session.scalar(select(ErasedSubject.id).where(ErasedSubject.key_hash == index)) is not None

    def _apply(self, session: Session, plan: InboundPlan, soft_bounce_limit: int) -> Recorded:
        ledger = LedgerRepo(self._scope)
        rows: list[tuple[str | None, str, dict[str, Any]]] = []  # (address, effect, sealed extra)
        opted: list[str] = []
        erased: list[str] = []
        requests: list[int] = []
        suppressed: list[str] = []
        soft: dict[str, int] = {}
        source = f"inbound {plan.kind.replace('_', ' ')} {plan.message_id or 'without Message-ID'}"[:200]
        for address in plan.opt_out:
            index = self._scope.index(address)
            if self._erased(session, index):
                erased.append(address)
                continue
            ledger.append_in(
                session,
                Subject("email", address),
                LedgerEventKind.OPT_OUT,
                ALL_CHANNELS,
                method=plan.method,
                source=source,
                at=plan.received_at,
            )
            opted.append(address)
        if plan.requester is not None and plan.request_types:
            if self._erased(session, self._scope.index(plan.requester)):
                erased.append(plan.requester)
            else:
                repo = RequestRepo(self._scope)
                for request_type in plan.request_types:
                    view = repo.open_in(
                        session,
                        request_type,
                        Subject("email", plan.requester),
                        received_at=plan.received_at,
                        source="inbound reply",
                    )
                    requests.append(view.number)
        suppressions = SuppressionRepo(self._scope)
        for address in plan.bounced:
            index = self._scope.index(address)
            if self._erased(session, index):
                erased.append(address)
                continue
            if plan.kind == ReplyKind.HARD_BOUNCE:
                if suppressions.add_in(session, Entry("email", address, "hard bounce", ExclusionSource.BOUNCE)):
                    suppressed.append(address)
                rows.append((address, "suppressed" if address in suppressed else "already excluded", {}))
                continue
            count = self._soft_count(session, index) + 1
            soft[address] = count
            effect = f"soft bounce {count} of {soft_bounce_limit}"
            if count >= soft_bounce_limit:
                reason = f"{count} soft bounces"
                if suppressions.add_in(session, Entry("email", address, reason, ExclusionSource.BOUNCE)):
                    suppressed.append(address)
                    effect = f"suppressed after {count} soft bounces"
            rows.append((address, effect, {}))
        for address in opted:
            rows.append((address, "opted out on every channel", {}))
        for address in erased:
            rows.append((address, "erased person: nothing recorded", {}))
        if plan.requester is not None and requests:
            numbers = ", ".join(str(n) for n in requests)
            rows.append((plan.requester, f"privacy request {numbers} opened"[:60], {}))
        if plan.kind == ReplyKind.OTHER and plan.reviewer_address is not None:
            rows.append((plan.reviewer_address, "for review", {"subject": (plan.subject or "")[:300]}))
        if not rows:
            effect = {"auto_reply": "ignored", "other": "for review"}.get(plan.kind, "no recipient found")
            rows.append((None, effect, {}))
        rows = _unique(rows)
        now = self._scope.clock()
        for position, (who, effect, extra) in enumerate(rows):
            sealed: bytes | None = None
            version: int | None = None
            row_index: str | None = None
            if who is not None and who not in erased:
                candidate = self._scope.index(who)
                if not self._erased(session, candidate):  # a reviewer's sender may have been erased
                    row_index = candidate
                    fields = {"address": who, "message_id": plan.message_id} | extra
                    sealed, version = self._scope.seal(seal_context(plan.message_key, position), fields)
            session.add(
                InboundRow(
                    tenant_id=self._scope.tenant_id,
                    message_key=plan.message_key,
                    position=position,
                    kind=plan.kind,
                    request_types=" ".join(plan.request_types) or None,
                    effect=effect[:100],
                    evidence=plan.evidence[:200] or None,
                    status=(plan.status or "")[:20] or None,
                    subject_index=row_index,
                    sealed=sealed,
                    key_version=version,
                    received_at=plan.received_at,
                    processed_at=now,
                )
            )
        session.flush()
        details = {"kind": plan.kind, "opt_outs": len(opted), "requests": len(requests), "suppressed": len(suppressed)}
        audit.record(session, self._scope, "inbound.process", details=details)
        summary = "; ".join(dict.fromkeys(effect for _, effect, _ in rows))
        return Recorded(False, tuple(opted), tuple(requests), tuple(suppressed), soft, tuple(erased), summary)

    def records(self, *, kind: str | None = None, limit: int = 100) -> list[InboundRecord]:
        """The newest rows first, decrypted (``inbox list``: what a person should look at)."""
        stmt = select(InboundRow).order_by(InboundRow.id.desc()).limit(limit)
        if kind is not None:
            stmt = stmt.where(InboundRow.kind == kind)
        with self._scope.reading() as session:
            return [_record(self._scope, row) for row in session.scalars(stmt)]

    def counts(self) -> dict[str, int]:
        """Messages recorded per class (a message counts once, whatever its number of recipients)."""
        with self._scope.reading() as session:
            rows = session.execute(select(InboundRow.kind, InboundRow.message_key).where(InboundRow.position == 0))
            return dict(Counter(kind for kind, _ in rows))


def _unique(rows: Sequence[tuple[str | None, str, dict[str, Any]]]) -> list[tuple[str | None, str, dict[str, Any]]]:
    """One row per address (the first effect named wins; the others are the same message's)."""
    seen: dict[str | None, tuple[str | None, str, dict[str, Any]]] = {}
    for address, effect, extra in rows:
        if address in seen and address is not None:
            _, first, first_extra = seen[address]
            seen[address] = (address, f"{first}; {effect}" if effect not in first else first, first_extra | extra)
        else:
            seen.setdefault(address, (address, effect, extra))
    return list(seen.values())


def _record(scope: TenantScope, row: InboundRow) -> InboundRecord:
    fields = scope.unseal(seal_context(row.message_key, row.position), row.sealed)
    return InboundRecord(
        row.kind,
        row.effect,
        row.evidence,
        row.status,
        tuple((row.request_types or "").split()),
        fields.get("address"),
        fields.get("message_id"),
        fields.get("subject"),
        row.received_at,
        row.processed_at,
    )


class _InboundData:
    """The inbound log's rows about one subject, for erasure and the access export (``store.subject_data``)."""

    name = "inbound_messages"

    def _rows(self, session: Session, subject: SubjectKeys) -> list[InboundRow]:
        if not subject.indexes:
            return []
        return list(session.scalars(select(InboundRow).where(InboundRow.subject_index.in_(subject.indexes))))

    def export(self, session: Session, scope: TenantScope, subject: SubjectKeys) -> list[dict[str, Any]]:
        return [_record(scope, row).as_json() for row in self._rows(session, subject)]

    def erase(self, session: Session, scope: TenantScope, subject: SubjectKeys) -> int:
        """Strip the rows of the person's index and sealed fields; the message key stays (it names no
        one), so the message is still recognised as processed."""
        if not subject.indexes:
            return 0
        result = session.execute(
            update(InboundRow)
            .where(InboundRow.subject_index.in_(subject.indexes))
            .values(subject_index=None, sealed=None, key_version=None)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)


subject_data.register(_InboundData())
