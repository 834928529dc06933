"""Benchmark: the compliance console's pages, in-process (the whole app, middleware included).

    .venv/bin/python bench/console.py                                 # SQLite, small defaults (< 1 min)
    .venv/bin/python bench/console.py --db postgresql --exclusions 1000000 --ledger 100000 --requests 10000

Seeds one tenant — ``--exclusions`` entries (bulk import), ``--ledger`` opt-outs spread over the last
60 days, ``--requests`` privacy requests (a tenth verified) — and a compliance officer, signs in, and
times ``--rounds`` GETs of each page and POSTs of the person page and the exclusion look-up. Prints
p50 / p95 per page in milliseconds. The issue's target: p95 < 150 ms per page on PostgreSQL at 1M
exclusions, 100k ledger events and 10k requests; the person page < 100 ms.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lawfulreach.api.backend import Backend
from lawfulreach.api.config import ApiConfig, Limits
from lawfulreach.api.ratelimit import Rate
from lawfulreach.console.app import create_app
from lawfulreach.store import Subject, Workspace, WorkspaceSettings
from lawfulreach.store.staff import StaffRepo
from lawfulreach.store.suppression import Entry

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "bench-console-passphrase"
PERSON = "person.0@bench.example"


@contextmanager
def database(kind: str, work: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{work / 'bench.sqlite'}"
        return
    schema = f"lr_bench_console_{int(time.time())}"
    engine = create_engine(PG)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        url = make_url(PG).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def seed(ws: Workspace, exclusions: int, ledger: int, requests: int) -> None:
    started = time.perf_counter()
    ws.suppressions.add_many(Entry("email", f"person.{i}@bench.example", None, "import") for i in range(exclusions))
    now = ws.scope.clock()
    for i in range(ledger):
        ws.ledger.opt_out(Subject("email", f"person.{i}@bench.example"), at=now - timedelta(hours=i % (60 * 24)))
    for i in range(requests):
        opened = ws.requests.open("access", Subject("email", f"person.{i}@bench.example"))
        if i % 10 == 0:
            ws.requests.verify(opened.number)
    print(f"seeded {exclusions:,} exclusions, {ledger:,} ledger events, {requests:,} requests "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip


def timed(rounds: int, call: Callable[[], int]) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        status = call()
        samples.append((time.perf_counter() - started) * 1000)
        if status != 200:
            sys.exit(f"status {status}")
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--exclusions", type=int, default=100_000)
    parser.add_argument("--ledger", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, database(args.db, Path(tmp)) as url:
        settings = WorkspaceSettings(url=url, key_file=Path(tmp) / "workspace.key")
        ws = Workspace.open(settings, clock=lambda: datetime.now(UTC))
        seed(ws, args.exclusions, args.ledger, args.requests)
        ws.close()
        generous = Limits(console_sign_in_per_ip=Rate(1_000, 60))
        backend = Backend.open(ApiConfig(workspace=settings, limits=generous))
        StaffRepo(backend.base.engine, url, backend.clock).add("dpo@bench.example", "compliance", PASSWORD, ["default"])
        client = TestClient(create_app(backend), headers={"Origin": "http://testserver"})
        client.post("/console/sign-in", data={"email": "dpo@bench.example", "password": PASSWORD})
        page = client.get("/console/person").text
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        assert found is not None
        csrf = found.group(1)

        def get(path: str) -> Callable[[], int]:
            return lambda: client.get(path).status_code

        paths = ("/console", "/console/requests", "/console/exclusions", "/console/audit", "/console/rules")
        pages: dict[str, Callable[[], int]] = {path: get(path) for path in paths}
        person = {"email": PERSON, "csrf": csrf}
        pages["person (POST)"] = lambda: client.post("/console/person", data=person).status_code
        pages["exclusion look-up (POST)"] = lambda: (
            client.post("/console/exclusions/search", data={"kind": "email", "value": PERSON, "csrf": csrf}).status_code
        )
        print(f"{args.db}: {args.rounds} rounds each")
        for label, call in pages.items():
            call()  # warm
            p50, p95 = timed(args.rounds, call)
            print(f"  {label:<28} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        backend.close()


if __name__ == "__main__":
    main()
