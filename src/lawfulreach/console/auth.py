"""Who is signed in to the console, for which tenant, allowed to do what — and the form checks.

* The session cookie (``lr_console``) holds a random token; the workspace keeps only its hash
  (``store.staff``). ``HttpOnly``, ``SameSite=Strict``, ``Path=/console``, ``Secure`` whenever the
  request came over HTTPS (behind a proxy: ``serve --forwarded-allow-ips`` makes the scheme right).
* Every POST must carry the session's CSRF token (a hidden ``csrf`` field, compared in constant
  time) and, when the browser sends one, an ``Origin`` of this server. The sign-in form, which has
  no session yet, uses the public forms' check (``api.pages.check_same_origin``: origin, else their
  double-submit cookie).
* Roles are the API's (``api.roles``): a console user's role grants exactly what an API key of that
  role may do. The tenant is the session's, switched only to another tenant of the same person.
* What a console user changes is recorded in that tenant's audit trail as ``console user <id>``.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Form, Request

from lawfulreach.api.backend import Backend, TenantHandle
from lawfulreach.api.errors import CrossSiteFormError, ForbiddenError
from lawfulreach.api.roles import GRANTS, Permission, Role
from lawfulreach.errors import LawfulreachError
from lawfulreach.store import Workspace
from lawfulreach.store.staff import SignedIn, StaffRepo
from lawfulreach.store.tenancy import acting_as

COOKIE = "lr_console"
PATH = "/console"


class SignInNeededError(LawfulreachError):
    """No live session: the console answers with the sign-in page (a redirect), never with data."""


def staff_repo(request: Request) -> StaffRepo:
    """The workspace's console accounts (one repository per app, on the server's engine)."""
    repo: StaffRepo | None = getattr(request.app.state, "console_staff", None)
    if repo is None:
        backend: Backend = request.app.state.backend
        repo = StaffRepo(backend.base.engine, backend.base.settings.url, backend.clock)
        request.app.state.console_staff = repo
    return repo


def set_session_cookie(request: Request, response: object, token: str) -> None:
    response.set_cookie(  # type: ignore[attr-defined]
        COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https", path=PATH
    )


def clear_session_cookie(request: Request, response: object) -> None:
    response.delete_cookie(  # type: ignore[attr-defined]
        COOKIE, httponly=True, samesite="strict", secure=request.url.scheme == "https", path=PATH
    )


@dataclass(frozen=True)
class Staff:
    """The signed-in person on this request: their session, role and tenant handle."""

    who: SignedIn
    role: Role
    tenant: TenantHandle
    token: str

    @cached_property
    def workspace(self) -> Workspace:
        """The tenant's workspace acting as this person: the audit trail names them."""
        return acting_as(self.tenant.workspace, self.who.actor)

    def can(self, permission: Permission) -> bool:
        return permission in GRANTS[self.role]

    def need(self, permission: Permission) -> None:
        if not self.can(permission):
            raise ForbiddenError(permission.value, self.role.value, who="a console user")


async def current_staff(request: Request) -> Staff:
    from starlette.concurrency import run_in_threadpool

    token = request.cookies.get(COOKIE, "")
    if not token or len(token) > 100:
        raise SignInNeededError("sign in to use the console")
    who = await run_in_threadpool(staff_repo(request).session, token)
    if who is None:
        raise SignInNeededError("the session has ended; sign in again")
    backend: Backend = request.app.state.backend
    tenant = backend.known_tenant(who.tenant_id)
    if tenant is None:
        tenant = await run_in_threadpool(backend.tenant, who.tenant_id)
    return Staff(who, Role(who.role), tenant, token)


StaffDep = Annotated[Staff, Depends(current_staff)]
CsrfField = Annotated[str, Form(max_length=200)]


async def checked_form(request: Request, staff: StaffDep, csrf: CsrfField = "") -> Staff:
    """The signed-in person, for a form that changes something: its CSRF token must be this
    session's, and its ``Origin`` (when sent) this server."""
    if not csrf or not hmac.compare_digest(csrf.encode(), staff.who.csrf.encode()):
        raise CrossSiteFormError()
    origin = request.headers.get("origin", "").strip().lower()
    if origin and origin != "null":
        backend: Backend = request.app.state.backend
        allowed = {_origin(backend.config.public_url), _origin(str(request.base_url))}
        if _origin(origin) not in allowed:
            raise CrossSiteFormError()
    return staff


def _origin(url: str) -> str:
    parts = urlsplit(url.strip().lower())
    return f"{parts.scheme}://{parts.netloc}"


#: the person behind a form that changes something (CSRF and origin checked)
FormStaff = Annotated[Staff, Depends(checked_form)]
