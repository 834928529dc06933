"""``create_app``: the FastAPI application over one ``Backend`` — API under ``/v1``, public pages at the root.
(``lawfulreach serve`` adds the compliance console on top: ``console.app``.)

Everything the app needs is on the backend it is given (``app.state.backend``); nothing global.
Errors are rendered in one place: ``handle`` turns any exception into the problem of
``api.problem.problem_for`` — JSON (RFC 9457) for the API, an HTML page for the public pages.
The OpenAPI document is published at ``/v1/openapi.json`` (interactive docs at ``/v1/docs``, with
Swagger UI served from the package: ``api.docs``); the
decision request's schema in it is ``schema.RequestIn``, the model the CLI parses with.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from lawfulreach import __version__
from lawfulreach.api import docs, pages
from lawfulreach.api.backend import Backend
from lawfulreach.api.deps import guard_request
from lawfulreach.api.middleware import Edge, request_is_api
from lawfulreach.api.problem import PROBLEM_SCHEMA, openapi_problem, problem_for, problem_response
from lawfulreach.api.routes import (
    campaigns,
    checks,
    evidence,
    exclusions,
    inbound,
    ledger,
    lia,
    links,
    lint,
    meta,
    privacy,
    registers,
    sends,
)
from lawfulreach.errors import LawfulreachError
from lawfulreach.schema import RequestIn

log = logging.getLogger("lawfulreach.api")

DESCRIPTION = """\
Decide whether a business may lawfully contact a B2B prospect — by email, SMS, phone or post — and
remember exclusions, consent, opt-outs and do-not-call registers per tenant.

Every request needs an API key (`Authorization: Bearer lr_…`, made with `lawfulreach keys api create`);
the key decides the tenant and the role. Every error is an RFC 9457 problem document
(`application/problem+json`) whose `type` is `urn:lawfulreach:problem:<slug>`.
"""

#: Problems any authenticated route can answer with (documented on every operation).
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: openapi_problem("The body is not valid JSON."),
    401: openapi_problem("No API key, or an unknown or revoked one."),
    403: openapi_problem("The key's role may not do this."),
    404: openapi_problem("Not found."),
    409: openapi_problem("Contradicts stored state (e.g. an erased person, a taken id)."),
    413: openapi_problem("The body or batch is too large."),
    422: openapi_problem("The request is not valid; `detail` names the field."),
    429: openapi_problem("Too many requests; see `Retry-After`."),
    500: openapi_problem("Unexpected error."),
    503: openapi_problem("The workspace database cannot answer."),
}


def _template_pattern(template: str) -> re.Pattern[str]:
    """``/v1/campaigns/{campaign_id}`` → a pattern matching its paths."""
    parts = re.split(r"\{[^/{}]+\}", template)
    return re.compile("[^/]+".join(re.escape(p) for p in parts) + "$")


def _allowed(request: Request) -> str | None:
    """Every documented method at this path, from the OpenAPI document (``None``: not an API path).
    Starlette's 405 names only the first route matching the path (``GET /v1/campaigns`` although
    ``POST`` exists too)."""
    patterns: list[tuple[re.Pattern[str], str]] | None = getattr(request.app.state, "allow_patterns", None)
    if patterns is None:
        patterns = [
            (_template_pattern(template), ", ".join(sorted(m.upper() for m in ops)))
            for template, ops in request.app.openapi()["paths"].items()
        ]
        request.app.state.allow_patterns = patterns
    return next((allow for pattern, allow in patterns if pattern.match(request.url.path)), None)


async def handle(request: Request, exc: Exception) -> Response:
    """The one exception handler: the problem of ``problem_for``, as JSON or as a page."""
    problem = problem_for(exc)
    if isinstance(exc, StarletteHTTPException) and exc.status_code == 405:
        allow = _allowed(request)
        if allow is not None:
            problem = replace(problem, headers={**problem.headers, "Allow": allow})
    if request_is_api(request):
        return problem_response(problem, request.url.path)
    return pages.render_error(problem)


def _renamed_refs(node: Any, renamed: dict[str, str]) -> Any:
    """``node`` with every ``#/components/schemas/<old>`` reference pointing at its new name."""
    if isinstance(node, dict):
        out = {k: _renamed_refs(v, renamed) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            out["$ref"] = f"#/components/schemas/{renamed.get(name, name)}"
        return out
    if isinstance(node, list):
        return [_renamed_refs(v, renamed) for v in node]
    return node


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title="lawfulreach",
        version=__version__,
        summary="Lawful B2B outreach decisions, exclusion lists, consent and opt-outs.",
        description=DESCRIPTION,
        routes=app.routes,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    request_schema = RequestIn.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = request_schema.pop("$defs", {})
    # The decision request's models may share a name with the API's own (its ``ConsentIn`` is not the
    # ledger's): those get a ``Check`` prefix, so a reference never lands on the other model.
    renamed = {n: f"Check{n}" for n, d in definitions.items() if n in components and components[n] != d}
    request_schema = _renamed_refs(request_schema, renamed)
    for name, definition in definitions.items():
        components.setdefault(renamed.get(name, name), _renamed_refs(definition, renamed))
    request_schema["title"] = "CheckRequest"
    request_schema.setdefault("properties", {})["record"] = checks.RECORD_SCHEMA
    components["CheckRequest"] = request_schema
    components["CheckBatch"] = checks.batch_schema(app.state.backend.config.max_batch)
    components["Problem"] = PROBLEM_SCHEMA
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema


def create_app(backend: Backend) -> FastAPI:
    """The application for one backend (a test builds one per workspace; ``serve`` builds one)."""
    app = FastAPI(
        title="lawfulreach",
        version=__version__,
        openapi_url="/v1/openapi.json",
        docs_url=None,  # served from the package by ``api.docs``, not from a CDN
        redoc_url=None,
    )
    app.state.backend = backend

    v1 = APIRouter(
        prefix="/v1",
        responses=COMMON_RESPONSES,
        dependencies=[Depends(guard_request)],
    )
    routers = (checks, lint, sends, exclusions, ledger, registers, campaigns, lia, privacy, evidence, links, inbound)
    for module in (*routers, meta):
        v1.include_router(module.router)
    app.include_router(v1)
    app.include_router(meta.public, prefix="/v1")
    app.include_router(pages.router)
    app.include_router(docs.router)

    for kind in (LawfulreachError, RequestValidationError, StarletteHTTPException):
        app.add_exception_handler(kind, handle)
    app.add_middleware(Edge, max_body_bytes=backend.config.max_body_bytes, render_page_error=pages.render_error)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


__all__ = ["create_app"]
