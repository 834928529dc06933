"""The one decision path every front end calls: ``Lawfulreach`` (library, CLI, HTTP, batch).

All state lives on this object, built from validated settings; nothing global at import. The CLI and
the HTTP layer only parse input and call these methods:

- ``decide(requests)`` (and its one-request form ``check``): facts per request over the tenant's state
  (or a state per request, as the API reads them in bulk), one clock reading for all, the engine run
  once per distinct fact tuple — a list repeats the same facts many times and a decision is a pure
  function of them — what ``lawfulreach check`` and ``POST /v1/check[/batch]`` use;
- ``screen(frame)``: the batch path (``batch.screening.screen_frame``) over a snapshot of the tenant's
  state — what ``lawfulreach screen`` uses.

Every decision comes back stamped with what a record of it needs (``Decision.stamped``): the rule
base's version, the clock reading it was made at and the stored campaign (id, version) it was made
for — and is handed to each ``DecisionSink`` (none by default), the seam evidence records will use,
as datasette's ``track_event`` hands events to plugins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from lawfulreach.clock import utc_now
from lawfulreach.domain.engine import decide, explain
from lawfulreach.domain.extract import extract_facts
from lawfulreach.domain.facts import Facts
from lawfulreach.domain.model import Campaign, Decision, Request
from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.domain.state import ContactStates, InMemoryState, TenantState
from lawfulreach.domain.vocabulary import Channel, Source, SubscriberPolicy
from lawfulreach.rules import default_rulebase

if TYPE_CHECKING:  # the batch path needs polars; a single check never imports it
    import polars as pl

    from lawfulreach.batch.screening import ScreenResult
    from lawfulreach.batch.snapshot import BatchSnapshot

__all__ = ["DecisionSink", "Lawfulreach", "RecordingSink", "utc_now"]


class DecisionSink(Protocol):
    """Receives every decision the service makes, in the order made (per call: the requests' order;
    for a screened frame: one call per channel, row order). Must not change them."""

    def record(self, decisions: Sequence[Decision]) -> None: ...


@runtime_checkable
class RecordingSink(DecisionSink, Protocol):
    """A sink that needs to know *whom* each decision was about — an evidence record
    (``commands.evidence.EvidenceRecorder``) — and takes a screened frame whole.

    The service hands such a sink ``record_requests`` (each request beside its decision) instead of
    ``record``, and ``record_frame`` (the batch result: per channel the fact-tuple id, the key decided
    on and the line of every row) instead of one ``record`` per channel: expanding a million rows
    into ``Decision`` references only to pack them again would cost more than the recording itself."""

    def record_requests(self, requests: Sequence[Request], decisions: Sequence[Decision]) -> None: ...

    def record_frame(self, result: ScreenResult) -> None: ...


@dataclass
class Lawfulreach:
    """Decisions for one tenant: its rule base, its state, its policy, a clock and the sinks."""

    rulebase: RuleBase = field(default_factory=default_rulebase)
    state: TenantState = field(default_factory=InMemoryState)
    subscriber_policy: SubscriberPolicy = SubscriberPolicy.REVIEW
    clock: Callable[[], datetime] = utc_now
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    sinks: Sequence[DecisionSink] = ()

    def facts(self, request: Request, now: datetime | None = None, state: TenantState | None = None) -> Facts:
        return extract_facts(
            request,
            self.state if state is None else state,
            self.rulebase.overlays,
            now or self.clock(),
            self.subscriber_policy,
        )

    def check(self, request: Request) -> Decision:
        """One decision (spec §1) for one request."""
        return self.decide([request])[0]

    def check_many(self, requests: Iterable[Request]) -> list[Decision]:
        return self.decide(list(requests))

    def decide(
        self,
        requests: Sequence[Request],
        *,
        states: Sequence[TenantState] | None = None,
        now: datetime | None = None,
    ) -> list[Decision]:
        """Each request decided, in order, with one clock reading for all.

        ``states``: the tenant state of each request's contact (the API reads them all with one
        statement); else the service's own ``state``, asked for every request's share at once when
        it can (``ContactStates``: the workspace's), so each call reads one consistent snapshot.
        The engine runs once per distinct fact tuple (and campaign, whose id and version the
        decision carries)."""
        if not requests:
            return []
        now = now or self.clock()
        rulebase = self.rulebase
        version = rulebase.version
        if states is not None:
            per_request = states
        elif isinstance(self.state, ContactStates):
            per_request = self.state.states_for(requests)
        else:
            per_request = [self.state] * len(requests)
        cache: dict[tuple[Facts, str | None, str | None], Decision] = {}
        out = []
        for request, state in zip(requests, per_request, strict=True):
            campaign = request.campaign
            key = (self.facts(request, now, state), campaign.id, campaign.version)
            decision = cache.get(key)
            if decision is None:
                decision = cache[key] = decide(key[0], rulebase).stamped(version, now, campaign)
            out.append(decision)
        for sink in self.sinks:
            if isinstance(sink, RecordingSink):
                sink.record_requests(requests, out)
            else:
                sink.record(out)
        return out

    def screen(
        self,
        contacts: pl.DataFrame,
        channels: Sequence[Channel],
        campaign: Campaign,
        snapshot: BatchSnapshot,
        *,
        now: datetime | None = None,
        default_source: Source = Source.THIRD_PARTY,
        on_stage: Callable[[str], object] | None = None,
        conformed: bool = False,
    ) -> ScreenResult:
        """Every contact × channel of a frame decided on the batch path, against ``snapshot`` (the
        tenant's state as frames, read once). See ``batch.screening.screen_frame``."""
        from lawfulreach.batch.screening import screen_frame

        result = screen_frame(
            contacts,
            channels,
            campaign,
            self.rulebase,
            snapshot,
            now=now or self.clock(),
            policy=self.subscriber_policy,
            default_source=default_source,
            on_stage=on_stage,
            conformed=conformed,
        )
        plain = [s for s in self.sinks if not isinstance(s, RecordingSink)]
        for channel in result.channels if plain else ():
            rows = result.row_decisions(channel)
            for sink in plain:
                sink.record(rows)
        for sink in self.sinks:
            if isinstance(sink, RecordingSink):
                sink.record_frame(result)
        return result

    def with_sink(self, sink: DecisionSink) -> Lawfulreach:
        """This service with one more sink (for one call: a recorded run)."""
        return replace(self, sinks=(*self.sinks, sink))

    def explain(self, request: Request) -> tuple[Facts, Decision, list[str]]:
        now = self.clock()
        facts = self.facts(request, now)
        decision, trace = explain(facts, self.rulebase)
        return facts, decision.stamped(self.rulebase.version, now, request.campaign), trace
