"""Benchmark: screening on Spark (local mode) against ``screen`` on the same rows, with the I/O floor.

    python bench/spark.py --rows 10000000 [--master local[2]] [--parts 16] [--local-rows 1000000]

Generates ``--rows`` synthetic prospects (the bundled generator: every country, email + phone) as
``--parts`` Parquet files, then measures in one run:

* floor: Polars reading the Parquet parts and writing them back (the I/O no screening avoids);
* ``screen`` (this process, Polars): read, decide email + call, write, on the first ``--local-rows``
  rows (a 10M-row frame does not fit comfortably beside Spark on a laptop; rows/s is what compares);
* Spark: ``screen_dataframe`` over all the parts on ``--master``, written as Parquet — rows/s, and
  rows/s per core, the figure docs/spark.md sizes a cluster from.

The tenant state is a 60,000-entry exclusion list and a 100,000-number register, as in the issue.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from lawfulreach.batch.reader import read_prospects
from lawfulreach.batch.screening import screen_frame
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.model import Campaign
from lawfulreach.domain.state import InMemoryState, RegisterInfo
from lawfulreach.domain.vocabulary import Channel, LiaStatus
from lawfulreach.rules import default_rulebase
from lawfulreach.sample.generator import generate_prospects

NOW = datetime(2026, 11, 25, tzinfo=UTC)
CAMPAIGN = Campaign(
    name="bench", legal_entity="Northwind Analytics Ltd", products=("analytics software",), lia=LiaStatus.PASSED
)
CHANNELS = [Channel.EMAIL, Channel.CALL]


def snapshot() -> BatchSnapshot:
    rng = random.Random(7)
    state = InMemoryState(secret_key=b"b" * 32)
    state.suppressed_emails.update(f"user{i}@supp{rng.randrange(10**6)}.example.com" for i in range(60_000))
    state.load_register(
        RegisterInfo("GB", "TPS", NOW - timedelta(days=3)), [f"+4477009{i:05d}" for i in range(100_000)]
    )
    return BatchSnapshot.from_memory(state)


def write_parts(rows: int, parts: int, directory: Path) -> None:
    per = -(-rows // parts)
    for i in range(parts):
        n = min(per, rows - i * per)
        if n > 0:
            generate_prospects(n, seed=i).write_parquet(directory / f"part-{i:04d}.parquet")


def timed(label: str, rows: int, fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"{label:<44} {rows:>12,} rows {seconds:8.2f} s {rows / seconds:>12,.0f} rows/s", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--parts", type=int, default=16)
    parser.add_argument("--local-rows", type=int, default=1_000_000)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from lawfulreach.spark import screen_dataframe
    from lawfulreach.spark.job import spark_session

    work = Path(tempfile.mkdtemp(prefix="lawfulreach-bench-spark-"))
    try:
        source = work / "in"
        source.mkdir()
        print(f"generating {args.rows:,} prospects in {args.parts} Parquet parts...", flush=True)
        write_parts(args.rows, args.parts, source)
        snap = snapshot()
        rulebase = default_rulebase()

        def floor() -> None:
            pl.scan_parquet(source / "*.parquet").sink_parquet(work / "floor.parquet")

        floor_s = timed("floor: Polars read + write Parquet", args.rows, floor)

        local_rows = min(args.local_rows, args.rows)
        sample = work / "local-in.parquet"
        pl.scan_parquet(source / "*.parquet").head(local_rows).sink_parquet(sample)

        def local() -> None:
            file = read_prospects(sample)
            result = screen_frame(file.frame, CHANNELS, CAMPAIGN, rulebase, snap, now=NOW, conformed=True)
            pl.concat([file.raw, result.frame.select(result.decision_columns)], how="horizontal").write_parquet(
                work / "local-out.parquet"
            )

        local_s = timed("screen (Polars, this process)", local_rows, local)

        spark = spark_session(args.master, app="lawfulreach bench")
        cores = spark.sparkContext.defaultParallelism
        # The JVM and the Python workers started and warm (imports, the snapshot broadcast) before timing:
        # a cluster keeps them for the job's life, so the per-row rate is what sizes it.
        warm = spark.read.parquet(str(source)).limit(20_000).repartition(cores)
        screen_dataframe(warm, CAMPAIGN, snap, CHANNELS, rulebase=rulebase, now=NOW).write.parquet(str(work / "warm"))

        def on_spark() -> None:
            frame = spark.read.parquet(str(source))
            screen_dataframe(frame, CAMPAIGN, snap, CHANNELS, rulebase=rulebase, now=NOW).write.parquet(
                str(work / "spark-out")
            )

        spark_s = timed(f"Spark {args.master} ({cores} cores)", args.rows, on_spark)
        spark.stop()
        print()
        print(f"Spark rows/s per core:        {args.rows / spark_s / cores:,.0f}")
        print(f"Spark vs screen (rows/s):     {(args.rows / spark_s) / (local_rows / local_s):.2f}x")
        print(f"Spark vs floor (time/row):    {(spark_s / args.rows) / (floor_s / args.rows):.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
