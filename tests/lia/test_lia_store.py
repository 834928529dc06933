"""Stored assessments on every database: versions, approval, a campaign's LIA status coming only from its
assessment, expiry by the scope's clock, and tampering detected and never treated as passed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from lawfulreach.domain.lia import content_hash
from lawfulreach.domain.model import Campaign, Contact, Request
from lawfulreach.domain.vocabulary import Channel, LiaStatus, Outcome
from lawfulreach.errors import ConflictError, InputError, NotFoundError
from lawfulreach.rules import default_rulebase
from lawfulreach.service import Lawfulreach
from lawfulreach.store import Workspace, WorkspaceSettings, add_tenant
from lawfulreach.store.lia import LiaAssessment, LiaRepo, _content
from lawfulreach.store.models import Base
from lia_support import answers, approved, assessed
from lr_testkit import Clock

#: a named person at a UK company: email on legitimate interests, so the campaign's LIA decides
JANE = Contact(email="jane.doe@acme.co.uk", name="Jane Doe", company="Acme Ltd", country="GB")


@pytest.fixture
def stored(ws: Workspace) -> Workspace:
    ws.campaigns.put("q1", Campaign(name="Q1", legal_entity="Northwind Ltd"))
    return ws


def lia_of(ws: Workspace, campaign_id: str = "q1") -> Campaign:
    return ws.campaigns.get(campaign_id).campaign


def decide(ws: Workspace, clock: Clock, campaign_id: str = "q1") -> tuple[Outcome, dict[str, str]]:
    campaign = ws.campaigns.get_many([campaign_id])[campaign_id]
    service = Lawfulreach(rulebase=ws.rulebase(default_rulebase()), state=ws.state(), clock=clock)
    decision = service.check(Request(JANE, Channel.EMAIL, campaign=campaign))
    return decision.outcome, {r.code.value: r.message for r in decision.reasons}


def test_the_migration_creates_exactly_the_model(ws: Workspace) -> None:
    def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table == LiaAssessment.__tablename__

    with ws.engine.connect() as conn:
        opts = {"compare_type": True, "include_object": include}
        assert compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata) == []


class TestCampaignStatus:
    """A stored campaign's LIA status comes only from its assessment."""

    def test_no_assessment_is_missing_whatever_was_typed(self, ws: Workspace, clock: Clock) -> None:
        ws.campaigns.put("q1", Campaign(name="Q1", lia=LiaStatus.PASSED))
        campaign = lia_of(ws)
        assert (campaign.lia, campaign.lia_assessment) == (LiaStatus.MISSING, None)
        outcome, reasons = decide(ws, clock)
        assert outcome is Outcome.BLOCKED
        assert "lia_missing" in reasons

    def test_every_record_the_repository_returns_carries_it(self, ws: Workspace) -> None:
        """create, update, list and archive answer with the assessed status too, never the typed one."""
        made = ws.campaigns.create(Campaign(name="Q1", lia=LiaStatus.PASSED), "q1")
        assert made.campaign.lia is LiaStatus.MISSING
        approved(ws, "q1")
        changed, _ = ws.campaigns.update("q1", Campaign(name="Q1 (EU)", lia=LiaStatus.FAILED))
        assert changed.campaign.lia is LiaStatus.PASSED
        assert [r.campaign.lia for r in ws.campaigns.list()] == [LiaStatus.PASSED]
        assert ws.campaigns.archive("q1").campaign.lia is LiaStatus.PASSED

    def test_approved_and_passed_is_passed(self, stored: Workspace, clock: Clock) -> None:
        record = approved(stored, "q1")
        campaign = lia_of(stored)
        ref = campaign.lia_assessment
        assert campaign.lia is LiaStatus.PASSED
        assert ref is not None
        assert (ref.id, ref.version, ref.approved_by) == (record.id, 2, "Dana Officer, DPO")
        assert ref.review_due == date(2027, 11, 25)
        assert stored.campaigns.get_many(["q1", "nope"])["q1"].lia is LiaStatus.PASSED
        outcome, reasons = decide(stored, clock)
        assert outcome is Outcome.ALLOWED
        assert "lia_passed" in reasons

    def test_awaiting_approval_is_missing_and_says_so(self, stored: Workspace, clock: Clock) -> None:
        record = assessed(stored, "q1")
        assert lia_of(stored).lia is LiaStatus.MISSING
        outcome, reasons = decide(stored, clock)
        assert outcome is Outcome.BLOCKED
        assert f"the assessment {record.id} (version 1) passed and is awaiting approval" in reasons["lia_missing"]

    def test_needs_review_is_missing_and_says_so(self, stored: Workspace, clock: Clock) -> None:
        assessed(stored, "q1", answers(balancing__privacy_notice_given=False))
        assert lia_of(stored).lia is LiaStatus.MISSING
        assert "needs review" in decide(stored, clock)[1]["lia_missing"]

    def test_failed_is_failed(self, stored: Workspace, clock: Clock) -> None:
        assessed(stored, "q1", answers(balancing__special_category_data=True))
        assert lia_of(stored).lia is LiaStatus.FAILED
        outcome, reasons = decide(stored, clock)
        assert outcome is Outcome.BLOCKED
        assert "failed" in reasons["lia_failed"]

    def test_a_reassessment_needs_approving_again(self, stored: Workspace) -> None:
        approved(stored, "q1")
        again = assessed(stored, "q1")
        assert (again.version, again.approved_by) == (3, None)
        assert lia_of(stored).lia is LiaStatus.MISSING

    def test_expiry_by_the_scope_clock(self, stored: Workspace, clock: Clock) -> None:
        """Frozen clock: passed until the day before the review date; from then on missing, with a message
        naming the date — then a check with the stored campaign is blocked by lia_missing."""
        approved(stored, "q1", months=12)
        clock.advance(days=364)
        assert lia_of(stored).lia is LiaStatus.PASSED
        assert decide(stored, clock)[0] is Outcome.ALLOWED
        clock.advance(days=1)  # 2027-11-25, the review date
        campaign = lia_of(stored)
        assert campaign.lia is LiaStatus.MISSING
        assert campaign.lia_assessment is not None
        assert campaign.lia_assessment.expired
        outcome, reasons = decide(stored, clock)
        assert outcome is Outcome.BLOCKED
        assert "the assessment expired on 2027-11-25" in reasons["lia_missing"]

    def test_the_review_period_is_set_per_assessment(self, stored: Workspace, clock: Clock) -> None:
        approved(stored, "q1", months=6)
        assert lia_of(stored).lia_assessment.review_due == date(2027, 5, 25)  # type: ignore[union-attr]
        clock.advance(days=181)
        assert lia_of(stored).lia is LiaStatus.MISSING
        # once expired it may be reviewed and approved again
        record = LiaRepo(stored.scope).approve(LiaRepo(stored.scope).list("q1")[0].id, "Dana")
        assert record.version == 3
        assert lia_of(stored).lia is LiaStatus.PASSED


class TestApproval:
    def test_approver_required(self, stored: Workspace) -> None:
        record = assessed(stored, "q1")
        with pytest.raises(InputError, match="approver"):
            LiaRepo(stored.scope).approve(record.id, "   ")
        assert lia_of(stored).lia is LiaStatus.MISSING

    def test_a_failed_assessment_cannot_be_approved(self, stored: Workspace) -> None:
        record = assessed(stored, "q1", answers(balancing__opt_out_in_every_message=False))
        with pytest.raises(ConflictError, match="no_opt_out"):
            LiaRepo(stored.scope).approve(record.id, "Dana")

    def test_needs_review_cannot_be_approved(self, stored: Workspace) -> None:
        record = assessed(stored, "q1", answers(balancing__data_source="unknown"))
        with pytest.raises(ConflictError, match="needs review"):
            LiaRepo(stored.scope).approve(record.id, "Dana")

    def test_approving_twice_is_refused(self, stored: Workspace) -> None:
        record = approved(stored, "q1")
        with pytest.raises(ConflictError, match="already approved"):
            LiaRepo(stored.scope).approve(record.id, "Someone Else")

    def test_unknown_assessment(self, stored: Workspace) -> None:
        with pytest.raises(NotFoundError):
            LiaRepo(stored.scope).approve("lia_nope", "Dana")

    def test_the_trail_holds_hashes_not_answers_or_names(self, stored: Workspace) -> None:
        record = approved(stored, "q1")
        entries = stored.audit_show(act="lia")
        assert [e.act for e in entries] == ["lia.assess", "lia.approve"]
        assert entries[1].details["content_hash"] == record.content_hash
        dumped = json.dumps([e.details for e in entries])
        assert "Dana" not in dumped
        assert "payroll" not in dumped
        assert stored.audit_verify().entries == 3  # campaign.create, lia.assess, lia.approve


class TestTampering:
    """Edits to a stored assessment are found; a tampered assessment never counts as passed."""

    def edit(self, ws: Workspace, sql: str, **params: object) -> None:
        with ws.engine.begin() as conn:
            conn.execute(text(sql), params)

    def test_edited_answers(self, stored: Workspace) -> None:
        record = approved(stored, "q1")
        self.edit(
            stored,
            "UPDATE lia_assessments SET answers = :a WHERE assessment_id = :i AND version = 2",
            a=json.dumps(answers(balancing__special_category_data=True), sort_keys=True),
            i=record.id,
        )
        campaign = lia_of(stored)
        assert campaign.lia is LiaStatus.MISSING
        assert campaign.lia_assessment is not None
        assert campaign.lia_assessment.tampered
        checked, problems = LiaRepo(stored.scope).verify()
        assert checked == 2
        assert [(p.version, p.problem) for p in problems] == [
            (2, "its content does not match its stored hash (edited in the database)")
        ]

    def test_a_failed_outcome_rewritten_with_a_recomputed_hash_is_caught_by_the_trail(self, stored: Workspace) -> None:
        """Someone who edits the row *and* recomputes its SHA-256 still does not match the keyed trail."""
        failed = assessed(stored, "q1", answers(balancing__opt_out_in_every_message=False))
        repo = LiaRepo(stored.scope)
        with stored.scope.writing() as session:
            row = session.query(LiaAssessment).one()
            row.outcome = "passed"
            row.approved_by = "Forger"
            row.reasons = "[]"
            row.content_hash = content_hash(_content(row))
        assert repo.get(failed.id).problem is not None
        assert "differs from the one on the audit trail" in str(repo.get(failed.id).problem)
        assert lia_of(stored).lia is LiaStatus.MISSING
        assert len(repo.verify()[1]) == 1

    def test_deleting_a_newer_failed_version_is_caught(self, stored: Workspace) -> None:
        approved(stored, "q1")
        assessed(stored, "q1", answers(balancing__vulnerable_people=True))
        assert lia_of(stored).lia is LiaStatus.FAILED
        self.edit(stored, "DELETE FROM lia_assessments WHERE version = 3")
        assert lia_of(stored).lia is LiaStatus.MISSING  # not the older approved version
        assert lia_of(stored).lia_assessment.tampered  # type: ignore[union-attr]
        assert "no longer holds" in LiaRepo(stored.scope).verify()[1][0].problem

    def test_an_altered_trail_entry_is_caught(self, stored: Workspace) -> None:
        approved(stored, "q1")
        self.edit(stored, "UPDATE audit_entries SET actor = 'someone else' WHERE act = 'lia.approve'")
        problems = LiaRepo(stored.scope).verify()[1]
        assert [p.problem for p in problems] == ["its audit entry #3 was altered"]  # #1 is campaign.create
        assert lia_of(stored).lia is LiaStatus.MISSING

    def test_a_row_written_behind_lawfulreachs_back_has_no_trail_entry(self, stored: Workspace) -> None:
        record = approved(stored, "q1")
        self.edit(
            stored,
            "INSERT INTO lia_assessments (tenant_id, assessment_id, version, campaign_id, questionnaire, answers,"
            " outcome, reasons, approved_by, approved_at, review_months, review_due, content_hash, created_at, actor)"
            " SELECT tenant_id, assessment_id, 3, campaign_id, questionnaire, answers, outcome, reasons, approved_by,"
            " approved_at, review_months, review_due, content_hash, created_at, actor FROM lia_assessments"
            " WHERE version = 2",
        )
        assert lia_of(stored).lia is LiaStatus.MISSING
        problems = LiaRepo(stored.scope).verify()[1]
        assert [(p.assessment_id, p.version) for p in problems] == [(record.id, 3)]


def test_assessments_are_per_tenant(
    settings: WorkspaceSettings, clock: Clock, open_ws: Callable[..., Workspace]
) -> None:
    open_ws()  # creates the workspace
    for name in ("alpha", "beta"):
        add_tenant(settings, name, clock)
    alpha, beta = open_ws("alpha"), open_ws("beta")
    for ws in (alpha, beta):
        ws.campaigns.put("q1", Campaign(name="Q1"))
    record = approved(alpha, "q1")
    assert lia_of(alpha).lia is LiaStatus.PASSED
    assert lia_of(beta).lia is LiaStatus.MISSING
    with pytest.raises(NotFoundError):
        LiaRepo(beta.scope).get(record.id)
