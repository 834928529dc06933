"""Legitimate interests assessments over HTTP: answer for a stored campaign, read one back.

``POST /v1/campaigns/{campaign_id}/lia`` takes the answers as the answers file has them (one object
per section) and stores the scored result as the campaign's next assessment version — it needs the
campaign-changing permission, since the assessment is what gives a stored campaign its LIA.
``GET /v1/lia/{assessment_id}`` returns a version with its reasons, approval, review date, content
hash and integrity. Approval stays with a named person at the command line (``lia approve``).

The request model is built from the questionnaire (``rules/data/lia.toml``), so the published schema
names every question with its type and choices, and an unknown question is refused by the schema.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field, create_model

from lawfulreach.api.deps import CampaignReader, CampaignWriter
from lawfulreach.api.problem import openapi_problem
from lawfulreach.commands.lia import assess_stored
from lawfulreach.domain.lia import Answer, AnswerType, Questionnaire
from lawfulreach.rules.lia import default_questionnaire
from lawfulreach.store.lia import AssessmentRecord, LiaRepo

router = APIRouter(tags=["legitimate interests"])

CampaignId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
AssessmentId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _field(kind: AnswerType, choices: tuple[str, ...], text: str) -> tuple[Any, Any]:
    if kind is AnswerType.YES_NO:
        return (bool | None, Field(default=None, description=text))
    if kind is AnswerType.CHOICE:
        return (Literal[choices] | None, Field(default=None, description=text))
    return (str | None, Field(default=None, min_length=1, max_length=4000, pattern=r"\S", description=text))


def _answers_model(q: Questionnaire) -> type[BaseModel]:
    sections: dict[str, Any] = {}
    for s in q.sections:
        fields: dict[str, Any] = {x.name: _field(x.type, x.choices, x.text) for x in q.in_section(s.id)}
        model = create_model(f"Lia{s.id.title()}Answers", __base__=_Strict, **fields)
        sections[s.id] = (model | None, Field(default=None, description=f"{s.title}: {s.question}"))
    return create_model("LiaAnswersIn", __base__=_Strict, **sections)


LiaAnswersIn = _answers_model(default_questionnaire())


class LiaReasonOut(_Strict):
    code: str
    outcome: Literal["passed", "failed", "needs_review"]
    message: str
    citation: str
    question: str | None


class LiaOut(_Strict):
    id: str
    version: int
    campaign_id: str
    questionnaire: str
    outcome: Literal["passed", "failed", "needs_review"]
    reasons: list[LiaReasonOut]
    answers: dict[str, bool | str]
    approved_by: str | None
    approved_at: datetime | None
    review_months: int
    review_due: date | None
    content_hash: str
    created_at: datetime
    actor: str
    integrity: str = Field(description="`intact`, or `altered: …` (it then never counts as passed)")


def _out(record: AssessmentRecord) -> LiaOut:
    return LiaOut.model_validate(record.to_json())


def _flatten(body: BaseModel) -> dict[str, Answer]:
    out: dict[str, Answer] = {}
    for section, answers in body.model_dump(exclude_none=True).items():
        for name, value in answers.items():
            out[f"{section}.{name}"] = value
    return out


@router.post(
    "/campaigns/{campaign_id}/lia",
    summary="Assess a stored campaign's legitimate interests",
    response_model=LiaOut,
    status_code=status.HTTP_201_CREATED,
    responses={409: openapi_problem("The campaign is archived.")},
)
def assess_campaign(caller: CampaignWriter, campaign_id: CampaignId, body: LiaAnswersIn) -> LiaOut:  # type: ignore[valid-type]
    """Scored passed / failed / needs_review with every reason; stored as the campaign's next version."""
    # 404 for a campaign this tenant does not have, 409 for an archived one (``commands.lia``)
    return _out(assess_stored(caller.workspace, campaign_id, _flatten(body)))


@router.get("/lia/{assessment_id}", summary="One legitimate interests assessment", response_model=LiaOut)
def get_assessment(
    caller: CampaignReader,
    assessment_id: AssessmentId,
    version: Annotated[int | None, Query(ge=1, description="This version (default: the newest).")] = None,
) -> LiaOut:
    return _out(LiaRepo(caller.workspace.scope).get(assessment_id, version))
