"""Benchmark: the workspace store at register and exclusion-list scale.

    .venv/bin/python bench/store.py                      # PostgreSQL at the test URL, and SQLite
    .venv/bin/python bench/store.py --numbers 1000000 --entries 100000 --pg-url postgresql://…

Times, on a fresh PostgreSQL schema (dropped afterwards) and a fresh SQLite file:

* ``dnc load`` of ``--numbers`` do-not-call numbers (half national ``07400 123456``, half
  international ``+44 7400 123456``): normalisation, streaming (COPY on PostgreSQL), de-duplication
  and the primary-key index. Target on PostgreSQL: < 15 s for 1,000,000.
* a reload of the same register (atomic replacement: the old numbers are deleted in the same transaction);
* ``suppress import`` of ``--entries`` exclusion entries (80 % emails, 15 % domains, 5 % phones);
* ``batch_snapshot()`` — what ``screen`` loads once per run — over that state;
* single checks through the service (index hits), per check.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lawfulreach.rules import default_rulebase
from lawfulreach.schema import parse_request
from lawfulreach.service import Lawfulreach
from lawfulreach.store import Workspace, WorkspaceSettings

T = TypeVar("T")
DEFAULT_PG = os.environ.get("LAWFULREACH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def timed(label: str, fn: Callable[[], T], per: int | None = None, unit: str = "rows") -> T:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    rate = f"  ({per / elapsed:,.0f} {unit}/s)" if per else ""
    print(f"  {label:<42} {elapsed:8.2f} s{rate}", flush=True)
    return result


def write_register(path: Path, n: int, seed: int) -> None:
    """``n`` distinct valid GB mobile numbers (07400 000000 …), national and international formats."""
    rng = random.Random(seed)
    subscribers = rng.sample(range(1_000_000), n) if n <= 1_000_000 else list(range(n))
    with path.open("w", encoding="utf-8") as fh:
        for i, sub in enumerate(subscribers):
            block, rest = 7400 + sub // 1_000_000, sub % 1_000_000
            fh.write(f"0{block} {rest:06d}\n" if i % 2 else f"+44 {block} {rest:06d}\n")


def write_entries(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            roll = rng.random()
            if roll < 0.80:
                fh.write(f"person{i}+news@company{i % 9973}.example\n")
            elif roll < 0.95:
                fh.write(f"@sub{i}.blocked{i % 997}.example\n")
            else:
                fh.write(f"+44 20 7946 {i % 10_000:04d}\n")


@contextmanager
def pg_schema(base: str) -> Iterator[str]:
    schema = f"lr_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def run(label: str, url: str, work: Path, numbers: int, entries: int, checks: int) -> None:
    print(f"\n{label}: {make_url(url).render_as_string(hide_password=True)}")
    register, exclusions = work / "tps.txt", work / "exclusions.txt"
    settings = WorkspaceSettings(url=url, key_file=work / f"{label}.key")
    ws = timed("open (create + migrate)", lambda: Workspace.open(settings))
    try:
        report = timed(f"dnc load {numbers:,} numbers", lambda: ws.dnc.load("GB", "TPS", register), numbers)
        assert report.size == numbers, report
        timed(f"dnc reload {numbers:,} numbers (replace)", lambda: ws.dnc.load("GB", "TPS", register), numbers)
        ws.dnc.load("GB", "CTPS", register)
        imported = timed(
            f"suppress import {entries:,} entries", lambda: ws.suppressions.import_file(exclusions), entries
        )
        timed(f"suppress re-import {entries:,} (no-op)", lambda: ws.suppressions.import_file(exclusions), entries)
        print(f"    ({imported.added:,} distinct entries stored)")
        snap = timed("batch_snapshot()", ws.batch_snapshot)
        print(
            f"    ({snap.dnc_numbers.height:,} register numbers, "
            f"{snap.suppressed_emails.len() + snap.suppressed_domains.len() + snap.suppressed_phones.len():,} entries)"
        )
        service = Lawfulreach(rulebase=ws.rulebase(default_rulebase()), state=ws.state())
        requests = [
            parse_request(
                {
                    "contact": {
                        "email": f"person{i}@company{i % 9973}.example",
                        "phone": f"+44 7400 {i:06d}",
                        "country": "GB",
                        "company": "Example Ltd",
                    },
                    "channel": "call",
                }
            )
            for i in range(checks)
        ]
        start = time.perf_counter()
        for r in requests:
            service.check(r)
        per = (time.perf_counter() - start) / checks * 1000
        print(f"  {'single check (call, all state consulted)':<42} {per:8.2f} ms per check")
    finally:
        ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--numbers", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgresql", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lr-bench-") as tmp:
        work = Path(tmp)
        timed("write register file", lambda: write_register(work / "tps.txt", args.numbers, 1))
        timed("write exclusion file", lambda: write_entries(work / "exclusions.txt", args.entries, 2))
        if not args.skip_postgresql:
            with pg_schema(args.pg_url) as url:
                run("postgresql", url, work, args.numbers, args.entries, args.checks)
        if not args.skip_sqlite:
            run("sqlite", f"sqlite:///{work / 'bench.sqlite'}", work, args.numbers, args.entries, args.checks)


if __name__ == "__main__":
    main()
