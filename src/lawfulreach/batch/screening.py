"""Screening a whole list: one decision cache per run, a callback per stage for progress bars.

The batch path's one entry point (``decide_frame``, a near-copy, was removed): ``lawfulreach screen``
calls it through ``service.Lawfulreach.screen``, and the property tests call it as shipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from lawfulreach.batch.frame import ChannelResult, contact_facts, decide_channel
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.facts import Facts
from lawfulreach.domain.model import Campaign, Decision
from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.domain.vocabulary import Channel, Source, SubscriberPolicy

DECISION_FIELDS = ("outcome", "jurisdiction", "basis", "reasons", "requirements", "regimes")


@dataclass
class ScreenResult:
    frame: pl.DataFrame
    channels: list[Channel]
    #: every distinct fact tuple met in the run, with its decision (the rules ran once for each)
    decisions: dict[Facts, Decision] = field(default_factory=dict)
    #: per phone channel: each row's phone status (valid / missing / mangled / invalid), for the summary
    phone_status: dict[str, pl.Series] = field(default_factory=dict)
    #: per channel: each row's fact tuple and each tuple's decision
    results: dict[Channel, ChannelResult] = field(default_factory=dict)
    #: the version of the rule base that decided (``RuleBase.version``), for the report and summary
    rulebase_version: str = ""

    def decision(self, channel: Channel, row: int) -> Decision:
        """The decision of one row (by position in the frame) on one channel."""
        result = self.results[channel]
        return result.decisions[int(result.tuple_ids[row])]

    def row_decisions(self, channel: Channel) -> list[Decision]:
        """Every row's decision on ``channel``, in row order (shared objects: one per fact tuple)."""
        result = self.results[channel]
        decisions = result.decisions
        return [decisions[i] for i in result.tuple_ids.to_list()]

    @property
    def decision_columns(self) -> list[str]:
        """The columns this run adds (``decision_columns`` of its channels)."""
        return decision_columns(self.channels)


def decision_columns(channels: Sequence[Channel]) -> list[str]:
    """Per channel: the decision, the number a phone channel decided on (``<channel>_phone``) and the
    list's own do-not-contact column(s) that opted the contact out (``<channel>_opted_out_by``) — the
    columns ``screen`` adds, known before any row is decided (the Spark path declares its schema with it)."""
    out: list[str] = []
    for ch in channels:
        out += [f"{ch.value}_{name}" for name in DECISION_FIELDS]
        if ch.uses_phone:
            out.append(f"{ch.value}_phone")
        out.append(f"{ch.value}_opted_out_by")
    return out


def screen_frame(
    contacts: pl.DataFrame,
    channels: Sequence[Channel],
    campaign: Campaign,
    rulebase: RuleBase,
    snapshot: BatchSnapshot,
    *,
    now: datetime,
    policy: SubscriberPolicy = SubscriberPolicy.REVIEW,
    default_source: Source = Source.THIRD_PARTY,
    on_stage: Callable[[str], object] | None = None,
    conformed: bool = False,
    cache: dict[Facts, Decision] | None = None,
) -> ScreenResult:
    """Decide every contact × channel of a frame; the rules run once per distinct fact tuple.

    The whole frame is processed at once (a million contacts take a few hundred MB); ``on_stage``
    is told when each stage finishes, for a progress bar: ``facts`` then one call per channel.
    ``conformed``: the frame comes from ``read_prospects`` (see ``contact_facts``). ``cache`` is the
    decision per fact tuple to start from and add to: a caller deciding one list in several frames
    (the Spark path, batch by batch within a partition) passes the same dict to decide each tuple once.
    """
    cache = {} if cache is None else cache
    enriched = contact_facts(contacts, snapshot, campaign, now.date(), rulebase, default_source, conformed=conformed)
    if on_stage is not None:
        on_stage("facts")
    columns = []
    statuses: dict[str, pl.Series] = {}
    results: dict[Channel, ChannelResult] = {}
    for ch in channels:
        result = results[ch] = decide_channel(enriched, ch, snapshot, campaign, rulebase, now, policy, cache)
        columns.extend(result.columns(ch.value))
        if result.phone_status is not None:
            statuses[ch.value] = result.phone_status
        if on_stage is not None:
            on_stage(ch.value)
    return ScreenResult(contacts.with_columns(columns), list(channels), cache, statuses, results, rulebase.version)
