"""``/v1/campaigns``: stored campaigns that checks can name by id.

A campaign is validated by the model an inline campaign uses (``schema.CampaignIn``), so naming a
stored campaign and repeating it inline decide the same. Changing one needs the compliance role: a
campaign carries its legitimate interests assessment.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from lawfulreach.api.deps import CampaignReader, CampaignWriter
from lawfulreach.api.problem import openapi_problem
from lawfulreach.api.schemas import CampaignOut
from lawfulreach.errors import ConflictError
from lawfulreach.schema import CampaignIn
from lawfulreach.store.campaigns import CampaignRecord

router = APIRouter(prefix="/campaigns", tags=["campaigns"])

CampaignId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]


def _out(r: CampaignRecord) -> CampaignOut:
    c = r.campaign
    return CampaignOut(
        id=r.id,
        name=c.name,
        purpose=c.purpose.value,
        sender_type=c.sender_type.value,
        legal_entity=c.legal_entity,
        products=list(c.products),
        consent_purposes=list(c.consent_purposes),
        lia=c.lia.value,
        excluded_regions=list(c.excluded_regions),
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


@router.get("", summary="List campaigns", response_model=list[CampaignOut])
def list_campaigns(caller: CampaignReader) -> list[CampaignOut]:
    return [_out(r) for r in caller.tenant.campaigns.list()]


@router.post("", summary="Store a campaign", response_model=CampaignOut, status_code=status.HTTP_201_CREATED)
def create_campaign(caller: CampaignWriter, body: CampaignIn) -> CampaignOut:
    """Stored under `id` when given (an id is generated otherwise); a taken id is a conflict."""
    return _out(caller.tenant.campaigns.create(body.to_domain(), body.id))


@router.get("/{campaign_id}", summary="One campaign", response_model=CampaignOut)
def get_campaign(caller: CampaignReader, campaign_id: CampaignId) -> CampaignOut:
    return _out(caller.tenant.campaigns.get(campaign_id))


@router.put(
    "/{campaign_id}",
    summary="Create or replace a campaign",
    response_model=CampaignOut,
    responses={
        201: {"model": CampaignOut, "description": "Created."},
        409: openapi_problem("The body's `id`, when given, differs from the URL's."),
    },
)
def put_campaign(caller: CampaignWriter, campaign_id: CampaignId, body: CampaignIn, response: Response) -> CampaignOut:
    if body.id is not None and body.id != campaign_id:  # schema-valid, so 409 rather than 422 (docs/api.md)
        raise ConflictError(f"the body's id {body.id!r} differs from the URL's {campaign_id!r}")
    record, created = caller.tenant.campaigns.put(campaign_id, body.to_domain())
    if created:
        response.status_code = status.HTTP_201_CREATED
    return _out(record)


@router.delete(
    "/{campaign_id}", summary="Delete a campaign", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
def delete_campaign(caller: CampaignWriter, campaign_id: CampaignId) -> Response:
    caller.tenant.campaigns.delete(campaign_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
