"""``/v1/consents``, ``/v1/opt-outs`` and ``/v1/ledger/history``: the consent and opt-out ledger.

Every write is one committed ledger event: an opt-out recorded here decides the very next check.
Writes answer with the event's id and kind, never the address; reading a person's history (personal
data) is a separate permission that marketers do not have. The person is named in the body, never
in the URL.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from lawfulreach.api.deps import LedgerReader, LedgerWriter
from lawfulreach.api.schemas import (
    ConsentIn,
    ConsentStateOut,
    EventOut,
    LedgerOut,
    OptOutIn,
    RecordedOut,
    SubjectIn,
    WithdrawIn,
)
from lawfulreach.store.ledger import Event

router = APIRouter(tags=["ledger"])


def _recorded(e: Event) -> RecordedOut:
    return RecordedOut(id=e.id, event=e.event, channel=e.channel, occurred_at=e.occurred_at)


@router.post("/consents", summary="Record a consent", response_model=RecordedOut, status_code=status.HTTP_201_CREATED)
def record_consent(caller: LedgerWriter, body: ConsentIn) -> RecordedOut:
    """`given`, or `confirmed` when the double opt-in was completed, for one channel and purpose."""
    event = caller.workspace.ledger.record_consent(
        body.subject(),
        body.channel,
        body.purpose,
        body.method,
        confirmed=body.confirmed,
        wording=body.wording,
        source=body.source,
        at=body.occurred_at,
    )
    return _recorded(event)


@router.post(
    "/consents/withdraw",
    summary="Record a withdrawal of consent",
    response_model=RecordedOut,
    status_code=status.HTTP_201_CREATED,
)
def withdraw_consent(caller: LedgerWriter, body: WithdrawIn) -> RecordedOut:
    """A withdrawal also acts as an opt-out for its channel (spec §5)."""
    event = caller.workspace.ledger.withdraw(
        body.subject(), body.channel, body.purpose, source=body.source, at=body.occurred_at
    )
    return _recorded(event)


@router.post("/opt-outs", summary="Record an opt-out", response_model=RecordedOut, status_code=status.HTTP_201_CREATED)
def record_opt_out(caller: LedgerWriter, body: OptOutIn) -> RecordedOut:
    """For one channel or `all` (an objection to direct marketing covers every channel)."""
    event = caller.workspace.ledger.opt_out(
        body.subject(),
        body.channel,
        objection=body.objection,
        source=body.source,
        wording=body.wording,
        at=body.occurred_at,
    )
    return _recorded(event)


@router.post("/ledger/history", summary="A person's ledger", response_model=LedgerOut)
def ledger_history(caller: LedgerReader, body: SubjectIn) -> LedgerOut:
    """Every event of one person, oldest first, and the state derived from them."""
    who = body.subject()
    ledger = caller.workspace.ledger
    events = [
        EventOut(
            id=e.id,
            subject_kind=e.subject_kind,
            subject=e.subject_key,
            event=e.event,
            channel=e.channel,
            purpose=e.purpose,
            method=e.method,
            wording=e.wording,
            source=e.source,
            occurred_at=e.occurred_at,
            recorded_at=e.recorded_at,
        )
        for e in ledger.history(who)
    ]
    state = ledger.current([who.key])
    opted = sorted(state.opt_outs.get(who.key, set()))
    consents = [
        ConsentStateOut(channel=ch, purpose=purpose, status=rec.status.value, method=rec.method)
        for (_, ch, purpose), rec in sorted(state.consents.items())
    ]
    return LedgerOut(events=events, opted_out_of=opted, consents=consents)
