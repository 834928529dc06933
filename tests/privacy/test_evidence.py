"""Evidence records (issue "prove it", items 3–4): a recorded screen keeps every decision by blind
index; ``evidence`` answers for a person (decisions, ledger); the access export carries the evidence;
erasure takes it away, leaving no plaintext and no unkeyed hash; the rule-base version recorded
follows the override files; the packed layout stays compact."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from lawfulreach.batch.reader import read_prospects
from lawfulreach.commands.evidence import EvidenceRecorder, evidence_for, packed_subjects
from lawfulreach.domain.model import Campaign, LiaAssessmentRef
from lawfulreach.domain.vocabulary import Channel, LiaStatus
from lawfulreach.sample.generator import generate_prospects
from lawfulreach.service import Lawfulreach
from lawfulreach.store import Subject, Workspace
from lawfulreach.store.evidence import KEY_BYTES, EvidenceChunk, EvidenceRun, EvidenceShape, key_of, lia_of
from lawfulreach.store.models import Base
from lr_testkit import RunLawfulreach
from privacy_support import EMAIL, LEADS, OTHER_EMAIL, PHONE, dump, found, needles

CAMPAIGN = 'name = "Widgets Q4"\npurpose = "marketing"\nlegal_entity = "Northwind Ltd"\nlia = "passed"\n'


def _files(tmp_path: Path) -> tuple[Path, Path]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    leads = tmp_path / "leads.csv"
    leads.write_text(LEADS, encoding="utf-8")
    campaign = tmp_path / "campaign.toml"
    campaign.write_text(CAMPAIGN, encoding="utf-8")
    return leads, campaign


def _screen(cli: RunLawfulreach, tmp_path: Path, *before: str, record: str = "--record") -> str:
    """``lawfulreach BEFORE… screen leads.csv --campaign … --record``; the run id it printed."""
    leads, campaign = _files(tmp_path)
    out = tmp_path / "out" / "screened.csv"
    res = cli(*before, "screen", str(leads), "--campaign", str(campaign), "--out", str(out), record)
    assert res.code == 0, res.err
    line = next(x for x in res.out.splitlines() if x.startswith("Recorded:"))
    return line.split("evidence run ", 1)[1].split()[0]


def _evidence(cli: RunLawfulreach, *who: str) -> dict[str, Any]:
    res = cli("evidence", *who, "--format", "json")
    assert res.code == 0, res.err
    data: dict[str, Any] = json.loads(res.out)
    return data


class TestRecordedScreen:
    """``screen --record``: the run and every decision, answerable by email or phone."""

    def test_record_then_opt_out_then_erase(self, cli: RunLawfulreach, ws: Workspace, tmp_path: Path) -> None:
        run_id = _screen(cli, tmp_path, "--subscriber-policy", "assume_corporate")
        # Without --record nothing is kept.
        leads, campaign = _files(tmp_path)
        plain = cli("screen", str(leads), "--campaign", str(campaign), "--out", str(tmp_path / "plain.csv"))
        assert plain.code == 0
        assert "Recorded:" not in plain.out

        summary = json.loads(cli("evidence", "run", run_id, "--format", "json").out)
        assert summary["kind"] == "screen"
        assert summary["input"] == {"name": "leads.csv", "sha256": hashlib.sha256(LEADS.encode()).hexdigest()}
        assert summary["lia"] == {"kind": "asserted", "status": "passed", "id": None, "version": None}
        assert summary["campaign"]["name"] == "Widgets Q4"
        assert summary["decisions"] == 4  # two contacts × email, call
        assert sum(summary["counts"]["email"].values()) == 2
        assert summary["rulebase_version"].startswith("rb-")

        first = _evidence(cli, "--email", EMAIL)
        assert {(d["channel"], d["input"]["line"]) for d in first["decisions"]} == {("email", 2), ("call", 2)}
        by_channel = {d["channel"]: d for d in first["decisions"]}
        assert by_channel["email"]["matched"] == "key"
        assert by_channel["call"]["matched"].startswith("same contact")  # decided on the phone of that line
        assert by_channel["email"]["rulebase_version"] == summary["rulebase_version"]
        assert by_channel["email"]["outcome"] in ("allowed", "review", "blocked")
        assert first["runs"][0]["run"] == run_id
        # by phone: the same two decisions
        by_phone = _evidence(cli, "--phone", PHONE)
        assert {(d["channel"], d["matched"]) for d in by_phone["decisions"]} == {
            ("call", "key"),
            ("email", "same contact (line 2)"),
        }

        # Opt out, screen again: the ledger event shows with its source, and the new decision blocks.
        assert cli("optout", "--email", EMAIL, "--source", "replied STOP to the Q4 mail").code == 0
        second_run = _screen(cli, tmp_path / "again")
        after = _evidence(cli, "--email", EMAIL)
        assert [e["source"] for e in after["ledger"]] == ["replied STOP to the Q4 mail"]
        latest = [d for d in after["decisions"] if d["run"] == second_run and d["channel"] == "email"]
        assert latest[0]["outcome"] == "blocked"
        assert "opted_out" in latest[0]["reasons"]

        # The access export (DSAR) carries the evidence.
        request = ws.requests.open("access", Subject("email", EMAIL))
        ws.requests.verify(request.number)
        zipped = tmp_path / "export.zip"
        ws.requests.fulfil(request.number, out=zipped)
        with zipfile.ZipFile(zipped) as zf:
            exported = json.loads(zf.read("subject.json"))
            assert "evidence.csv" in zf.namelist()
        assert {d["run"] for d in exported["evidence"]} == {run_id, second_run}

        # The HTML report is a private file, escaped.
        html = tmp_path / "evidence.html"
        assert cli("evidence", "--email", EMAIL, "--out", str(html)).code == 0
        assert html.stat().st_mode & 0o777 == 0o600
        assert "replied STOP to the Q4 mail" in html.read_text(encoding="utf-8")

        # Erase: the evidence is gone, the other person's stays; no plaintext, no unkeyed hash.
        assert cli("erase", "--email", EMAIL).code == 0
        gone = _evidence(cli, "--email", EMAIL)
        assert gone["erased"] is True
        assert gone["decisions"] == []
        assert gone["ledger"] == []
        assert _evidence(cli, "--phone", PHONE)["decisions"] == []
        assert {d["channel"] for d in _evidence(cli, "--email", OTHER_EMAIL)["decisions"]} == {"email", "call"}
        assert found(dump(ws), needles()) == []
        with ws.scope.reading() as session:
            packed = b"".join(session.scalars(select(EvidenceChunk.subjects)))
        for key in (EMAIL, PHONE):
            assert key_of(ws.scope.index(key)) not in packed
        assert ws.evidence.run(run_id).decisions == 4  # the run's counts name nobody and stay
        ws.audit_verify()

    def test_the_dump_never_holds_plaintext_or_unkeyed_hashes(
        self, cli: RunLawfulreach, ws: Workspace, tmp_path: Path
    ) -> None:
        _screen(cli, tmp_path, record="--save")  # --save records too
        assert len(evidence_for(ws, Subject("email", EMAIL)).decisions) == 2
        text = dump(ws)
        # the contact store seals; the evidence holds 128-bit blind indexes only
        assert found(text, needles()) == []

    def test_erasing_by_phone_takes_the_email_decision_of_the_same_line(
        self, cli: RunLawfulreach, ws: Workspace, tmp_path: Path
    ) -> None:
        _screen(cli, tmp_path)
        ws.erase([Subject("phone", PHONE)])
        assert evidence_for(ws, Subject("email", EMAIL)).decisions == []
        assert len(evidence_for(ws, Subject("email", OTHER_EMAIL)).decisions) == 2


class TestRuleBaseVersion:
    def test_recorded_version_follows_the_override_file(
        self, cli: RunLawfulreach, ws: Workspace, tmp_path: Path
    ) -> None:
        override = tmp_path / "mine.csv"
        override.write_text("country,channel,level,citation\nCH,email_third_party,opt_out,Switzerland: UWG\n")
        shipped = ws.evidence.run(_screen(cli, tmp_path / "a")).rulebase_version
        first = ws.evidence.run(_screen(cli, tmp_path / "b", "--rules", str(override))).rulebase_version
        override.write_text("country,channel,level,citation\nCH,email_third_party,opt_in,Switzerland: UWG\n")
        second = ws.evidence.run(_screen(cli, tmp_path / "c", "--rules", str(override))).rulebase_version
        assert len({shipped, first, second}) == 3
        shown = cli("--rules", str(override), "rules", "show")
        assert second in shown.out


class TestCommandLine:
    def test_bad_input_is_one_line(self, cli: RunLawfulreach) -> None:
        for args in (
            ("evidence", "run", "nonsense"),
            ("evidence", "run", "run-000000000000"),
            ("evidence", "--email", "x@example.com", "--format", "pdf"),
            ("evidence", "--email", "not-an-address"),
        ):
            res = cli(*args)
            assert res.code != 0, args
            assert len(res.err.strip().splitlines()) == 1, (args, res.err)


class TestCompact:
    """The packed layout: a few dozen bytes per decision in the SQLite file (1M figures: bench/evidence.py)."""

    def test_bytes_per_decision(self, sqlite_ws: Workspace, tmp_path: Path) -> None:
        ws = sqlite_ws
        n = 20_000
        csv = tmp_path / "p.csv"
        generate_prospects(n, seed=3).write_csv(csv)
        frame = read_prospects(csv, "auto", {}).frame
        path = Path(ws.settings.url.removeprefix("sqlite:///"))
        ws.engine.dispose()
        before = path.stat().st_size
        recorder = EvidenceRecorder(ws.scope, "screen", "p.csv", "0" * 64, campaign=Campaign(name="c"))
        service = Lawfulreach(clock=ws.scope.clock).with_sink(recorder)
        service.screen(frame, [Channel.EMAIL, Channel.CALL], Campaign(name="c"), ws.batch_snapshot(), conformed=True)
        ws.engine.dispose()
        grown = path.stat().st_size - before
        decisions = 2 * frame.height
        assert recorder.runs[0].decisions == decisions
        per_decision = grown / decisions
        print(f"evidence: {per_decision:.1f} bytes per decision in the SQLite file")
        assert per_decision <= 32, per_decision  # 24 bytes packed + pages; 60 MB per 1M is the ceiling
        with ws.scope.reading() as session:
            assert session.scalar(select(func.count()).select_from(EvidenceChunk)) == 2  # one chunk a channel
            shapes = session.scalar(select(func.count()).select_from(EvidenceShape))
        assert shapes is not None
        assert shapes < 2_000
        assert pl.Series(frame["line"]).n_unique() == frame.height


class TestLia:
    """What a run says about the campaign's LIA: the assessment behind a stored campaign, or what a
    campaign file asserts."""

    def test_kinds(self) -> None:
        assessed = replace(
            Campaign(lia=LiaStatus.PASSED).stored_as("q4"),
            lia_assessment=LiaAssessmentRef("lia-7", 3, LiaStatus.PASSED, "passed", approved_by="Dana DPO"),
        )
        assert lia_of(assessed) == ("assessed", "passed", "lia-7", 3)
        assert lia_of(Campaign(lia=LiaStatus.PASSED)) == ("asserted", "passed", None, None)
        assert lia_of(Campaign(lia=LiaStatus.FAILED)) == ("asserted", "failed", None, None)
        assert lia_of(Campaign()) == ("missing", "missing", None, None)

    def test_a_stored_campaign_run_names_its_version_and_assessment(self, ws: Workspace, tmp_path: Path) -> None:
        campaign = replace(
            Campaign(name="Q4", lia=LiaStatus.PASSED).stored_as("q4"),
            lia_assessment=LiaAssessmentRef("lia-7", 3, LiaStatus.PASSED, "passed"),
        )
        leads, _ = _files(tmp_path)
        frame = read_prospects(leads, "auto", {}).frame
        recorder = EvidenceRecorder(ws.scope, "screen", "leads.csv", None, campaign=campaign)
        Lawfulreach(clock=ws.scope.clock).with_sink(recorder).screen(
            frame, [Channel.EMAIL], campaign, ws.batch_snapshot(), conformed=True
        )
        (decision,) = evidence_for(ws, Subject("email", EMAIL)).as_json()["decisions"]
        assert decision["campaign"] == {"id": "q4", "version": campaign.version, "name": "Q4"}
        assert decision["lia"] == {"kind": "assessed", "status": "passed", "id": "lia-7", "version": 3}


def test_reused_indexes_pack_as_the_recorder_hashes(ws: Workspace, tmp_path: Path) -> None:
    """A tenant with person-keyed state makes the batch path compute blind indexes; the recorder
    packs those instead of hashing again, and the bytes are the same."""
    ws.ledger.opt_out(Subject("email", "someone.else@example.net"), "all")
    leads, _ = _files(tmp_path)
    frame = read_prospects(leads, "auto", {}).frame
    result = Lawfulreach().screen(frame, [Channel.EMAIL, Channel.CALL], Campaign(), ws.batch_snapshot(), conformed=True)
    for channel in result.channels:
        res = result.results[channel]
        assert res.keys is not None
        assert res.key_indexes is not None
        assert res.key_indexes.null_count() == res.keys.null_count()
        assert packed_subjects(ws.scope, res.keys, res.key_indexes) == packed_subjects(ws.scope, res.keys)
    email_keys = result.results[Channel.EMAIL].keys
    assert email_keys is not None
    assert packed_subjects(ws.scope, email_keys)[:KEY_BYTES] == key_of(ws.scope.index(EMAIL))


def test_models_and_migration_agree(ws: Workspace) -> None:
    mine = {EvidenceRun.__tablename__, EvidenceShape.__tablename__, EvidenceChunk.__tablename__}

    def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in mine

    with ws.engine.connect() as conn:
        opts = {"compare_type": True, "include_object": include}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diff == []
    assert KEY_BYTES == 16


def test_check_record_keeps_every_line_in_one_run(cli: RunLawfulreach, tmp_path: Path) -> None:
    """``check --record``: one run for the input (its name and SHA-256), each decision by its line
    number, malformed lines reported in place and not recorded; output identical to a plain check."""
    _, campaign = _files(tmp_path)
    lines = [
        json.dumps({"contact": {"email": EMAIL, "country": "GB"}, "channel": "email"}),
        "{not json",
        "",
        json.dumps({"contact": {"email": OTHER_EMAIL, "country": "DE"}, "channel": "email"}),
    ]
    requests = tmp_path / "requests.jsonl"
    requests.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plain = cli("check", str(requests), "--campaign", str(campaign))
    recorded = cli("check", str(requests), "--campaign", str(campaign), "--record")
    assert recorded.code == plain.code == 1  # the malformed line

    def rows(out: str) -> list[dict[str, Any]]:
        return [{k: v for k, v in json.loads(x).items() if k != "decided_at"} for x in out.splitlines()]

    assert rows(recorded.out) == rows(plain.out)
    assert json.loads(recorded.out.splitlines()[1]) == {
        "line": 2,
        "error": json.loads(plain.out.splitlines()[1])["error"],
    }
    ref = recorded.err.split("evidence run ", 1)[1].split()[0]
    run = cli("evidence", "run", ref)
    assert run.code == 0, run.err
    assert hashlib.sha256(requests.read_bytes()).hexdigest() in run.out
    decisions = _evidence(cli, "--email", OTHER_EMAIL)["decisions"]
    assert [(d["run"], d["kind"], d["input"]["name"], d["input"]["line"]) for d in decisions] == [
        (ref, "check", "requests.jsonl", 4)
    ]
