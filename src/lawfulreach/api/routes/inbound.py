"""``POST /v1/inbound``: one received message — a reply, a bounce, a complaint — classified and its
effect recorded at once (``commands.inbound``, the same path as ``lawfulreach inbox import``).

The body is the raw RFC 5322 message as received, the shape inbound-mail webhooks post
(``Content-Type: message/rfc822``; ``text/plain`` and ``application/octet-stream`` are read the same
way), or JSON ``{"message": "<the raw message>"}`` for clients that only speak JSON (the shape the
published schema describes). ``dry_run`` classifies without recording; ``soft_bounce_limit`` is the
number of soft bounces after which an address is excluded.

Roles: compliance and admin only. Processing a message records opt-outs and opens privacy requests
in the caller's tenant, and the answer names the people concerned — the ledger's and the requests'
personal data, which a marketer key may not read.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from lawfulreach.api.deps import InboundProcessor
from lawfulreach.api.errors import TooLargeError
from lawfulreach.commands.inbound import DEFAULT_SOFT_BOUNCE_LIMIT, process_message
from lawfulreach.errors import InputError
from lawfulreach.outreach.inbox import MAX_BYTES

router = APIRouter(tags=["inbound"])

#: a message as webhooks post it; the API takes at most this much (the server's body limit may be lower)
MAX_MESSAGE = min(MAX_BYTES, 25 * 1024 * 1024)
_RAW_TYPES = ("message/rfc822", "text/plain", "application/octet-stream")


class InboundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(
        min_length=1,
        max_length=MAX_MESSAGE,
        description="The raw message as received: header fields, a blank line, the MIME body.",
    )


class ClassificationOut(BaseModel):
    kind: str = Field(description="opt_out, privacy_request, hard_bounce, soft_bounce, complaint, auto_reply, other")
    request_types: list[str] = Field(description="A privacy request's types: access, erasure, rectification.")
    opt_out: bool = Field(description="An opt-out (all channels) is recorded for the recipients.")
    evidence: str = Field(description="The phrase, header field or status code that decided.")
    status: str | None = Field(description="A bounce's status code.")


class EffectOut(BaseModel):
    summary: str
    opted_out: list[str]
    requests_opened: list[int]
    suppressed: list[str]
    soft_bounces: dict[str, int]
    erased_skipped: int


class InboundOut(BaseModel):
    classification: ClassificationOut
    recipients: list[str] = Field(description="The normalised addresses the effect concerns.")
    matched_by: str = Field(description="send log, sender, report (a bounce's or complaint's), or none.")
    dry_run: bool
    duplicate: bool = Field(description="The message was processed before: nothing changed.")
    effect: EffectOut


_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The raw message (`message/rfc822`, as inbound-mail webhooks post it) or this JSON.",
        "content": {"application/json": {"schema": InboundIn.model_json_schema()}},
    }
}


async def _raw(request: Request) -> bytes:
    body = await request.body()
    kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            parsed = InboundIn.model_validate_json(body)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_url=False)) from None
        return parsed.message.encode("utf-8", "surrogateescape")
    if kind not in _RAW_TYPES:
        raise InputError(f"send the message as message/rfc822 (or JSON with a message field), not {kind or 'no type'}")
    if len(body) > MAX_MESSAGE:
        raise TooLargeError(f"the message is {len(body):,} bytes; at most {MAX_MESSAGE:,}", MAX_MESSAGE)
    return body


@router.post(
    "/inbound",
    summary="Classify a received message and record its effect",
    response_model=InboundOut,
    openapi_extra=_BODY,
)
async def inbound(
    caller: InboundProcessor,
    request: Request,
    dry_run: Annotated[bool, Query(description="Classify only; record nothing.")] = False,
    soft_bounce_limit: Annotated[
        int, Query(ge=1, le=100, description="Soft bounces of an address before it is excluded.")
    ] = DEFAULT_SOFT_BOUNCE_LIMIT,
) -> Response:
    """An opt-out or a complaint records an opt-out on every channel; a privacy request is opened
    awaiting identity verification; a hard bounce excludes the address, soft bounces are counted; an
    automatic reply is counted; anything else is logged for a person. The same message posted twice
    is processed once (``duplicate``)."""
    raw = await _raw(request)
    workspace = caller.workspace
    result = await run_in_threadpool(
        process_message, workspace, raw, "message", soft_bounce_limit=soft_bounce_limit, dry_run=dry_run
    )
    body = json.dumps(result.as_json(), ensure_ascii=False).encode("utf-8")
    return Response(body, media_type="application/json")


__all__ = ["router"]
