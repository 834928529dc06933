"""The whole server ``lawfulreach serve`` runs: the API and public pages (``api.app``) plus the console.

The console sits above the API package (it uses its backend, roles and errors), so the API does not
import it; this module adds the console's routes to the API's application and its own error faces:
no session → the sign-in page; any other problem on a ``/console`` page → a console page saying so.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from lawfulreach.api import app as api_app
from lawfulreach.api.backend import Backend
from lawfulreach.api.problem import problem_for
from lawfulreach.console import campaign_forms, imports, reference, render_error, routes, screening
from lawfulreach.console.auth import SignInNeededError
from lawfulreach.errors import LawfulreachError


async def handle(request: Request, exc: Exception) -> Response:
    """Console paths get console faces; everything else the API's one handler."""
    if not request.url.path.startswith("/console"):
        return await api_app.handle(request, exc)
    if isinstance(exc, SignInNeededError):
        return RedirectResponse("/console/sign-in", status_code=303)
    return render_error(problem_for(exc))


def create_app(backend: Backend) -> FastAPI:
    app = api_app.create_app(backend)
    app.include_router(routes.router)
    app.include_router(campaign_forms.router)  # before reference: /campaigns/new is not a campaign id
    app.include_router(reference.router)
    app.include_router(imports.router)
    app.include_router(screening.router)
    for kind in (LawfulreachError, RequestValidationError, StarletteHTTPException):
        app.add_exception_handler(kind, handle)
    return app


__all__ = ["create_app"]
