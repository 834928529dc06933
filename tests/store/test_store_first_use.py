"""First use of a workspace (issue 10, item 8): several processes opening a fresh database at once
all succeed; ``db info`` creates nothing; ``--db`` that is no URL and no SQLite path is an error."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select

from lawfulreach.errors import ConfigError
from lawfulreach.store.models import KeyVersion, Tenant
from lawfulreach.store.settings import normalise_url

#: each process waits for the start file, then opens the workspace (schema, tenant, key) and writes
_OPEN = """
import sys, time
from pathlib import Path
from lawfulreach.store import Workspace, WorkspaceSettings, Subject
url, key_file, start = sys.argv[1], sys.argv[2], Path(sys.argv[3])
while not start.exists():
    time.sleep(0.005)
with Workspace.open(WorkspaceSettings(url=url, key_file=Path(key_file))) as ws:
    ws.ledger.opt_out(Subject("email", "jana@firma.de"))
print("ok")
"""


def test_concurrent_first_use_succeeds_in_every_process(empty_db_url: str, tmp_path: Path) -> None:
    """Four processes race to create the same fresh workspace (two API workers and two CLI jobs
    starting together): all succeed, and there is one tenant, one key version and one key file."""
    key_file = tmp_path / "keys" / "workspace.key"
    start = tmp_path / "start"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWFULREACH_")}
    env["LAWFULREACH_HOME"] = str(tmp_path / "home")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN, empty_db_url, str(key_file), str(start)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    time.sleep(2.0)  # let every interpreter start and wait at the line
    start.touch()
    results = [p.communicate(timeout=120) for p in procs]
    failures = [err.strip().splitlines()[-1:] for p, (_, err) in zip(procs, results, strict=True) if p.returncode]
    assert failures == []
    assert all(out.strip() == "ok" for out, _ in results)
    engine = create_engine(empty_db_url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(Tenant)) == 1
            assert conn.scalar(select(func.count()).select_from(KeyVersion)) == 1
    finally:
        engine.dispose()
    assert key_file.exists()


def run(*args: str) -> int:
    """``lawfulreach ARGS`` in-process; its exit code."""
    from lawfulreach.cli.app import main

    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_db_info_creates_nothing(empty_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = tmp_path / "keys" / "workspace.key"
    os.environ["LAWFULREACH_KEY_FILE"] = str(key_file)
    try:
        assert run("--db", empty_db_url, "db", "info") == 0
        out = capsys.readouterr().out
        assert "schema revision: none" in out
        assert "tenants: none" in out
        assert _tables(empty_db_url) == set()
        assert not key_file.exists()
        # An existing workspace: info reads it and adds nothing.
        assert run("--db", empty_db_url, "db", "upgrade") == 0
        engine = create_engine(empty_db_url)
        try:
            with engine.connect() as conn:
                before = (
                    conn.scalar(select(func.count()).select_from(Tenant)),
                    conn.scalar(select(func.count()).select_from(KeyVersion)),
                )
        finally:
            engine.dispose()
        capsys.readouterr()
        assert run("--db", empty_db_url, "db", "info") == 0
        assert "tenants: default" in capsys.readouterr().out
        engine = create_engine(empty_db_url)
        try:
            with engine.connect() as conn:
                after = (
                    conn.scalar(select(func.count()).select_from(Tenant)),
                    conn.scalar(select(func.count()).select_from(KeyVersion)),
                )
        finally:
            engine.dispose()
        assert after == before
    finally:
        del os.environ["LAWFULREACH_KEY_FILE"]


def test_db_info_on_a_missing_sqlite_file_creates_no_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nothing-here.sqlite"
    assert run("--db", str(path), "db", "info") == 0
    assert "schema revision: none" in capsys.readouterr().out
    assert not path.exists()
    assert not path.with_suffix(".key").exists()


@pytest.mark.parametrize("raw", ["nonsense", "postgres", "localhost:5432/db", "postgresql:/x", "sqlite:relative.db"])
def test_a_db_that_is_neither_a_url_nor_a_path_is_an_error(raw: str) -> None:
    with pytest.raises(ConfigError, match="not a database URL"):
        normalise_url(raw)


@pytest.mark.parametrize("raw", ["./ws.sqlite", "ws.sqlite", "data/ws.db", "~/ws.sqlite3", "/tmp/x/ws"])
def test_sqlite_paths_still_work(raw: str) -> None:
    assert normalise_url(raw).startswith("sqlite:///")


def test_the_cli_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("--db", "nonsense", "db", "info") == 1
    err = capsys.readouterr().err
    assert err.startswith("error: not a database URL")
    assert len(err.strip().splitlines()) == 1
    assert [p.name for p in tmp_path.iterdir()] == []
