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


@pytest.fixture
def frozen_clock() -> Callable[[], datetime]:
    return lambda: FROZEN_NOW
