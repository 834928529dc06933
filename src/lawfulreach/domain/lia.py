"""The legitimate interests assessment (LIA): a questionnaire and its scoring. Pure, no I/O.

The questions and the rules that score them are data (``rules/data/lia.toml``, read by
``rules.lia``), modelled on the ICO's LIA template: a purpose test, a necessity test, a balancing test
(nature of the data, professional or private capacity, reasonable expectations, the Recital 75 risk
factors, likely impact, safeguards) and a conclusion. ``assess`` turns answers into an outcome:

- ``failed`` when any rule marked failed applies (special category data, vulnerable people, no opt-out
  in every message, …): legitimate interests cannot be relied on;
- else ``needs_review`` when any rule marked needs_review applies (no Art. 14 notice, a less intrusive
  alternative, …) *or any required question is unanswered* — fail closed, an incomplete assessment never
  passes;
- else ``passed``.

Every finding that applies is listed, each with its message and citation, as a decision lists every
reason. ``status_note`` says why a stored campaign's assessment does not give it a passed LIA (expired,
awaiting approval, needs review, altered), for the engine's ``lia_missing`` message.
"""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from lawfulreach.domain.model import LiaAssessmentRef
from lawfulreach.errors import RuleBaseError

__all__ = [
    "Answer",
    "AnswerType",
    "Finding",
    "LiaOutcome",
    "Question",
    "Questionnaire",
    "Result",
    "Rule",
    "SectionInfo",
    "assess",
    "coerce_answer",
    "content_hash",
    "parse_questionnaire",
    "review_due",
    "status_note",
]

Answer = bool | str
SECTIONS = ("purpose", "necessity", "balancing", "conclusion")


class LiaOutcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class AnswerType(StrEnum):
    YES_NO = "yes_no"
    CHOICE = "choice"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class SectionInfo:
    id: str
    title: str
    question: str
    citation: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    section: str
    text: str
    type: AnswerType
    required: bool = True
    choices: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The key under the section's table in an answers file (``purpose.interest`` → ``interest``)."""
        return self.id.split(".", 1)[1]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    question: str
    values: tuple[Answer, ...]
    outcome: LiaOutcome
    message: str
    citation: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason of an assessment: a rule that applied, an unanswered question, or the pass itself."""

    code: str
    outcome: LiaOutcome
    message: str
    citation: str
    question: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "outcome": self.outcome.value,
            "message": self.message,
            "citation": self.citation,
            "question": self.question,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Finding:
        return cls(str(d["code"]), LiaOutcome(d["outcome"]), str(d["message"]), str(d["citation"]), d.get("question"))


@dataclass(frozen=True, slots=True)
class Result:
    outcome: LiaOutcome
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class Questionnaire:
    title: str
    sections: tuple[SectionInfo, ...]
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    passed: tuple[str, str]
    unanswered: tuple[str, str]
    #: a fingerprint of the questions and rules (``lq-<12 hex>``): which questionnaire scored an assessment
    version: str

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)

    def in_section(self, section: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.section == section)


def _need(doc: Mapping[str, Any], key: str, where: str, kind: type = str) -> Any:
    value = doc.get(key)
    if not isinstance(value, kind) or (kind is str and not str(value).strip()):
        raise RuleBaseError("lia.toml", None, f"{where}: {key!r} must be a non-empty {kind.__name__}")
    return value


def parse_questionnaire(doc: Mapping[str, Any]) -> Questionnaire:
    """The questionnaire from its TOML document, checked: every question in a known section with a
    known type, every rule on a known question with values that question can take."""
    sections = []
    raw_sections = doc.get("sections", {})
    for sid in SECTIONS:
        s = raw_sections.get(sid)
        if not isinstance(s, Mapping):
            raise RuleBaseError("lia.toml", None, f"section {sid!r} is missing")
        sections.append(SectionInfo(sid, _need(s, "title", sid), _need(s, "question", sid), _need(s, "citation", sid)))
    questions: list[Question] = []
    for raw in doc.get("questions", []):
        qid = _need(raw, "id", "a question")
        section, _, name = qid.partition(".")
        if section not in SECTIONS or not name:
            raise RuleBaseError("lia.toml", None, f"question {qid!r}: the id must be <section>.<name>")
        try:
            kind = AnswerType(raw.get("type"))
        except ValueError:
            raise RuleBaseError("lia.toml", None, f"question {qid!r}: unknown type {raw.get('type')!r}") from None
        choices = tuple(raw.get("choices", ()))
        if (kind is AnswerType.CHOICE) != bool(choices):
            raise RuleBaseError("lia.toml", None, f"question {qid!r}: choices are for (and needed by) choice questions")
        if any(q.id == qid for q in questions):
            raise RuleBaseError("lia.toml", None, f"question {qid!r} is defined twice")
        questions.append(
            Question(qid, section, _need(raw, "text", qid), kind, bool(raw.get("required", True)), choices)
        )
    by_id = {q.id: q for q in questions}
    rules: list[Rule] = []
    for raw in doc.get("rules", []):
        rid = _need(raw, "id", "a rule")
        question = by_id.get(raw.get("question", ""))
        if question is None:
            raise RuleBaseError("lia.toml", None, f"rule {rid!r}: unknown question {raw.get('question')!r}")
        try:
            outcome = LiaOutcome(raw.get("outcome"))
        except ValueError:
            raise RuleBaseError("lia.toml", None, f"rule {rid!r}: unknown outcome {raw.get('outcome')!r}") from None
        if outcome is LiaOutcome.PASSED:
            raise RuleBaseError("lia.toml", None, f"rule {rid!r}: a rule fails or sends to review, it never passes")
        values = tuple(raw.get("values", ()))
        for v in values:
            if coerce_answer(question, v) is None:
                raise RuleBaseError("lia.toml", None, f"rule {rid!r}: {v!r} is not an answer to {question.id}")
        rules.append(Rule(rid, question.id, values, outcome, _need(raw, "message", rid), _need(raw, "citation", rid)))
    outcomes = doc.get("outcomes", {})
    passed = _need(outcomes, "passed", "outcomes", dict)
    unanswered = _need(outcomes, "unanswered", "outcomes", dict)
    content = {"questions": doc.get("questions", []), "rules": doc.get("rules", []), "outcomes": outcomes}
    return Questionnaire(
        title=_need(doc, "title", "the questionnaire"),
        sections=tuple(sections),
        questions=tuple(questions),
        rules=tuple(rules),
        passed=(_need(passed, "message", "outcomes.passed"), _need(passed, "citation", "outcomes.passed")),
        unanswered=(
            _need(unanswered, "message", "outcomes.unanswered"),
            _need(unanswered, "citation", "outcomes.unanswered"),
        ),
        version="lq-" + content_hash(content)[:12],
    )


_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}


def coerce_answer(question: Question, raw: object) -> Answer | None:
    """``raw`` as an answer to ``question``, or None when it cannot be one (the caller says why)."""
    if question.type is AnswerType.YES_NO:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _YES | _NO:
            return raw.strip().lower() in _YES
        return None
    if not isinstance(raw, str) or not raw.strip():
        return None
    if question.type is AnswerType.CHOICE:
        value = raw.strip().lower()
        return value if value in question.choices else None
    return raw.strip()


def expected(question: Question) -> str:
    """What an answer to ``question`` must be, for error messages and prompts."""
    if question.type is AnswerType.YES_NO:
        return "yes or no (true/false)"
    if question.type is AnswerType.CHOICE:
        return "one of " + ", ".join(question.choices)
    return "non-empty text"


def assess(questionnaire: Questionnaire, answers: Mapping[str, Answer]) -> Result:
    """Score ``answers`` (already coerced; absent = unanswered): every finding, and the outcome."""
    findings: list[Finding] = []
    for q in questionnaire.questions:
        if q.required and q.id not in answers:
            message, citation = questionnaire.unanswered
            text = message.format(id=q.id, text=q.text)
            findings.append(Finding("unanswered", LiaOutcome.NEEDS_REVIEW, text, citation, q.id))
    for rule in questionnaire.rules:
        if rule.question in answers and answers[rule.question] in rule.values:
            findings.append(Finding(rule.id, rule.outcome, rule.message, rule.citation, rule.question))
    outcomes = {f.outcome for f in findings}
    if LiaOutcome.FAILED in outcomes:
        outcome = LiaOutcome.FAILED
    elif LiaOutcome.NEEDS_REVIEW in outcomes:
        outcome = LiaOutcome.NEEDS_REVIEW
    else:
        outcome = LiaOutcome.PASSED
        findings.append(Finding("passed", LiaOutcome.PASSED, *questionnaire.passed))
    # failed first, then needs review, each in questionnaire order
    order = {LiaOutcome.FAILED: 0, LiaOutcome.NEEDS_REVIEW: 1, LiaOutcome.PASSED: 2}
    return Result(outcome, tuple(sorted(findings, key=lambda f: order[f.outcome])))


def content_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of ``content`` as canonical JSON: sorted keys, no spaces, UTF-8."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def review_due(approved_at: datetime, months: int) -> date:
    """The review date: ``months`` calendar months after the approval day (the last day of the month
    where that month is shorter: 31 January + 1 month = 28/29 February)."""
    day = approved_at.astimezone(UTC).date()
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def status_note(ref: LiaAssessmentRef | None) -> str | None:
    """Why a stored campaign's assessment does not give it a passed LIA, in a few words for the decision's
    message (None: no assessment, or nothing to add)."""
    if ref is None:
        return None
    name = f"the assessment {ref.id} (version {ref.version})"
    if ref.tampered:
        return f"{name} was altered after it was recorded and does not count"
    if ref.expired and ref.review_due is not None:
        return (
            f"the assessment expired on {ref.review_due.isoformat()} ({ref.id} version {ref.version}, "
            "its review date); review it and approve it again"
        )
    if ref.outcome == LiaOutcome.FAILED.value:
        return f"{name} failed"
    if ref.outcome == LiaOutcome.NEEDS_REVIEW.value:
        return f"{name} needs review"
    if ref.outcome == LiaOutcome.PASSED.value and ref.approved_by is None:
        return f"{name} passed and is awaiting approval"
    return None
