"""``lawfulreach campaign …`` and ``--campaign ID|FILE`` on ``screen`` and ``check``, end to end in
process on a real workspace (SQLite and PostgreSQL): the CLI only parses and prints; bad input is one
readable line and a non-zero exit; an archived campaign is refused; a stored campaign and the same
file decide identically, and the report names which one (and its version) was used."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from lia_support import PASSING, toml
from lr_testkit import Run, RunLawfulreach

CAMPAIGN = """
name = "Q4 launch"
purpose = "marketing"
legal_entity = "Northwind Ltd"
products = ["software"]
lia = "passed"
"""
PROSPECTS = (
    "email,phone,company,country\n"
    "jane@firma.de,+49 30 901820,Firma GmbH,DE\n"
    "bob@acme.co.uk,+44 20 7946 0018,Acme Ltd,GB\n"
    "info@example.fr,,Exemple SA,FR\n"
)
REQUEST = {"contact": {"email": "bob@acme.co.uk", "company": "Acme Ltd"}, "channel": "email"}


@pytest.fixture
def campaign_file(write: Callable[[str, str], Path]) -> Path:
    return write("q4.toml", CAMPAIGN)


def approve_lia(cli: RunLawfulreach, write: Callable[[str, str], Path], campaign_id: str) -> str:
    """A passed, approved legitimate interests assessment for the stored campaign; its id."""
    answers = write(f"{campaign_id}-lia.toml", toml(PASSING))
    started = json.loads(cli("lia", "start", "--campaign", campaign_id, "--answers", str(answers), "--json").out)
    assert cli("lia", "approve", started["id"], "--by", "Dana Officer").code == 0
    assessment: str = started["id"]
    return assessment


def _one_line_error(run: Run, needle: str) -> None:
    assert run.code != 0
    assert needle in run.err
    assert run.err.strip().count("\n") == 0, run.err


class TestCampaignCommands:
    def test_create_update_show_list_archive(
        self, cli: RunLawfulreach, campaign_file: Path, write: Callable[[str, str], Path]
    ) -> None:
        made = cli("campaign", "create", str(campaign_file), "--id", "q4")
        assert made.code == 0, made.err
        assert made.out.startswith("campaign q4 stored: version 1 (cv-")
        changed = cli("campaign", "update", "q4", str(write("q4b.toml", CAMPAIGN + 'excluded_regions = ["US-CA"]\n')))
        assert "updated: version 2" in changed.out
        assert (
            "unchanged, still: version 2"
            in cli("campaign", "update", "q4", str(write("same.toml", CAMPAIGN + 'excluded_regions = ["US-CA"]\n'))).out
        )
        shown = json.loads(cli("campaign", "show", "q4", "--json").out)
        assert (shown["version"], shown["current_version"], shown["excluded_regions"]) == (2, 2, ["US-CA"])
        assert [v["version"] for v in shown["versions"]] == [1, 2]
        first = json.loads(cli("campaign", "show", "q4", "--version", "1", "--json").out)
        assert (first["version"], first["current"], first["excluded_regions"]) == (1, False, [])
        by_fingerprint = json.loads(cli("campaign", "show", "q4", "--version", first["fingerprint"], "--json").out)
        assert by_fingerprint["version"] == 1
        text = cli("campaign", "show", "q4").out
        assert "version 2 of 2 (current), active" in text
        assert "excluded_regions\tUS-CA" in text
        listed = json.loads(cli("campaign", "list", "--json").out)
        assert [(c["id"], c["version"]) for c in listed] == [("q4", 2)]
        assert cli("campaign", "archive", "q4").out.startswith("campaign q4 archived (last version 2")
        assert "no campaigns" in cli("campaign", "list").out
        assert "archived" in cli("campaign", "list", "--archived").out
        assert "version 1 of 2" in cli("campaign", "show", "q4", "--version", "1").out  # still readable
        acts = [
            json.loads(line)["act"] for line in cli("audit", "show", "--act", "campaign", "--json").out.splitlines()
        ]
        assert acts == ["campaign.create", "campaign.update", "campaign.archive"]
        assert cli("audit", "verify").code == 0

    def test_bad_input_is_one_line_and_a_non_zero_exit(
        self, cli: RunLawfulreach, campaign_file: Path, write: Callable[[str, str], Path]
    ) -> None:
        _one_line_error(cli("campaign", "create", str(write("typo.toml", 'lai = "passed"\n'))), "did you mean lia?")
        _one_line_error(cli("campaign", "create", str(campaign_file), "--id", "bad id"), "is not valid")
        _one_line_error(cli("campaign", "show", "nope"), "no campaign 'nope'")
        _one_line_error(cli("campaign", "update", "nope", str(campaign_file)), "no campaign 'nope'")
        _one_line_error(cli("campaign", "archive", "nope"), "no campaign 'nope'")
        assert cli("campaign", "create", str(campaign_file), "--id", "q4").code == 0
        _one_line_error(cli("campaign", "create", str(campaign_file), "--id", "q4"), "already exists")
        _one_line_error(cli("campaign", "show", "q4", "--version", "7"), "has no version 7")
        _one_line_error(cli("campaign", "show", "q4", "--version", "x"), "--version 'x'")
        assert cli("campaign", "archive", "q4").code == 0
        _one_line_error(cli("campaign", "update", "q4", str(campaign_file)), "archived and cannot be changed")
        _one_line_error(cli("campaign", "archive", "q4"), "already archived")


class TestScreenWithAStoredCampaign:
    def test_a_stored_id_and_the_same_file_decide_identically(
        self, cli: RunLawfulreach, campaign_file: Path, write: Callable[[str, str], Path], tmp_path: Path
    ) -> None:
        prospects = write("prospects.csv", PROSPECTS)
        assert cli("campaign", "create", str(campaign_file), "--id", "q4").code == 0
        assessment = approve_lia(cli, write, "q4")  # a stored campaign's LIA comes only from its assessment
        by_id = cli("screen", str(prospects), "--campaign", "q4", "--out", str(tmp_path / "a" / "r.csv"))
        by_file = cli(
            "screen", str(prospects), "--campaign", str(campaign_file), "--out", str(tmp_path / "b" / "r.csv")
        )
        assert by_id.code == by_file.code == 0, by_id.err + by_file.err
        assert pl.read_csv(tmp_path / "a" / "r.csv").equals(pl.read_csv(tmp_path / "b" / "r.csv"))
        fingerprint = json.loads(cli("campaign", "show", "q4", "--json").out)["fingerprint"]
        assert f"Campaign: q4, version 1 ({fingerprint})" in by_id.out
        assert f"LIA:      passed — assessed (assessment {assessment} version 2, approved " in by_id.out
        assert "LIA:      passed — asserted, not assessed" in by_file.out
        assert "Campaign: from file q4.toml (not stored)" in by_file.out
        assert "Rules:    rb-" in by_id.out
        report_id = (tmp_path / "a" / "prospects-report.html").read_text(encoding="utf-8")
        report_file = (tmp_path / "b" / "prospects-report.html").read_text(encoding="utf-8")
        assert f"q4, version 1 ({fingerprint})" in report_id
        assert "from file q4.toml (not stored)" in report_file
        assert "asserted, not assessed" in report_file
        assert "asserted, not assessed" not in report_id
        assert assessment in report_id
        for report in (report_id, report_file):
            assert "<dt>Rule base</dt><dd><code>rb-" in report

    def test_the_json_summary_names_campaign_lia_and_rule_base(
        self, cli: RunLawfulreach, campaign_file: Path, write: Callable[[str, str], Path], tmp_path: Path
    ) -> None:
        prospects = write("prospects.csv", PROSPECTS)
        cli("campaign", "create", str(campaign_file), "--id", "q4")
        run = cli("screen", str(prospects), "--campaign", "q4", "--json", "--out", str(tmp_path / "o.csv"))
        summary = json.loads(run.out)
        assert summary["campaign"]["kind"] == "stored"
        assert (summary["campaign"]["id"], summary["campaign"]["version"]) == ("q4", 1)
        assert summary["campaign"]["fingerprint"].startswith("cv-")
        # the file's lia = "passed" is not carried into the stored campaign: no assessment, so missing
        assert summary["campaign"]["lia"] == {"status": "missing", "outcome": "missing"}
        assert summary["rulebase_version"].startswith("rb-")
        assert summary["contacts"] == 3
        assert set(summary["outcomes"]) == {"email", "call"}
        assert "bob@acme.co.uk" not in run.out  # aggregates only

    def test_a_missing_lia_says_missing(
        self, cli: RunLawfulreach, write: Callable[[str, str], Path], tmp_path: Path
    ) -> None:
        prospects = write("prospects.csv", PROSPECTS)
        run = cli(
            "screen",
            str(prospects),
            "--campaign",
            str(write("c.toml", 'name = "x"\n')),
            "--json",
            "--out",
            str(tmp_path / "o.csv"),
        )
        assert json.loads(run.out)["campaign"]["lia"] == {"status": "missing", "outcome": "missing"}

    def test_archived_and_unknown_campaigns_are_refused(
        self, cli: RunLawfulreach, campaign_file: Path, write: Callable[[str, str], Path], tmp_path: Path
    ) -> None:
        prospects = write("prospects.csv", PROSPECTS)
        out = tmp_path / "o.csv"
        cli("campaign", "create", str(campaign_file), "--id", "q4")
        cli("campaign", "archive", "q4")
        _one_line_error(cli("screen", str(prospects), "--campaign", "q4", "--out", str(out)), "'q4' was archived")
        _one_line_error(cli("screen", str(prospects), "--campaign", "zz", "--out", str(out)), "no stored campaign")
        assert not out.exists()


class TestCheckWithACampaign:
    def test_default_campaign_for_lines_that_name_none(
        self, cli: RunLawfulreach, campaign_file: Path, write: Callable[[str, str], Path]
    ) -> None:
        cli("campaign", "create", str(campaign_file), "--id", "q4")
        approve_lia(cli, write, "q4")
        lines = "\n".join(
            json.dumps(r) for r in (REQUEST, {**REQUEST, "campaign": {"lia": "failed"}}, {**REQUEST, "campaign": "q4"})
        )
        by_id = [json.loads(x) for x in cli("check", "--campaign", "q4", stdin=lines).out.splitlines()]
        by_file = [json.loads(x) for x in cli("check", "--campaign", str(campaign_file), stdin=lines).out.splitlines()]
        assert [d["campaign_id"] for d in by_id] == ["q4", None, "q4"]
        assert by_id[0]["campaign_version"] == by_id[2]["campaign_version"]
        assert by_id[0]["outcome"] == "allowed"
        assert "lia_failed" in {r["code"] for r in by_id[1]["reasons"]}
        assert [d["campaign_id"] for d in by_file] == [None, None, "q4"]
        strip = ("decided_at", "campaign_id", "campaign_version")
        assert [{k: v for k, v in d.items() if k not in strip} for d in by_id] == [
            {k: v for k, v in d.items() if k not in strip} for d in by_file
        ]

    def test_archived_campaigns_are_refused(self, cli: RunLawfulreach, campaign_file: Path) -> None:
        cli("campaign", "create", str(campaign_file), "--id", "q4")
        cli("campaign", "archive", "q4")
        _one_line_error(cli("check", "--campaign", "q4", stdin=json.dumps(REQUEST)), "'q4' was archived")
        run = cli("check", stdin=json.dumps({**REQUEST, "campaign": "q4"}))
        assert run.code == 1
        assert "'q4' was archived" in json.loads(run.out)["error"]
