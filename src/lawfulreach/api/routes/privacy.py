"""``/v1/privacy-requests``: the data-subject-rights workflow's requests (``store.dsar``), read-only.

Requests reach the workflow from ``lawfulreach dsar open`` and from the public form once the sender
verified their address; the workflow itself (verify, extend, fulfil, reject, exports) is run with the
``dsar`` commands; the API can also record a request that arrived another way (``POST``, as
``dsar open``). Requests are personal data: compliance and admin keys only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from lawfulreach.api.deps import PrivacyOpener, PrivacyReader
from lawfulreach.api.schemas import PrivacyRequestIn, PrivacyRequestOut
from lawfulreach.domain.vocabulary import PrivacyRequestType
from lawfulreach.store.dsar import PrivacyRequestView
from lawfulreach.store.intake import IntakeRecord

router = APIRouter(prefix="/privacy-requests", tags=["privacy requests"])


def _out(v: PrivacyRequestView, form: IntakeRecord | None, now: datetime) -> PrivacyRequestOut:
    return PrivacyRequestOut(
        number=v.number,
        type=v.request_type,
        regime=v.regime,
        status=v.status,
        subject_kind=v.subject_kind,
        subject=v.subject,
        received_at=v.received_at,
        due_at=v.due_at,
        overdue=v.overdue(now),
        target_due_at=v.target_due_at,
        legal_due_at=v.legal_due_at,
        verified_at=v.verified_at,
        extended_at=v.extended_at,
        closed_at=v.closed_at,
        via_form=form is not None,
        name=form.name if form else None,
        details=form.details if form else None,
    )


@router.get("", summary="List privacy requests", response_model=list[PrivacyRequestOut])
def list_requests(
    caller: PrivacyReader,
    include_closed: Annotated[bool, Query(description="Also fulfilled and rejected requests.")] = False,
    overdue: Annotated[bool, Query(description="Only requests past their due date.")] = False,
    type: Annotated[PrivacyRequestType | None, Query(description="Only this type.")] = None,
) -> list[PrivacyRequestOut]:
    """Open requests by due date (most at risk first), as `lawfulreach dsar list` shows them."""
    views = caller.workspace.requests.list(include_closed=include_closed, overdue=overdue, request_type=type)
    forms = caller.tenant.intake.by_request(v.number for v in views)
    now = caller.tenant.workspace.scope.clock()
    return [_out(v, forms.get(v.number), now) for v in views]


@router.get("/{number}", summary="One privacy request", response_model=PrivacyRequestOut)
def get_request(caller: PrivacyReader, number: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> PrivacyRequestOut:
    view = caller.workspace.requests.get(number)
    forms = caller.tenant.intake.by_request([number])
    return _out(view, forms.get(number), caller.tenant.workspace.scope.clock())


@router.post(
    "", summary="Record a privacy request", response_model=PrivacyRequestOut, status_code=status.HTTP_201_CREATED
)
def open_request(caller: PrivacyOpener, body: PrivacyRequestIn) -> PrivacyRequestOut:
    """What `lawfulreach dsar open` does: the request is *received*, its deadlines set; an objection
    to direct marketing is recorded on the ledger at once. Verifying the requester's identity and
    fulfilling it stay with the `dsar` commands."""
    received = body.received_at
    if received is not None and received.tzinfo is None:
        received = received.replace(tzinfo=UTC)
    view = caller.workspace.requests.open(
        body.type, body.subject(), received_at=received, regime=body.regime, country=body.country
    )
    return _out(view, None, caller.tenant.workspace.scope.clock())
