"""Benchmark: ``lawfulreach serve`` on PostgreSQL under load from a second process on loopback.

    .venv/bin/python bench/api.py                       # defaults below; PostgreSQL at the test URL
    .venv/bin/python bench/api.py --singles 30000 --concurrency 32 --workers 2 --seconds 60
    .venv/bin/python bench/api.py --db sqlite            # the embedded workspace instead

What it does, on a fresh PostgreSQL schema or SQLite file (dropped afterwards):

1. seeds a tenant with realistic state — ``--state`` exclusion entries (emails, domains, phones),
   opt-outs and consents on the ledger, GB TPS and CTPS registers of ``--register`` numbers — and
   an admin API key;
2. starts ``lawfulreach serve`` (``--workers`` processes, access log off) as a subprocess;
3. drives it from this process with a small asyncio HTTP/1.1 keep-alive client (closed loop,
   ``--concurrency`` connections): ``--singles`` single checks, then ``--batches`` batch checks of
   ``--batch-size`` requests — each phase bounded by ``--seconds``;
4. measures the CLI's paths in-process on the same requests: the batch path ``lawfulreach screen``
   takes (one snapshot, ``screen_frame``) and ``lawfulreach check``'s (``StoreState``, per request).

Prints throughput and p50/p95/p99 latency per phase. Requests are synthetic prospects
(``lawfulreach.sample``), channels email / SMS / live call in turn, with an inline campaign.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lawfulreach.batch.screening import screen_frame
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.rules import default_rulebase
from lawfulreach.sample.generator import generate_prospects
from lawfulreach.schema import parse_campaign, parse_request
from lawfulreach.service import Lawfulreach
from lawfulreach.store import Subject, Workspace, WorkspaceSettings
from lawfulreach.store.api_keys import ApiKeyRepo
from lawfulreach.store.suppression import Entry

CAMPAIGN = {"legal_entity": "Northwind Analytics Ltd", "products": ["analytics software"], "lia": "passed"}
CHANNELS = ("email", "sms", "call")
ENTRY = "from lawfulreach.cli.app import main; main()"
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "job_title",
    "country",
    "region",
    "subscriber_type",
    "phone_type",
)


# --- workload ----------------------------------------------------------------------------------------
def requests_from_prospects(n: int, seed: int = 3) -> tuple[list[dict[str, Any]], pl.DataFrame]:
    """``n`` decision requests (the JSON of spec §2) and the prospect frame they came from."""
    frame = generate_prospects(n, seed=seed)
    out: list[dict[str, Any]] = []
    for i, row in enumerate(frame.iter_rows(named=True)):
        contact: dict[str, Any] = {k: row[k] for k in CONTACT_FIELDS if row[k]}
        if (row["in_public_directory"] or "").lower() in ("true", "yes", "1"):
            contact["in_public_directory"] = True
        request: dict[str, Any] = {"contact": contact, "channel": CHANNELS[i % len(CHANNELS)], "campaign": CAMPAIGN}
        if row["source"]:
            request["source"] = row["source"]
        if row["relationship_kind"]:
            request["relationship"] = {
                "kind": row["relationship_kind"],
                "legal_entity": row["relationship_legal_entity"],
                "products": [p for p in (row["relationship_products"] or "").split(";") if p],
                "opt_out_offered": (row["opt_out_offered"] or "").lower() in ("true", "yes", "1"),
                "last_interaction": row["last_interaction"],
            }
        if row["consent_status"]:
            consent = {"status": row["consent_status"], "method": row["consent_method"]}
            if row["consent_channel"]:
                consent["channel"] = row["consent_channel"]
            request["consent"] = consent
        out.append(request)
    return out, frame


def seed(ws: Workspace, prospects: pl.DataFrame, state: int, register: int, directory: Path) -> None:
    """Exclusions, ledger events and registers; a share of them hit the prospects being checked."""
    rng = random.Random(11)
    emails = [e for e in prospects["email"].drop_nulls().to_list() if "@" in e]
    entries = [Entry("email", f"user{i}@supp{rng.randrange(10**6)}.example.com") for i in range(state)]
    entries += [Entry("domain", f"blocked{i}.example.org") for i in range(state // 10)]
    entries += [Entry("email", e.lower()) for e in rng.sample(emails, min(len(emails) // 20, state))]
    ws.suppressions.add_many(entries)
    for e in rng.sample(emails, min(len(emails) // 50, 2_000)):
        try:
            ws.ledger.opt_out(Subject("email", e.lower().split("+")[0] if "+" not in e else e.lower()), "all")
        except Exception:  # an address the normaliser reads differently: skip it, it is only load
            continue
    numbers = directory / "tps.txt"
    numbers.write_text("\n".join(f"+447{400000000 + i:09d}"[:13] for i in range(register)) + "\n")
    as_of = datetime.now(UTC) - timedelta(days=3)
    ws.dnc.load("GB", "TPS", numbers, as_of=as_of, skip_invalid=True)
    ws.dnc.load("GB", "CTPS", numbers, as_of=as_of, skip_invalid=True)


# --- a small HTTP/1.1 keep-alive client --------------------------------------------------------------
class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, auth: str) -> None:
        self.reader, self.writer, self.auth = reader, writer, auth

    @classmethod
    async def open(cls, port: int, auth: str) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer, auth)

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.auth}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    decisions: int = 0
    errors: int = 0
    elapsed: float = 0.0
    #: CPU seconds the server processes and all PostgreSQL processes used during the phase
    server_cpu: float = 0.0
    db_cpu: float = 0.0

    def summary(self) -> dict[str, float]:
        q = statistics.quantiles(self.latencies, n=100, method="inclusive") if len(self.latencies) > 1 else [0.0] * 99
        return {
            "requests": len(self.latencies),
            "seconds": self.elapsed,
            "decisions_per_s": self.decisions / self.elapsed if self.elapsed else 0.0,
            "p50_ms": q[49] * 1000,
            "p95_ms": q[94] * 1000,
            "p99_ms": q[98] * 1000,
            "server_cpu_us_per_decision": self.server_cpu / max(self.decisions, 1) * 1e6,
            "db_cpu_us_per_decision": self.db_cpu / max(self.decisions, 1) * 1e6,
        }

    def line(self) -> str:
        if not self.latencies:
            return f"{self.name}: no requests completed"
        q = statistics.quantiles(self.latencies, n=100, method="inclusive")
        rps = len(self.latencies) / self.elapsed
        return (
            f"{self.name}: {len(self.latencies):,} requests in {self.elapsed:.1f} s = {rps:,.0f} req/s, "
            f"{self.decisions / self.elapsed:,.0f} decisions/s; latency ms p50 {q[49] * 1000:.1f} "
            f"p95 {q[94] * 1000:.1f} p99 {q[98] * 1000:.1f} max {max(self.latencies) * 1000:.1f}; errors {self.errors}"
            + (
                f"\n    CPU per decision: server {self.server_cpu / max(self.decisions, 1) * 1e6:.0f} µs, "
                f"PostgreSQL {self.db_cpu / max(self.decisions, 1) * 1e6:.0f} µs"
                if self.server_cpu
                else ""
            )
        )


async def drive(
    port: int, auth: str, path: str, bodies: list[bytes], per_body: int, concurrency: int, seconds: float, name: str
) -> Phase:
    """Send every body once (closed loop, ``concurrency`` connections), stopping after ``seconds``."""
    phase = Phase(name)
    queue = iter(bodies)
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        conn = await Connection.open(port, auth)
        try:
            for body in queue:
                if time.perf_counter() > deadline:
                    return
                t0 = time.perf_counter()
                status, _ = await conn.post(path, body)
                phase.latencies.append(time.perf_counter() - t0)
                if status == 200:
                    phase.decisions += per_body
                else:
                    phase.errors += 1
        finally:
            conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    phase.elapsed = time.perf_counter() - t0
    return phase


# --- CPU accounting ------------------------------------------------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and all its descendants (Linux ``/proc``)."""
    total, stack = 0.0, [pid]
    while stack:
        p = stack.pop()
        total += _cpu_seconds(p)
        stack += _children(p)
    return total


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process (this run's backends, and anyone else's)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            total += _cpu_seconds(int(stat.parent.name))
    return total


# --- server and database -----------------------------------------------------------------------------
@contextmanager
def pg_schema(base: str) -> Iterator[str]:
    schema = f"lr_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def database(kind: str, pg_base: str, directory: Path) -> Iterator[str]:
    """A fresh, empty workspace URL of the chosen kind (removed afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'bench.sqlite'}"
        return
    with pg_schema(pg_base) as url:
        yield url


def analyse(url: str) -> None:
    """VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite) after the bulk load, as a production workspace
    would have had long since: otherwise autovacuum runs during the measurement and the planner works
    from empty statistics."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("ANALYZE" if url.startswith("sqlite") else "VACUUM ANALYZE"))
    engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(url: str, key_file: Path, workers: int, home: Path) -> Iterator[tuple[int, int]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWFULREACH_")}
    env.update({"LAWFULREACH_KEY_FILE": str(key_file), "LAWFULREACH_HOME": str(home)})
    args = [sys.executable, "-c", ENTRY, "--db", url, "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(
        [*args, "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"serve did not start: {proc.stderr.read().decode() if proc.stderr else ''}"
                    ) from None
                time.sleep(0.2)
        time.sleep(1.0 if workers > 1 else 0.2)  # let every worker finish starting
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# --- the CLI's paths, in-process ---------------------------------------------------------------------
def cli_batch_path(ws: Workspace, frame: pl.DataFrame, size: int) -> tuple[float, float, int]:
    """``screen``'s path on ``size`` contacts × the channels: (snapshot seconds, decide seconds, decisions)."""
    rulebase = ws.rulebase(default_rulebase())
    t0 = time.perf_counter()
    snapshot = ws.batch_snapshot()
    t1 = time.perf_counter()
    channels = [Channel(c) for c in CHANNELS]
    screen_frame(frame.head(size), channels, parse_campaign(CAMPAIGN), rulebase, snapshot, now=datetime.now(UTC))
    return t1 - t0, time.perf_counter() - t1, size * len(channels)


def cli_check_path(ws: Workspace, requests: list[dict[str, Any]]) -> float:
    """``check``'s path (``StoreState``: one transaction per question): seconds for these requests."""
    service = Lawfulreach(rulebase=ws.rulebase(default_rulebase()), state=ws.state())
    t0 = time.perf_counter()
    for r in requests:
        service.check(parse_request(r))
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("LAWFULREACH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--singles", type=int, default=20_000)
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=1_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--batch-concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0, help="upper bound per phase")
    parser.add_argument("--state", type=int, default=100_000, help="exclusion entries in the tenant")
    parser.add_argument("--register", type=int, default=200_000, help="numbers in each GB register")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    distinct = max(args.batch_size * 4, 8_000)
    requests, frame = requests_from_prospects(distinct)
    singles = [json.dumps(requests[i % distinct]).encode() for i in range(args.singles)]
    batches = [
        json.dumps(
            {"requests": [requests[(b * args.batch_size + j) % distinct] for j in range(args.batch_size)]}
        ).encode()
        for b in range(args.batches)
    ]
    results: dict[str, Any] = {"args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}}
    with tempfile.TemporaryDirectory() as tmp, database(args.db, args.pg_url, Path(tmp)) as url:
        directory = Path(tmp)
        settings = WorkspaceSettings(url=url, key_file=directory / "bench.key")
        with Workspace.open(settings) as ws:
            t0 = time.perf_counter()
            seed(ws, frame, args.state, args.register, directory)
            took = time.perf_counter() - t0
            print(f"seeded {args.state:,} exclusions, 2 × {args.register:,} register numbers in {took:.1f} s")
            token = ApiKeyRepo(ws.scope).create("admin", "bench").token
            analyse(url)
            snap_s, decide_s, cli_decisions = cli_batch_path(ws, frame, args.batch_size)
            check_s = cli_check_path(ws, requests[:1_000])
        with server(url, settings.key_file or directory / "bench.key", args.workers, directory / "home") as (port, pid):
            asyncio.run(drive(port, token, "/v1/check", singles[:500], 1, 4, 30, "warm-up"))
            cpu0, pg0 = tree_cpu(pid), postgres_cpu()
            single = asyncio.run(
                drive(port, token, "/v1/check", singles, 1, args.concurrency, args.seconds, "single checks")
            )
            single.server_cpu, single.db_cpu = tree_cpu(pid) - cpu0, postgres_cpu() - pg0
            cpu0, pg0 = tree_cpu(pid), postgres_cpu()
            batch = asyncio.run(
                drive(
                    port,
                    token,
                    "/v1/check/batch",
                    batches,
                    args.batch_size,
                    args.batch_concurrency,
                    args.seconds,
                    f"batch checks of {args.batch_size:,}",
                )
            )
            batch.server_cpu, batch.db_cpu = tree_cpu(pid) - cpu0, postgres_cpu() - pg0
    load = os.getloadavg()
    print(
        f"workspace: {args.db}; server: {args.workers} worker process(es); "
        f"client: 1 process, {args.concurrency} connections "
        f"(batches: {args.batch_concurrency}); {os.cpu_count()} cores, load average at the end "
        f"{load[0]:.2f} / {load[1]:.2f} (other processes on the machine skew the figures)"
    )
    print(single.line())
    print(batch.line())
    cli_rate = cli_decisions / decide_s
    print(
        f"CLI batch path (screen_frame, {args.batch_size:,} contacts × {len(CHANNELS)} channels): "
        f"{cli_rate:,.0f} decisions/s (+ {snap_s * 1000:.0f} ms to load the snapshot once per run; "
        f"{cli_decisions / (snap_s + decide_s):,.0f} decisions/s including it)"
    )
    api_batch_rate = batch.decisions / batch.elapsed if batch.elapsed else 0.0
    with_snapshot = cli_decisions / (snap_s + decide_s)
    print(
        f"API batch / CLI batch path: {api_batch_rate / cli_rate:.2f}× "
        f"(incl. snapshot: {api_batch_rate / with_snapshot:.2f}×)"
    )
    print(f"CLI check path (StoreState, in-process): {1_000 / check_s:,.0f} decisions/s")
    results.update(
        {
            "single": single.summary(),
            "batch": batch.summary(),
            "cli_batch_decisions_per_s": cli_rate,
            "cli_batch_snapshot_s": snap_s,
            "cli_check_decisions_per_s": 1_000 / check_s,
        }
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
