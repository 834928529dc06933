"""``POST /v1/unsubscribe-links``: the per-recipient unsubscribe link and the RFC 8058 headers a
sending tool puts on a message. The token names the tenant and the person, encrypted; it never
expires and is the same every time for the same recipient and channel. The headers are refused (422)
when they could not be sent safely: a ``mailto`` that is not an address, or a public URL that is not
HTTPS (RFC 8058 §3.1) unless the server was started for development with ``--allow-http-links``."""

from __future__ import annotations

from fastapi import APIRouter

from lawfulreach.api.deps import BackendDep, LinkIssuer
from lawfulreach.api.schemas import LinkIn, LinkOut
from lawfulreach.commands.notice import notice_url
from lawfulreach.unsubscribe import Recipient, list_unsubscribe_headers, preferences_url, unsubscribe_url

router = APIRouter(tags=["unsubscribe links"])


@router.post("/unsubscribe-links", summary="Unsubscribe link and headers for a recipient", response_model=LinkOut)
def issue_link(caller: LinkIssuer, backend: BackendDep, body: LinkIn) -> LinkOut:
    who = body.subject()
    token = backend.tokens.issue(Recipient(caller.tenant.tenant_id, who.kind, who.key, body.channel))
    url = unsubscribe_url(backend.config.public_url, token)
    return LinkOut(
        token=token,
        unsubscribe_url=url,
        preferences_url=preferences_url(backend.config.public_url, token),
        headers=list_unsubscribe_headers(url, body.mailto, allow_http=backend.config.allow_http_links),
        privacy_url=caller.tenant.profile().privacy_notice_url
        or notice_url(backend.config.public_url, caller.tenant.name),
    )
