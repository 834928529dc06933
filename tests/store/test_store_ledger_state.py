"""How current consent and opt-out state is derived from the ledger (pure; no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lawfulreach.domain.state import InMemoryState
from lawfulreach.domain.vocabulary import Channel, ConsentStatus
from lawfulreach.store.ledger_state import CHANNELS, LedgerFact, derive

K = "jane@foo.com"


def state(*facts: LedgerFact) -> InMemoryState:
    return derive(facts).into(InMemoryState())


def consent(event: str, channel: str = "email", purpose: str = "marketing", method: str = "web_form") -> LedgerFact:
    return LedgerFact(K, event, channel, purpose, method)


def opt_out(channel: str = "all", event: str = "opt_out") -> LedgerFact:
    return LedgerFact(K, event, channel)


class TestConsent:
    """Latest event per subject × channel × purpose wins, with the readings documented in ledger_state."""

    def test_given_then_withdrawn_then_given(self) -> None:
        s = state(consent("given"), consent("withdrawn"))
        rec = s.consent_for(K, None, Channel.EMAIL, ["marketing"])
        assert rec is not None
        assert rec.status is ConsentStatus.WITHDRAWN
        assert s.is_opted_out(K, None, Channel.EMAIL)  # a withdrawal acts as an opt-out (spec §5)
        s = state(consent("given"), consent("withdrawn"), consent("given"))
        rec = s.consent_for(K, None, Channel.EMAIL, ["marketing"])
        assert rec is not None
        assert rec.status is ConsentStatus.GIVEN
        assert not s.is_opted_out(K, None, Channel.EMAIL)

    def test_confirmed_survives_a_later_single_opt_in(self) -> None:
        rec = state(consent("confirmed"), consent("given")).consent_for(K, None, Channel.EMAIL, ["marketing"])
        assert rec is not None
        assert rec.status is ConsentStatus.CONFIRMED

    def test_consent_is_per_channel_and_purpose(self) -> None:
        s = state(consent("given", "email", "newsletter"))
        assert s.consent_for(K, None, Channel.EMAIL, ["marketing"]) is None
        assert s.consent_for(K, None, Channel.SMS, ["newsletter"]) is None
        assert s.consent_for(K, None, Channel.EMAIL, ["newsletter"]) is not None

    def test_pre_ticked_never_replaces_real_state(self) -> None:
        s = state(consent("withdrawn"), consent("given", method="pre_ticked"))
        rec = s.consent_for(K, None, Channel.EMAIL, ["marketing"])
        assert rec is not None
        assert rec.status is ConsentStatus.WITHDRAWN
        s = state(consent("given", method="web_form"), consent("confirmed", method="pre-ticked"))
        rec = s.consent_for(K, None, Channel.EMAIL, ["marketing"])
        assert rec is not None
        assert (rec.status, rec.method) == (ConsentStatus.GIVEN, "web_form")

    def test_pre_ticked_alone_is_shown_so_the_decision_can_say_why(self) -> None:
        rec = state(consent("given", method="pre_ticked")).consent_for(K, None, Channel.EMAIL, ["marketing"])
        assert rec is not None
        assert rec.method == "pre_ticked"


class TestOptOut:
    def test_all_covers_every_channel(self) -> None:
        s = state(opt_out("all"))
        assert all(s.is_opted_out(K, None, c) for c in Channel)
        assert derive([opt_out("all")]).opt_outs == {K: {"all"}}

    def test_one_channel(self) -> None:
        s = state(opt_out("sms", "objection"))
        assert s.is_opted_out(K, None, Channel.SMS)
        assert not s.is_opted_out(K, None, Channel.EMAIL)

    def test_lifted_only_for_the_channel_of_a_later_explicit_consent(self) -> None:
        s = state(opt_out("all"), consent("given", "email"))
        assert not s.is_opted_out(K, None, Channel.EMAIL)
        assert all(s.is_opted_out(K, None, c) for c in Channel if c is not Channel.EMAIL)

    def test_earlier_consent_does_not_lift(self) -> None:
        assert state(consent("given"), opt_out("email")).is_opted_out(K, None, Channel.EMAIL)

    def test_pre_ticked_consent_does_not_lift(self) -> None:
        s = state(opt_out("email"), consent("given", method="pre_ticked"))
        assert s.is_opted_out(K, None, Channel.EMAIL)

    def test_a_given_after_confirmed_still_lifts_a_later_opt_out(self) -> None:
        s = state(consent("confirmed"), opt_out("email"), consent("given"))
        assert not s.is_opted_out(K, None, Channel.EMAIL)


_EVENTS = st.sampled_from(["given", "confirmed", "withdrawn", "opt_out", "objection"])
_CHANNELS = st.sampled_from([*CHANNELS, "all"])
_METHODS = st.sampled_from(["web_form", "pre_ticked", "verbal"])


@st.composite
def _facts(draw: st.DrawFn) -> list[LedgerFact]:
    out = []
    for _ in range(draw(st.integers(0, 12))):
        event = draw(_EVENTS)
        if event in ("opt_out", "objection"):
            out.append(LedgerFact(K, event, draw(_CHANNELS)))
        else:
            out.append(LedgerFact(K, event, draw(st.sampled_from(CHANNELS)), "marketing", draw(_METHODS)))
    return out


def _reference_opted_out(facts: list[LedgerFact], channel: str) -> bool:
    """The opt-out rule stated plainly: the last opt-out covering the channel stands unless a later
    explicit (not pre-ticked) consent for the channel lifts it; and a withdrawal that is the channel's
    latest effective consent event is an opt-out too."""
    covering = [i for i, f in enumerate(facts) if f.event in ("opt_out", "objection") and f.channel in (channel, "all")]
    explicit = [
        i
        for i, f in enumerate(facts)
        if f.channel == channel and f.event in ("given", "confirmed") and f.method != "pre_ticked"
    ]
    opted = bool(covering) and not any(i > covering[-1] for i in explicit)
    effective = [
        f
        for f in facts
        if f.channel == channel
        and f.event in ("given", "confirmed", "withdrawn")
        and (f.event == "withdrawn" or f.method != "pre_ticked")
    ]
    withdrawn = bool(effective) and effective[-1].event == "withdrawn"
    return opted or withdrawn


@settings(max_examples=300, deadline=None)
@given(_facts())
def test_opt_out_rule_matches_its_plain_statement(facts: list[LedgerFact]) -> None:
    s = state(*facts)
    for channel in CHANNELS:
        assert s.is_opted_out(K, None, Channel(channel)) == _reference_opted_out(facts, channel), channel


@settings(max_examples=300, deadline=None)
@given(_facts())
def test_pre_ticked_events_never_make_a_consent_valid(facts: list[LedgerFact]) -> None:
    without = [f for f in facts if not (f.method == "pre_ticked" and f.event in ("given", "confirmed"))]
    for channel in CHANNELS:
        rec = state(*facts).consent_for(K, None, Channel(channel), ["marketing"])
        ref = state(*without).consent_for(K, None, Channel(channel), ["marketing"])
        valid = (
            rec is not None
            and rec.status in (ConsentStatus.GIVEN, ConsentStatus.CONFIRMED)
            and rec.method != "pre_ticked"
        )
        assert valid == (ref is not None and ref.status in (ConsentStatus.GIVEN, ConsentStatus.CONFIRMED))


_T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
_TIMES = st.one_of(st.none(), st.integers(-10_000, 10_000).map(lambda m: _T0 + timedelta(minutes=m)))


@st.composite
def _dated_facts(draw: st.DrawFn) -> list[LedgerFact]:
    return [replace(f, occurred_at=draw(_TIMES)) for f in draw(_facts())]


@settings(max_examples=300, deadline=None)
@given(_dated_facts(), st.sampled_from([*CHANNELS, "all"]), _TIMES, st.sampled_from(["opt_out", "objection"]))
def test_an_opt_out_recorded_last_wins_whatever_the_dates(
    facts: list[LedgerFact], channel: str, at: datetime | None, event: str
) -> None:
    """Issue 10: state follows the order of recording; no claimed time lets an earlier consent
    outrank an opt-out recorded after it."""
    s = state(*facts, LedgerFact(K, event, channel, occurred_at=at))
    for c in CHANNELS if channel == "all" else (channel,):
        assert s.is_opted_out(K, None, Channel(c)), c


class TestClaimedTimes:
    def test_a_consent_claiming_the_future_is_still_outranked_by_a_later_opt_out(self) -> None:
        future = consent("confirmed")
        s = state(replace(future, occurred_at=_T0 + timedelta(days=3650)), replace(opt_out(), occurred_at=_T0))
        assert s.is_opted_out(K, None, Channel.EMAIL)

    def test_a_back_dated_consent_does_not_lift_a_later_claimed_opt_out(self) -> None:
        late = replace(opt_out("email"), occurred_at=_T0)
        assert state(late, replace(consent("given"), occurred_at=_T0 - timedelta(days=1))).is_opted_out(
            K, None, Channel.EMAIL
        )
        assert not state(late, replace(consent("given"), occurred_at=_T0)).is_opted_out(K, None, Channel.EMAIL)

    def test_a_back_dated_consent_does_not_undo_a_withdrawal(self) -> None:
        gone = replace(consent("withdrawn"), occurred_at=_T0)
        s = state(gone, replace(consent("confirmed"), occurred_at=_T0 - timedelta(hours=1)))
        rec = s.consent_for(K, None, Channel.EMAIL, ["marketing"])
        assert rec is not None
        assert rec.status is ConsentStatus.WITHDRAWN
        s = state(gone, replace(consent("confirmed"), occurred_at=_T0 + timedelta(hours=1)))
        rec = s.consent_for(K, None, Channel.EMAIL, ["marketing"])
        assert rec is not None
        assert rec.status is ConsentStatus.CONFIRMED
