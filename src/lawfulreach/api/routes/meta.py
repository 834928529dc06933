"""``/v1/me``, ``/v1/organisation`` and ``/v1/health``."""

from __future__ import annotations

from fastapi import APIRouter

from lawfulreach.api.deps import CallerDep, OrganisationReader, OrganisationWriter
from lawfulreach.api.roles import GRANTS
from lawfulreach.api.schemas import HealthOut, MeOut, NoticeOut, OrganisationIn, OrganisationOut
from lawfulreach.store.profiles import PROFILE_FIELDS, Profile

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
        **{name: getattr(p, name) for name in PROFILE_FIELDS},
        missing=p.missing() + p.notice_missing(),
    )


@router.get("/organisation", summary="The organisation shown on the public pages", response_model=OrganisationOut)
def get_organisation(caller: OrganisationReader) -> OrganisationOut:
    return _out(caller.tenant.profile())


@router.put("/organisation", summary="Set the organisation shown on the public pages", response_model=OrganisationOut)
def put_organisation(caller: OrganisationWriter, body: OrganisationIn) -> OrganisationOut:
    """Who holds the recipients' data and why, with the privacy notice link (GDPR Art. 13/14)."""
    profile = Profile(**{name: getattr(body, name) for name in PROFILE_FIELDS})
    return _out(caller.tenant.profiles.put(profile))


@router.get("/organisation/notice", summary="The generated privacy notice (GDPR Art. 14)", response_model=NoticeOut)
def get_notice(caller: OrganisationReader) -> NoticeOut:
    """The notice served at ``/privacy`` (``/t/{tenant}/privacy``): its version, where it is served, its
    sections. Facts the profile lacks read "not provided" and are listed in ``missing``."""
    return NoticeOut.model_validate(caller.tenant.notice().to_json())
