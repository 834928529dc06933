"""The whole privacy workflow from the command line, on every database: ``dsar``, ``audit``, ``keys``
and ``erase`` as an operator runs them (``lawfulreach.cli.app.main`` in-process, frozen time)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from time_machine import TimeMachineFixture

from lawfulreach.store import Workspace, WorkspaceSettings
from lr_testkit import Run, RunLawfulreach
from privacy_support import EMAIL, LEADS, PHONE, dump, found, needles

Write = Callable[[str, str], Path]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def traveller(time_machine: TimeMachineFixture) -> TimeMachineFixture:
    """Frozen wall-clock time: the CLI reads the real clock (deadlines, overdue lists)."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def cli(cli: RunLawfulreach, monkeypatch: pytest.MonkeyPatch, traveller: TimeMachineFixture) -> RunLawfulreach:
    """The suite's workspace CLI, acting as a named operator at a frozen wall-clock time."""
    monkeypatch.setenv("LAWFULREACH_ACTOR", "dpo@agency")
    return cli


def ok(result: Run) -> str:
    assert result.code == 0, result.err
    return result.out


def test_requests_from_receipt_to_fulfilment(
    cli: Callable[..., Run], write: Write, tmp_path: Path, traveller: TimeMachineFixture
) -> None:
    ok(cli("contacts", "import", str(write("leads.csv", LEADS)), "--provider", "DataCo Ltd"))
    out = ok(cli("dsar", "open", "--type", "access", "--email", EMAIL.upper(), "--received", "2026-11-20"))
    assert "request 1: access (gdpr), received; due 2026-11-23 00:00 UTC, legal deadline 2026-12-20 00:00 UTC" in out
    ok(cli("dsar", "open", "--type", "erasure", "--phone", "020 7946 0321", "--country", "GB"))
    ok(cli("dsar", "open", "--type", "ccpa_know", "--email", "someone@example.com"))

    overdue = ok(cli("dsar", "list", "--overdue"))
    assert overdue.splitlines()[1].startswith("1\taccess\tgdpr\treceived\t" + EMAIL)
    assert "overdue (target)" in overdue
    assert len(overdue.splitlines()) == 2
    assert len(ok(cli("dsar", "list", "--due-within", "72h")).splitlines()) == 4
    assert ok(cli("dsar", "list", "--due-within", "24h")).count("\n") == 2
    rows = [json.loads(line) for line in ok(cli("dsar", "list", "--json")).splitlines()]
    assert [(r["id"], r["regime"], r["overdue"]) for r in rows] == [
        (1, "gdpr", True),
        (2, "uk_gdpr", False),
        (3, "ccpa", False),
    ]

    refused = cli("dsar", "fulfil", "1")
    assert refused.code == 1
    assert refused.err.strip() == (
        "error: request 1: the requester's identity has not been verified — check it, then run "
        "`lawfulreach dsar verify 1` before fulfilling"
    )
    ok(cli("dsar", "verify", "1"))
    out = ok(cli("dsar", "fulfil", "1", "--out", str(tmp_path / "r1.zip")))
    assert "export written to" in out
    assert "fulfilled" in out
    with zipfile.ZipFile(tmp_path / "r1.zip") as zf:
        assert json.loads(zf.read("subject.json"))["contacts"][0]["job_title"] == "Chief Quimby Officer"

    ok(cli("dsar", "extend", "3", "--reason", "records held by two processors"))
    traveller.shift(60 * 86400)
    late = ok(cli("dsar", "list", "--overdue"))
    assert "2\terasure" in late
    assert "PAST LEGAL DEADLINE" in late
    assert "3\tccpa_know" not in late
    ok(cli("dsar", "verify", "2"))
    assert "erased: 1 contact(s)" in ok(cli("dsar", "fulfil", "2"))
    assert "rejected" in ok(cli("dsar", "reject", "3", "--reason", "not our customer"))
    assert "(erased)" in ok(cli("dsar", "list", "--all"))
    assert "not our customer" in ok(cli("dsar", "show", "3"))

    verify = ok(cli("audit", "verify"))
    assert "chain intact" in verify
    shown = ok(cli("audit", "show", "--email", EMAIL, "--act", "request"))
    assert [line.split("\t")[3] for line in shown.splitlines()[1:]] == [
        "request.open",
        "request.verify",
        "request.fulfil",
    ]
    assert all(line.split("\t")[2] == "dpo@agency" for line in shown.splitlines()[1:])
    assert EMAIL not in ok(cli("audit", "show", "--json"))


def test_audit_verify_fails_naming_the_entry(cli: Callable[..., Run], settings: WorkspaceSettings) -> None:
    ok(cli("suppress", "add", "--domain", "a.example"))
    ok(cli("suppress", "add", "--domain", "b.example"))
    ok(cli("optout", "--email", EMAIL))
    engine = create_engine(settings.url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET act = 'suppress.remove' WHERE seq = 2"))
    engine.dispose()
    result = cli("audit", "verify")
    assert result.code == 1
    assert "broken at entry #2" in result.err


def test_keys_rotate_and_status(cli: Callable[..., Run], write: Write, settings: WorkspaceSettings) -> None:
    ok(cli("contacts", "import", str(write("leads.csv", LEADS))))
    ok(cli("erase", "--email", "bob.other@example.org"))
    assert "rotation to key version 2 started and completed" in ok(cli("keys", "rotate"))
    status = ok(cli("keys", "status")).splitlines()
    assert status[2].startswith("1\t")
    assert status[3].startswith("2 (current)\t")
    assert status[3].split("\t")[3] == "1"  # Zelda's contact; Bob was erased
    out = ok(cli("contacts", "show", "--phone", PHONE))
    assert "Zelda" in out
    with Workspace.open(settings) as ws:
        assert found(dump(ws), needles()) == []


def test_erase_command_leaves_no_trace(cli: Callable[..., Run], write: Write, settings: WorkspaceSettings) -> None:
    ok(cli("contacts", "import", str(write("leads.csv", LEADS))))
    ok(cli("consent", "record", "--email", EMAIL, "--channel", "email", "--purpose", "marketing", "--method", "form"))
    out = ok(cli("erase", "--email", EMAIL))
    assert EMAIL not in out
    assert "2 keyed hash(es) kept" in out
    with Workspace.open(settings) as ws:
        assert found(dump(ws), needles()) == []
    assert "erase" in ok(cli("audit", "show", "--act", "erase"))
