"""Screening a whole list: one decision cache per run, a callback per stage for progress bars."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from lawfulreach.batch.frame import contact_facts, decide_channel
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

    @property
    def decision_columns(self) -> list[str]:
        """Per channel: the decision, the number a phone channel decided on (``<channel>_phone``) and
        the list's own do-not-contact column(s) that opted the contact out (``<channel>_opted_out_by``)."""
        out = []
        for ch in self.channels:
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
) -> ScreenResult:
    """Decide every contact × channel of a frame; the rules run once per distinct fact tuple.

    The whole frame is processed at once (a million contacts take a few hundred MB); ``on_stage``
    is told when each stage finishes, for a progress bar: ``facts`` then one call per channel.
    ``conformed``: the frame comes from ``read_prospects`` (see ``contact_facts``).
    """
    cache: dict[Facts, Decision] = {}
    enriched = contact_facts(contacts, snapshot, campaign, now.date(), rulebase, default_source, conformed=conformed)
    if on_stage is not None:
        on_stage("facts")
    columns = []
    statuses: dict[str, pl.Series] = {}
    for ch in channels:
        result = decide_channel(enriched, ch, snapshot, campaign, rulebase, now, policy, cache)
        columns.extend(result.columns(ch.value))
        if result.phone_status is not None:
            statuses[ch.value] = result.phone_status
        if on_stage is not None:
            on_stage(ch.value)
    return ScreenResult(contacts.with_columns(columns), list(channels), cache, statuses)
