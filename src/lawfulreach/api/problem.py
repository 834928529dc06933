"""RFC 9457 problem documents: the one place an error becomes an HTTP status and a message.

``problem_for`` maps the whole error tree (``lawfulreach.errors``, ``api.errors``, the store's errors),
FastAPI's validation errors and Starlette's HTTP errors to a ``Problem``; ``app.create_app`` installs
one exception handler that renders it — as ``application/problem+json`` for the API, as an HTML page
for the public pages (``api.pages.render_error``). Invalid input is always a 4xx with a message that
names the field; anything unexpected is a 500 whose body says nothing about the internals.

Problem ``type`` URIs are URNs (``urn:lawfulreach:problem:<slug>``): stable identifiers that clients
can switch on; ``docs/api.md`` lists them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from lawfulreach.api.errors import (
    BatchTooLargeError,
    CrossSiteFormError,
    ForbiddenError,
    RateLimitedError,
    TooLargeError,
    UnauthenticatedError,
)
from lawfulreach.errors import (
    ConfigError,
    ConflictError,
    InputError,
    InvalidRowsError,
    LawfulreachError,
    NotFoundError,
    RuleBaseError,
    StoreError,
)
from lawfulreach.messaging import MailError
from lawfulreach.unsubscribe import InvalidTokenError

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:lawfulreach:problem:"

#: slug → (status, title): every problem type the API can answer with (documented in docs/api.md)
TYPES: dict[str, tuple[int, str]] = {
    "malformed-json": (400, "The request body is not valid JSON"),
    "unauthenticated": (401, "An API key is needed"),
    "forbidden": (403, "This API key's role may not do this"),
    "cross-site-form": (403, "This form must be sent from its own page"),
    "not-found": (404, "Not found"),
    "invalid-link": (404, "This link is not valid"),
    "method-not-allowed": (405, "Method not allowed"),
    "conflict": (409, "The request contradicts stored state"),
    "too-large": (413, "The request is too large"),
    "unsupported-media-type": (415, "Unsupported media type"),
    "invalid-input": (422, "The request is not valid"),
    "rate-limited": (429, "Too many requests"),
    "internal-error": (500, "Internal error"),
    "store-unavailable": (503, "The workspace store is unavailable"),
    "mail-unavailable": (503, "The confirmation email could not be sent"),
}


@dataclass(frozen=True)
class Problem:
    slug: str
    detail: str
    extensions: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def status(self) -> int:
        return TYPES[self.slug][0]

    @property
    def title(self) -> str:
        return TYPES[self.slug][1]

    def document(self, instance: str | None = None) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "type": TYPE_PREFIX + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            doc["instance"] = instance
        doc.update(self.extensions)
        return doc


def _validation(exc: RequestValidationError) -> Problem:
    errors = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            reason = str(err.get("ctx", {}).get("error", "")).strip()
            return Problem("malformed-json", f"the body is not valid JSON{': ' + reason if reason else ''}")
        loc = [str(p) for p in err.get("loc", ())]
        where = ".".join(loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc) or "request"
        source = loc[0] if loc and loc[0] in ("query", "path", "header") else "body"
        message = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
        errors.append({"location": f"{source}:{where}" if source != "body" else where, "message": message})
    detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors) or "the request is not valid"
    return Problem("invalid-input", detail, {"errors": errors})


_HTTP_SLUGS = {404: "not-found", 405: "method-not-allowed", 413: "too-large", 415: "unsupported-media-type"}


def _too_large(exc: BaseException) -> TooLargeError | None:
    """The body-size error behind ``exc``: FastAPI turns an exception raised while it reads a
    (chunked) body into "There was an error parsing the body"; the size limit must still be a 413."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, TooLargeError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def problem_for(exc: BaseException) -> Problem:
    """The problem document for any exception (the single mapping of the error tree to HTTP)."""
    too_large = _too_large(exc)
    if too_large is not None:
        return Problem("too-large", str(too_large), {"limit": too_large.limit})
    if isinstance(exc, BatchTooLargeError):
        return Problem("invalid-input", str(exc), {"limit": exc.limit})
    if isinstance(exc, RequestValidationError):
        return _validation(exc)
    if isinstance(exc, StarletteHTTPException):
        slug = _HTTP_SLUGS.get(exc.status_code)
        if slug is None:
            slug = "invalid-input" if 400 <= exc.status_code < 500 else "internal-error"
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404:
            detail = "there is nothing at this address"
        return Problem(slug, detail, headers=dict(exc.headers or {}))
    if isinstance(exc, InvalidTokenError):
        return Problem("invalid-link", str(exc))
    if isinstance(exc, InvalidRowsError):
        rows = [{"line": line, "message": message} for line, message in exc.problems]
        return Problem("invalid-input", str(exc), {"problems": rows, "count": exc.count})
    if isinstance(exc, InputError):
        return Problem("invalid-input", str(exc))
    if isinstance(exc, UnauthenticatedError):
        return Problem("unauthenticated", str(exc), headers={"WWW-Authenticate": 'Bearer realm="lawfulreach"'})
    if isinstance(exc, CrossSiteFormError):
        return Problem("cross-site-form", str(exc))
    if isinstance(exc, ForbiddenError):
        return Problem("forbidden", str(exc), {"role": exc.role, "permission": exc.permission})
    if isinstance(exc, RateLimitedError):
        return Problem("rate-limited", str(exc), headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, NotFoundError):
        return Problem("not-found", str(exc))
    if isinstance(exc, ConflictError):
        return Problem("conflict", str(exc))
    if isinstance(exc, MailError):
        return Problem("mail-unavailable", "please try again in a few minutes", headers={"Retry-After": "300"})
    if isinstance(exc, StoreError):
        return Problem("store-unavailable", "the workspace database cannot answer right now; try again shortly")
    if isinstance(exc, ConfigError | RuleBaseError | LawfulreachError):
        return Problem("internal-error", "the server is not configured correctly; the operator has been told")
    return Problem("internal-error", "an unexpected error happened; it has been logged")


def problem_response(problem: Problem, instance: str | None = None) -> Response:
    body = json.dumps(problem.document(instance), ensure_ascii=False).encode("utf-8")
    return Response(body, status_code=problem.status, media_type=MEDIA_TYPE, headers=dict(problem.headers))


#: OpenAPI ``responses`` entry for a problem document (used on every route)
def openapi_problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An RFC 9457 problem document.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "urn:lawfulreach:problem:<slug>"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"location": {"type": "string"}, "message": {"type": "string"}},
                "required": ["location", "message"],
            },
        },
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"line": {"type": "integer"}, "message": {"type": "string"}},
                "required": ["line", "message"],
            },
        },
        "count": {"type": "integer"},
        "limit": {"type": "integer"},
        "role": {"type": "string"},
        "permission": {"type": "string"},
    },
}
