"""Fixtures for the privacy tests beyond the suite's own (``tests/conftest.py``): an SQLite workspace
whatever ``--db`` says, for tests of the file itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lawfulreach.store import Workspace, WorkspaceSettings
from lr_testkit import Clock


@pytest.fixture
def sqlite_ws(tmp_path: Path, clock: Clock) -> Iterator[Workspace]:
    """An SQLite workspace whatever ``--db`` says: for tests of the file itself (copies, free pages)."""
    settings = WorkspaceSettings(url=f"sqlite:///{tmp_path / 'file.sqlite'}", key_file=tmp_path / "file.key")
    ws = Workspace.open(settings, clock=clock)
    yield ws
    ws.close()
