"""Screening a whole list in chunks: bounded memory, a progress callback, one decision cache per run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from lawfulreach.batch.frame import decide_frame
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.facts import Facts
from lawfulreach.domain.model import Campaign, Decision
from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.domain.vocabulary import Channel, Source, SubscriberPolicy

DECISION_FIELDS = ("outcome", "jurisdiction", "basis", "reasons", "requirements", "regimes")
CHUNK_ROWS = 250_000


@dataclass
class ScreenResult:
    frame: pl.DataFrame
    channels: list[Channel]
    #: every distinct fact tuple met in the run, with its decision (the rules ran once for each)
    decisions: dict[Facts, Decision] = field(default_factory=dict)

    @property
    def decision_columns(self) -> list[str]:
        return [f"{ch.value}_{name}" for ch in self.channels for name in DECISION_FIELDS]


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
    on_progress: Callable[[int], object] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> ScreenResult:
    """Decide every contact × channel of a frame; the rules run once per distinct fact tuple."""
    cache: dict[Facts, Decision] = {}
    parts = []
    for start in range(0, max(contacts.height, 1), chunk_rows):
        chunk = contacts.slice(start, chunk_rows)
        decided, _ = decide_frame(chunk, channels, campaign, rulebase, snapshot, now, policy, default_source, cache)
        parts.append(decided)
        if on_progress is not None:
            on_progress(chunk.height)
    return ScreenResult(pl.concat(parts) if parts else contacts, list(channels), cache)
