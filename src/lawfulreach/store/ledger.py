"""The consent and opt-out ledger: append-only events; current state derived (``store.ledger_state``).

Each write is its own committed transaction, so an opt-out is in force for the very next decision.
Nothing here updates or deletes an event; only erasure removes a person's events (``store.erasure``).
Events about an erased person are refused: recording them would store the person again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lawfulreach.domain.state import ALL_CHANNELS
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import ConflictError, InputError
from lawfulreach.store.ledger_state import DerivedLedger, LedgerFact, derive
from lawfulreach.store.models import ErasedSubject, LedgerEvent
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.subjects import Subject


@dataclass(frozen=True, slots=True)
class Event:
    """A ledger event as recorded (what ``consent history`` shows)."""

    id: int
    subject_kind: str
    subject_key: str
    event: str
    channel: str
    purpose: str | None
    method: str | None
    wording: str | None
    source: str | None
    occurred_at: datetime
    recorded_at: datetime

    def fact(self) -> LedgerFact:
        return LedgerFact(self.subject_key, self.event, self.channel, self.purpose, self.method)


def check_channel(raw: str, *, allow_all: bool) -> str:
    value = raw.strip().lower().replace("-", "_")
    allowed = [c.value for c in Channel] + ([ALL_CHANNELS] if allow_all else [])
    if value not in allowed:
        raise InputError(f"unknown channel {raw!r}; use one of {', '.join(allowed)}")
    return value


def _text(value: str | None, what: str, limit: int) -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) > limit:
        raise InputError(f"{what} is longer than {limit} characters")
    return text


def _event(row: LedgerEvent) -> Event:
    return Event(
        row.id,
        row.subject_kind,
        row.subject_key,
        row.event,
        row.channel,
        row.purpose,
        row.method,
        row.wording,
        row.source,
        row.occurred_at,
        row.recorded_at,
    )


class LedgerRepo:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def _append(
        self,
        who: Subject,
        event: str,
        channel: str,
        *,
        purpose: str | None = None,
        method: str | None = None,
        wording: str | None = None,
        source: str | None = None,
        at: datetime | None = None,
    ) -> Event:
        now = self._scope.clock()
        with self._scope.writing(exclusive=True) as session:
            erased = session.scalar(select(ErasedSubject.id).where(ErasedSubject.key_hash == self._scope.hash(who.key)))
            if erased is not None:
                raise ConflictError(f"this {who.kind} belongs to an erased person; nothing is recorded about them")
            row = LedgerEvent(
                tenant_id=self._scope.tenant_id,
                subject_kind=who.kind,
                subject_key=who.key,
                event=event,
                channel=channel,
                purpose=_text(purpose, "purpose", 100),
                method=_text(method, "method", 100),
                wording=_text(wording, "wording", 10_000),
                source=_text(source, "source", 200),
                occurred_at=at or now,
                recorded_at=now,
            )
            session.add(row)
            session.flush()
            return _event(row)

    def record_consent(
        self,
        who: Subject,
        channel: str,
        purpose: str,
        method: str,
        *,
        confirmed: bool = False,
        wording: str | None = None,
        source: str | None = None,
        at: datetime | None = None,
    ) -> Event:
        """``given`` (or ``confirmed``: double opt-in completed) for one channel and purpose."""
        if not purpose.strip():
            raise InputError("a consent needs a purpose (e.g. marketing)")
        if not method.strip():
            raise InputError("a consent needs the method it was obtained by (e.g. web_form)")
        return self._append(
            who,
            "confirmed" if confirmed else "given",
            check_channel(channel, allow_all=False),
            purpose=purpose,
            method=method,
            wording=wording,
            source=source,
            at=at,
        )

    def withdraw(
        self,
        who: Subject,
        channel: str,
        purpose: str = "marketing",
        *,
        source: str | None = None,
        method: str | None = None,
        at: datetime | None = None,
    ) -> Event:
        return self._append(
            who,
            "withdrawn",
            check_channel(channel, allow_all=False),
            purpose=purpose,
            method=method,
            source=source,
            at=at,
        )

    def opt_out(
        self,
        who: Subject,
        channel: str = ALL_CHANNELS,
        *,
        objection: bool = False,
        source: str | None = None,
        wording: str | None = None,
        at: datetime | None = None,
    ) -> Event:
        """An opt-out (or a GDPR Art. 21 objection) for one channel or ``all``; in force once this returns."""
        return self._append(
            who,
            "objection" if objection else "opt_out",
            check_channel(channel, allow_all=True),
            source=source,
            wording=wording,
            at=at,
        )

    def history(self, who: Subject) -> list[Event]:
        with self._scope.reading() as session:
            rows = session.scalars(
                select(LedgerEvent)
                .where(LedgerEvent.subject_key == who.key)
                .order_by(LedgerEvent.occurred_at, LedgerEvent.id)
            )
            return [_event(r) for r in rows]

    def facts_for(self, keys: Iterable[str | None]) -> list[LedgerFact]:
        """Every event of these subjects, in replay order: one query on the subject index."""
        wanted = sorted({k for k in keys if k})
        if not wanted:
            return []
        with self._scope.reading() as session:
            rows = session.execute(
                select(
                    LedgerEvent.subject_key,
                    LedgerEvent.event,
                    LedgerEvent.channel,
                    LedgerEvent.purpose,
                    LedgerEvent.method,
                )
                .where(LedgerEvent.subject_key.in_(wanted))
                .order_by(LedgerEvent.occurred_at, LedgerEvent.id)
            )
            return [LedgerFact(*row) for row in rows]

    def current(self, keys: Iterable[str | None]) -> DerivedLedger:
        return derive(self.facts_for(keys))
