"""``/v1/campaigns``: stored campaigns that checks can name by id — versioned, archived rather than deleted.

A campaign is validated by the model an inline campaign uses (``schema.CampaignIn``), so naming a
stored campaign and repeating it inline decide the same. Changing one needs the compliance role: a
campaign carries its legitimate interests assessment. The model is the CLI's (``store.campaigns``):
every create or change (``POST``, ``PUT``) is a new version on the tenant's audit trail, recorded as
the API key that made it; ``GET …/versions`` lists them; archiving (``POST …/archive``, and
``DELETE``, kept for clients written before versions) retires a campaign: it stays readable, and a
check naming it is refused.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from lawfulreach.api.deps import CampaignReader, CampaignWriter
from lawfulreach.api.problem import openapi_problem
from lawfulreach.api.schemas import CampaignOut, CampaignVersionOut
from lawfulreach.domain.model import Campaign
from lawfulreach.errors import ConflictError
from lawfulreach.schema import CampaignIn
from lawfulreach.store.campaigns import CampaignRecord, CampaignVersionRecord

router = APIRouter(prefix="/campaigns", tags=["campaigns"])

CampaignId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]


def _fields(c: Campaign) -> dict[str, Any]:
    """The campaign's facts as ``CampaignFields`` names them."""
    return {
        "name": c.name,
        "purpose": c.purpose.value,
        "sender_type": c.sender_type.value,
        "legal_entity": c.legal_entity,
        "products": list(c.products),
        "consent_purposes": list(c.consent_purposes),
        "lia": c.lia.value,
        "excluded_regions": list(c.excluded_regions),
    }


def _out(r: CampaignRecord) -> CampaignOut:
    return CampaignOut(
        id=r.id,
        **_fields(r.campaign),
        created_at=r.created_at,
        updated_at=r.updated_at,
        version=r.version,
        fingerprint=r.fingerprint,
        archived_at=r.archived_at,
    )


def _version_out(v: CampaignVersionRecord) -> CampaignVersionOut:
    return CampaignVersionOut(
        id=v.id,
        version=v.version,
        fingerprint=v.fingerprint,
        created_at=v.created_at,
        actor=v.actor,
        current=v.current,
        **_fields(v.campaign),
    )


@router.get("", summary="List campaigns", response_model=list[CampaignOut])
def list_campaigns(
    caller: CampaignReader,
    archived: Annotated[bool, Query(description="Also list archived campaigns.")] = False,
) -> list[CampaignOut]:
    return [_out(r) for r in caller.tenant.campaigns.list(include_archived=archived)]


@router.post(
    "",
    summary="Store a campaign",
    response_model=CampaignOut,
    status_code=status.HTTP_201_CREATED,
    responses={409: openapi_problem("The id is taken (archived campaigns' ids included).")},
)
def create_campaign(caller: CampaignWriter, body: CampaignIn) -> CampaignOut:
    """Stored under `id` when given (an id is generated otherwise) as its version 1; a taken id is a conflict."""
    return _out(caller.workspace.campaigns.create(body.to_domain(), body.id))


@router.get("/{campaign_id}", summary="One campaign (its current version)", response_model=CampaignOut)
def get_campaign(caller: CampaignReader, campaign_id: CampaignId) -> CampaignOut:
    return _out(caller.tenant.campaigns.get(campaign_id))


@router.put(
    "/{campaign_id}",
    summary="Create a campaign, or store a new version of it",
    response_model=CampaignOut,
    responses={
        201: {"model": CampaignOut, "description": "Created."},
        409: openapi_problem("The body's `id`, when given, differs from the URL's; or the campaign is archived."),
    },
)
def put_campaign(caller: CampaignWriter, campaign_id: CampaignId, body: CampaignIn, response: Response) -> CampaignOut:
    """A body that changes the content makes a new version; one equal to the current version changes nothing."""
    if body.id is not None and body.id != campaign_id:  # schema-valid, so 409 rather than 422 (docs/api.md)
        raise ConflictError(f"the body's id {body.id!r} differs from the URL's {campaign_id!r}")
    record, created = caller.workspace.campaigns.put(campaign_id, body.to_domain())
    if created:
        response.status_code = status.HTTP_201_CREATED
    return _out(record)


@router.get("/{campaign_id}/versions", summary="Every version of a campaign", response_model=list[CampaignVersionOut])
def list_versions(caller: CampaignReader, campaign_id: CampaignId) -> list[CampaignVersionOut]:
    """Oldest first; archived campaigns' versions included."""
    return [_version_out(v) for v in caller.tenant.campaigns.versions(campaign_id)]


@router.get("/{campaign_id}/versions/{version}", summary="One version of a campaign", response_model=CampaignVersionOut)
def get_version(
    caller: CampaignReader, campaign_id: CampaignId, version: Annotated[int, Path(ge=1, le=2_000_000_000)]
) -> CampaignVersionOut:
    return _version_out(caller.tenant.campaigns.version(campaign_id, version))


@router.post(
    "/{campaign_id}/archive",
    summary="Archive a campaign",
    response_model=CampaignOut,
    responses={409: openapi_problem("The campaign is already archived.")},
)
def archive_campaign(caller: CampaignWriter, campaign_id: CampaignId) -> CampaignOut:
    """It stays readable with its versions; checks naming it are refused from now on."""
    return _out(caller.workspace.campaigns.archive(campaign_id))


@router.delete(
    "/{campaign_id}",
    summary="Archive a campaign (kept for older clients)",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={409: openapi_problem("The campaign is already archived.")},
)
def delete_campaign(caller: CampaignWriter, campaign_id: CampaignId) -> Response:
    """As `POST …/archive`: a campaign is never deleted, since decisions name its versions."""
    caller.workspace.campaigns.archive(campaign_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
