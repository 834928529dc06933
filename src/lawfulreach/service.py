"""The one service API every front end calls: ``Lawfulreach`` (library, CLI, HTTP, batch).

All state lives on this object, built from validated settings; nothing global at import. The CLI and
the HTTP layer only parse input and call these methods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from lawfulreach.clock import utc_now
from lawfulreach.domain.engine import decide, explain
from lawfulreach.domain.extract import extract_facts
from lawfulreach.domain.facts import Facts
from lawfulreach.domain.model import Campaign, Decision, Request
from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.domain.state import InMemoryState, TenantState
from lawfulreach.domain.vocabulary import SubscriberPolicy
from lawfulreach.rules import default_rulebase


@dataclass
class Lawfulreach:
    """Decisions for one tenant: its rule base, its state, its policy and a clock."""

    rulebase: RuleBase = field(default_factory=default_rulebase)
    state: TenantState = field(default_factory=InMemoryState)
    subscriber_policy: SubscriberPolicy = SubscriberPolicy.REVIEW
    clock: Callable[[], datetime] = utc_now
    campaigns: dict[str, Campaign] = field(default_factory=dict)

    def facts(self, request: Request, now: datetime | None = None) -> Facts:
        return extract_facts(request, self.state, self.rulebase.overlays, now or self.clock(), self.subscriber_policy)

    def check(self, request: Request) -> Decision:
        """One decision (spec §1) for one request."""
        return decide(self.facts(request), self.rulebase)

    def check_many(self, requests: Iterable[Request]) -> Iterator[Decision]:
        now = self.clock()
        for request in requests:
            yield decide(self.facts(request, now), self.rulebase)

    def explain(self, request: Request) -> tuple[Facts, Decision, list[str]]:
        facts = self.facts(request)
        decision, trace = explain(facts, self.rulebase)
        return facts, decision, trace
