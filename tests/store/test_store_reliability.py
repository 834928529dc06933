"""Failures change nothing; concurrent writers lose nothing (SQLite WAL and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lawfulreach.store import Subject, Workspace, WorkspaceSettings, bulk_keys
from lawfulreach.store import dnc as dnc_module
from lawfulreach.store import suppression as suppression_module
from lawfulreach.store.bulk import BulkInsert
from lawfulreach.store.suppression import Entry

Write = Callable[[str, str], Path]


class BoomError(RuntimeError):
    pass


def test_a_load_failing_midway_leaves_the_old_register(
    ws: Workspace, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws.dnc.load("GB", "TPS", write("a.txt", "020 7946 0018\n"))
    monkeypatch.setattr(dnc_module, "CHUNK", 2)
    real = bulk_keys.bulk_e164
    calls = {"n": 0}

    def flaky(values: list[str], country: str | None) -> list[str | None]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise BoomError("disk full")
        return real(values, country)

    monkeypatch.setattr(bulk_keys, "bulk_e164", flaky)  # imported by the load, at its start
    numbers = "".join(f"020 7946 00{n:02d}\n" for n in range(20, 30))
    with pytest.raises(BoomError):
        ws.dnc.load("GB", "TPS", write("b.txt", numbers))
    assert ws.dnc.listed("GB", "+442079460018") == ["TPS"]
    assert ws.dnc.listed("GB", "+442079460020") == []
    assert ws.dnc.registers("GB")[0].size == 1


def test_an_import_failing_midway_adds_nothing(ws: Workspace, write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suppression_module, "_BATCH", 2)
    real = BulkInsert.add
    calls = {"n": 0}

    def flaky(self: BulkInsert, rows: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise BoomError("connection lost")
        real(self, rows)

    monkeypatch.setattr(BulkInsert, "add", flaky)
    with pytest.raises(BoomError):
        ws.suppressions.import_file(write("l.txt", "a@x.com\nb@x.com\nc@x.com\nd@x.com\n"))
    assert ws.suppressions.entries() == []


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from lawfulreach.store import Subject, Workspace, WorkspaceSettings

    url, key_file, who, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with Workspace.open(WorkspaceSettings(url=url, key_file=Path(key_file))) as ws:
        for i in range(count):
            subject = Subject("email", f"{who}-{i}@example.com")
            if i % 2:
                ws.ledger.opt_out(subject, "email", source=who)
            else:
                ws.ledger.record_consent(subject, "email", "marketing", "web_form", source=who)
    """
)


def test_two_processes_appending_lose_nothing(ws: Workspace, settings: WorkspaceSettings) -> None:
    count = 100
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, settings.url, str(settings.key_file), who, str(count)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("alpha", "beta")
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    snap = ws.batch_snapshot()
    assert snap.consents.height == count  # half consents, half opt-outs, from each writer
    assert snap.opt_outs.height == count
    for who in ("alpha", "beta"):
        for i in range(count):
            assert len(ws.ledger.history(Subject("email", f"{who}-{i}@example.com"))) == 1


def test_threads_importing_and_appending_at_once(open_ws: Callable[..., Workspace], write: Write) -> None:
    a, b = open_ws(), open_ws()
    path = write("big.txt", "".join(f"user{i}@example.org\n" for i in range(2_000)))
    errors: list[BaseException] = []

    def importer() -> None:
        try:
            a.suppressions.import_file(path)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def appender() -> None:
        try:
            for i in range(30):
                b.ledger.opt_out(Subject("email", f"t{i}@example.com"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=importer), threading.Thread(target=appender)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert len(a.suppressions.entries()) == 2_000
    assert b.batch_snapshot().opt_outs.height == 30


def test_erasure_and_suppression_of_the_same_person_serialise(ws: Workspace) -> None:
    ws.suppressions.add(Entry("email", "jane@foo.com"))
    ws.erase([Subject("email", "jane@foo.com")])
    assert ws.suppressions.entries() == []
