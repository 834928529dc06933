"""Suite-wide options and the one set of fixtures every directory shares.

``--db`` chooses the databases store-backed tests run against (comma-separated: ``sqlite``,
``postgresql``). ``LAWFULREACH_TEST_DB`` sets the default; ``.ci/run`` passes both. When PostgreSQL is
asked for and cannot be reached, tests that need it fail loudly — they are never skipped.

Fixtures: an autouse environment cleaner; ``clock`` (the one frozen clock, moved by hand); ``write``
(a file in the test's directory); ``run_lawfulreach`` (the CLI in-process) and ``cli`` (the same on
the test's workspace); ``db_url``, ``settings``, ``open_ws`` and ``ws`` (a clean workspace per test on
every backend selected). Plain helpers and types live in ``lr_testkit``.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from lawfulreach.cli.app import main
from lawfulreach.store import Workspace, WorkspaceSettings
from lr_testkit import Clock, Run, RunLawfulreach, clean_env, fresh_database


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        default=os.environ.get("LAWFULREACH_TEST_DB", "sqlite"),
        help="databases for store-backed tests: sqlite, postgresql or both (comma-separated)",
    )
    parser.addoption(
        "--pg-url",
        default=os.environ.get("LAWFULREACH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        help="PostgreSQL URL for the postgresql backend",
    )


def selected_backends(config: pytest.Config) -> list[str]:
    raw = str(config.getoption("--db"))
    names = [n.strip().lower() for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in ("sqlite", "postgresql")]
    if unknown:
        raise pytest.UsageError(f"--db: unknown backend(s) {unknown}; use sqlite and/or postgresql")
    return names


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Any test (or fixture chain) asking for ``backend`` runs once per selected database."""
    if "backend" in metafunc.fixturenames:
        backends = selected_backends(metafunc.config)
        if metafunc.definition.get_closest_marker("one_backend") is not None:
            backends = backends[:1]  # what a browser renders does not depend on the database behind it
        metafunc.parametrize("backend", backends, scope="session")


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> None:
    """Console accounts are hashed with Argon2id at its smallest cost in the suite, which signs in
    hundreds of times (64 MiB and three passes each would take minutes); the deployment's parameters
    are asserted in ``tests/api/test_console.py``."""
    from argon2 import PasswordHasher

    from lawfulreach.store.staff import use_password_hasher

    use_password_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may create or read the developer's real workspace, nor inherit a ``LAWFULREACH_*`` setting."""
    clean_env(monkeypatch, tmp_path / "home")


@pytest.fixture(scope="session")
def pg_base(request: pytest.FixtureRequest) -> str:
    """The PostgreSQL URL fresh schemas are made under (``--pg-url``)."""
    return str(request.config.getoption("--pg-url"))


@pytest.fixture
def clock() -> Clock:
    """The one frozen clock: reads ``lr_testkit.FROZEN`` until a test moves it."""
    return Clock()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a text file into the test's directory."""

    def _write(name: str, content: str) -> Path:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def run_lawfulreach(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunLawfulreach:
    """``lawfulreach ARGS`` in-process (``cli.app.main``), optionally fed ``stdin``; wide lines, no wrapping."""
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str, stdin: str | None = None) -> Run:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def db_url(backend: str, pg_base: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL to a database on ``backend`` at the head schema revision, as the first open leaves it
    (copied from one migrated once per run: ``lr_testkit.fresh_database``); an empty one for tests
    marked ``empty_database`` (first use, the migrations themselves)."""
    empty = request.node.get_closest_marker("empty_database") is not None
    yield from fresh_database(backend, pg_base, tmp_path, migrated=not empty)


@pytest.fixture
def empty_db_url(backend: str, pg_base: str, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database on ``backend``: for the tests of first use and of the migrations."""
    yield from fresh_database(backend, pg_base, tmp_path)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> WorkspaceSettings:
    return WorkspaceSettings(url=db_url, key_file=tmp_path / "keys" / "workspace.key")


@pytest.fixture
def open_ws(settings: WorkspaceSettings, clock: Clock) -> Iterator[Callable[..., Workspace]]:
    """Open the test's workspace (again, or as another tenant); all are closed at the end."""
    opened: list[Workspace] = []

    def _open(tenant: str = "default") -> Workspace:
        ws = Workspace.open(replace(settings, tenant=tenant), clock=clock)
        opened.append(ws)
        return ws

    yield _open
    for ws in opened:
        ws.close()


@pytest.fixture
def ws(open_ws: Callable[..., Workspace]) -> Workspace:
    return open_ws()


@pytest.fixture
def cli(
    settings: WorkspaceSettings, monkeypatch: pytest.MonkeyPatch, run_lawfulreach: RunLawfulreach
) -> RunLawfulreach:
    """``lawfulreach --db <the test's workspace> ARGS``, with the workspace's key file."""
    monkeypatch.setenv("LAWFULREACH_KEY_FILE", str(settings.key_file))

    def run(*args: str, stdin: str | None = None) -> Run:
        return run_lawfulreach("--db", settings.url, *args, stdin=stdin)

    return run
