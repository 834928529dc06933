"""Data subject requests as a tracked workflow (GDPR Art. 12–22, UK GDPR, CCPA).

A request is *received* (with the date it arrived), the requester's identity is *verified*, and it
ends *fulfilled* or *rejected* (with a reason); before that it may be *extended* once (with a
reason). Fulfilling an unverified request is refused (``UnverifiedRequestError``): handing someone
else's data to an impostor, or erasing on a stranger's word, is itself a breach.

Deadlines are stored when the request is received:

* the regime's (``legal_due_at``) — GDPR and UK GDPR: one calendar month from receipt (the same date
  next month, or that month's last day), extendable once by two further months (Art. 12(3));
  CCPA: 45 calendar days, extendable once by 45 more (Cal. Civ. Code §1798.130(a)(2));
* the tenant's own target (``target_due_at``) — 72 hours unless the tenant set another (seed 000:
  "we will return this data within 72 hours").

A request is *due* at its target until it is extended, then at its extended legal deadline; an
extension must be decided before the legal deadline passes. ``list(overdue=True)`` and
``list(due_within=…)`` show what is at risk.

What fulfilling does, by type: ``access``, ``portability``, ``ccpa_know`` — writes the export zip
(``store.export``); ``erasure``, ``ccpa_delete`` — erases the person (``store.erasure``) in the same
transaction; ``rectification`` — applies the corrections to the stored contact; ``objection`` — the
``all``-channel objection was already recorded when the request was received (direct-marketing
objections take effect at once, whatever happens to the request), fulfilling closes it.

Every state change is an audit-trail entry; the request row keeps the person as a blind index and
seals the address and any reason typed.
"""

from __future__ import annotations

import builtins
import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from lawfulreach.domain.state import ALL_CHANNELS
from lawfulreach.domain.vocabulary import LedgerEventKind, PrivacyRequestType
from lawfulreach.errors import ConflictError, InputError, NotFoundError
from lawfulreach.store import audit
from lawfulreach.store.contacts import SEALED_FIELDS, open_contact, seal_contact
from lawfulreach.store.erasure import ErasureReport, erase_in, forget_files, purge_wal, subject_keys
from lawfulreach.store.export import SubjectExport, collect, write_zip
from lawfulreach.store.ledger import LedgerRepo
from lawfulreach.store.models import REGIMES, REQUEST_TYPES, Contact, ErasedSubject, PrivacyRequest, Tenant
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.subjects import Subject, country_code

DEFAULT_TARGET_HOURS = 72
OPEN_STATUSES = ("received", "verified", "extended")
EXPORT_TYPES = (PrivacyRequestType.ACCESS, PrivacyRequestType.PORTABILITY, PrivacyRequestType.CCPA_KNOW)
ERASE_TYPES = (PrivacyRequestType.ERASURE, PrivacyRequestType.CCPA_DELETE)
#: contact fields a rectification may correct (the sealed personal fields and the categorical facts)
CORRECTABLE = (*(f for f in SEALED_FIELDS if f not in ("email", "phone")), "country", "region")


class UnverifiedRequestError(ConflictError):
    """Fulfilling a request whose requester's identity was not verified."""

    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__(
            f"request {number}: the requester's identity has not been verified — check it, then run "
            f"`lawfulreach dsar verify {number}` before fulfilling"
        )


def add_months(when: datetime, months: int) -> datetime:
    """The same date ``months`` later, or the last day of that month when it has no such date."""
    index = when.month - 1 + months
    year, month = when.year + index // 12, index % 12 + 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


def legal_deadline(regime: str, received: datetime, *, extended: bool = False) -> datetime:
    if regime == "ccpa":
        return received + timedelta(days=90 if extended else 45)
    return add_months(received, 3 if extended else 1)


def regime_for(request_type: str, regime: str | None, country: str | None = None) -> str:
    """The regime a request is handled under: CCPA types are CCPA; the others GDPR, or UK GDPR for GB."""
    if regime is not None:
        value = regime.strip().lower().replace("-", "_").replace(" ", "_")
        if value not in REGIMES:
            raise InputError(f"unknown regime {regime!r}; use one of {', '.join(REGIMES)}")
        if (value == "ccpa") != request_type.startswith("ccpa_"):
            raise InputError(f"a {request_type} request cannot be handled under {value}")
        return value
    if request_type.startswith("ccpa_"):
        return "ccpa"
    return "uk_gdpr" if country == "GB" else "gdpr"


def check_type(raw: str) -> str:
    value = raw.strip().lower().replace("-", "_")
    if value not in REQUEST_TYPES:
        raise InputError(f"unknown request type {raw!r}; use one of {', '.join(REQUEST_TYPES)}")
    return value


def request_context(subject_index: str, number: int) -> str:
    return f"privacy_requests|{subject_index}|{number}"


def _reason(text: str | None, what: str) -> str:
    value = (text or "").strip()
    if not value:
        raise InputError(f"{what} needs a reason (--reason)")
    if len(value) > 2_000:
        raise InputError("the reason is longer than 2000 characters")
    return value


def due_at(target: datetime, legal: datetime, extended_at: datetime | None) -> datetime:
    """When a request is due: the tenant's target, or — once extended — the extended legal deadline."""
    return legal if extended_at is not None else min(target, legal)


def _due(row: PrivacyRequest) -> datetime:
    return due_at(row.target_due_at, row.legal_due_at, row.extended_at)


@dataclass(frozen=True)
class PrivacyRequestView:
    number: int
    request_type: str
    regime: str
    status: str
    subject_kind: str
    #: the normalised email / phone; None once the person was erased
    subject: str | None
    received_at: datetime
    target_due_at: datetime
    legal_due_at: datetime
    verified_at: datetime | None
    extended_at: datetime | None
    closed_at: datetime | None
    extend_reason: str | None = None
    reject_reason: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def due_at(self) -> datetime:
        """When it is due: the tenant's target, or — once extended — the extended legal deadline."""
        return due_at(self.target_due_at, self.legal_due_at, self.extended_at)

    def overdue(self, now: datetime) -> bool:
        return self.is_open and now > self.due_at

    def past_legal_deadline(self, now: datetime) -> bool:
        return self.is_open and now > self.legal_due_at


@dataclass(frozen=True)
class Fulfilment:
    request: PrivacyRequestView
    export_path: Path | None = None
    export: SubjectExport | None = None
    erasure: ErasureReport | None = None
    corrected: int = 0


class RequestRepo:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    # --- the tenant's target --------------------------------------------------------------------
    def target_hours(self) -> int:
        with self._scope.reading() as session:
            return self.target_hours_in(session)

    def target_hours_in(self, session: Session) -> int:
        hours = session.scalar(select(Tenant.dsar_target_hours).where(Tenant.id == self._scope.tenant_id))
        return int(hours) if hours else DEFAULT_TARGET_HOURS

    def set_target_hours(self, hours: int) -> None:
        """The tenant's own deadline for new requests (existing ones keep theirs)."""
        if not 1 <= hours <= 24 * 90:
            raise InputError(f"target {hours} hours must be between 1 hour and 90 days")
        with self._scope.writing(exclusive=True) as session:
            tenant = session.get(Tenant, self._scope.tenant_id)
            assert tenant is not None
            tenant.dsar_target_hours = hours

    # --- reading --------------------------------------------------------------------------------
    def _view(self, row: PrivacyRequest) -> PrivacyRequestView:
        sealed = self._scope.unseal(request_context(row.subject_index, row.number), row.sealed)
        return PrivacyRequestView(
            row.number,
            row.request_type,
            row.regime,
            row.status,
            row.subject_kind,
            sealed.get("subject"),
            row.received_at,
            row.target_due_at,
            row.legal_due_at,
            row.verified_at,
            row.extended_at,
            row.closed_at,
            sealed.get("extend_reason"),
            sealed.get("reject_reason"),
        )

    def get(self, number: int) -> PrivacyRequestView:
        with self._scope.reading() as session:
            return self._view(self._row(session, number))

    def list(
        self,
        *,
        include_closed: bool = False,
        overdue: bool = False,
        due_within: timedelta | None = None,
        request_type: str | None = None,
        limit: int | None = None,
    ) -> list[PrivacyRequestView]:
        """Requests by due date; ``overdue``: past due now; ``due_within``: due before now + that
        (overdue ones included — they are the most at risk); ``limit``: only the first that many."""
        P = PrivacyRequest  # noqa: N806 - a short alias for the column list
        where: builtins.list[ColumnElement[bool]] = []
        if not include_closed or overdue or due_within is not None:
            where.append(P.status.in_(OPEN_STATUSES))
        if request_type is not None:
            where.append(P.request_type == check_type(request_type))
        now = self._scope.clock()
        clear = select(P.id, P.number, P.status, P.target_due_at, P.legal_due_at, P.extended_at).where(*where)
        with self._scope.reading() as session:
            # filtered and sorted on the clear columns; only the requests returned are read whole and decrypted
            keys = [
                (r.id, r.number, r.status in OPEN_STATUSES, due_at(r.target_due_at, r.legal_due_at, r.extended_at))
                for r in session.execute(clear)
            ]
            if overdue:
                keys = [k for k in keys if k[2] and now > k[3]]
            if due_within is not None:
                keys = [k for k in keys if k[3] <= now + due_within]
            keys.sort(key=lambda k: (not k[2], k[3], k[1]))
            wanted = [k[0] for k in (keys if limit is None else keys[:limit])]
            whole = select(P).where(*where) if len(wanted) > 500 else select(P).where(P.id.in_(wanted))
            rows = {r.id: r for r in session.scalars(whole)} if wanted else {}
            return [self._view(rows[i]) for i in wanted]

    def open_deadlines(self) -> builtins.list[tuple[int, datetime]]:
        """(number, due) of every open request, by due date — without decrypting any (the overview's
        figures; ``list`` decrypts each request it returns)."""
        stmt = select(PrivacyRequest.number, PrivacyRequest.target_due_at, PrivacyRequest.legal_due_at,
                      PrivacyRequest.extended_at).where(PrivacyRequest.status.in_(OPEN_STATUSES))  # fmt: skip
        with self._scope.reading() as session:
            found = [(n, due_at(t, legal, e)) for n, t, legal, e in session.execute(stmt)]
        return sorted(found, key=lambda item: (item[1], item[0]))

    # --- the workflow ---------------------------------------------------------------------------
    def _row(self, session: Session, number: int) -> PrivacyRequest:
        row = session.scalar(select(PrivacyRequest).where(PrivacyRequest.number == number))
        if row is None:
            raise NotFoundError(f"no privacy request {number} in tenant {self._scope.tenant!r}")
        return row

    def _reseal(self, row: PrivacyRequest, **changes: Any) -> None:
        context = request_context(row.subject_index, row.number)
        fields = self._scope.unseal(context, row.sealed) | changes
        row.sealed, row.key_version = self._scope.seal(context, fields)

    def _audit(self, session: Session, act: str, row: PrivacyRequest, **details: Any) -> None:
        info = {"request": row.number, "type": row.request_type, "status": row.status} | details
        audit.record(session, self._scope, act, subject_ref=row.subject_index, details=info)

    def open(
        self,
        request_type: str,
        who: Subject,
        *,
        received_at: datetime | None = None,
        regime: str | None = None,
        country: str | None = None,
    ) -> PrivacyRequestView:
        """Record a request as received (``received_at`` defaults to now; it may not be in the future)."""
        with self._scope.writing(exclusive=True) as session:
            return self.open_in(session, request_type, who, received_at=received_at, regime=regime, country=country)

    def open_in(
        self,
        session: Session,
        request_type: str,
        who: Subject,
        *,
        received_at: datetime | None = None,
        regime: str | None = None,
        country: str | None = None,
        source: str | None = None,
    ) -> PrivacyRequestView:
        """``open`` inside the caller's exclusive write transaction (inbound processing opens the
        request with the reply's log entry). ``source`` names where the request came from in the audit
        trail (no personal data: "inbound reply")."""
        kind = check_type(request_type)
        handled_under = regime_for(kind, regime, country_code(country))
        now = self._scope.clock()
        received = received_at or now
        if received.tzinfo is None:
            raise InputError("the date received needs a time zone (UTC is usual)")
        if received > now:
            raise InputError(f"the request cannot have been received in the future ({received.date().isoformat()})")
        index = self._scope.index(who.key)
        target = received + timedelta(hours=self.target_hours_in(session))
        number = int(session.scalar(select(func.max(PrivacyRequest.number))) or 0) + 1
        sealed, version = self._scope.seal(request_context(index, number), {"subject": who.key})
        row = PrivacyRequest(
            tenant_id=self._scope.tenant_id,
            number=number,
            request_type=kind,
            regime=handled_under,
            status="received",
            subject_kind=who.kind,
            subject_index=index,
            sealed=sealed,
            key_version=version,
            received_at=received,
            target_due_at=target,
            legal_due_at=legal_deadline(handled_under, received),
        )
        session.add(row)
        session.flush()
        extra = {"regime": handled_under} | ({"source": source} if source else {})
        self._audit(session, "request.open", row, **extra)
        if kind == PrivacyRequestType.OBJECTION:
            erased = session.scalar(select(ErasedSubject.id).where(ErasedSubject.key_hash == index))
            if erased is None:  # an erased person is blocked on every channel already
                LedgerRepo(self._scope).append_in(
                    session, who, LedgerEventKind.OBJECTION, ALL_CHANNELS, source=f"privacy request {number}"
                )
        return self._view(row)

    def verify(self, number: int) -> PrivacyRequestView:
        """Record that the requester's identity was checked (the operator did; this records it)."""
        with self._scope.writing(exclusive=True) as session:
            row = self._row(session, number)
            if row.status not in OPEN_STATUSES:
                raise ConflictError(f"request {number} is already {row.status}")
            if row.verified_at is not None:
                raise ConflictError(f"request {number} was already verified")
            row.verified_at = self._scope.clock()
            if row.status == "received":
                row.status = "verified"
            self._audit(session, "request.verify", row)
            return self._view(row)

    def extend(self, number: int, reason: str) -> PrivacyRequestView:
        """Extend the legal deadline once (GDPR: by two months; CCPA: by 45 days), with a reason."""
        why = _reason(reason, "an extension")
        now = self._scope.clock()
        with self._scope.writing(exclusive=True) as session:
            row = self._row(session, number)
            if row.status not in OPEN_STATUSES:
                raise ConflictError(f"request {number} is already {row.status}")
            if row.extended_at is not None:
                raise ConflictError(f"request {number} was already extended; a request can be extended once")
            if now > row.legal_due_at:
                raise ConflictError(
                    f"request {number}: its deadline {row.legal_due_at:%Y-%m-%d} has passed; an extension must "
                    "be decided (and the requester told) within the original period"
                )
            row.extended_at = now
            row.legal_due_at = legal_deadline(row.regime, row.received_at, extended=True)
            row.status = "extended"
            self._reseal(row, extend_reason=why)
            self._audit(session, "request.extend", row)
            return self._view(row)

    def reject(self, number: int, reason: str) -> PrivacyRequestView:
        why = _reason(reason, "a rejection")
        with self._scope.writing(exclusive=True) as session:
            row = self._row(session, number)
            if row.status not in OPEN_STATUSES:
                raise ConflictError(f"request {number} is already {row.status}")
            row.status, row.closed_at = "rejected", self._scope.clock()
            if row.sealed is not None:
                self._reseal(row, reject_reason=why)
            self._audit(session, "request.reject", row)
            return self._view(row)

    def fulfil(
        self,
        number: int,
        *,
        out: Path | None = None,
        corrections: dict[str, str] | None = None,
        controller: str | None = None,
    ) -> Fulfilment:
        """Do what the request asks and close it (see the module docstring); refused unless verified."""
        with self._scope.writing(exclusive=True) as session:
            row = self._row(session, number)
            if row.status not in OPEN_STATUSES:
                raise ConflictError(f"request {number} is already {row.status}")
            if row.verified_at is None:
                raise UnverifiedRequestError(number)
            view = self._view(row)
            if view.subject is None:
                raise ConflictError(f"request {number}: the person was erased; nothing is held to act on")
            who = subject_keys(session, self._scope, [Subject(row.subject_kind, view.subject)])  # type: ignore[arg-type]
            result: dict[str, Any] = {}
            details: dict[str, Any] = {}
            if row.request_type in EXPORT_TYPES:
                export = collect(session, self._scope, who)
                target = out or Path(f"privacy-request-{self._scope.tenant}-{number}.zip")
                result |= {"export": export, "export_path": write_zip(target, export, controller)}
                details["records"] = sum(len(rows) for rows in export.sections.values())
            elif row.request_type in ERASE_TYPES:
                report, erased = erase_in(session, self._scope, [Subject(row.subject_kind, view.subject)])  # type: ignore[arg-type]
                session.expire(row, ["sealed", "key_version"])  # the erasure emptied them in the database
                result["erasure"] = report
            elif row.request_type == PrivacyRequestType.RECTIFICATION:
                result["corrected"] = details["contacts"] = self._rectify(session, who.indexes, corrections or {})
            row.status, row.closed_at = "fulfilled", self._scope.clock()
            self._audit(session, "request.fulfil", row, **details)
            done = self._view(row)
        if "erasure" in result:
            purge_wal(self._scope)
            forget_files(self._scope, erased)
        return Fulfilment(done, **result)

    def _rectify(self, session: Session, indexes: frozenset[str], corrections: dict[str, str]) -> int:
        if not corrections:
            raise InputError("a rectification needs the corrected values (--set FIELD=VALUE)")
        unknown = sorted(set(corrections) - set(CORRECTABLE))
        if unknown:
            raise InputError(f"cannot correct {', '.join(unknown)}; correctable: {', '.join(CORRECTABLE)}")
        if "country" in corrections:
            corrections = corrections | {"country": country_code(corrections["country"]) or ""}
        idx = list(indexes)
        rows = list(
            session.scalars(select(Contact).where(or_(Contact.email_index.in_(idx), Contact.phone_index.in_(idx))))
        )
        if not rows:
            raise NotFoundError("no stored contact for this person: nothing to rectify")
        for row in rows:
            current = open_contact(self._scope, row)
            fields = {name: getattr(current, name) for name in SEALED_FIELDS}
            fields |= {"email_key": current.email_key, "phone_key": current.phone_key}
            for name, value in corrections.items():
                if name in ("country", "region"):
                    setattr(row, name, value or None)
                else:
                    fields[name] = value or None
            seal_contact(self._scope, row, fields)
            row.updated_at = self._scope.clock()
            audit.record(
                session,
                self._scope,
                "contacts.rectify",
                subject_ref=row.identity_index,
                details={"fields": sorted(corrections)},
            )
        return len(rows)


__all__ = [
    "DEFAULT_TARGET_HOURS",
    "Fulfilment",
    "PrivacyRequestView",
    "RequestRepo",
    "UnverifiedRequestError",
    "add_months",
    "legal_deadline",
    "regime_for",
]
