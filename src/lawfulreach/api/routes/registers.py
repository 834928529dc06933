"""``GET /v1/registers``: the do-not-call registers loaded, their age, and which are stale or missing."""

from __future__ import annotations

from fastapi import APIRouter

from lawfulreach.api.deps import RegisterReader
from lawfulreach.api.schemas import RegisterOut

router = APIRouter(tags=["registers"])


@router.get("/registers", summary="Do-not-call register status", response_model=list[RegisterOut])
def registers(caller: RegisterReader) -> list[RegisterOut]:
    """What `lawfulreach dnc status --json` shows: each loaded register with its size, as-of date,
    age and maximum age, plus each required register that is not loaded."""
    tenant = caller.tenant
    rows = tenant.workspace.dnc.status(tenant.rulebase().overlays, tenant.workspace.scope.clock())
    return [
        RegisterOut(
            country=s.country,
            register=s.name,
            loaded=s.loaded,
            size=s.size,
            as_of=s.as_of,
            loaded_at=s.loaded_at,
            age_days=round(s.age_days, 1) if s.age_days is not None else None,
            max_age_days=s.max_age_days,
            stale=s.stale,
        )
        for s in rows
    ]
