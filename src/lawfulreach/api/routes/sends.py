"""``POST /v1/sends``: ``lawfulreach send`` for contacts given as JSON — the same library call
(``commands.send.send_rows``), the same send log, the same evidence.

Every contact is decided again when its message is prepared (an opt-out recorded a second earlier
stops it), composed from the template with the footer and headers its decision requires, signed with
the server's DKIM key and sent through the server's SMTP settings (``serve --smtp-host``,
``LAWFULREACH_DKIM_*``); a contact already sent to for this campaign version is skipped, so a
retried request never sends twice. ``dry_run`` returns the messages instead of sending them, and
records nothing. The request waits for the send to finish: keep batches to what the rate allows in
a request's time (up to ``max_batch`` contacts).

Roles: admin, compliance and marketer (``send_messages``); readonly may not.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from lawfulreach.api.backend import SendRequest
from lawfulreach.api.deps import Caller, require
from lawfulreach.api.roles import Permission
from lawfulreach.errors import RequestError

router = APIRouter(tags=["sending"])

Sender = Annotated[Caller, Depends(require(Permission.SEND))]


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=1000, description="Jinja2 template of the subject.")
    text: str = Field(min_length=1, max_length=200_000, description="Jinja2 template of the text part.")
    html: str | None = Field(default=None, max_length=500_000, description="Jinja2 template of the HTML part.")
    reply_to: str | None = Field(default=None, max_length=320)


class SendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    campaign: str = Field(min_length=1, max_length=64, description="A stored campaign's id.")
    template: TemplateIn
    contacts: list[dict[str, Any]] = Field(
        min_length=1,
        description="The prospects: objects with `email` and the fields the template uses (`first_name`, "
        "`company`, `country`, `subscriber_type`, …), as in a screened file.",
    )
    dry_run: bool = Field(default=False, description="Return the messages (.eml text) instead of sending them.")
    per_second: float | None = Field(
        default=None, ge=1, le=1000, description="At most this many messages a second (1 to 1,000)."
    )
    limit: int | None = Field(default=None, ge=1, description="Send at most this many messages now.")
    retry_uncertain: bool = False
    retry_failed: bool = False


@router.post("/sends", summary="Send a campaign's message to contacts, each decided again now")
def sends(caller: Sender, body: Annotated[SendIn, Body()]) -> Response:
    """Counts per outcome (sent, refused with reasons, failed, deferred, already sent…), the evidence
    run, and for a dry run the messages."""
    from lawfulreach.commands.send import SendOptions, contact_rows
    from lawfulreach.errors import TemplateError
    from lawfulreach.outreach.template import MessageTemplate

    handle = caller.tenant
    limit = handle.max_batch()
    if len(body.contacts) > limit:
        raise RequestError(f"a send takes at most {limit:,} contacts; this one has {len(body.contacts):,}")
    t = body.template
    try:
        template = MessageTemplate("the template", t.subject, t.text, t.html, t.reply_to)
    except TemplateError as exc:
        raise RequestError(str(exc)) from None
    raw = json.dumps(body.contacts, sort_keys=True, ensure_ascii=False).encode("utf-8")
    request = SendRequest(
        campaign=body.campaign,
        template=template,
        rows=contact_rows(body.contacts),
        options=SendOptions(
            campaign=body.campaign,
            template=template,
            per_second=body.per_second,
            limit=body.limit,
            retry_uncertain=body.retry_uncertain,
            retry_failed=body.retry_failed,
        ),
        dry_run=body.dry_run,
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    report = handle.send(caller.workspace, request)
    out = report.as_json()
    out["input"] = "POST /v1/sends"
    if body.dry_run:
        out["messages"] = [{"contact": n, "eml": data.decode("ascii")} for n, data in request.messages.items]
    return Response(json.dumps(out, ensure_ascii=False).encode("utf-8"), media_type="application/json")


__all__ = ["router"]
