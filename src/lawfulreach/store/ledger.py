"""The consent and opt-out ledger: append-only events; current state derived (``store.ledger_state``).

Each write is its own committed transaction, so an opt-out is in force for the very next decision.
Nothing here updates or deletes an event; only erasure removes a person's events (``store.erasure``).
Events about an erased person are refused: recording them would store the person again.

At rest the subject is a blind index and the address, wording and free-text source are sealed
(``store.crypto``); replaying the ledger (``ledger_state.derive``) works on the indexes and decrypts
nothing. Every event is also an audit-trail entry, written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawfulreach.domain.state import ALL_CHANNELS
from lawfulreach.domain.vocabulary import Channel, LedgerEventKind
from lawfulreach.errors import ConflictError, InputError
from lawfulreach.store import audit
from lawfulreach.store.ledger_state import OPT_OUT_EVENTS, DerivedLedger, LedgerFact, derive
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
        return LedgerFact(self.subject_key, self.event, self.channel, self.purpose, self.method, self.occurred_at)


#: how long a repeated opt-out from the public pages is a no-op (``LedgerRepo.opt_out_once``)
REPEAT_WINDOW = timedelta(hours=1)


def seal_context(subject_index: str) -> str:
    return f"ledger|{subject_index}"


def check_channel(raw: str, *, allow_all: bool) -> str:
    value = raw.strip().lower().replace("-", "_")
    allowed = [c.value for c in Channel] + ([ALL_CHANNELS] if allow_all else [])
    if value not in allowed:
        raise InputError(f"unknown channel {raw!r}; use one of {', '.join(allowed)}")
    return value


def claimed_time(at: datetime | None, now: datetime, max_skew: timedelta) -> datetime:
    """The time an event claims, in UTC; ``now`` when none is claimed.

    A time more than ``max_skew`` ahead of ``now`` is refused: a consent dated in the future would
    look newer than everything recorded before it. The order of the ledger is the order of
    recording (``ledger_state``), so a claimed time cannot outrank an opt-out any more; refusing it
    keeps the record honest and catches a wrong clock at the door. A time that cannot be expressed
    in UTC (``9999-12-31T23:59:59-14:00``) is refused, not stored.
    """
    if at is None:
        return now
    if at.tzinfo is None or at.utcoffset() is None:
        raise InputError("occurred_at needs a time zone (UTC is usual), e.g. 2026-11-25T10:00:00Z")
    try:
        utc = at.astimezone(UTC)
    except OverflowError:
        raise InputError(f"occurred_at {at.isoformat()} is outside the range of dates that can be recorded") from None
    if utc - now > max_skew:
        ahead = int(max_skew.total_seconds())
        raise InputError(
            f"occurred_at {utc.isoformat().replace('+00:00', 'Z')} is in the future (more than {ahead} s ahead "
            "of this server's clock): record events when they have happened"
        )
    return utc


def _text(value: str | None, what: str, limit: int) -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) > limit:
        raise InputError(f"{what} is longer than {limit} characters")
    return text


def _event(row: LedgerEvent, sealed: dict[str, str | None]) -> Event:
    return Event(
        row.id,
        row.subject_kind,
        sealed.get("subject") or "",
        row.event,
        row.channel,
        row.purpose,
        row.method,
        sealed.get("wording"),
        sealed.get("source"),
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
        with self._scope.writing(exclusive=True) as session:
            return self.append_in(
                session, who, event, channel, purpose=purpose, method=method, wording=wording, source=source, at=at
            )

    def append_in(
        self,
        session: Session,
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
        """Append an event inside the caller's exclusive write transaction (a privacy request's
        objection is recorded with the request)."""
        now = self._scope.clock()
        occurred = claimed_time(at, now, self._scope.max_skew)
        index = self._scope.index(who.key)
        fields = {
            "subject": who.key,
            "wording": _text(wording, "wording", 10_000),
            "source": _text(source, "source", 200),
        }
        sealed, version = self._scope.seal(seal_context(index), fields)
        erased = session.scalar(select(ErasedSubject.id).where(ErasedSubject.key_hash == index))
        if erased is not None:
            raise ConflictError(f"this {who.kind} belongs to an erased person; nothing is recorded about them")
        row = LedgerEvent(
            tenant_id=self._scope.tenant_id,
            subject_kind=who.kind,
            subject_index=index,
            event=event,
            channel=channel,
            purpose=_text(purpose, "purpose", 100),
            method=_text(method, "method", 100),
            sealed=sealed,
            key_version=version,
            occurred_at=occurred,
            recorded_at=now,
        )
        session.add(row)
        session.flush()
        audit.record(
            session, self._scope, f"ledger.{event}", subject_ref=index, details={"channel": channel, "kind": who.kind}
        )
        return _event(row, fields)

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
            LedgerEventKind.CONFIRMED if confirmed else LedgerEventKind.GIVEN,
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
            LedgerEventKind.WITHDRAWN,
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
            LedgerEventKind.OBJECTION if objection else LedgerEventKind.OPT_OUT,
            check_channel(channel, allow_all=True),
            source=source,
            wording=wording,
            at=at,
        )

    def opt_out_once(
        self, who: Subject, channel: str, *, source: str, within: timedelta = REPEAT_WINDOW
    ) -> Event | None:
        """An opt-out for ``channel`` (or ``all``), unless one is already in force that was recorded
        within ``within``: then nothing is written and None is returned.

        The public pages call this: a mailbox provider may send the same RFC 8058 one-click POST
        hundreds of times, and every one must be answered as accepted — never refused — without each
        costing a ledger row and an audit entry. A cheap read (blind index, nothing decrypted) settles
        a repeat without taking the tenant's write lock; otherwise the check is made again under the
        lock, so a burst of concurrent repeats writes one event. The window keeps a repeat months
        later recorded afresh (with its own time, which back-dated consents cannot outrank).
        """
        channel = check_channel(channel, allow_all=True)
        index = self._scope.index(who.key)
        with self._scope.reading() as session:
            if self._in_force(session, index, channel, within):
                return None
        with self._scope.writing(exclusive=True) as session:
            if self._in_force(session, index, channel, within):
                return None
            return self.append_in(session, who, LedgerEventKind.OPT_OUT, channel, source=source)

    def _in_force(self, session: Session, index: str, channel: str, within: timedelta) -> bool:
        """Whether an opt-out covering ``channel`` is in force and one was recorded within ``within``."""
        rows = session.execute(
            select(
                LedgerEvent.event,
                LedgerEvent.channel,
                LedgerEvent.purpose,
                LedgerEvent.method,
                LedgerEvent.occurred_at,
                LedgerEvent.recorded_at,
            )
            .where(LedgerEvent.subject_index == index)
            .order_by(LedgerEvent.id)
        ).all()
        opted = derive(LedgerFact(index, e, c, p, m, o) for e, c, p, m, o, _ in rows).opt_outs.get(index, set())
        if not (ALL_CHANNELS in opted or channel in opted):
            return False
        since = self._scope.clock() - within
        covering = (ALL_CHANNELS,) if channel == ALL_CHANNELS else (ALL_CHANNELS, channel)
        return any(e in OPT_OUT_EVENTS and c in covering and at >= since for e, c, _, _, _, at in rows)

    def opt_outs_by_day(self, since: datetime) -> dict[str, int]:
        """Opt-outs and objections that took effect on or after ``since``, counted per UTC day
        (``YYYY-MM-DD``); days without any are absent. Reads one column of the matching rows: the
        console's overview chart, not an export."""
        kinds = [e.value for e in OPT_OUT_EVENTS]
        stmt = select(LedgerEvent.occurred_at).where(LedgerEvent.event.in_(kinds), LedgerEvent.occurred_at >= since)
        counts: dict[str, int] = {}
        with self._scope.reading() as session:
            for at in session.scalars(stmt):
                day = at.astimezone(UTC).date().isoformat()
                counts[day] = counts.get(day, 0) + 1
        return counts

    def history(self, who: Subject) -> list[Event]:
        """The person's events in the order the ledger recorded them (the order state follows), decrypted."""
        index = self._scope.index(who.key)
        with self._scope.reading() as session:
            rows = list(
                session.scalars(select(LedgerEvent).where(LedgerEvent.subject_index == index).order_by(LedgerEvent.id))
            )
        return [_event(r, self._scope.unseal(seal_context(r.subject_index), r.sealed)) for r in rows]

    def facts_for(self, keys: Iterable[str | None]) -> list[LedgerFact]:
        """Every event of these subjects (normalised keys), in recording order, keyed by the keys given:
        one query on the subject's blind index, nothing decrypted."""
        wanted = sorted({k for k in keys if k})
        if not wanted:
            return []
        back = dict(zip(self._scope.indexes(wanted), wanted, strict=True))
        with self._scope.reading() as session:
            rows = session.execute(
                select(
                    LedgerEvent.subject_index,
                    LedgerEvent.event,
                    LedgerEvent.channel,
                    LedgerEvent.purpose,
                    LedgerEvent.method,
                    LedgerEvent.occurred_at,
                )
                .where(LedgerEvent.subject_index.in_(sorted(back)))
                .order_by(LedgerEvent.id)
            )
            return [
                LedgerFact(back[index], event, channel, purpose, method, occurred)
                for index, event, channel, purpose, method, occurred in rows
            ]

    def current(self, keys: Iterable[str | None]) -> DerivedLedger:
        """The derived state of these subjects, keyed by the normalised keys given."""
        return derive(self.facts_for(keys))
