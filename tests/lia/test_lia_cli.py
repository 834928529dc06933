"""``lawfulreach lia …`` end to end: answers files and terminal prompts, approval, show/list, the filed
document (HTML escaped and printable, Markdown), verify, and bad input as one line."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from time_machine import TimeMachineFixture

from lawfulreach.domain.lia import Answer
from lawfulreach.domain.model import Campaign
from lawfulreach.store import Workspace
from lawfulreach.store.lia import LiaRepo
from lia_support import PASSING, answers, toml
from lr_testkit import RunLawfulreach

Write = Callable[[str, str], Path]


@pytest.fixture
def campaign(ws: Workspace) -> str:
    ws.campaigns.put("q1", Campaign(name="Q1", legal_entity="Northwind Ltd"))
    return "q1"


def started(cli: RunLawfulreach, write: Write, given: Mapping[str, Answer], name: str = "a.toml") -> dict[str, Any]:
    run = cli("lia", "start", "--campaign", "q1", "--answers", str(write(name, toml(given))), "--json")
    assert run.code == 0, run.err
    doc: dict[str, Any] = json.loads(run.out)
    return doc


class TestStart:
    def test_passing_answers_then_approval(self, cli: RunLawfulreach, write: Write, campaign: str) -> None:
        doc = started(cli, write, PASSING)
        assert (doc["outcome"], doc["version"], doc["approved_by"]) == ("passed", 1, None)
        assert [r["code"] for r in doc["reasons"]] == ["passed"]
        shown = cli("lia", "show", str(doc["id"]))
        assert "lia missing — the assessment" in shown.out
        assert "awaiting approval" in shown.out
        approved = cli("lia", "approve", str(doc["id"]), "--by", "Dana Officer, DPO")
        assert approved.code == 0, approved.err
        assert "approved by Dana Officer, DPO" in approved.out
        shown = json.loads(cli("lia", "show", str(doc["id"]), "--json").out)
        assert (shown["version"], shown["campaign_status"], shown["integrity"]) == (2, "passed", "intact")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", shown["review_due"])
        listed = cli("lia", "list", "--campaign", "q1").out.splitlines()
        assert listed[1].split("\t")[:5] == [doc["id"], "2", "q1", "passed", "Dana Officer, DPO"]
        assert cli("lia", "verify").out.startswith("2 assessment versions checked")
        assert cli("audit", "verify").code == 0

    def test_failing_answers(self, cli: RunLawfulreach, write: Write, campaign: str) -> None:
        doc = started(cli, write, answers(balancing__special_category_data=True))
        assert doc["outcome"] == "failed"
        reason = doc["reasons"][0]
        assert reason["code"] == "special_category_data"
        assert "Art. 9" in reason["citation"]
        refused = cli("lia", "approve", str(doc["id"]), "--by", "Dana")
        assert refused.code == 1
        assert refused.err.count("\n") == 1
        assert "cannot be approved" in refused.err

    def test_no_opt_out_fails(self, cli: RunLawfulreach, write: Write, campaign: str) -> None:
        doc = started(cli, write, answers(balancing__opt_out_in_every_message=False))
        assert (doc["outcome"], doc["reasons"][0]["code"]) == ("failed", "no_opt_out")

    def test_needs_review(self, cli: RunLawfulreach, write: Write, campaign: str) -> None:
        doc = started(cli, write, answers(balancing__privacy_notice_given=False, conclusion__summary=None))
        assert doc["outcome"] == "needs_review"
        assert [r["code"] for r in doc["reasons"]] == ["unanswered", "no_privacy_notice"]

    def test_approver_required(self, cli: RunLawfulreach, write: Write, campaign: str) -> None:
        doc = started(cli, write, PASSING)
        missing = cli("lia", "approve", str(doc["id"]))
        assert missing.code == 2
        assert "--by" in missing.err
        blank = cli("lia", "approve", str(doc["id"]), "--by", "  ")
        assert (blank.code, blank.err) == (1, "error: an approval needs the approver's name (--by NAME)\n")

    def test_unknown_or_archived_campaign(self, cli: RunLawfulreach, write: Write, campaign: str) -> None:
        run = cli("lia", "start", "--campaign", "nope", "--answers", str(write("a.toml", toml(PASSING))))
        assert run.code == 1
        assert "no stored campaign with that id" in run.err
        assert cli("campaign", "archive", "q1").code == 0
        run = cli("lia", "start", "--campaign", "q1", "--answers", str(write("a.toml", toml(PASSING))))
        assert (run.code, run.err) == (
            1,
            "error: campaign 'q1' is archived; an archived campaign is not assessed again\n",
        )

    def test_answers_file_errors_are_one_line_naming_the_line(
        self, cli: RunLawfulreach, write: Write, campaign: str
    ) -> None:
        path = write("bad.toml", '[balancing]\ncapacity = "sometimes"\n')
        run = cli("lia", "start", "--campaign", "q1", "--answers", str(path))
        assert run.code == 1
        assert run.err == (
            f"error: {path}: line 2: balancing.capacity = 'sometimes' is not one of professional, mixed, private\n"
        )
        path = write("typo.toml", "[purpose]\nintrest = 'x'\n")
        run = cli("lia", "start", "--campaign", "q1", "--answers", str(path))
        assert run.code == 1
        assert "unknown key purpose.intrest at line 2; did you mean purpose.interest?" in run.err
        assert cli("lia", "list").out == "no assessments\n"

    def test_terminal_prompts(self, cli: RunLawfulreach, campaign: str, ws: Workspace) -> None:
        """Without --answers every question is asked; a wrong choice is asked again, empty skips."""
        from lawfulreach.rules.lia import default_questionnaire

        lines = []
        for q in default_questionnaire().questions:
            value = PASSING.get(q.id)
            if q.id == "balancing.capacity":
                lines.append("sometimes")  # not a choice: asked again
            if value is None or q.id == "conclusion.summary":
                lines.append("")
            elif isinstance(value, bool):
                lines.append("yes" if value else "no")
            else:
                lines.append(str(value))
        run = cli("lia", "start", "--campaign", "q1", stdin="\n".join(lines) + "\n")
        assert run.code == 0, run.err
        assert "(campaign q1): needs review" in run.out
        stored = LiaRepo(ws.scope).list("q1")[0]
        assert stored.answers["balancing.capacity"] == "professional"
        assert "conclusion.summary" not in stored.answers
        assert [f.question for f in stored.findings] == ["conclusion.summary"]


class TestRender:
    def test_html_is_escaped_printable_and_complete(
        self, cli: RunLawfulreach, write: Write, campaign: str, tmp_path: Path
    ) -> None:
        given = answers(purpose__interest="<script>alert(1)</script> & more", balancing__profiling=True)
        doc = started(cli, write, given)
        out = tmp_path / "lia.html"
        run = cli("lia", "render", str(doc["id"]), "--format", "html", "--out", str(out))
        assert run.code == 0, run.err
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        html = out.read_text(encoding="utf-8")
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
        assert "@media print" in html
        for title in ("Purpose test", "Necessity test", "Balancing test", "Conclusion"):
            assert title in html
        assert "GDPR Recital 75, Art. 21(2) and Art. 35" in html  # the profiling reason's citation
        assert str(doc["content_hash"]) in html
        assert "not approved" in html

    def test_markdown(self, cli: RunLawfulreach, write: Write, campaign: str) -> None:
        doc = started(cli, write, answers(purpose__interest="Sell *everything* | now"))
        assert cli("lia", "approve", str(doc["id"]), "--by", "Dana Officer").code == 0
        md = cli("lia", "render", str(doc["id"]), "--format", "md").out
        assert md.startswith("# Legitimate interests assessment\n")
        assert "## 3. Balancing test" in md
        assert r"Sell \*everything\* \| now" in md
        assert "Approved by: **Dana Officer**" in md
        assert "Next review: " in md

    def test_unknown_format(self, cli: RunLawfulreach, write: Write, campaign: str) -> None:
        doc = started(cli, write, PASSING)
        run = cli("lia", "render", str(doc["id"]), "--format", "pdf")
        assert (run.code, run.err) == (1, "error: --format 'pdf': use html or md\n")


def test_verify_reports_tampering(cli: RunLawfulreach, write: Write, campaign: str, ws: Workspace) -> None:
    doc = started(cli, write, answers(balancing__opt_out_in_every_message=False))
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE lia_assessments SET outcome = 'passed'"))
    run = cli("lia", "verify")
    assert run.code == 1
    assert f"{doc['id']} version 1 (campaign q1): its content does not match its stored hash" in run.err
    assert "INTEGRITY: altered" in cli("lia", "show", str(doc["id"])).out
    assert "cannot be approved" in cli("lia", "approve", str(doc["id"]), "--by", "Dana").err


def test_show_says_when_the_assessment_expired(
    cli: RunLawfulreach, write: Write, campaign: str, time_machine: TimeMachineFixture
) -> None:
    """The CLI reads the wall clock: frozen at approval, then moved past the review date."""
    time_machine.move_to(datetime(2026, 11, 25, 12, tzinfo=UTC), tick=False)
    doc = started(cli, write, PASSING)
    assert cli("lia", "approve", str(doc["id"]), "--by", "Dana", "--review-months", "6").code == 0
    assert "lia passed (approved by Dana; review due 2027-05-25)" in cli("lia", "show", str(doc["id"])).out
    time_machine.move_to(datetime(2027, 5, 25, 9, tzinfo=UTC), tick=False)
    shown = cli("lia", "show", str(doc["id"])).out
    assert "campaign q1: lia missing — the assessment expired on 2027-05-25" in shown


def test_a_tampered_assessment_still_renders_marked_altered(
    cli: RunLawfulreach, write: Write, campaign: str, ws: Workspace
) -> None:
    doc = started(cli, write, PASSING)
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE lia_assessments SET approved_by = 'Forger', answers = 'not json'"))
    html = cli("lia", "render", str(doc["id"]))
    assert html.code == 0, html.err
    assert "altered: its stored answers or reasons are not readable" in html.out
    assert "<tr><th>Approved by</th><td>not approved</td></tr>" in html.out  # no approval time: not approved
