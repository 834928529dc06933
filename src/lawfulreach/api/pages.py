"""The public pages' routes: unsubscribe, preference centre, privacy-request intake. No API key; no JavaScript.

The routes live here, beside the API they share the backend, limits and errors with; what the pages
look like (templates, stylesheet, rendering) is ``lawfulreach.web``, which knows nothing of HTTP
routes or the backend.

* ``GET /u/{token}`` asks for confirmation (mail scanners fetch links: a GET never unsubscribes);
  ``POST /u/{token}`` is the RFC 8058 one-click unsubscription (``List-Unsubscribe=One-Click``) and
  the confirmation button: it records the opt-out before it answers, and doing it again changes nothing.
* ``/u/{token}/preferences`` lets the recipient opt out per channel or from everything and says who
  holds their data and why, with the privacy notice link.
* ``/privacy-request`` (``/t/{tenant}/privacy-request`` for other tenants) takes an access, erasure,
  objection or CCPA request and mails a one-time link; following it (and pressing the button — again,
  a GET changes nothing) verifies the address and hands the request to the workflow.

No page says whether an address is known to the workspace: every page shows the same thing for any
valid link or any address, shows no stored state, and the form answers identically whether or not a
mail was sent. Every page is rate-limited per client address, and token pages also per token —
except a request that records an opt-out with a valid token (the one-click POST, the preference
centre's choices): an opt-out is never refused, and a repeated one writes nothing.
"""

from __future__ import annotations

import hmac
import re
import secrets
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Path, Request
from starlette.responses import Response

from lawfulreach import web
from lawfulreach.api.backend import Backend, TenantHandle
from lawfulreach.api.deps import BackendDep, ClientAddress
from lawfulreach.api.errors import CrossSiteFormError
from lawfulreach.api.problem import Problem
from lawfulreach.commands.notice import notice_path
from lawfulreach.domain.state import ALL_CHANNELS
from lawfulreach.domain.vocabulary import PrivacyRequestType
from lawfulreach.errors import InputError
from lawfulreach.messaging import MailError
from lawfulreach.store.intake import REQUEST_TYPES
from lawfulreach.store.settings import DEFAULT_TENANT
from lawfulreach.unsubscribe import MAX_TOKEN_LENGTH, InvalidTokenError, Recipient
from lawfulreach.web import render

router = APIRouter(include_in_schema=False)

Token = Annotated[str, Path(max_length=MAX_TOKEN_LENGTH)]
TenantName = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]

CHANNEL_LABELS = {
    "email": "Email",
    "sms": "Text messages (SMS)",
    "call": "Phone calls",
    "automated_call": "Recorded or automated calls",
    "post": "Post",
}
#: the form's choices, one per request type
REQUEST_LABELS: dict[PrivacyRequestType, tuple[str, str]] = {
    PrivacyRequestType.ACCESS: (
        "A copy of my data",
        "Tell me what you hold about me and send me a copy (GDPR Art. 15).",
    ),
    PrivacyRequestType.PORTABILITY: (
        "My data to take elsewhere",
        "Send my data in a machine-readable format (GDPR Art. 20).",
    ),
    PrivacyRequestType.ERASURE: ("Delete my data", "Erase what you hold about me (GDPR Art. 17)."),
    PrivacyRequestType.RECTIFICATION: (
        "Correct my data",
        "Fix something that is wrong (GDPR Art. 16); say what in the details.",
    ),
    PrivacyRequestType.OBJECTION: ("Stop direct marketing", "No more marketing to me on any channel (GDPR Art. 21)."),
    PrivacyRequestType.CCPA_KNOW: (
        "Know what you collect (California)",
        "The categories and pieces of information (CCPA).",
    ),
    PrivacyRequestType.CCPA_DELETE: (
        "Delete my information (California)",
        "Delete what you collected about me (CCPA).",
    ),
}


def render_error(problem: Problem) -> Response:
    """The HTML face of a problem document (``api.problem`` decides status and message). A page
    never repeats a store message (it may name a tenant or a command): not-found is one sentence."""
    detail = {
        "not-found": "There is nothing at this address.",
        "invalid-link": "It may have been cut short or changed, or it was a one-time link that was already used.",
        "invalid-input": "Something in this address or form is not valid.",
        "rate-limited": f"Please wait {problem.headers.get('Retry-After', 'a few')} seconds and try again.",
        "mail-unavailable": "Nothing was sent, and nothing about you was stored. Please try again in a few minutes.",
    }.get(problem.slug, problem.detail)
    return render(
        "error.html.j2",
        problem.status,
        dict(problem.headers),
        org=None,
        title=problem.title,
        detail=detail,
        problem=problem,
    )


@router.get("/static/pages.css")
def stylesheet() -> Response:
    return Response(web.stylesheet(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


# --- forms: same-origin check (CSRF) --------------------------------------------------------------
#: the cookie and hidden field of the double-submit form token (for browsers that send no Origin)
FORM_COOKIE = "lr_form"
FormToken = Annotated[str | None, Form(max_length=100)]
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{40,60}$")
#: who the audit trail says recorded an opt-out made on the public pages (not the server's OS user)
ONE_CLICK_ACTOR = "one-click unsubscribe"
PREFERENCES_ACTOR = "preference centre"


def _origin(url: str) -> str | None:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def form_token(request: Request) -> str:
    """The browser's form token: the one its cookie already holds, or a new random one."""
    existing = request.cookies.get(FORM_COOKIE, "")
    return existing if _TOKEN_RE.match(existing) else secrets.token_urlsafe(32)


def with_form_cookie(response: Response, request: Request, token: str) -> Response:
    """Give the page's forms their cookie: ``SameSite=Strict`` (never sent with a post from another
    site), ``HttpOnly``, ``Secure`` on HTTPS."""
    response.set_cookie(
        FORM_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/"
    )
    return response


def check_same_origin(backend: Backend, request: Request, token: str | None) -> None:
    """Refuse a public form posted from another site (cross-site request forgery).

    ``Origin`` decides when the browser sends one; else ``Referer``; both must name this server (its
    public URL, or the host the request was sent to). Our pages send ``Referrer-Policy: no-referrer``
    (the token in a URL must not leak), so a browser posting one of them may send neither —
    ``Origin: null`` — and then the form's hidden token must match the page's ``SameSite=Strict``
    cookie, which a page on another site can neither read nor make the browser send. The RFC 8058
    one-click POST is not checked: mailbox providers send it without any of these.
    """
    allowed = {_origin(backend.config.public_url), _origin(str(request.base_url))}
    origin = request.headers.get("origin", "").strip()
    if origin and origin != "null":
        if _origin(origin) in allowed:
            return
        raise CrossSiteFormError()
    referer = request.headers.get("referer", "").strip()
    if referer:
        if _origin(referer) in allowed:
            return
        raise CrossSiteFormError()
    cookie = request.cookies.get(FORM_COOKIE, "")
    if token and _TOKEN_RE.match(cookie) and hmac.compare_digest(cookie, token):
        return
    raise CrossSiteFormError()


def render_form(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    """A page with a form: rendered with its form token, the matching cookie set."""
    token = form_token(request)
    return with_form_cookie(render(template, status_code, form_token=token, **context), request, token)


# --- unsubscribe and preferences -----------------------------------------------------------------
def _recipient(backend: Backend, token: str, address: str) -> tuple[Recipient, TenantHandle]:
    """The token's recipient and tenant, for the pages that only *show* something: rate-limited per
    client address and per token."""
    limits = backend.config.limits
    backend.limiter.hit("page", address, limits.page_per_ip)
    recipient = backend.tokens.read(token)
    backend.limiter.hit("token", token, limits.page_per_token)
    return recipient, backend.tenant(recipient.tenant_id)


def _opting_out(backend: Backend, token: str, address: str) -> tuple[Recipient, TenantHandle]:
    """The token's recipient and tenant, for a request that records an opt-out: never rate-limited
    when the token is valid. A mailbox provider sends every one-click POST of its users from a few
    addresses, and a refused opt-out is a recipient who keeps getting mail against their will; the
    token is unforgeable, and repeats write nothing (``TenantHandle.opt_out``), so validity is all
    the protection the database needs. Invalid tokens (forgery, enumeration) count against the
    client address's page limit, as every other page does."""
    try:
        recipient = backend.tokens.read(token)
    except InvalidTokenError:
        backend.limiter.hit("page", address, backend.config.limits.page_per_ip)
        raise
    return recipient, backend.tenant(recipient.tenant_id)


def _page(tenant: TenantHandle) -> dict[str, Any]:
    """What every page of a tenant shows: its organisation, where its privacy requests go, and its
    privacy notice — the organisation's own when it has one, else the generated one this server
    serves (``/privacy``, ``/t/{tenant}/privacy``)."""
    profile = tenant.profile()
    return {
        "org": profile,
        "intake": _intake_base(tenant.name),
        "privacy_url": profile.privacy_notice_url or notice_path(tenant.name),
    }


def _channel_phrase(channel: str) -> str:
    return "all messages" if channel == ALL_CHANNELS else CHANNEL_LABELS.get(channel, channel).lower()


@router.get("/u/{token}")
def unsubscribe_page(backend: BackendDep, address: ClientAddress, token: Token) -> Response:
    recipient, tenant = _recipient(backend, token, address)
    return render(
        "unsubscribe.html.j2",
        **_page(tenant),
        who=recipient.masked(),
        what=_channel_phrase(recipient.channel),
        token=token,
    )


@router.post("/u/{token}")
def unsubscribe_one_click(backend: BackendDep, address: ClientAddress, token: Token) -> Response:
    """RFC 8058: the body is ``List-Unsubscribe=One-Click``; any POST here unsubscribes (a recipient
    must never be refused an opt-out over a form detail, nor over how many arrive)."""
    recipient, tenant = _opting_out(backend, token, address)
    tenant.opt_out(recipient, [recipient.channel], source="unsubscribe link", actor=ONE_CLICK_ACTOR)
    return render(
        "unsubscribed.html.j2",
        **_page(tenant),
        what=_channel_phrase(recipient.channel),
        token=token,
    )


@router.get("/u/{token}/preferences")
def preferences_page(backend: BackendDep, address: ClientAddress, token: Token, request: Request) -> Response:
    recipient, tenant = _recipient(backend, token, address)
    return render_form(
        request, "preferences.html.j2", **_page(tenant), who=recipient.masked(), channels=CHANNEL_LABELS, token=token
    )


@router.post("/u/{token}/preferences")
def save_preferences(
    backend: BackendDep,
    address: ClientAddress,
    token: Token,
    request: Request,
    channel: Annotated[list[str] | None, Form(max_length=20)] = None,
    everything: Annotated[str | None, Form(max_length=10)] = None,
    form_token: FormToken = None,
) -> Response:
    recipient, tenant = _opting_out(backend, token, address)
    check_same_origin(backend, request, form_token)
    chosen = [c for c in (channel or []) if c in CHANNEL_LABELS]
    if everything:
        chosen = [ALL_CHANNELS]
    if not chosen:
        # Nothing to record: an ordinary page view, limited like one.
        backend.limiter.hit("page", address, backend.config.limits.page_per_ip)
        backend.limiter.hit("token", token, backend.config.limits.page_per_token)
        return render_form(
            request,
            "preferences.html.j2",
            422,
            **_page(tenant),
            who=recipient.masked(),
            channels=CHANNEL_LABELS,
            token=token,
            error="Choose at least one kind of message to stop, or “everything”.",
        )
    tenant.opt_out(recipient, chosen, source="preference centre", actor=PREFERENCES_ACTOR)
    stopped = ["everything"] if chosen == [ALL_CHANNELS] else [CHANNEL_LABELS[c] for c in chosen]
    return render("preferences_saved.html.j2", **_page(tenant), stopped=stopped, token=token)


# --- privacy-request intake ----------------------------------------------------------------------
def _intake_base(tenant: str) -> str:
    return "/privacy-request" if tenant == DEFAULT_TENANT else f"/t/{tenant}/privacy-request"


def _form(backend: Backend, address: str, tenant_name: str, request: Request) -> Response:
    backend.limiter.hit("page", address, backend.config.limits.page_per_ip)
    tenant = backend.tenant_named(tenant_name)
    return render_form(
        request,
        "privacy_form.html.j2",
        **_page(tenant),
        types=REQUEST_LABELS,
        action=_intake_base(tenant_name),
        values={},
    )


def _submit(
    backend: Backend,
    address: str,
    tenant_name: str,
    request: Request,
    fields: IntakeFields,
) -> Response:
    request_type, email, name, details = fields.request_type, fields.email, fields.name, fields.details
    limits = backend.config.limits
    backend.limiter.hit("page", address, limits.page_per_ip)
    tenant = backend.tenant_named(tenant_name)
    check_same_origin(backend, request, fields.form_token)
    values = {"request_type": request_type, "email": email, "name": name, "details": details}
    problems: dict[str, str] = {}
    if request_type not in REQUEST_TYPES:
        problems["request_type"] = "Choose what you would like us to do."
    if not email or not email.strip():
        problems["email"] = "Enter your email address."
    for key, value in values.items():
        if value and "\x00" in value:
            problems[key] = "This contains a character that cannot be stored; please retype it."
    if not problems:
        backend.limiter.hit("intake", address, limits.intake_per_ip)
        try:
            submitted = tenant.submit_privacy_request(str(request_type), str(email), name, details)
        except InputError as exc:
            problems["email" if "email" in str(exc) or "address" in str(exc) else "details"] = str(exc)
        else:
            # Beyond the per-address limit the page answers the same but sends nothing: the form
            # cannot be used to flood someone's mailbox, and says nothing about the address.
            if backend.limiter.try_hit("intake-address", submitted.record.email_key, limits.intake_per_address):
                link = f"{backend.config.public_url.rstrip('/')}{_intake_base(tenant_name)}/verify/{submitted.token}"
                try:
                    backend.send_verification(tenant, submitted, link)
                except MailError:
                    tenant.intake.discard(submitted.record.id)  # nothing kept about a request we cannot verify
                    raise
            return render("privacy_sent.html.j2", **_page(tenant), hours=backend.config.verification_hours)
    return render_form(
        request,
        "privacy_form.html.j2",
        422,
        **_page(tenant),
        types=REQUEST_LABELS,
        action=_intake_base(tenant_name),
        values=values,
        problems=problems,
    )


def _verify_page(backend: Backend, address: str, tenant_name: str, token: str, request: Request) -> Response:
    backend.limiter.hit("page", address, backend.config.limits.page_per_ip)
    tenant = backend.tenant_named(tenant_name)
    action = f"{_intake_base(tenant_name)}/verify/{token}"
    return render_form(request, "privacy_verify.html.j2", **_page(tenant), action=action)


def _verify(backend: Backend, address: str, tenant_name: str, token: str, http: Request, form: str | None) -> Response:
    backend.limiter.hit("page", address, backend.config.limits.page_per_ip)
    tenant = backend.tenant_named(tenant_name)
    check_same_origin(backend, http, form)
    request = tenant.verify_privacy_request(token)
    if request is None:
        raise InvalidTokenError()
    label = REQUEST_LABELS[PrivacyRequestType(request.request_type)][0]
    return render("privacy_verified.html.j2", **_page(tenant), label=label, reference=f"request {request.number}")


IntakeType = Annotated[str | None, Form(max_length=20)]
IntakeEmail = Annotated[str | None, Form(max_length=320)]
IntakeName = Annotated[str | None, Form(max_length=200)]
IntakeDetails = Annotated[str | None, Form(max_length=5000)]
VerifyToken = Annotated[str, Path(max_length=100)]


class IntakeFields:
    """The privacy-request form's fields (a dependency, so both routes declare them once)."""

    def __init__(
        self,
        request_type: IntakeType = None,
        email: IntakeEmail = None,
        name: IntakeName = None,
        details: IntakeDetails = None,
        form_token: FormToken = None,
    ) -> None:
        self.request_type = request_type
        self.email = email
        self.name = name
        self.details = details
        self.form_token = form_token


Intake = Annotated[IntakeFields, Depends()]


@router.get("/privacy-request")
def privacy_form(backend: BackendDep, address: ClientAddress, request: Request) -> Response:
    return _form(backend, address, DEFAULT_TENANT, request)


@router.post("/privacy-request")
def privacy_submit(backend: BackendDep, address: ClientAddress, request: Request, fields: Intake) -> Response:
    return _submit(backend, address, DEFAULT_TENANT, request, fields)


@router.get("/privacy-request/verify/{token}")
def privacy_verify_page(backend: BackendDep, address: ClientAddress, token: VerifyToken, request: Request) -> Response:
    return _verify_page(backend, address, DEFAULT_TENANT, token, request)


@router.post("/privacy-request/verify/{token}")
def privacy_verify(
    backend: BackendDep, address: ClientAddress, token: VerifyToken, request: Request, form_token: FormToken = None
) -> Response:
    return _verify(backend, address, DEFAULT_TENANT, token, request, form_token)


@router.get("/t/{tenant}/privacy-request")
def tenant_privacy_form(backend: BackendDep, address: ClientAddress, tenant: TenantName, request: Request) -> Response:
    return _form(backend, address, tenant, request)


@router.post("/t/{tenant}/privacy-request")
def tenant_privacy_submit(
    backend: BackendDep, address: ClientAddress, tenant: TenantName, request: Request, fields: Intake
) -> Response:
    return _submit(backend, address, tenant, request, fields)


@router.get("/t/{tenant}/privacy-request/verify/{token}")
def tenant_privacy_verify_page(
    backend: BackendDep, address: ClientAddress, tenant: TenantName, token: VerifyToken, request: Request
) -> Response:
    return _verify_page(backend, address, tenant, token, request)


@router.post("/t/{tenant}/privacy-request/verify/{token}")
def tenant_privacy_verify(
    backend: BackendDep,
    address: ClientAddress,
    tenant: TenantName,
    token: VerifyToken,
    request: Request,
    form_token: FormToken = None,
) -> Response:
    return _verify(backend, address, tenant, token, request, form_token)


# --- the generated privacy notice ------------------------------------------------------------------
def _notice(backend: Backend, address: str, tenant_name: str) -> Response:
    backend.limiter.hit("page", address, backend.config.limits.page_per_ip)
    tenant = backend.tenant_named(tenant_name)
    return render("privacy_notice.html.j2", **_page(tenant), notice=tenant.notice())


@router.get("/privacy")
def privacy_notice(backend: BackendDep, address: ClientAddress) -> Response:
    """The GDPR Art. 14 notice generated from the organisation profile (rendered even when the
    organisation links to a notice of its own; its messages and pages then link to that one)."""
    return _notice(backend, address, DEFAULT_TENANT)


@router.get("/t/{tenant}/privacy")
def tenant_privacy_notice(backend: BackendDep, address: ClientAddress, tenant: TenantName) -> Response:
    return _notice(backend, address, tenant)


@router.get("/")
def index(backend: BackendDep, address: ClientAddress) -> Response:
    backend.limiter.hit("page", address, backend.config.limits.page_per_ip)
    return render("index.html.j2", **_page(backend.tenant_named(DEFAULT_TENANT)))
