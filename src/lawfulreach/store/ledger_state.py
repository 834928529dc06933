"""Current consent and opt-out state, derived from the append-only ledger (never stored over it).

Pure functions: the store-backed ``TenantState`` (one subject's events) and the batch snapshot (every
event of a tenant) both call ``derive``, so single checks and screens read the ledger the same way.

Reading of the ledger (``docs/store.md`` explains it to users):

* Events are replayed in the order the ledger *recorded* them (the event id, which grows with every
  write: ledger writes are serialised per tenant), never in the order of the ``occurred_at`` a
  caller claims. A claimed time can be wrong (clock skew) or chosen; it must not decide what is in
  force. So an opt-out, objection or withdrawal recorded after a consent always wins, whatever time
  the consent claims.
* A consent recorded *later* lifts an opt-out or a withdrawal only if it also claims to have
  happened no earlier than that opt-out or withdrawal: a consent back-filled after an opt-out (a CRM
  sync of old sign-ups) describes the past and must not re-open a channel the person has closed
  since. Facts without a time (``occurred_at`` None) are ordered by recording alone.
* Consent is tracked per subject × channel × purpose. ``given`` and ``confirmed`` (double opt-in)
  grant it; ``withdrawn`` ends it, and the engine treats a withdrawal as an opt-out for that channel
  (spec §5). A later ``given``/``confirmed`` after a ``withdrawn`` restores consent.
* A ``given`` after a ``confirmed`` (with no withdrawal between) leaves it ``confirmed``: the address
  was verified once and a second sign-up does not un-verify it.
* ``method = pre_ticked`` is recorded but never counts: such an event never replaces a real consent or
  withdrawal and never lifts an opt-out. It shows in the state only when nothing else is on record,
  so a decision can say that the only consent came from a pre-ticked box.
* ``opt_out`` / ``objection`` apply to one channel or to ``all``; they have no purpose (an objection to
  direct marketing covers every purpose). They are lifted for a channel only by a later explicit
  (not pre-ticked) ``given``/``confirmed`` for that channel; an ``all`` opt-out followed by an email
  consent still blocks every other channel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from lawfulreach.domain.state import ALL_CHANNELS, ConsentRecord, InMemoryState
from lawfulreach.domain.vocabulary import Channel, ConsentStatus, LedgerEventKind

CHANNELS: tuple[str, ...] = tuple(c.value for c in Channel)
CONSENT_EVENTS = (LedgerEventKind.GIVEN, LedgerEventKind.CONFIRMED, LedgerEventKind.WITHDRAWN)
OPT_OUT_EVENTS = (LedgerEventKind.OPT_OUT, LedgerEventKind.OBJECTION)


def is_pre_ticked(method: str | None) -> bool:
    return (method or "").strip().lower().replace("-", "_").replace(" ", "_") == "pre_ticked"


@dataclass(frozen=True, slots=True)
class LedgerFact:
    """The part of a ledger event the derivation needs; facts must arrive in recording order (by
    event id), and ``occurred_at`` is the time the event claims (``None``: no claim)."""

    key: str
    event: str
    channel: str
    purpose: str | None = None
    method: str | None = None
    occurred_at: datetime | None = None


@dataclass
class DerivedLedger:
    #: subject key → channels opted out of (``{"all"}`` when every channel is blocked)
    opt_outs: dict[str, set[str]] = field(default_factory=dict)
    #: (subject key, channel, purpose) → current consent
    consents: dict[tuple[str, str, str], ConsentRecord] = field(default_factory=dict)

    def into(self, state: InMemoryState) -> InMemoryState:
        for key, channels in self.opt_outs.items():
            for channel in channels:
                state.opt_out(key, channel)
        for (key, _, _), record in self.consents.items():
            state.record_consent(key, record)
        return state


_STATUS: dict[str, ConsentStatus] = {
    LedgerEventKind.GIVEN: ConsentStatus.GIVEN,
    LedgerEventKind.CONFIRMED: ConsentStatus.CONFIRMED,
    LedgerEventKind.WITHDRAWN: ConsentStatus.WITHDRAWN,
}


def _next_consent(current: ConsentRecord | None, fact: LedgerFact, channel: Channel) -> ConsentRecord | None:
    """The consent after one event, or None to keep ``current`` unchanged."""
    status = _STATUS[fact.event]
    purpose = fact.purpose or ""
    if status is not ConsentStatus.WITHDRAWN and is_pre_ticked(fact.method):
        placeholder = current is None or (
            current.status is not ConsentStatus.WITHDRAWN and is_pre_ticked(current.method)
        )
        return ConsentRecord(status, channel, purpose, fact.method) if placeholder else None
    keeps_confirmed = current is not None and current.status is ConsentStatus.CONFIRMED
    if status is ConsentStatus.GIVEN and keeps_confirmed and current is not None and not is_pre_ticked(current.method):
        return None
    return ConsentRecord(status, channel, purpose, fact.method)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    """The later of two claimed times (an unknown one counts as the earliest)."""
    if a is None or b is None:
        return b if a is None else a
    return max(a, b)


def _not_before(claimed: datetime | None, bar: datetime | None) -> bool:
    """Whether an event claiming ``claimed`` may undo a restriction that claims ``bar``."""
    return claimed is None or bar is None or claimed >= bar


def derive(facts: Iterable[LedgerFact]) -> DerivedLedger:
    """The current state after ``facts``, which must come in recording order (see the module)."""
    # subject key → channel → the latest time claimed by an opt-out covering it
    blocked: dict[str, dict[str, datetime | None]] = {}
    consents: dict[tuple[str, str, str], ConsentRecord] = {}
    # consent slot → the latest time claimed by a withdrawal in it
    withdrawn_at: dict[tuple[str, str, str], datetime | None] = {}
    for fact in facts:
        if fact.event in OPT_OUT_EVENTS:
            chans = blocked.setdefault(fact.key, {})
            for ch in CHANNELS if fact.channel == ALL_CHANNELS else (fact.channel,):
                chans[ch] = _latest(chans[ch], fact.occurred_at) if ch in chans else fact.occurred_at
            continue
        if fact.event not in CONSENT_EVENTS or fact.channel not in CHANNELS:
            continue
        channel = Channel(fact.channel)
        slot = (fact.key, fact.channel, fact.purpose or "")
        if fact.event == LedgerEventKind.WITHDRAWN:
            withdrawn_at[slot] = (
                _latest(withdrawn_at[slot], fact.occurred_at) if slot in withdrawn_at else fact.occurred_at
            )
        elif slot in withdrawn_at and not _not_before(fact.occurred_at, withdrawn_at[slot]):
            continue  # a consent claiming a time before the withdrawal: history, not the current state
        record = _next_consent(consents.get(slot), fact, channel)
        if record is not None:
            consents[slot] = record
        if fact.event != LedgerEventKind.WITHDRAWN and not is_pre_ticked(fact.method):
            chans = blocked.get(fact.key, {})
            if fact.channel in chans and _not_before(fact.occurred_at, chans[fact.channel]):
                del chans[fact.channel]
    opt_outs = {
        key: ({ALL_CHANNELS} if chans.keys() >= set(CHANNELS) else set(chans))
        for key, chans in blocked.items()
        if chans
    }
    return DerivedLedger(opt_outs, consents)
