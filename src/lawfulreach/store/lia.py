"""Stored legitimate interests assessments: versioned, hashed onto the audit trail, checked on every read.

One assessment per stored campaign, kept as versions (1, 2, …): answering the questionnaire again is a
new version, and so is an approval (the same answers with the approver, the approval time and the review
date). Nothing is updated in place. Each version stores its answers (JSON), outcome and reasons, and
the SHA-256 of its canonical content (``domain.lia.content_hash``); the same hash goes onto the
tenant's audit trail (acts ``lia.assess`` / ``lia.approve``, details: assessment id, version, campaign,
outcome and hash — no answers, no names), whose entries are keyed and chained (``store.audit``).

Tampering: a version whose content no longer matches its stored hash, whose hash differs from the one
on the trail, or whose trail entry is missing or altered does not count — it is never treated as
passed (``assessment_ref`` marks it ``tampered``, the campaign's LIA is missing), and ``lia verify``
names it. Editing a row *and* its hash column is caught by the trail, which cannot be re-computed
without the tenant's key.

A stored campaign's LIA status comes only from its assessment (``apply_assessment``, called by
``CampaignRepo``): none → missing; failed → failed; needs review, or passed but not approved → missing;
approved and passed → passed, until the review date (by the scope's clock) → missing, expired.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, Index, Integer, SmallInteger, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lawfulreach.domain.lia import Answer, Finding, LiaOutcome, Result, content_hash, review_due
from lawfulreach.domain.model import Campaign, LiaAssessmentRef
from lawfulreach.domain.vocabulary import LiaStatus
from lawfulreach.errors import ConflictError, InputError, NotFoundError
from lawfulreach.store import audit
from lawfulreach.store.coltypes import UtcDateTime
from lawfulreach.store.models import AuditEntry, Base, TenantScoped, one_of
from lawfulreach.store.scope import TenantScope

__all__ = [
    "DEFAULT_REVIEW_MONTHS",
    "LIA_ACTS",
    "AssessmentRecord",
    "LiaAssessment",
    "LiaProblem",
    "LiaRepo",
    "apply_assessment",
    "assessment_ref",
]

DEFAULT_REVIEW_MONTHS = 12
LIA_ACTS = ("lia.assess", "lia.approve")
OUTCOMES: tuple[str, ...] = tuple(o.value for o in LiaOutcome)


class LiaAssessment(TenantScoped, Base):
    """One version of a campaign's legitimate interests assessment (append-only)."""

    __tablename__ = "lia_assessments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "assessment_id", "version"),
        CheckConstraint(one_of("outcome", OUTCOMES), name="outcome"),
        Index("ix_lia_assessments_tenant_campaign", "tenant_id", "campaign_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[str] = mapped_column(String(64))
    #: which questionnaire scored it (``Questionnaire.version``)
    questionnaire: Mapped[str] = mapped_column(String(40))
    answers: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(12))
    reasons: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    review_months: Mapped[int] = mapped_column(SmallInteger)
    review_due: Mapped[date | None] = mapped_column(Date())
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(200))


@dataclass(frozen=True, slots=True)
class AssessmentRecord:
    id: str
    version: int
    campaign_id: str
    questionnaire: str
    answers: dict[str, Answer]
    outcome: LiaOutcome
    findings: tuple[Finding, ...]
    approved_by: str | None
    approved_at: datetime | None
    review_months: int
    review_due: date | None
    content_hash: str
    created_at: datetime
    actor: str
    #: why this version fails its integrity check (None: it is sound)
    problem: str | None = None

    def ref(self, today: date) -> LiaAssessmentRef:
        """What this version gives its campaign (``Campaign.lia_assessment``) on ``today``."""
        expired = self.review_due is not None and today >= self.review_due
        if self.problem is not None:
            status = LiaStatus.MISSING
        elif self.outcome is LiaOutcome.FAILED:
            status = LiaStatus.FAILED
        elif self.outcome is LiaOutcome.PASSED and self.approved_by is not None and not expired:
            status = LiaStatus.PASSED
        else:
            status = LiaStatus.MISSING
        return LiaAssessmentRef(
            id=self.id,
            version=self.version,
            status=status,
            outcome=self.outcome.value,
            approved_by=self.approved_by,
            approved_at=self.approved_at,
            review_due=self.review_due,
            expired=expired and self.approved_by is not None,
            tampered=self.problem is not None,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "campaign_id": self.campaign_id,
            "questionnaire": self.questionnaire,
            "outcome": self.outcome.value,
            "reasons": [f.to_dict() for f in self.findings],
            "answers": dict(self.answers),
            "approved_by": self.approved_by,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
            "review_months": self.review_months,
            "review_due": self.review_due.isoformat() if self.review_due else None,
            "content_hash": self.content_hash,
            "created_at": self.created_at.isoformat(),
            "actor": self.actor,
            "integrity": "altered: " + self.problem if self.problem else "intact",
        }


@dataclass(frozen=True, slots=True)
class LiaProblem:
    assessment_id: str
    version: int
    campaign_id: str
    problem: str


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _content(row: LiaAssessment) -> dict[str, Any]:
    """What the hash covers: everything a version says (``json.loads`` of the stored JSON columns)."""
    return {
        "assessment": row.assessment_id,
        "version": row.version,
        "campaign": row.campaign_id,
        "questionnaire": row.questionnaire,
        "answers": json.loads(row.answers),
        "outcome": row.outcome,
        "reasons": json.loads(row.reasons),
        "approved_by": row.approved_by,
        "approved_at": _iso(row.approved_at),
        "review_months": row.review_months,
        "review_due": row.review_due.isoformat() if row.review_due is not None else None,
        "created_at": _iso(row.created_at),
        "actor": row.actor,
    }


def _trail(session: Session, assessment_id: str) -> dict[int, AuditEntry]:
    """The trail's entries for one assessment, by version (LIKE narrows; the JSON decides)."""
    rows = session.scalars(
        select(AuditEntry).where(
            AuditEntry.act.in_(LIA_ACTS), AuditEntry.details.like(f'%"assessment":"{assessment_id}"%')
        )
    )
    out: dict[int, AuditEntry] = {}
    for entry in rows:
        details = json.loads(entry.details)
        if details.get("assessment") == assessment_id and isinstance(details.get("version"), int):
            out[details["version"]] = entry
    return out


def _problem(scope: TenantScope, row: LiaAssessment, entry: AuditEntry | None) -> str | None:
    """Why ``row`` cannot be trusted, or None: its hash, the trail's hash, the trail entry's own HMAC."""
    try:
        recomputed = content_hash(_content(row))
    except (ValueError, TypeError):
        return "its stored answers or reasons are not readable (edited in the database)"
    if not hmac.compare_digest(recomputed, row.content_hash):
        return "its content does not match its stored hash (edited in the database)"
    if entry is None:
        return "the audit trail has no entry for it (written behind lawfulreach's back, or the entry was removed)"
    key = audit.chain_key(scope.key)
    digest = audit.entry_hash(
        key, entry.seq, entry.at, entry.actor, entry.act, entry.subject_ref, entry.details, entry.prev_hash
    )
    if not hmac.compare_digest(digest, entry.entry_hash):
        return f"its audit entry #{entry.seq} was altered"
    if json.loads(entry.details).get("content_hash") != row.content_hash:
        return f"its hash differs from the one on the audit trail (entry #{entry.seq}): content and hash were edited"
    return None


def _record(row: LiaAssessment, problem: str | None) -> AssessmentRecord:
    try:
        answers = json.loads(row.answers)
        findings = tuple(Finding.from_dict(f) for f in json.loads(row.reasons))
        outcome = LiaOutcome(row.outcome)
    except (ValueError, TypeError, KeyError):
        answers, findings, outcome = {}, (), LiaOutcome.NEEDS_REVIEW
        problem = problem or "its stored answers or reasons are not readable (edited in the database)"
    return AssessmentRecord(
        id=row.assessment_id,
        version=row.version,
        campaign_id=row.campaign_id,
        questionnaire=row.questionnaire,
        answers=answers,
        outcome=outcome,
        findings=findings,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        review_months=row.review_months,
        review_due=row.review_due,
        content_hash=row.content_hash,
        created_at=row.created_at,
        actor=row.actor,
        problem=problem,
    )


def _checked(scope: TenantScope, session: Session, rows: list[LiaAssessment]) -> list[AssessmentRecord]:
    trails: dict[str, dict[int, AuditEntry]] = {}
    out = []
    for row in rows:
        if row.assessment_id not in trails:
            trails[row.assessment_id] = _trail(session, row.assessment_id)
        out.append(_record(row, _problem(scope, row, trails[row.assessment_id].get(row.version))))
    return out


def _latest_row(session: Session, campaign_id: str) -> LiaAssessment | None:
    return session.scalar(
        select(LiaAssessment)
        .where(LiaAssessment.campaign_id == campaign_id)
        .order_by(LiaAssessment.version.desc(), LiaAssessment.id.desc())
        .limit(1)
    )


def assessment_ref(scope: TenantScope, session: Session, campaign_id: str) -> LiaAssessmentRef | None:
    """The campaign's assessment (its newest version, checked) as of the scope's clock; None: none."""
    row = _latest_row(session, campaign_id)
    if row is None:
        return None
    record = _checked(scope, session, [row])[0]
    newer = [v for v in _trail(session, row.assessment_id) if v > row.version]
    if record.problem is None and newer:
        record = replace(
            record, problem=f"the audit trail records version {max(newer)}, which the store no longer holds"
        )
    return record.ref(scope.clock().astimezone(UTC).date())


def apply_assessment(campaign: Campaign, ref: LiaAssessmentRef | None) -> Campaign:
    """A stored campaign with the LIA status its assessment gives it — never what was typed into it."""
    return replace(campaign, lia=ref.status if ref is not None else LiaStatus.MISSING, lia_assessment=ref)


def apply_assessments(scope: TenantScope, session: Session, campaigns: Mapping[str, Campaign]) -> dict[str, Campaign]:
    """``apply_assessment`` for several stored campaigns, keyed by campaign id."""
    return {cid: apply_assessment(c, assessment_ref(scope, session, cid)) for cid, c in campaigns.items()}


class LiaRepo:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def _add(
        self,
        session: Session,
        *,
        assessment_id: str,
        version: int,
        campaign_id: str,
        questionnaire: str,
        answers: Mapping[str, Answer],
        result: Result,
        act: str,
        approved_by: str | None = None,
        review_months: int = DEFAULT_REVIEW_MONTHS,
    ) -> AssessmentRecord:
        now = self._scope.clock().astimezone(UTC)
        row = LiaAssessment(
            tenant_id=self._scope.tenant_id,
            assessment_id=assessment_id,
            version=version,
            campaign_id=campaign_id,
            questionnaire=questionnaire,
            answers=json.dumps(dict(answers), sort_keys=True, ensure_ascii=False),
            outcome=result.outcome.value,
            reasons=json.dumps([f.to_dict() for f in result.findings], ensure_ascii=False),
            approved_by=approved_by,
            approved_at=now if approved_by is not None else None,
            review_months=review_months,
            review_due=review_due(now, review_months) if approved_by is not None else None,
            created_at=now,
            actor=self._scope.actor,
        )
        row.content_hash = content_hash(_content(row))
        session.add(row)
        details = {
            "assessment": assessment_id,
            "version": version,
            "campaign": campaign_id,
            "outcome": result.outcome.value,
            "content_hash": row.content_hash,
        }
        audit.record(session, self._scope, act, details=details)
        return _record(row, None)

    def assess(
        self, campaign_id: str, answers: Mapping[str, Answer], result: Result, questionnaire: str
    ) -> AssessmentRecord:
        """Record a new assessment of ``campaign_id`` — version 1 of a new one, or the next version of the
        campaign's assessment (a re-assessment, which needs approving again)."""
        with self._scope.writing(exclusive=True) as session:
            latest = _latest_row(session, campaign_id)
            return self._add(
                session,
                assessment_id=latest.assessment_id if latest else f"lia_{secrets.token_hex(6)}",
                version=latest.version + 1 if latest else 1,
                campaign_id=campaign_id,
                questionnaire=questionnaire,
                answers=answers,
                result=result,
                act="lia.assess",
            )

    def approve(self, assessment_id: str, by: str, review_months: int = DEFAULT_REVIEW_MONTHS) -> AssessmentRecord:
        """Sign off the newest version: a new version with the approver, the time and the review date.

        Refused (``ConflictError``) when it failed, needs review, fails its integrity check, or is
        already approved and not yet due for review; ``InputError`` without an approver."""
        approver = " ".join(by.split())
        if not approver:
            raise InputError("an approval needs the approver's name (--by NAME)")
        if not 1 <= review_months <= 36:
            raise InputError(f"review period {review_months} months: use 1 to 36 months")
        today = self._scope.clock().astimezone(UTC).date()
        with self._scope.writing(exclusive=True) as session:
            rows = self._versions(session, assessment_id)
            current = _checked(self._scope, session, rows[-1:])[0]
            if current.problem is not None:
                raise ConflictError(
                    f"assessment {assessment_id} version {current.version} cannot be approved: {current.problem}"
                )
            if current.outcome is LiaOutcome.FAILED:
                raise ConflictError(
                    f"assessment {assessment_id} failed ({_codes(current)}); a failed assessment cannot be approved"
                )
            if current.outcome is LiaOutcome.NEEDS_REVIEW:
                raise ConflictError(
                    f"assessment {assessment_id} needs review ({_codes(current)}); resolve it and answer again "
                    f"(`lawfulreach lia start --campaign {current.campaign_id}`) before approving"
                )
            if current.approved_by is not None and current.review_due is not None and today < current.review_due:
                raise ConflictError(
                    f"assessment {assessment_id} version {current.version} is already approved "
                    f"(review due {current.review_due.isoformat()})"
                )
            result = Result(current.outcome, current.findings)
            return self._add(
                session,
                assessment_id=assessment_id,
                version=current.version + 1,
                campaign_id=current.campaign_id,
                questionnaire=current.questionnaire,
                answers=current.answers,
                result=result,
                act="lia.approve",
                approved_by=approver,
                review_months=review_months,
            )

    def _versions(self, session: Session, assessment_id: str) -> list[LiaAssessment]:
        rows = list(
            session.scalars(
                select(LiaAssessment)
                .where(LiaAssessment.assessment_id == assessment_id)
                .order_by(LiaAssessment.version, LiaAssessment.id)
            )
        )
        if not rows:
            raise NotFoundError(f"no assessment {assessment_id!r} (list them with `lawfulreach lia list`)")
        return rows

    def get(self, assessment_id: str, version: int | None = None) -> AssessmentRecord:
        """One version (default: the newest), with its integrity checked."""
        with self._scope.reading() as session:
            rows = self._versions(session, assessment_id)
            if version is not None:
                rows = [r for r in rows if r.version == version]
                if not rows:
                    raise NotFoundError(f"assessment {assessment_id!r} has no version {version}")
            return _checked(self._scope, session, rows[-1:])[0]

    def history(self, assessment_id: str) -> list[AssessmentRecord]:
        with self._scope.reading() as session:
            return _checked(self._scope, session, self._versions(session, assessment_id))

    def ref(self, campaign_id: str) -> LiaAssessmentRef | None:
        with self._scope.reading() as session:
            return assessment_ref(self._scope, session, campaign_id)

    def verify(self) -> tuple[int, list[LiaProblem]]:
        """Every version of every assessment checked: (versions checked, the ones that fail)."""
        with self._scope.reading(consistent=True) as session:
            ordered = select(LiaAssessment).order_by(LiaAssessment.assessment_id, LiaAssessment.version)
            records = _checked(self._scope, session, [*session.scalars(ordered)])
            recorded = {
                (d.get("assessment"), d.get("version"))
                for d in (
                    json.loads(e.details)
                    for e in session.scalars(select(AuditEntry).where(AuditEntry.act.in_(LIA_ACTS)))
                )
            }
        problems = [LiaProblem(r.id, r.version, r.campaign_id, r.problem) for r in records if r.problem is not None]
        held = {(r.id, r.version) for r in records}
        for aid, version in sorted(recorded - held, key=str):
            problems.append(
                LiaProblem(
                    str(aid),
                    int(version or 0),
                    "?",
                    "the audit trail records it but the store no longer holds it (deleted)",
                )
            )
        return len(records), problems

    def list(self, campaign_id: str | None = None) -> list[AssessmentRecord]:
        """The newest version of every assessment (of one campaign), by campaign id."""
        stmt = select(LiaAssessment).order_by(LiaAssessment.campaign_id, LiaAssessment.version)
        if campaign_id is not None:
            stmt = stmt.where(LiaAssessment.campaign_id == campaign_id)
        with self._scope.reading() as session:
            newest: dict[str, LiaAssessment] = {}
            for row in session.scalars(stmt):
                newest[row.assessment_id] = row
            return _checked(self._scope, session, list(newest.values()))


def _codes(record: AssessmentRecord) -> str:
    return ", ".join(f.code for f in record.findings if f.outcome is not LiaOutcome.PASSED)
