"""Fixtures for the privacy tests: the workspace-store fixtures of ``tests/store`` (a clean database
per test on every backend chosen with ``--db``), reused rather than copied, plus a ``dump`` of the
whole database as an attacker holding the file (or a ``pg_dump``) but not the key would see it."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lawfulreach.store import Workspace, WorkspaceSettings

_spec = importlib.util.spec_from_file_location("store_fixtures", Path(__file__).parents[1] / "store" / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
_store = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _store
_spec.loader.exec_module(_store)

# Re-exported so pytest registers them for this directory too.
_clean_env = _store._clean_env
db_url = _store.db_url
clock = _store.clock
Clock = _store.Clock
settings = _store.settings
open_ws = _store.open_ws
ws = _store.ws
write = _store.write


@pytest.fixture
def sqlite_ws(tmp_path: Path, clock: Any) -> Iterator[Workspace]:
    """An SQLite workspace whatever ``--db`` says: for tests of the file itself (copies, free pages)."""
    settings = WorkspaceSettings(url=f"sqlite:///{tmp_path / 'file.sqlite'}", key_file=tmp_path / "file.key")
    ws = Workspace.open(settings, clock=clock)
    yield ws
    ws.close()
