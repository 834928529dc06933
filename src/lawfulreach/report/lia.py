"""A legitimate interests assessment as a document a DPO can file: printable HTML or Markdown.

Both are Jinja2 templates (``templates/lia.html.j2``, ``templates/lia.md.j2``). The HTML environment
escapes every value (answers are free text someone typed); the Markdown one escapes the characters
Markdown would read as markup. Each section lists its questions with the answers given, then the
reasons with their citations, the conclusion, the approver, the review date and the content hash
(which ``lawfulreach lia verify`` checks against the store and the audit trail).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jinja2

from lawfulreach.domain.lia import Answer, AnswerType, Questionnaire, SectionInfo
from lawfulreach.store.lia import AssessmentRecord

__all__ = ["render_assessment"]


@dataclass(frozen=True, slots=True)
class _Row:
    id: str
    text: str
    answer: str
    answered: bool
    required: bool


@dataclass(frozen=True, slots=True)
class _Section:
    info: SectionInfo
    rows: tuple[_Row, ...]
    findings: tuple[Any, ...]


def _answer(kind: AnswerType, value: Answer | None) -> str:
    if value is None:
        return "not answered"
    if kind is AnswerType.YES_NO:
        return "Yes" if value is True else "No"
    return str(value).replace("_", " ") if kind is AnswerType.CHOICE else str(value)


def _sections(record: AssessmentRecord, q: Questionnaire) -> list[_Section]:
    out = []
    for info in q.sections:
        rows = tuple(
            _Row(x.id, x.text, _answer(x.type, record.answers.get(x.id)), x.id in record.answers, x.required)
            for x in q.in_section(info.id)
        )
        ids = {r.id for r in rows}
        findings = tuple(f for f in record.findings if f.question in ids)
        out.append(_Section(info, rows, findings))
    return out


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|])")


def _md(value: object) -> str:
    """Text safe inside Markdown: markup characters escaped, line breaks kept as breaks."""
    text = _MD_SPECIAL.sub(r"\\\1", str(value))
    return "  \n".join(text.splitlines()) if text else text


def _env(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lawfulreach.report", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _md
    return env


_HTML = _env(True)
_MARKDOWN = _env(False)


def render_assessment(record: AssessmentRecord, q: Questionnaire, fmt: str, generated: datetime) -> str:
    """``fmt`` ``html`` or ``md``; ``generated`` is when the document was made (the scope's clock)."""
    known = {x.id for x in q.questions}
    context = {
        "r": record,
        "q": q,
        "title": q.title,
        "sections": _sections(record, q),
        "other_answers": {k: v for k, v in record.answers.items() if k not in known},
        "general": [f for f in record.findings if f.question is None],
        "generated": generated,
        "same_questionnaire": record.questionnaire == q.version,
    }
    env = _HTML if fmt == "html" else _MARKDOWN
    return env.get_template(f"lia.{fmt}.j2").render(**context)
