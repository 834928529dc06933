"""Suite-wide options and fixtures.

``--db`` chooses the databases store-backed tests run against (comma-separated: ``sqlite``,
``postgresql``). ``LAWFULREACH_TEST_DB`` sets the default; ``.ci/run`` passes both. When PostgreSQL is
asked for and cannot be reached, tests that need it fail loudly — they are never skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

FROZEN_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


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
        metafunc.parametrize("backend", selected_backends(metafunc.config), scope="session")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may create or read the developer's real workspace (``~/.lawfulreach``)."""
    home = tmp_path_factory.mktemp("lawfulreach-home")
    monkeypatch.setenv("LAWFULREACH_HOME", str(home))
    for name in ("LAWFULREACH_DATABASE_URL", "LAWFULREACH_TENANT", "LAWFULREACH_KEY_FILE", "LAWFULREACH_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def frozen_clock() -> Callable[[], datetime]:
    return lambda: FROZEN_NOW
