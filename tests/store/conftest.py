"""Fixtures for the workspace store: a clean database per test, on every backend selected by ``--db``.

* SQLite: a file in the test's tmp directory.
* PostgreSQL: a fresh schema per test (``search_path`` set through the URL), dropped afterwards.
  When PostgreSQL cannot be reached the test fails — it is never skipped.

The environment is cleaned so no test can touch the developer's workspace (``~/.lawfulreach``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from databases import fresh_database
from lawfulreach.store import Workspace, WorkspaceSettings

FROZEN = datetime.fromisoformat("2026-11-25T12:00:00+00:00")
_ENV = (
    "LAWFULREACH_DATABASE_URL",
    "LAWFULREACH_KEY_FILE",
    "LAWFULREACH_SECRET_KEY",
    "LAWFULREACH_TENANT",
    "LAWFULREACH_HOME",
)


@dataclass
class Clock:
    """A clock tests move by hand (register ages, ledger order)."""

    now: datetime = field(default=FROZEN)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LAWFULREACH_HOME", str(tmp_path / "home"))


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database on ``backend``."""
    yield from fresh_database(backend, str(request.config.getoption("--pg-url")), tmp_path)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> WorkspaceSettings:
    return WorkspaceSettings(url=db_url, key_file=tmp_path / "keys" / "workspace.key")


@pytest.fixture
def open_ws(settings: WorkspaceSettings, clock: Clock) -> Iterator[Callable[..., Workspace]]:
    """Open the test's workspace (again, or as another tenant); all are closed at the end."""
    opened: list[Workspace] = []

    def _open(tenant: str = "default") -> Workspace:
        from dataclasses import replace

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
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a text file into the test's directory."""

    def _write(name: str, content: str) -> Path:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        return path

    return _write
