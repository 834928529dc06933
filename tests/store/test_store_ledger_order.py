"""The ledger's state follows the order events were *recorded*, never the time a caller claims.

Issue 10, item 1: a consent dated a few minutes in the future (ordinary clock skew; any key that may
write the ledger can do it) outranked every later opt-out. The three readers of the ledger — a single
check (``Workspace.state()``), the API's one-statement look-up (``store.lookup``) and the batch
``screen`` snapshot — must all answer ``opted_out`` once an opt-out is recorded after a consent,
whatever dates the consent claims, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from sqlalchemy import update

from lawfulreach.batch.rows import request_from_row
from lawfulreach.domain.model import Campaign
from lawfulreach.domain.vocabulary import Channel, LiaStatus
from lawfulreach.errors import InputError
from lawfulreach.rules import default_rulebase
from lawfulreach.service import Lawfulreach
from lawfulreach.store import Subject, Workspace
from lawfulreach.store.lookup import ContactKeys, lookup_state
from lawfulreach.store.models import LedgerEvent
from lr_testkit import Clock

EMAIL = "jana@firma.de"
ROW = {"email": EMAIL, "name": "Jana Nowak", "company": "Firma GmbH", "country": "DE"}
CAMPAIGN = Campaign(lia=LiaStatus.PASSED)
JANA = Subject("email", EMAIL)


def outcomes(ws: Workspace, clock: Clock, channel: Channel = Channel.EMAIL) -> dict[str, tuple[str, list[str]]]:
    """(outcome, reason codes) of the same contact through each reader of the ledger."""
    rb = default_rulebase()
    request = request_from_row(ROW, channel, CAMPAIGN)
    single = Lawfulreach(rulebase=rb, state=ws.state(), clock=clock).check(request)
    lookup = lookup_state(ws.scope, [ContactKeys(EMAIL, "firma.de", None)])
    api = Lawfulreach(rulebase=rb, state=lookup.state_for(ContactKeys(EMAIL, "firma.de", None)), clock=clock)
    via_lookup = api.check(request)
    frame = pl.DataFrame([ROW], schema=dict.fromkeys(ROW, pl.String))
    batched = api.screen(frame, [channel], CAMPAIGN, ws.batch_snapshot()).decision(channel, 0)
    return {
        name: (d.outcome.value, sorted(r.code.value for r in d.reasons))
        for name, d in (("check", single), ("api", via_lookup), ("screen", batched))
    }


def blocked_everywhere(ws: Workspace, clock: Clock, channel: Channel = Channel.EMAIL) -> None:
    got = outcomes(ws, clock, channel)
    for name, (outcome, codes) in got.items():
        assert (outcome, "opted_out" in codes) == ("blocked", True), (name, got)


def allowed_everywhere(ws: Workspace, clock: Clock) -> None:
    got = outcomes(ws, clock)
    assert {o for o, _ in got.values()} == {"allowed"}, got


def test_an_opt_out_after_a_consent_dated_ahead_wins(ws: Workspace, clock: Clock) -> None:
    """The consent claims a time four minutes ahead (within the allowed skew); the opt-out is
    recorded after it, at the server's now, so it claims an *earlier* time. It still wins."""
    ws.ledger.record_consent(
        JANA, "email", "marketing", "web_form", confirmed=True, at=clock.now + timedelta(minutes=4)
    )
    allowed_everywhere(ws, clock)
    clock.advance(seconds=1)
    ws.ledger.opt_out(JANA)
    blocked_everywhere(ws, clock)


@pytest.mark.parametrize(
    "claimed",
    [
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(3000, 1, 1, tzinfo=UTC),
        datetime(2026, 11, 25, 12, 10, tzinfo=UTC),  # ten minutes ahead: "ordinary clock skew"
    ],
)
def test_events_stored_with_absurd_dates_cannot_outrank_a_later_opt_out(
    ws: Workspace, clock: Clock, claimed: datetime
) -> None:
    """Rows written before the skew check (or by hand) may carry any date: the order of recording
    decides anyway — for an opt-out, an all-channel objection and a withdrawal alike."""
    for channel in ("email", "sms"):
        ws.ledger.record_consent(JANA, channel, "marketing", "web_form", confirmed=True)
    with ws.scope.writing() as session:
        session.execute(update(LedgerEvent).values(occurred_at=claimed))
    allowed_everywhere(ws, clock)
    ws.ledger.withdraw(JANA, "sms")
    blocked_everywhere(ws, clock, Channel.SMS)
    ws.ledger.opt_out(JANA, objection=True)
    blocked_everywhere(ws, clock)


def test_a_consent_back_dated_before_an_opt_out_does_not_lift_it(ws: Workspace, clock: Clock) -> None:
    """Recorded later but claiming an earlier time (a CRM back-filling old sign-ups): history, not
    a new consent — the opt-out stays. A consent that is later on both counts still lifts it."""
    ws.ledger.opt_out(JANA, "email")
    ws.ledger.record_consent(JANA, "email", "marketing", "web_form", confirmed=True, at=clock.now - timedelta(days=30))
    blocked_everywhere(ws, clock)
    ws.ledger.withdraw(JANA, "sms")
    ws.ledger.record_consent(JANA, "sms", "marketing", "web_form", at=clock.now - timedelta(days=1))
    blocked_everywhere(ws, clock, Channel.SMS)
    clock.advance(minutes=1)
    ws.ledger.record_consent(JANA, "email", "marketing", "web_form", confirmed=True)
    allowed_everywhere(ws, clock)


@pytest.mark.parametrize(
    ("claimed", "message"),
    [
        ("5m1s", "in the future"),
        ("9999-12-31T23:59:59-14:00", "outside the range"),
        ("0001-01-01T00:00:00+14:00", "outside the range"),
        ("naive", "time zone"),
    ],
)
def test_writes_refuse_times_ahead_of_the_clock_and_unrepresentable_times(
    ws: Workspace, clock: Clock, claimed: str, message: str
) -> None:
    if claimed == "5m1s":
        at = clock.now + timedelta(minutes=5, seconds=1)
    elif claimed == "naive":
        at = datetime(2026, 11, 25, 12, 0)
    else:
        at = datetime.fromisoformat(claimed)
    writes: list[Callable[[], object]] = [
        lambda: ws.ledger.record_consent(JANA, "email", "marketing", "web_form", at=at),
        lambda: ws.ledger.withdraw(JANA, "email", at=at),
        lambda: ws.ledger.opt_out(JANA, at=at),
    ]
    for write in writes:
        with pytest.raises(InputError, match=message):
            write()
    assert ws.ledger.history(JANA) == []
    # Exactly the allowed skew is accepted (and stored in UTC).
    event = ws.ledger.opt_out(JANA, at=(clock.now + timedelta(minutes=5)).astimezone(UTC))
    assert event.occurred_at == clock.now + timedelta(minutes=5)


def test_the_allowed_skew_is_a_workspace_setting(open_ws: object, settings: object, clock: Clock) -> None:
    from dataclasses import replace

    from lawfulreach.store import WorkspaceSettings
    from lawfulreach.store.settings import parse_skew

    assert isinstance(settings, WorkspaceSettings)
    strict = Workspace.open(replace(settings, max_clock_skew=timedelta(0)), clock=clock)
    try:
        with pytest.raises(InputError, match="more than 0 s ahead"):
            strict.ledger.opt_out(JANA, at=clock.now + timedelta(seconds=1))
    finally:
        strict.close()
    env = {"LAWFULREACH_DATABASE_URL": settings.url, "LAWFULREACH_MAX_CLOCK_SKEW": "30"}
    assert WorkspaceSettings.resolve(environ=env).max_clock_skew == timedelta(seconds=30)
    assert WorkspaceSettings.resolve(environ={"LAWFULREACH_DATABASE_URL": settings.url}).max_clock_skew == timedelta(
        minutes=5
    )
    for bad in ("-1", "ten", "86401"):
        with pytest.raises(Exception, match="LAWFULREACH_MAX_CLOCK_SKEW"):
            parse_skew(bad)


def test_history_lists_events_in_the_order_recorded(ws: Workspace, clock: Clock) -> None:
    ws.ledger.record_consent(JANA, "email", "marketing", "web_form", at=clock.now + timedelta(minutes=3))
    ws.ledger.opt_out(JANA)
    assert [e.event for e in ws.ledger.history(JANA)] == ["given", "opt_out"]
