"""``POST /v1/lint``: the message check of ``lawfulreach lint`` — the same readers, the same decision
path, the same checks, the same JSON as ``lawfulreach lint --json``.

The message comes as text in the body: a raw ``.eml`` (RFC 5322, as a mailbox exports it), HTML,
plain text or Markdown; ``format`` says which, or the content is sniffed (header fields then a blank
line: an email; markup: HTML; otherwise text). The campaign is a stored campaign's id in the caller's
tenant (another tenant's id is unknown: 422, as for ``POST /v1/check``) or an inline campaign. Every
role may lint (it is a check: it reads no personal data and changes nothing); the report says
whether the message may be sent at all and, finding by finding, what it carries.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag
from starlette.responses import Response

from lawfulreach.api.deps import Checker
from lawfulreach.api.schemas import DecisionOut
from lawfulreach.commands.lint import parse_audience
from lawfulreach.domain.lint import Status
from lawfulreach.domain.vocabulary import Channel, Requirement, SubscriberType
from lawfulreach.errors import RequestError
from lawfulreach.messages.read import MAX_BYTES, parse_message
from lawfulreach.schema import CampaignIn

router = APIRouter(tags=["checks"])


def _campaign_kind(value: Any) -> str:
    """A string is a stored campaign's id; anything else is read as an inline campaign — only that one
    branch, so a bad inline campaign is refused for what is wrong with it, not also for not being a string."""
    return "id" if isinstance(value, str) else "inline"


CampaignRef = Annotated[
    Annotated[CampaignIn, Tag("inline")] | Annotated[str, Tag("id"), Field(min_length=1, max_length=64)],
    Discriminator(_campaign_kind),
]


class LintIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(
        min_length=1,
        max_length=MAX_BYTES,
        description="The message: a raw .eml (header fields, a blank line, the MIME body), HTML, plain text or "
        "Markdown. A non-.eml message may start with `Subject: …` or `---` front matter (`subject`, `from`).",
    )
    format: Literal["eml", "html", "text", "markdown"] | None = Field(
        default=None, description="The message's format; sniffed from the content when omitted."
    )
    channel: Channel
    country: str = Field(min_length=1, max_length=60, description="The audience's country: ISO code or name.")
    region: str | None = Field(default=None, max_length=60, description="ISO 3166-2 subdivision, e.g. US-CA.")
    consent: bool = Field(default=False, description="The audience consented (confirmed) to this channel.")
    subscriber_type: SubscriberType = SubscriberType.CORPORATE
    campaign: CampaignRef = Field(description="A stored campaign's id, or an inline campaign.")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AudienceOut(_Out):
    channel: Channel
    country: str
    region: str | None
    consent: bool
    subscriber_type: SubscriberType


class FindingOut(_Out):
    requirement: Requirement
    check: str = Field(description="Which check of the requirement (the link, the List-Unsubscribe header, …).")
    status: Status = Field(description="present, missing, or manual (not visible in a message: caller ID).")
    where: str = Field(description="Where it is (part and line, `subject`, `header …`), or `should be: …`.")
    detail: str
    why: str = Field(description="The law or guidance it rests on.")


class LintOut(_Out):
    ok: bool = Field(description="The message may be sent to the audience and carries every requirement.")
    sendable: bool = Field(description="The decision allows the message at all (false: blocked or review).")
    audience: AudienceOut
    decision: DecisionOut
    findings: list[FindingOut]
    notes: list[str] = Field(description="Facts that are no requirement: an SMS's encoding and segments.")


@router.post("/lint", summary="Check a message against what the decision requires", response_model=LintOut)
def lint(caller: Checker, body: Annotated[LintIn, Body()]) -> Response:
    """For the audience (channel, country, region, consent, subscriber type) and campaign, the decision
    the one decision path would make, and for each requirement it carries whether the message has it —
    an opt-out link (and List-Unsubscribe headers in an .eml), the sender, the privacy notice, a postal
    address, the advertisement disclosure, no promotional content in a service message — where, and why."""
    handle = caller.tenant
    audience = parse_audience(
        body.channel, body.country, body.region, consent=body.consent, subscriber_type=body.subscriber_type.value
    )
    message = parse_message(body.message.encode("utf-8"), "message", body.format)
    if isinstance(body.campaign, str):
        campaigns = handle.campaigns.get_many([body.campaign])
        if body.campaign not in campaigns:
            raise RequestError(f"unknown campaign id {body.campaign!r}")
        campaign = campaigns[body.campaign]
    else:
        campaign = body.campaign.to_domain()
    report = handle.lint(message, audience, campaign)
    return Response(json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8"), media_type="application/json")


__all__ = ["router"]
