"""What the screening report says about the campaign (issue 14): which one — a stored campaign's id,
version number and fingerprint, or the file — and its LIA status: assessed (with the assessment, its
approval and review date), asserted but not assessed, or missing. One description
(``report.campaign``) feeds the HTML report, the JSON summary and the terminal lines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from lawfulreach.domain.model import Campaign, LiaAssessmentRef
from lawfulreach.domain.vocabulary import LiaStatus
from lawfulreach.report.campaign import campaign_provenance, lia_line, provenance_lines
from lawfulreach.report.html import render_report
from test_report import CAMPAIGN, CHANNELS, GENERATED, screened

STORED = replace(Campaign(name="Q4", lia=LiaStatus.PASSED).stored_as("q4-eu"), revision=3)
ASSESSMENT = LiaAssessmentRef(
    id="lia_7",
    version=2,
    status=LiaStatus.PASSED,
    outcome="passed",
    approved_by="Dana Officer",
    approved_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
    review_due=date(2027, 11, 20),
)


class TestProvenance:
    def test_a_stored_campaign_with_an_assessment(self) -> None:
        p = campaign_provenance(replace(STORED, lia_assessment=ASSESSMENT))
        assert (p["kind"], p["id"], p["version"], p["fingerprint"]) == ("stored", "q4-eu", 3, STORED.version)
        assert p["lia"]["status"] == "assessed"
        assert (p["lia"]["assessment_id"], p["lia"]["assessment_version"]) == ("lia_7", 2)
        assert provenance_lines(p) == [
            f"Campaign: q4-eu, version 3 ({STORED.version})",
            "LIA:      passed — assessed (assessment lia_7 version 2, approved 2026-11-20 by Dana Officer, "
            "review due 2027-11-20)",
        ]

    def test_an_expired_or_unapproved_assessment_says_so(self) -> None:
        expired = replace(ASSESSMENT, status=LiaStatus.MISSING, expired=True)
        assert "missing — assessed" in lia_line(campaign_provenance(replace(STORED, lia_assessment=expired))["lia"])
        assert "review was due 2027-11-20" in lia_line(
            campaign_provenance(replace(STORED, lia_assessment=expired))["lia"]
        )
        draft = replace(ASSESSMENT, approved_by=None, approved_at=None, status=LiaStatus.MISSING)
        assert "not approved" in lia_line(campaign_provenance(replace(STORED, lia_assessment=draft))["lia"])

    def test_a_file_lia_is_asserted_not_assessed_and_none_is_missing(self) -> None:
        from_file = campaign_provenance(Campaign(lia=LiaStatus.PASSED), "q4.toml")
        assert from_file == {"kind": "file", "file": "q4.toml", "lia": {"status": "asserted", "outcome": "passed"}}
        assert provenance_lines(from_file)[0] == "Campaign: from file q4.toml (not stored)"
        assert "asserted, not assessed" in provenance_lines(from_file)[1]
        failed = campaign_provenance(Campaign(lia=LiaStatus.FAILED), "q4.toml")["lia"]
        assert failed == {"status": "asserted", "outcome": "failed"}
        assert campaign_provenance(Campaign())["lia"] == {"status": "missing", "outcome": "missing"}
        assert campaign_provenance(Campaign())["kind"] == "inline"


class TestHtml:
    def _render(self, campaign: Campaign, source: str | None = None) -> str:
        return render_report(
            screened(),
            channels=CHANNELS,
            campaign=CAMPAIGN,
            generated_at=GENERATED,
            source_name="prospects.csv",
            rulebase_version="rb-0123456789ab",
            provenance=campaign_provenance(campaign, source),
        )

    def test_the_masthead_names_version_lia_and_rule_base(self) -> None:
        html = self._render(replace(STORED, lia_assessment=ASSESSMENT))
        assert f"<dt>Campaign</dt><dd>q4-eu, version 3 ({STORED.version})</dd>" in html
        assert "approved 2026-11-20 by Dana Officer" in html
        assert "<dt>Rule base</dt><dd><code>rb-0123456789ab</code>" in html
        assert "asserted" not in html

    def test_an_asserted_lia_is_marked_in_the_parameters(self) -> None:
        html = self._render(Campaign(lia=LiaStatus.PASSED), "q4.toml")
        assert "from file q4.toml (not stored)" in html
        assert "Legitimate interests assessment</dt><dd>passed — asserted, not assessed" in html
        assert "<strong>asserted, not assessed</strong>" in html
