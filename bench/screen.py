"""Benchmark: ``screen`` end to end (CSV in → CSV out) vs a naive loop of single checks.

    python bench/screen.py --rows 1000000 [--naive-rows 20000] [--channels email,call] [--state]

Prints figures that can be compared run to run: contacts/s for the batch path (read, facts, decide,
write), and for the single-check loop (measured on a subset and extrapolated), and their ratio.
``--state`` also loads 1,000,000 suppression entries and a 1,000,000-number register into the
snapshot, to compare against the same screen with empty state (issue 3's 1.5× target).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from lawfulreach.batch.reader import read_prospects
from lawfulreach.batch.rows import request_from_row
from lawfulreach.batch.screening import screen_frame
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.model import Campaign
from lawfulreach.domain.state import InMemoryState, RegisterInfo
from lawfulreach.domain.vocabulary import Channel, LiaStatus
from lawfulreach.rules import default_rulebase
from lawfulreach.sample.generator import generate_prospects
from lawfulreach.service import Lawfulreach

NOW = datetime(2026, 11, 25, tzinfo=UTC)
CAMPAIGN = Campaign(
    name="bench",
    legal_entity="Northwind Analytics Ltd",
    products=("analytics software",),
    lia=LiaStatus.PASSED,
)


def big_snapshot(n: int) -> BatchSnapshot:
    """``n`` suppressed emails, ``n // 10`` domains and an ``n``-number GB TPS register (+ CTPS)."""
    rng = random.Random(7)
    snap = BatchSnapshot.from_memory(InMemoryState())
    # The snapshot holds blind indexes (keyed hashes) of emails, never the addresses.
    emails = pl.Series(
        snap.index_of([f"user{i}@supp{rng.randrange(10**6)}.example.com" for i in range(n)]), dtype=pl.String
    )
    domains = pl.Series([f"blocked{i}.example.org" for i in range(n // 10)], dtype=pl.String)
    numbers = pl.DataFrame(
        {
            "country": ["GB"] * n,
            "register": ["TPS"] * n,
            "e164": [f"+447{700000000 + i:09d}"[:13] for i in range(n)],
        }
    )
    registers = [
        RegisterInfo("GB", "TPS", NOW - timedelta(days=3), n),
        RegisterInfo("GB", "CTPS", NOW - timedelta(days=3), 0),
    ]
    snap.suppressed_emails = emails
    snap.suppressed_domains = domains
    snap.registers = registers
    snap.dnc_numbers = numbers
    return snap


def time_screen(
    csv: Path, out: Path, channels: list[Channel], snapshot: BatchSnapshot
) -> tuple[float, dict[str, float]]:
    rb = default_rulebase()
    stages: dict[str, float] = {}
    t0 = time.perf_counter()
    file = read_prospects(csv)
    stages["read"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = screen_frame(file.frame, channels, CAMPAIGN, rb, snapshot, now=NOW, conformed=True)
    stages["decide"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    result.frame.select(["line", *result.decision_columns]).write_csv(out)
    stages["write"] = time.perf_counter() - t2
    stages["distinct_tuples"] = float(len(result.decisions))
    return time.perf_counter() - t0, stages


def time_naive(csv: Path, rows: int, channels: list[Channel]) -> float:
    """Seconds per contact for the single-check loop (read rows, one ``check`` per row × channel)."""
    frame = read_prospects(csv).frame.head(rows)
    service = Lawfulreach(clock=lambda: NOW)
    t0 = time.perf_counter()
    for row in frame.iter_rows(named=True):
        for ch in channels:
            service.check(request_from_row(row, ch, CAMPAIGN))
    return (time.perf_counter() - t0) / max(frame.height, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--naive-rows", type=int, default=20_000)
    parser.add_argument("--channels", default="email,call")
    parser.add_argument("--state", action="store_true", help="also screen against 1M suppressions + 1M register")
    args = parser.parse_args()
    channels = [Channel(c) for c in args.channels.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "prospects.csv"
        t = time.perf_counter()
        generate_prospects(args.rows, seed=1).write_csv(csv)
        size = csv.stat().st_size / 1e6
        print(f"generated {args.rows:,} contacts ({size:.0f} MB CSV) in {time.perf_counter() - t:.1f} s")
        empty = BatchSnapshot.from_memory(InMemoryState())
        total, stages = time_screen(csv, Path(tmp) / "out.csv", channels, empty)
        print(
            f"batch screen ({'+'.join(c.value for c in channels)}): {total:.2f} s end to end, "
            f"{args.rows / total:,.0f} contacts/s "
            f"(read {stages['read']:.2f} s, decide {stages['decide']:.2f} s, write {stages['write']:.2f} s, "
            f"{int(stages['distinct_tuples'])} distinct fact tuples)"
        )
        per = time_naive(csv, args.naive_rows, channels)
        print(
            f"naive single-check loop: {1 / per:,.0f} contacts/s "
            f"(measured on {args.naive_rows:,} rows; {per * args.rows:.0f} s extrapolated to {args.rows:,})"
        )
        print(f"batch speed-up over single checks: {per * args.rows / total:.0f}x")
        if args.state:
            snap = big_snapshot(1_000_000)
            total_s, _ = time_screen(csv, Path(tmp) / "out2.csv", channels, snap)
            print(
                f"batch screen with 1M suppressions + 1M-number register: {total_s:.2f} s "
                f"({total_s / total:.2f}x the empty-state screen)"
            )


if __name__ == "__main__":
    main()
