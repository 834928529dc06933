"""The suite's shared helpers (fixtures using them live in ``tests/conftest.py``): one empty database per
test on either backend, shared by the store, privacy and API suites, and the one hand-moved clock.

SQLite gets a file in the test's directory; PostgreSQL a fresh schema (selected with ``search_path``)
that is dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

#: the instant every frozen clock in the suite reads
FROZEN = datetime.fromisoformat("2026-11-25T12:00:00+00:00")


@dataclass
class Clock:
    """A clock tests move by hand (register ages, ledger order, deadlines)."""

    now: datetime = field(default=FROZEN)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


def pg_schema_url(base: str, schema: str) -> str:
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def fresh_database(backend: str, pg_base: str, directory: Path, prefix: str = "lr_test") -> Iterator[str]:
    """Yield a URL to an empty database on ``backend``; clean up after."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'workspace.sqlite'}"
        return
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield pg_schema_url(pg_base, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@dataclass(frozen=True)
class Run:
    """What one in-process ``lawfulreach`` command left behind (the ``run_lawfulreach`` fixture)."""

    code: int
    out: str
    err: str


class RunLawfulreach(Protocol):
    """The type of the ``run_lawfulreach`` and ``cli`` fixtures."""

    def __call__(self, *args: str, stdin: str | None = None) -> Run: ...


#: environment variables the suite's own runs read; every other ``LAWFULREACH_*`` is removed per test
KEPT_ENV = ("LAWFULREACH_TEST_DB", "LAWFULREACH_TEST_PG_URL", "LAWFULREACH_CHROMIUM")


def clean_env(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Remove every ``LAWFULREACH_*`` variable and point the workspace home at ``home``, so no test can
    create or read the developer's real workspace (``~/.lawfulreach``) or inherit their settings."""
    for name in list(os.environ):
        if name.startswith("LAWFULREACH_") and name not in KEPT_ENV:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LAWFULREACH_HOME", str(home))


def free_port() -> int:
    """A TCP port on loopback nobody listens on (for a real server started by a test)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
