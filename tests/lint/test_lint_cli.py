"""``lawfulreach lint``: exit codes (0 all present, 1 missing or not sendable, 2 unreadable message), the
table and ``--json``, a stored campaign by id and the organisation's profile from the workspace."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from lawfulreach.commands.lint import decide_for, parse_audience
from lawfulreach.domain.model import Campaign, Decision
from lawfulreach.domain.vocabulary import LiaStatus
from lawfulreach.errors import InputError
from lawfulreach.service import Lawfulreach
from lawfulreach.store import Workspace
from lawfulreach.store.profiles import Profile, ProfileRepo
from lia_support import approved
from lr_testkit import RunLawfulreach

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lint"
CAMPAIGN = str(FIXTURES / "campaign.toml")


@pytest.fixture
def profiled(ws: Workspace, cli: RunLawfulreach) -> RunLawfulreach:
    ProfileRepo(ws.scope).put(
        Profile("Northwind Analytics Ltd", privacy_notice_url="https://northwind.example/privacy")
    )
    return cli


class TestExitCodes:
    def test_compliant_message_exits_0_with_a_table(self, profiled: RunLawfulreach) -> None:
        run = profiled("lint", str(FIXTURES / "gb_compliant.eml"), "--campaign", CAMPAIGN, "--channel", "email",
                       "--country", "GB")  # fmt: skip
        assert run.code == 0, run.err
        assert "email to a corporate subscriber in GB" in run.out
        assert "List-Unsubscribe header" in run.out
        assert "All 5 checks present" in run.out

    def test_missing_requirement_exits_1(self, profiled: RunLawfulreach) -> None:
        run = profiled("lint", str(FIXTURES / "gb_noncompliant.eml"), "--campaign", CAMPAIGN, "--channel", "email",
                       "--country", "gb")  # fmt: skip
        assert run.code == 1
        assert "missing" in run.out
        assert "4 of 4 checks missing" in run.out

    def test_blocked_audience_exits_1_and_says_why(self, profiled: RunLawfulreach) -> None:
        run = profiled("lint", str(FIXTURES / "de_consent.html"), "--campaign", CAMPAIGN, "--channel", "email",
                       "--country", "Germany")  # fmt: skip
        assert run.code == 1
        assert "cannot be sent lawfully to that audience" in run.out
        assert "consent_required" in run.out

    def test_consent_flag(self, profiled: RunLawfulreach) -> None:
        run = profiled("lint", str(FIXTURES / "de_consent.html"), "--campaign", CAMPAIGN, "--channel", "email",
                       "--country", "DE", "--consent")  # fmt: skip
        assert run.code == 0, run.out

    @pytest.mark.parametrize("name", ["garbage.eml", "not_utf8.txt", "empty.txt", "missing.html"])
    def test_unreadable_message_exits_2_with_one_line(self, profiled: RunLawfulreach, name: str) -> None:
        run = profiled("lint", str(FIXTURES / name), "--campaign", CAMPAIGN, "--channel", "email", "--country", "GB")
        assert run.code == 2
        assert run.err.startswith("error: ")
        assert run.err.count("\n") == 1
        assert run.out == ""

    def test_bad_audience_is_one_line(self, profiled: RunLawfulreach) -> None:
        run = profiled("lint", str(FIXTURES / "sms_gb.txt"), "--campaign", CAMPAIGN, "--channel", "fax",
                       "--country", "GB")  # fmt: skip
        assert run.code == 1
        assert "unknown channel 'fax'" in run.err


class TestJsonAndStoredCampaigns:
    def test_json_report(self, profiled: RunLawfulreach) -> None:
        run = profiled("lint", str(FIXTURES / "us_noncompliant.txt"), "--campaign", CAMPAIGN, "--channel", "email",
                       "--country", "US", "--json")  # fmt: skip
        assert run.code == 1
        report = json.loads(run.out)
        assert report["ok"] is False
        assert report["sendable"] is True
        assert report["decision"]["outcome"] == "allowed"
        assert report["audience"] == {"channel": "email", "country": "US", "region": None, "consent": False,
                                      "subscriber_type": "corporate"}  # fmt: skip
        missing = {f["requirement"] for f in report["findings"] if f["status"] == "missing"}
        assert missing == {"opt_out_link", "postal_address", "ad_disclosure"}
        assert all(f["why"] for f in report["findings"])

    def test_stored_campaign_by_id(self, ws: Workspace, profiled: RunLawfulreach) -> None:
        stored = ws.campaigns.create(
            Campaign(name="Stored", legal_entity="Northwind Analytics Ltd", lia=LiaStatus.PASSED), "q1-outreach"
        )
        approved(ws, "q1-outreach")  # a stored campaign's LIA comes only from its assessment
        run = profiled("lint", str(FIXTURES / "gb_compliant.eml"), "--campaign", "q1-outreach", "--channel", "email",
                       "--country", "GB", "--json")  # fmt: skip
        assert run.code == 0, run.out + run.err
        report = json.loads(run.out)
        assert report["decision"]["campaign_id"] == "q1-outreach"
        assert report["decision"]["campaign_version"] == stored.campaign.version

    def test_unknown_campaign_id(self, profiled: RunLawfulreach) -> None:
        run = profiled("lint", str(FIXTURES / "gb_compliant.eml"), "--campaign", "nope", "--channel", "email",
                       "--country", "GB")  # fmt: skip
        assert run.code == 1
        assert "no stored campaign with that id" in run.err


class _Sink:
    def __init__(self) -> None:
        self.seen: list[Decision] = []

    def record(self, decisions: Sequence[Decision]) -> None:
        self.seen.extend(decisions)


def test_the_hypothetical_decision_is_recorded_nowhere() -> None:
    sink = _Sink()
    service = Lawfulreach(sinks=(sink,))
    decision = decide_for(service, parse_audience("email", "GB"), Campaign(legal_entity="X Ltd", lia=LiaStatus.PASSED))
    assert decision.outcome.value == "allowed"
    assert sink.seen == []


def test_regions_read_against_the_country() -> None:
    assert parse_audience("email", "US", "CA").region == "US-CA"
    assert parse_audience("email", "United States", "California").region == "US-CA"
    with pytest.raises(InputError, match="not a subdivision of GB"):
        parse_audience("email", "GB", "US-CA")


def test_a_review_decision_cannot_be_checked_yet(profiled: RunLawfulreach) -> None:
    run = profiled("lint", str(FIXTURES / "call_gb.md"), "--campaign", CAMPAIGN, "--channel", "call",
                   "--country", "NO")  # fmt: skip
    assert run.code == 1
    assert "cannot be checked yet" in run.out
    assert "no_rule_for_jurisdiction" in run.out
