"""The suite's shared helpers (fixtures using them live in ``tests/conftest.py``): one empty database per
test on either backend, shared by the store, privacy and API suites, and the one hand-moved clock.

SQLite gets a file in the test's directory; PostgreSQL a fresh schema (selected with ``search_path``)
that is dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

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


#: per process: the migrated SQLite file's bytes, and per PostgreSQL server the migrated schema's DDL
_MIGRATED: dict[str, Any] = {}


def _migrated_sqlite() -> bytes:
    """A workspace file at the head revision, migrated once per process (``lawfulreach db upgrade``'s
    own path): a copy gives a test the schema every migration builds, without running them again."""
    if "sqlite" not in _MIGRATED:
        from lawfulreach.store.migrate import upgrade

        directory = Path(tempfile.mkdtemp(prefix="lr_migrated_"))
        upgrade(f"sqlite:///{directory / 'workspace.sqlite'}")
        _MIGRATED["sqlite"] = (directory / "workspace.sqlite").read_bytes()
    data: bytes = _MIGRATED["sqlite"]
    return data


def _migrated_postgresql(pg_base: str) -> tuple[str, str, str]:
    """(template schema name, its DDL as ``pg_dump --schema-only`` writes it, head revision): the
    migrations run once per process into a template schema, which is dumped and dropped."""
    key = f"pg:{pg_base}"
    if key not in _MIGRATED:
        from lawfulreach.store.migrate import upgrade

        schema = f"lr_template_{uuid.uuid4().hex[:12]}"
        admin = create_engine(pg_base, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            upgrade(pg_schema_url(pg_base, schema))
            url = make_url(pg_base)
            dump = subprocess.run(
                [
                    "pg_dump",
                    "--schema-only",
                    "--no-owner",
                    "--no-privileges",
                    f"--schema={schema}",
                    f"--host={url.host or '127.0.0.1'}",
                    f"--port={url.port or 5432}",
                    f"--username={url.username or 'postgres'}",
                    url.database or "postgres",
                ],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "PGPASSWORD": url.password or ""},
            ).stdout
            # psql meta-commands (pg_dump ≥ 15.14 wraps its output in \restrict … \unrestrict) are not SQL
            dump = "\n".join(line for line in dump.splitlines() if not line.startswith("\\"))
            with admin.connect() as conn:
                head = conn.execute(text(f'SELECT version_num FROM "{schema}".alembic_version')).scalar_one()
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        finally:
            admin.dispose()
        _MIGRATED[key] = (schema, dump, head)
    found: tuple[str, str, str] = _MIGRATED[key]
    return found


def fresh_database(
    backend: str, pg_base: str, directory: Path, prefix: str = "lr_test", *, migrated: bool = False
) -> Iterator[str]:
    """Yield a URL to an empty database on ``backend`` — or, ``migrated``, to one at the head schema
    revision (what the first ``Workspace.open`` makes of an empty one: the same DDL, copied instead of
    migrated again; the migrations themselves are tested on empty databases); clean up after."""
    if backend == "sqlite":
        path = directory / "workspace.sqlite"
        if migrated:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(_migrated_sqlite())
        yield f"sqlite:///{path}"
        return
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if migrated:
                template, ddl, head = _migrated_postgresql(pg_base)
                conn.exec_driver_sql(ddl.replace(template, schema))
                conn.execute(text(f'INSERT INTO "{schema}".alembic_version (version_num) VALUES (:v)'), {"v": head})
            else:
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
