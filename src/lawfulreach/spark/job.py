"""``lawfulreach screen --engine spark``: a file or directory screened on Spark into a Parquet directory.

The orchestration the CLI calls: the campaign resolved as ``screen`` resolves it (a stored campaign's
id or a campaign file), the tenant's state read once into a ``BatchSnapshot`` and broadcast, the input
read by Spark (Parquet, or CSV with a header), ``screen_dataframe``, the result written as Parquet,
then one aggregation for the counts the CLI prints.

CSV is read as text (every column a string, as ``screen`` reads it) in Spark's PERMISSIVE mode with a
column for the rows it cannot parse: such a row is reported in ``screen_error`` and never decided,
where the default would silently fill missing fields with nulls. A quoted value spanning lines is
therefore reported too (Spark splits large CSV files by line): use Parquet for such lists.

Output files hold personal data: the part files of a local run are made 0600 (and the umask is 077
while a Spark JVM is started here); on a cluster, the storage's own permissions apply (docs/spark.md).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lawfulreach.batch.output import added_names
from lawfulreach.commands.campaigns import resolve_campaign
from lawfulreach.commands.session import Session
from lawfulreach.domain.model import Campaign
from lawfulreach.domain.vocabulary import Channel, Source
from lawfulreach.errors import InputError
from lawfulreach.spark.screen import ERROR_COLUMN, decision_columns, screen_dataframe

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: the column Spark's CSV reader fills for a row it cannot parse (never a real export's header)
MALFORMED_COLUMN = "_lawfulreach_malformed_row"


@dataclass
class SparkRun:
    """What a Spark screening did: where the results are and the counts the CLI prints."""

    out: Path
    rows: int
    rejected: int
    channels: list[Channel]
    campaign: Campaign
    rulebase_version: str
    #: {channel: {outcome: rows}}
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)


def spark_session(master: str = "local[*]", app: str = "lawfulreach screen") -> SparkSession:
    """A Spark session on ``master``; a local one runs its Python workers with this interpreter (the
    one lawfulreach is installed in), not whatever ``python3`` is first on the PATH."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName(app).config("spark.ui.enabled", "false")
    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.sql.shuffle.partitions", "8")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _first_file(path: Path) -> Path:
    """``path`` itself, or the first data file of a directory of parts (Spark's ``_SUCCESS`` and
    ``.crc`` files skipped); ``InputError`` when there is none."""
    if path.is_file():
        return path
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.name[0] not in "._")
    if not files:
        raise InputError(f"{path}: no input file found")
    return files[0]


def _kind(first: Path, path: Path) -> str:
    with first.open("rb") as fh:
        head = fh.read(4)
    if head == b"PAR1":
        return "parquet"
    if head.startswith(b"PK"):
        raise InputError(f"{path}: an Excel workbook; the Spark engine reads Parquet or CSV (use `screen` for .xlsx)")
    return "csv"


def _separator(first: Path) -> str:
    with first.open("r", encoding="utf-8-sig", errors="replace") as fh:
        header = fh.readline()
    return max((",", ";", "\t", "|"), key=header.count)


def read_input(spark: SparkSession, path: Path) -> tuple[DataFrame, str | None]:
    """(the input as a DataFrame, the malformed-row column for CSV); ``InputError`` when unreadable."""
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    first = _first_file(path)
    if _kind(first, path) == "parquet":
        return spark.read.parquet(str(path)), None
    from pyspark.sql.types import StringType, StructField, StructType

    options: dict[str, bool | str] = {
        "header": True,
        "sep": _separator(first),
        "encoding": "UTF-8",
        "enforceSchema": False,
    }
    header = spark.read.options(**options).csv(str(path))  # all columns strings (no inferSchema)
    duplicate = sorted({c for c in header.columns if header.columns.count(c) > 1})
    if duplicate:
        raise InputError(f"{path}: the header repeats {', '.join(duplicate)}; rename them so no column is lost")
    schema = StructType([*header.schema.fields, StructField(MALFORMED_COLUMN, StringType(), True)])
    frame = spark.read.options(**options, mode="PERMISSIVE", columnNameOfCorruptRecord=MALFORMED_COLUMN).csv(
        str(path), schema=schema
    )
    return frame, MALFORMED_COLUMN


@contextmanager
def _private_files() -> Iterator[None]:
    """Umask 077 while Spark starts and writes: a JVM launched here inherits it."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _restrict(out: Path) -> None:
    """Every file of a local results directory 0600 and every directory 0700, whatever umask the
    Spark JVM was started with (a session started earlier keeps its own)."""
    for path in [out, *out.rglob("*")]:
        path.chmod(0o700 if path.is_dir() else 0o600)


def screen_on_spark(
    session: Session,
    prospects: Path,
    campaign_ref: str,
    out: Path,
    *,
    channels: Sequence[Channel] = (Channel.EMAIL, Channel.CALL),
    master: str = "local[*]",
    preset: str = "auto",
    mapping: dict[str, str] | None = None,
    source: Source = Source.THIRD_PARTY,
    spark: SparkSession | None = None,
) -> SparkRun:
    """Screen ``prospects`` (a file or a directory of Parquet or CSV parts) into the Parquet directory
    ``out``, which must not exist (a run never overwrites results or its input)."""
    from pyspark.sql import functions as sf

    if out.exists():
        raise InputError(f"--out {out} already exists; give a new directory (results are never overwritten)")
    if out.resolve() == prospects.resolve() or prospects.resolve() in out.resolve().parents:
        raise InputError(f"--out {out} is the input or inside it")
    campaign = resolve_campaign(campaign_ref, session)[0]
    service = session.service()
    snapshot = session.batch_snapshot()
    with _private_files():
        spark = spark or spark_session(master)
        frame, malformed = read_input(spark, prospects)
        screened = screen_dataframe(
            frame,
            campaign,
            snapshot,
            list(channels),
            rulebase=service.rulebase,
            now=service.clock(),
            policy=service.subscriber_policy,
            default_source=source,
            preset=preset,
            mapping=mapping,
            malformed_column=malformed,
        )
        screened.write.parquet(str(out))
    _restrict(out)
    names = added_names([c for c in frame.columns if c != malformed], [*decision_columns(channels), ERROR_COLUMN])
    written = spark.read.parquet(str(out))
    outcome_columns = [names[f"{c.value}_outcome"] for c in channels]
    is_rejected = sf.col(names[ERROR_COLUMN]).isNotNull().alias("rejected")
    grouped = written.groupBy(*outcome_columns, is_rejected).count().collect()
    outcomes: dict[str, dict[str, int]] = {c.value: {} for c in channels}
    rows = rejected = 0
    for row in grouped:
        n = int(row["count"])
        rows += n
        if row["rejected"]:
            rejected += n
            continue
        for c, column in zip(channels, outcome_columns, strict=True):
            per = outcomes[c.value]
            per[row[column]] = per.get(row[column], 0) + n
    return SparkRun(out, rows, rejected, list(channels), campaign, service.rulebase.version, outcomes)


__all__ = ["MALFORMED_COLUMN", "SparkRun", "read_input", "screen_on_spark", "spark_session"]
