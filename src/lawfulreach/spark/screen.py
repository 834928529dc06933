"""``screen_dataframe``: a Spark DataFrame screened by the batch path, partition by partition.

Nothing here decides. Each partition's Arrow batches become Polars frames and go through exactly the
code ``lawfulreach screen`` runs — ``batch.reader.prospects_from_table`` (columns recognised, flags and
vocabularies checked, unreadable rows rejected) then ``batch.screening.screen_frame`` — against the
tenant's state shipped once to every executor as a broadcast ``BatchSnapshot``. One decision cache
per partition: each distinct fact tuple is decided once per partition, as ``screen`` decides it once
per file.

The result is the input DataFrame, every column unchanged and in order, plus the columns ``screen``
adds per channel (``<channel>_outcome``, ``_jurisdiction``, ``_basis``, ``_reasons``,
``_requirements``, ``_regimes``, ``_phone`` for phone channels, ``_opted_out_by``) and
``screen_error``. A row the reader cannot read (a country, flag or date it cannot read: spec §6) is
never dropped and never decided: its decision columns are null and ``screen_error`` says what could
not be read (input column and value). Filtering on ``<channel>_outcome = 'allowed'`` can therefore
never let such a row through.

The snapshot carries the tenant's index key (contacts are matched by keyed blind index, so the
executors must compute it). On a cluster, turn on Spark's RPC and I/O encryption
(``spark.network.crypto.enabled``, ``spark.io.encryption.enabled``): see docs/spark.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

from lawfulreach.batch.columns import resolve_columns
from lawfulreach.batch.output import added_names
from lawfulreach.batch.reader import frame_table, prospects_from_table
from lawfulreach.batch.screening import decision_columns, screen_frame
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.facts import Facts
from lawfulreach.domain.model import Campaign, Decision
from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.domain.vocabulary import Channel, Source, SubscriberPolicy

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

#: the column naming what could not be read in a row that was therefore not decided
ERROR_COLUMN = "screen_error"


@dataclass(frozen=True)
class ScreenJob:
    """Everything an executor needs, shipped once as a broadcast: the campaign, the rule base, the
    tenant's state, the instant the decisions are made at (the same for every partition) and how
    the input's columns map to the contact's fields."""

    campaign: Campaign
    rulebase: RuleBase
    snapshot: BatchSnapshot
    channels: tuple[Channel, ...]
    now: datetime
    policy: SubscriberPolicy
    default_source: Source
    preset: str
    mapping: dict[str, str] | None
    #: {column screen adds: its name in the output} (renamed only when the input already has it)
    names: dict[str, str]
    #: the column in which Spark's CSV reader puts a row it could not parse (PERMISSIVE mode): such a
    #: row is not decided, and the column is not in the output
    malformed_column: str | None = None


MALFORMED = "not a well-formed CSV row (a missing or extra field, or an unclosed quote)"


class PartitionScreener:
    """The function ``mapInArrow`` runs on each partition (a class, so that it pickles by reference
    and holds only the broadcast handle, not the snapshot itself)."""

    def __init__(self, job: Any) -> None:
        self._job = job  # a pyspark Broadcast[ScreenJob] (or a ScreenJob, in tests)

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        job: ScreenJob = getattr(self._job, "value", self._job)
        cache: dict[Facts, Decision] = {}
        pending: list[pa.RecordBatch] = []
        rows = 0
        for batch in batches:
            if batch.num_rows:
                pending.append(batch)
                rows += batch.num_rows
            if rows >= CHUNK_ROWS:
                yield from _screen_chunk(pending, job, cache)
                pending, rows = [], 0
        if rows:
            yield from _screen_chunk(pending, job, cache)


#: rows screened at once: Spark hands Arrow batches of 10,000 rows, and each call of the batch path has a
#: fixed cost (joins against the snapshot, per-distinct-value work); measured on 200,000 generated rows
#: with a 60,000-entry exclusion list: 17.9 s in 10,000-row calls, 5.5 s in one call (3.3x)
CHUNK_ROWS = 250_000


def _screen_chunk(
    batches: list[pa.RecordBatch], job: ScreenJob, cache: dict[Facts, Decision]
) -> Iterator[pa.RecordBatch]:
    whole = pa.Table.from_batches(batches).combine_chunks().to_batches()
    for batch in whole:
        yield screen_batch(batch, job, cache)


def screen_batch(batch: pa.RecordBatch, job: ScreenJob, cache: dict[Facts, Decision]) -> pa.RecordBatch:
    """One Arrow batch: its columns unchanged, then the decision columns and ``screen_error``."""
    source = pa.Table.from_batches([batch])
    malformed: pl.Series | None = None
    if job.malformed_column is not None:
        malformed = pl.Series(source.column(job.malformed_column).is_valid().to_pylist(), dtype=pl.Boolean)
        source = source.drop_columns([job.malformed_column])
    original = pl.from_arrow(source)
    assert isinstance(original, pl.DataFrame)
    positions = pl.Series("line", range(1, original.height + 1), dtype=pl.Int64)
    readable, lines = original, positions
    if malformed is not None and malformed.any():
        readable, lines = original.filter(~malformed), positions.filter(~malformed)
    file = prospects_from_table(frame_table(readable, lines), job.preset, job.mapping)
    added = decision_columns(job.channels)
    result = screen_frame(
        file.frame,
        job.channels,
        job.campaign,
        job.rulebase,
        job.snapshot,
        now=job.now,
        policy=job.policy,
        default_source=job.default_source,
        conformed=True,
        cache=cache,
    )
    decided = result.frame.select(["line", *added])
    rejects = file.rejects.select("line", "error")
    if malformed is not None and malformed.any():
        broken = positions.filter(malformed).to_frame().with_columns(pl.lit(MALFORMED).alias("error"))
        rejects = pl.concat([rejects, broken])
    errors = rejects.group_by("line").agg(pl.col("error").str.join("; ").alias(ERROR_COLUMN))
    rows = (
        positions.to_frame()
        .join(decided, on="line", how="left")
        .join(errors, on="line", how="left")
        .sort("line")
        .drop("line")
        .with_columns(pl.col(c).cast(pl.String) for c in [*added, ERROR_COLUMN])
        .rename(job.names)
    )
    out = source
    for name, column in zip(rows.columns, rows.to_arrow().columns, strict=True):
        out = out.append_column(name, column.cast(pa.string()))
    combined = out.combine_chunks().to_batches()
    return combined[0] if combined else pa.RecordBatch.from_pylist([], schema=out.schema)


def screen_dataframe(
    df: DataFrame,
    campaign: Campaign,
    snapshot: BatchSnapshot,
    channels: Sequence[Channel],
    *,
    rulebase: RuleBase | None = None,
    now: datetime | None = None,
    policy: SubscriberPolicy = SubscriberPolicy.REVIEW,
    default_source: Source = Source.THIRD_PARTY,
    preset: str = "auto",
    mapping: dict[str, str] | None = None,
    malformed_column: str | None = None,
) -> DataFrame:
    """``df`` with the decision columns of ``channels`` added, every row decided as ``screen`` would.

    The columns are recognised on the driver first, so a DataFrame with no email or phone column
    fails at once (``InputError``), before any task runs. ``now`` (default: the driver's clock) is the
    one instant every partition decides at. ``malformed_column``: the column Spark's CSV reader fills
    for a row it could not parse (``columnNameOfCorruptRecord``); such rows get ``screen_error``.
    Lazy, like any Spark transformation: nothing runs until the result is written or collected."""
    from pyspark.sql.types import StringType, StructField, StructType

    from lawfulreach.rules import load_rulebase

    kept = [f for f in df.schema.fields if f.name != malformed_column]
    columns = [f.name for f in kept]
    resolve_columns(columns, preset, mapping)  # raises InputError naming what is missing
    chans = tuple(channels)
    added = [*decision_columns(chans), ERROR_COLUMN]
    names = added_names(columns, added)
    job = ScreenJob(
        campaign=campaign,
        rulebase=rulebase or load_rulebase(),
        snapshot=snapshot,
        channels=chans,
        now=now or datetime.now(UTC),
        policy=policy,
        default_source=default_source,
        preset=preset,
        mapping=mapping,
        names={k: v for k, v in names.items() if k != v},
        malformed_column=malformed_column,
    )
    broadcast = df.sparkSession.sparkContext.broadcast(job)
    schema = StructType([*kept, *(StructField(names[c], StringType(), True) for c in added)])
    return df.mapInArrow(PartitionScreener(broadcast), schema)


__all__ = ["ERROR_COLUMN", "PartitionScreener", "ScreenJob", "decision_columns", "screen_batch", "screen_dataframe"]
