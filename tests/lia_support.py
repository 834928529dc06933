"""Answers to the legitimate interests assessment, as the ICO template's questions are answered for an
ordinary B2B campaign, and helpers to store an approved assessment for a stored campaign."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lawfulreach.domain.lia import Answer, assess
from lawfulreach.rules.lia import default_questionnaire
from lawfulreach.store import Workspace
from lawfulreach.store.lia import AssessmentRecord, LiaRepo

#: a campaign that passes: professional contacts, public business source, notice, opt-out in every message
PASSING: dict[str, Answer] = {
    "purpose.interest": "Marketing our payroll software to HR managers of UK companies.",
    "purpose.benefit": "New customers; the product saves recipients' companies time.",
    "purpose.third_party_benefit": "Recipients' companies save on payroll errors.",
    "purpose.lawful_and_ethical": True,
    "necessity.achieves_purpose": True,
    "necessity.proportionate": True,
    "necessity.less_intrusive_alternative": False,
    "necessity.data_minimised": True,
    "balancing.special_category_data": False,
    "balancing.vulnerable_people": False,
    "balancing.capacity": "professional",
    "balancing.relationship": "none",
    "balancing.data_source": "public_business_source",
    "balancing.privacy_notice_given": True,
    "balancing.reasonably_expected": True,
    "balancing.profiling": False,
    "balancing.large_scale": False,
    "balancing.likely_impact": "minimal",
    "balancing.opt_out_in_every_message": True,
    "balancing.objections_honoured": True,
    "balancing.other_safeguards": "Suppression list screened before every send.",
    "conclusion.summary": "A relevant offer to people in their professional role, with notice and an opt-out.",
}


def answers(**changes: Answer | None) -> dict[str, Answer]:
    """PASSING with some answers changed (``balancing__capacity="mixed"``) or removed (``=None``)."""
    out = dict(PASSING)
    for key, value in changes.items():
        qid = key.replace("__", ".")
        assert qid in out or value is not None, qid
        if value is None:
            out.pop(qid, None)
        else:
            out[qid] = value
    return out


def toml(values: Mapping[str, Any]) -> str:
    """An answers file: one table per section."""
    sections: dict[str, list[str]] = {}
    for qid, value in values.items():
        section, name = qid.split(".", 1)
        text = ("true" if value else "false") if isinstance(value, bool) else f'"{value}"'
        sections.setdefault(section, []).append(f"{name} = {text}")
    return "\n".join(f"[{s}]\n" + "\n".join(lines) + "\n" for s, lines in sections.items())


def assessed(ws: Workspace, campaign_id: str, given: Mapping[str, Answer] | None = None) -> AssessmentRecord:
    q = default_questionnaire()
    given = PASSING if given is None else given
    return LiaRepo(ws.scope).assess(campaign_id, given, assess(q, given), q.version)


def approved(ws: Workspace, campaign_id: str, by: str = "Dana Officer, DPO", months: int = 12) -> AssessmentRecord:
    """A passed assessment of ``campaign_id``, approved: the campaign's LIA is passed."""
    record = assessed(ws, campaign_id)
    return LiaRepo(ws.scope).approve(record.id, by, months)
