"""The legitimate interests assessment as a workflow: answer, score, store, approve, render, verify.

    questionnaire()                              the shipped questions and rules (``rules/data/lia.toml``)
    load_answers(path, questionnaire)            an answers file, strictly (unknown ids, bad values: one line)
    start(session, campaign_id, answers)         score and store a new version for a stored campaign
    approve(session, assessment_id, by, months)  sign the newest version off (a new version)
    show / history / list_assessments            what is stored, each version's integrity checked
    render(session, assessment_id, fmt)          the document a DPO files (HTML or Markdown)
    verify(session)                              every version against its hash and the audit trail

The scoring is ``domain.lia``; the storage ``store.lia``. Prompting in a terminal is the CLI's job: it
collects answers and hands them to ``start`` like a file's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lawfulreach.domain.lia import Answer, Questionnaire, assess, coerce_answer, expected, status_note
from lawfulreach.domain.model import LiaAssessmentRef
from lawfulreach.errors import CampaignError, ConflictError, InputError, NotFoundError
from lawfulreach.rules.lia import default_questionnaire
from lawfulreach.store.lia import DEFAULT_REVIEW_MONTHS, AssessmentRecord, LiaProblem, LiaRepo
from lawfulreach.strict_config import describe_unknown, key_lines, read_toml_file, unknown_keys

if TYPE_CHECKING:
    from lawfulreach.commands.session import Session
    from lawfulreach.store.workspace import Workspace

__all__ = [
    "CampaignStatus",
    "approve",
    "campaign_status",
    "history",
    "list_assessments",
    "load_answers",
    "parse_answers",
    "questionnaire",
    "render",
    "show",
    "start",
    "verify",
]

FORMATS = ("html", "md")


def questionnaire() -> Questionnaire:
    return default_questionnaire()


def _repo(session: Session) -> LiaRepo:
    return LiaRepo(session.workspace().scope)


def parse_answers(doc: Mapping[str, Any], text: str, source: str, q: Questionnaire) -> dict[str, Answer]:
    """An answers document (``[purpose] interest = "…"``) → answers by question id; every unknown id and
    every value a question cannot take is named with its line, all in one line."""
    schema = {s.id: dict.fromkeys(x.name for x in q.in_section(s.id)) for s in q.sections}
    unknown = unknown_keys(doc, schema, text)
    if unknown:
        raise InputError(f"{source}: {describe_unknown(unknown)}")
    lines = key_lines(text)
    problems: list[str] = []
    answers: dict[str, Answer] = {}
    for section, table in doc.items():
        if not isinstance(table, Mapping):
            where = lines.get((section,))
            problems.append(f"line {where}: {section} must be a table ([{section}])")
            continue
        for name, raw in table.items():
            question = q.question(f"{section}.{name}")
            assert question is not None  # unknown ids were refused above
            value = coerce_answer(question, raw)
            if value is None:
                where = lines.get((section, name))
                problems.append(f"line {where}: {question.id} = {raw!r} is not {expected(question)}")
            else:
                answers[question.id] = value
    if problems:
        raise InputError(f"{source}: " + "; ".join(problems))
    return answers


def load_answers(path: Path, q: Questionnaire | None = None) -> dict[str, Answer]:
    q = q or questionnaire()
    doc, text = read_toml_file(path, "the answers file", InputError)
    return parse_answers(doc, text, str(path), q)


def assess_stored(workspace: Workspace, campaign_id: str, answers: Mapping[str, Answer]) -> AssessmentRecord:
    """Score ``answers`` and store them as the next version of the stored campaign's assessment —
    what the CLI (``start``), the API and the console all do. ``NotFoundError`` for a campaign the
    tenant does not have, ``ConflictError`` for an archived one."""
    campaign = workspace.campaigns.get(campaign_id).campaign
    if campaign.archived_at is not None:
        raise ConflictError(f"campaign {campaign_id!r} is archived; an archived campaign is not assessed again")
    q = questionnaire()
    return LiaRepo(workspace.scope).assess(campaign_id, answers, assess(q, answers), q.version)


def start(session: Session, campaign_id: str, answers: Mapping[str, Answer]) -> AssessmentRecord:
    """``assess_stored`` for the command line: the refusals name the ``--campaign`` option."""
    try:
        return assess_stored(session.workspace(), campaign_id, answers)
    except NotFoundError:
        raise CampaignError(
            f"--campaign {campaign_id!r}: no stored campaign with that id; an assessment belongs to a stored campaign"
        ) from None
    except ConflictError as exc:
        raise CampaignError(str(exc)) from None


def approve(
    session: Session, assessment_id: str, by: str, review_months: int = DEFAULT_REVIEW_MONTHS
) -> AssessmentRecord:
    return _repo(session).approve(assessment_id, by, review_months)


def show(session: Session, assessment_id: str, version: int | None = None) -> AssessmentRecord:
    return _repo(session).get(assessment_id, version)


def history(session: Session, assessment_id: str) -> list[AssessmentRecord]:
    return _repo(session).history(assessment_id)


def list_assessments(session: Session, campaign_id: str | None = None) -> list[AssessmentRecord]:
    return _repo(session).list(campaign_id)


@dataclass(frozen=True, slots=True)
class CampaignStatus:
    """What the campaign's assessment gives it today, in words (``lia show`` prints it)."""

    campaign_id: str
    ref: LiaAssessmentRef | None

    def describe(self) -> str:
        ref = self.ref
        if ref is None:
            return f"campaign {self.campaign_id}: lia missing (no assessment)"
        status = f"campaign {self.campaign_id}: lia {ref.status.value}"
        note = status_note(ref)
        if note:
            return f"{status} — {note}"
        if ref.review_due is not None:
            return f"{status} (approved by {ref.approved_by}; review due {ref.review_due.isoformat()})"
        return status


def campaign_status(session: Session, campaign_id: str) -> CampaignStatus:
    return CampaignStatus(campaign_id, _repo(session).ref(campaign_id))


def render(session: Session, assessment_id: str, fmt: str, version: int | None = None) -> str:
    """The assessment as a document: ``html`` (printable) or ``md``."""
    from lawfulreach.report.lia import render_assessment

    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r}: use html or md")
    record = show(session, assessment_id, version)
    generated = session.workspace().scope.clock().astimezone(UTC)
    return render_assessment(record, questionnaire(), fmt, generated)


def verify(session: Session) -> tuple[int, list[LiaProblem]]:
    return _repo(session).verify()
