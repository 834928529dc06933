"""Benchmark: evidence records — workspace bytes per decision, and what ``--record`` adds to ``screen``.

    python bench/evidence.py --rows 1000000 [--channels email,call] [--db postgresql+psycopg://…] [--repeat 2] [--state]

Runs ``commands.screen`` (read → decide → write results and report, the CLI's own path) on a generated
list against a fresh workspace (SQLite file by default), without and with ``record``, alternating, best
of ``--repeat`` each. The floor is the same screen without recording, measured in the same run, so the
ratio holds however busy the machine is; the time spent in the recorder itself (packing and writing,
on the screen's thread) is printed too, as the steadier figure on a shared machine. ``--state`` adds
one opt-out to the workspace first: a tenant with person-keyed state, where the batch path computes
blind indexes anyway and the recorder reuses them. Size: how much the workspace grew with the first recorded
run (SQLite: the file after a checkpoint; PostgreSQL: the evidence tables' total relation size),
per decision and per million decisions. Targets (issue "prove it"): ≤ 60 MB per 1M decisions,
≤ 25 % added to the screen.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from lawfulreach import commands
from lawfulreach.cli.context import CliContext
from lawfulreach.commands.evidence import EvidenceRecorder
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.sample.generator import generate_prospects
from lawfulreach.store.settings import sqlite_path
from lawfulreach.store.subjects import Subject

CAMPAIGN = 'name = "bench"\npurpose = "marketing"\nlegal_entity = "Northwind Analytics Ltd"\nlia = "passed"\n'


def workspace_bytes(ctx: CliContext) -> int:
    ws = ctx.workspace()
    path = sqlite_path(ws.settings.url)
    if path is not None:
        with ws.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return path.stat().st_size
    with ws.engine.connect() as conn:
        total = conn.execute(
            text(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relname IN ('evidence_runs', 'evidence_shapes', 'evidence_chunks') "
                "AND n.nspname = current_schema()"
            )
        ).scalar()
    return int(total or 0)


#: seconds spent packing and storing a screened frame (``EvidenceRecorder._record_frame``, on its worker thread)
RECORDING: list[float] = []


def _timed_record_frame() -> None:
    original = EvidenceRecorder._record_frame

    def record_frame(self: EvidenceRecorder, result: object) -> None:
        t0 = time.perf_counter()
        original(self, result)  # type: ignore[arg-type]
        RECORDING.append(time.perf_counter() - t0)

    EvidenceRecorder._record_frame = record_frame  # type: ignore[method-assign]


def one_screen(ctx: CliContext, csv: Path, campaign: Path, out: Path, channels: list[Channel], record: bool) -> float:
    t0 = time.perf_counter()
    run = commands.screen(ctx, csv, campaign, channels=channels, out=out, record=record)
    elapsed = time.perf_counter() - t0
    assert (run.evidence is not None) == record
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--channels", default="email,call")
    parser.add_argument("--db", default=None, help="workspace URL (default: a fresh SQLite file)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--state", action="store_true", help="one opt-out in the workspace first")
    args = parser.parse_args()
    _timed_record_frame()
    channels = [Channel(c) for c in args.channels.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        os.environ["LAWFULREACH_HOME"] = str(home)
        csv = home / "prospects.csv"
        generate_prospects(args.rows, seed=1).write_csv(csv)
        campaign = home / "campaign.toml"
        campaign.write_text(CAMPAIGN, encoding="utf-8")
        ctx = CliContext(db_url=args.db)
        try:
            if args.state:
                ctx.workspace().ledger.opt_out(Subject("email", "nobody@example.invalid"), "all")
            one_screen(ctx, csv, campaign, home / "warm.csv", channels, False)  # opens and migrates the workspace
            plain: list[float] = []
            recorded: list[float] = []
            grown = 0
            for i in range(args.repeat):
                plain.append(one_screen(ctx, csv, campaign, home / f"p{i}.csv", channels, False))
                before = workspace_bytes(ctx)
                recorded.append(one_screen(ctx, csv, campaign, home / f"r{i}.csv", channels, True))
                if i == 0:
                    grown = workspace_bytes(ctx) - before
        finally:
            ctx.close()
        decisions = args.rows * len(channels)
        floor, with_record = min(plain), min(recorded)
        where = "SQLite file" if args.db is None else "PostgreSQL evidence tables"
        state = "one opt-out (blind indexes computed by the screen)" if args.state else "empty"
        print(f"{args.rows:,} contacts × {len(channels)} channels = {decisions:,} decisions; workspace state: {state}")
        print(f"screen without --record (the floor, same run): {floor:.2f} s")
        print(f"screen with --record: {with_record:.2f} s (+{(with_record - floor) / floor:.1%}; target ≤ 25%)")
        spent = min(RECORDING)
        print(
            f"time in the recorder itself (its worker thread, partly beside the results being written): "
            f"{spent:.2f} s = {spent / floor:.1%} of the floor"
        )
        print(
            f"workspace growth ({where}): {grown / 1e6:.1f} MB for the run = {grown / decisions:.1f} bytes a decision "
            f"= {grown / decisions:.1f} MB per 1M decisions (target ≤ 60 MB)"
        )


if __name__ == "__main__":
    main()
