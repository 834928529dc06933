"""``/v1/me``, ``/v1/organisation`` and ``/v1/health``."""

from __future__ import annotations

from fastapi import APIRouter

from lawfulreach.api.deps import CallerDep, OrganisationReader, OrganisationWriter
from lawfulreach.api.roles import GRANTS
from lawfulreach.api.schemas import HealthOut, MeOut, OrganisationIn, OrganisationOut
from lawfulreach.store.profiles import Profile

router = APIRouter(tags=["meta"])
public = APIRouter(tags=["meta"])


@public.get("/health", summary="Liveness", response_model=HealthOut)
def health() -> HealthOut:
    """Answers without a key and without touching the database."""
    return HealthOut(status="ok")


@router.get("/me", summary="The calling key", response_model=MeOut)
def me(caller: CallerDep) -> MeOut:
    """The tenant and role of the key in use, and what that role may do."""
    return MeOut(
        tenant=caller.owner.tenant,
        role=caller.role.value,
        key_id=caller.owner.key_id,
        permissions=sorted(p.value for p in GRANTS[caller.role]),
    )


def _out(p: Profile) -> OrganisationOut:
    return OrganisationOut(
        organisation=p.organisation,
        purpose=p.purpose,
        privacy_notice_url=p.privacy_notice_url,
        contact_email=p.contact_email,
        postal_address=p.postal_address,
        public_url=p.public_url,
        mail_from=p.mail_from,
        missing=p.missing(),
    )


@router.get("/organisation", summary="The organisation shown on the public pages", response_model=OrganisationOut)
def get_organisation(caller: OrganisationReader) -> OrganisationOut:
    return _out(caller.tenant.profile())


@router.put("/organisation", summary="Set the organisation shown on the public pages", response_model=OrganisationOut)
def put_organisation(caller: OrganisationWriter, body: OrganisationIn) -> OrganisationOut:
    """Who holds the recipients' data and why, with the privacy notice link (GDPR Art. 13/14)."""
    profile = Profile(
        body.organisation,
        body.purpose,
        body.privacy_notice_url,
        body.contact_email,
        body.postal_address,
        body.public_url,
        body.mail_from,
    )
    return _out(caller.tenant.profiles.put(profile))
