"""Campaigns created, changed and archived in the browser, and their legitimate interests
assessment answered there — with the roles, the validation and the store calls the API uses.

* A campaign form is read into ``schema.CampaignIn``, the model ``POST /v1/campaigns`` and an inline
  campaign use, so the console refuses what the API refuses with the same words; each problem is
  shown beside its field. Storing goes to ``store.campaigns`` as the API's create / update / archive do:
  every change is a new version, an archived campaign is kept and refused for new decisions.
* The questionnaire is ``commands.lia.questionnaire()`` (``rules/data/lia.toml``), the one ``lia
  start`` prompts for and the API's schema is built from; answers are coerced by ``domain.lia`` as an
  answers file's are, and scored and stored by ``commands.lia.start``. A question left blank is
  unanswered (the outcome then cannot be passed: fail closed), never an error.
* Changing a campaign or assessing it needs ``change_campaigns`` (admin, compliance), as with the
  API. The workspace acts as the signed-in person, so the audit trail names them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from lawfulreach.api.roles import Permission
from lawfulreach.commands import campaigns as campaign_commands
from lawfulreach.commands import lia as lia_commands
from lawfulreach.console.auth import FormStaff, Staff, StaffDep
from lawfulreach.console.reference import Commands
from lawfulreach.console.routes import page
from lawfulreach.domain.lia import Answer, AnswerType, Question, coerce_answer, expected
from lawfulreach.domain.model import Campaign
from lawfulreach.domain.vocabulary import LiaStatus, Purpose, SenderType
from lawfulreach.errors import CampaignError, ConflictError, InputError
from lawfulreach.schema import CampaignIn
from lawfulreach.store.campaigns import check_campaign_id

router = APIRouter(prefix="/console/campaigns", include_in_schema=False)

CampaignId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]

#: the campaign form's fields, in order: (name, label, kind); lists are written separated by commas
CAMPAIGN_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("name", "Name", "text"),
    ("purpose", "Purpose", "choice"),
    ("sender_type", "Sender", "choice"),
    ("legal_entity", "Legal entity sending", "text"),
    ("products", "Products offered (separated by commas)", "list"),
    ("consent_purposes", "Consent purposes that cover this campaign (separated by commas)", "list"),
    ("excluded_regions", "Regions left out (countries, ISO 3166-2 codes, EU, EEA or GDPR; by commas)", "list"),
    ("lia", "Legitimate interests as asserted (a stored assessment takes precedence)", "choice"),
)
CHOICES: dict[str, tuple[str, ...]] = {
    "purpose": tuple(p.value for p in Purpose),
    "sender_type": tuple(s.value for s in SenderType),
    "lia": tuple(s.value for s in LiaStatus),
}
#: the longest text a form field takes (the API's limit for an LIA answer)
MAX_TEXT = 4_000


# --- campaigns --------------------------------------------------------------------------------------------
def _values(campaign: Campaign | None) -> dict[str, str]:
    """The form's values for a stored campaign (the edit form), or the API's defaults (a new one)."""
    if campaign is None:
        defaults = CampaignIn()
        return {
            "purpose": defaults.purpose.value,
            "sender_type": defaults.sender_type.value,
            "lia": defaults.lia.value,
            "consent_purposes": ", ".join(defaults.consent_purposes),
        }
    return {
        "name": campaign.name or "",
        "purpose": campaign.purpose.value,
        "sender_type": campaign.sender_type.value,
        "legal_entity": campaign.legal_entity or "",
        "products": ", ".join(campaign.products),
        "consent_purposes": ", ".join(campaign.consent_purposes),
        "excluded_regions": ", ".join(campaign.excluded_regions),
        "lia": campaign.lia.value,
    }


def read_campaign_form(form: dict[str, str]) -> tuple[Campaign | None, dict[str, str]]:
    """The posted fields → (the campaign, {}) or (None, {field: what is wrong with it}).

    The document is what a campaign file or a JSON body would say (blank text: not given; a list:
    its comma-separated items), validated by ``CampaignIn`` exactly as the API validates a body."""
    doc: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, _, kind in CAMPAIGN_FIELDS:
        raw = form.get(name, "")
        if len(raw) > MAX_TEXT:
            errors[name] = f"at most {MAX_TEXT:,} characters"
        elif kind == "list":
            doc[name] = [item.strip() for item in raw.split(",") if item.strip()]
        elif raw.strip():
            doc[name] = raw.strip()
    try:
        body = CampaignIn.model_validate(doc)
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "name"
            errors.setdefault(field, err["msg"].removeprefix("Value error, "))
    if errors:
        return None, errors
    return body.to_domain(), {}


def _campaign_form(
    request: Request,
    staff: Staff,
    *,
    campaign_id: str | None,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        staff,
        "campaign_form.html.j2",
        "/console/campaigns",
        status_code,
        campaign_id=campaign_id,
        fields=CAMPAIGN_FIELDS,
        choices=CHOICES,
        values=values,
        errors=errors or {},
    )


async def _posted(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.get("/new")
def new_campaign_page(request: Request, staff: StaffDep) -> Response:
    staff.need(Permission.WRITE_CAMPAIGNS)
    return _campaign_form(request, staff, campaign_id=None, values=_values(None))


@router.post("/new")
async def create_campaign(request: Request, staff: FormStaff) -> Response:
    """Store a new campaign as its version 1 (``POST /v1/campaigns``); a taken id is said beside the id."""
    staff.need(Permission.WRITE_CAMPAIGNS)
    form = await _posted(request)
    campaign, errors = read_campaign_form(form)
    wanted = form.get("id", "").strip()
    if wanted:
        try:
            check_campaign_id(wanted)
        except InputError as exc:
            errors["id"] = str(exc)
    if campaign is None or errors:
        return _campaign_form(request, staff, campaign_id=None, values=form, errors=errors, status_code=422)
    try:
        record = await run_in_threadpool(staff.workspace.campaigns.create, campaign, wanted or None)
    except ConflictError as exc:
        return _campaign_form(request, staff, campaign_id=None, values=form, errors={"id": str(exc)}, status_code=409)
    return RedirectResponse(f"/console/campaigns/{record.id}?done=campaign-created", status_code=303)


@router.get("/{campaign_id}/edit")
def edit_campaign_page(request: Request, staff: StaffDep, campaign_id: CampaignId) -> Response:
    staff.need(Permission.WRITE_CAMPAIGNS)
    record = staff.workspace.campaigns.get(campaign_id)
    if record.archived_at is not None:
        raise ConflictError(f"campaign {campaign_id!r} is archived; an archived campaign is not changed")
    return _campaign_form(request, staff, campaign_id=campaign_id, values=_values(record.campaign))


@router.post("/{campaign_id}/edit")
async def update_campaign(request: Request, staff: FormStaff, campaign_id: CampaignId) -> Response:
    """The form as the campaign's next version (``PUT /v1/campaigns/{id}``); the same content makes none."""
    staff.need(Permission.WRITE_CAMPAIGNS)
    form = await _posted(request)
    campaign, errors = read_campaign_form(form)
    if campaign is None:
        return _campaign_form(request, staff, campaign_id=campaign_id, values=form, errors=errors, status_code=422)
    _, changed = await run_in_threadpool(staff.workspace.campaigns.update, campaign_id, campaign)
    return RedirectResponse(
        f"/console/campaigns/{campaign_id}?done={'campaign-saved' if changed else 'campaign-unchanged'}",
        status_code=303,
    )


@router.post("/{campaign_id}/archive")
def archive_campaign(request: Request, staff: FormStaff, campaign_id: CampaignId) -> Response:
    """Retire the campaign (``campaign archive``, ``POST /v1/campaigns/{id}/archive``): kept, refused for checks."""
    staff.need(Permission.WRITE_CAMPAIGNS)
    campaign_commands.archive_campaign(Commands(staff, request.app.state.backend), campaign_id)
    return RedirectResponse(f"/console/campaigns/{campaign_id}?done=campaign-archived", status_code=303)


# --- the legitimate interests assessment ------------------------------------------------------------------
def field_id(question: Question) -> str:
    """The form control of a question (``purpose.interest`` → ``q-purpose-interest``)."""
    return "q-" + question.id.replace(".", "-").replace("_", "-")


def read_answers(form: dict[str, str]) -> tuple[dict[str, Answer], dict[str, str]]:
    """The posted answers → (answers by question id, {question id: what is wrong}).

    A blank field is unanswered (scored as such, fail closed); a value a question cannot take — a
    choice not offered, a yes/no that is neither, text longer than the API allows — is an error."""
    answers: dict[str, Answer] = {}
    errors: dict[str, str] = {}
    for question in lia_commands.questionnaire().questions:
        raw = form.get(question.id, "")
        if not raw.strip():
            continue
        if question.type is AnswerType.TEXT and len(raw) > MAX_TEXT:
            errors[question.id] = f"at most {MAX_TEXT:,} characters"
            continue
        value = coerce_answer(question, raw)
        if value is None:
            errors[question.id] = f"the answer must be {expected(question)}"
        else:
            answers[question.id] = value
    return answers, errors


def _answer_text(value: Answer | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _lia_form(
    request: Request,
    staff: Staff,
    campaign_id: str,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    q = lia_commands.questionnaire()
    sections = [(s, q.in_section(s.id)) for s in q.sections]
    record = staff.workspace.campaigns.get(campaign_id)
    return page(
        request,
        staff,
        "lia_form.html.j2",
        "/console/campaigns",
        status_code,
        campaign=record,
        questionnaire=q,
        sections=sections,
        values=values,
        errors=errors or {},
        field_id=field_id,
        question_of={x.id: x for x in q.questions},
    )


@router.get("/{campaign_id}/lia")
def lia_page(request: Request, staff: StaffDep, campaign_id: CampaignId) -> Response:
    """The questionnaire, filled in with the newest assessment's answers when there is one (a
    re-assessment starts from what was said last time)."""
    staff.need(Permission.WRITE_CAMPAIGNS)
    session = Commands(staff, request.app.state.backend)
    record = staff.workspace.campaigns.get(campaign_id)
    if record.archived_at is not None:
        raise CampaignError(f"campaign {campaign_id!r} is archived; an archived campaign is not assessed again")
    previous = lia_commands.list_assessments(session, campaign_id)
    answers: dict[str, Answer] = max(previous, key=lambda a: a.version).answers if previous else {}
    return _lia_form(request, staff, campaign_id, {k: _answer_text(v) for k, v in answers.items()})


@router.post("/{campaign_id}/lia")
async def lia_assess(request: Request, staff: FormStaff, campaign_id: CampaignId) -> Response:
    """Score and store the answers as the campaign's next assessment version (``lia start``,
    ``POST /v1/campaigns/{id}/lia``); the campaign's page then shows the outcome and its reasons."""
    staff.need(Permission.WRITE_CAMPAIGNS)
    form = await _posted(request)
    answers, errors = read_answers(form)
    if errors:
        return await run_in_threadpool(_lia_form, request, staff, campaign_id, form, errors, 422)
    session = Commands(staff, request.app.state.backend)
    await run_in_threadpool(lia_commands.start, session, campaign_id, answers)
    return RedirectResponse(f"/console/campaigns/{campaign_id}?done=assessed#h-result", status_code=303)
