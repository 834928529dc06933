"""One pure-ASGI middleware for what every response needs (a Starlette ``BaseHTTPMiddleware`` would
cost more than a whole check): the body-size limit, security headers, the access log, and a last
resort for unexpected errors.

* **Access log**: method, *route template* (``/u/{token}``, never the path itself: a path can carry
  an unsubscribe token or a campaign id), status and milliseconds. No query strings, no bodies, no
  addresses — uvicorn's own access log is switched off by ``serve`` for that reason.
* **Headers**: ``nosniff`` and ``no-store`` everywhere; the public pages also get a strict CSP
  (no scripts at all), ``Referrer-Policy: no-referrer`` (the token in the URL must not leak to the
  privacy-notice site) and ``frame-ancestors 'none'``; the console's CSP allows its own scripts
  (the vendored htmx) and requests to itself, still no inline script or style.
* **Unexpected errors**: anything that escapes the exception handlers becomes the 500 problem
  document; the log gets the exception's type and where it happened, not its message (a driver
  message can quote personal data), unless debug logging is on.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request

from lawfulreach.api.errors import TooLargeError
from lawfulreach.api.problem import Problem, problem_for, problem_response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("lawfulreach.api")
access = logging.getLogger("lawfulreach.api.access")

_COMMON = [(b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store")]
_PAGE = [
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"x-robots-tag", b"noindex, nofollow"),
]

#: the console (``/console``): its own scripts (the vendored htmx) and requests back to itself, nothing else
_CONSOLE = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    *_PAGE[1:],
]


def _is_api(path: str) -> bool:
    return path.startswith("/v1")


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno} in {last.name}"


class Edge:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        render_page_error: Callable[[Problem], Any] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.render_page_error = render_page_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope.get("path", "")
        api = _is_api(path)
        status = {"code": 500, "sent": False}
        if api or path.startswith(("/static/", "/console/static/")):
            extra = _COMMON
        else:
            extra = _COMMON + (_CONSOLE if path.startswith("/console") else _PAGE)
        docs = path in ("/v1/docs", "/v1/docs/oauth2-redirect")

        async def send_wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["sent"] = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in (_COMMON if docs else extra) if k not in present]
                message["headers"] = headers
            await send(message)

        limit = self.max_body_bytes
        declared = dict(scope.get("headers", [])).get(b"content-length")
        try:
            if declared is not None and declared.isdigit() and int(declared) > limit:
                raise TooLargeError(f"the body is larger than {limit:,} bytes", limit)
            received = {"bytes": 0}

            async def receive_limited() -> Message:
                message = await receive()
                if message["type"] == "http.request":
                    received["bytes"] += len(message.get("body", b""))
                    if received["bytes"] > limit:
                        raise TooLargeError(f"the body is larger than {limit:,} bytes", limit)
                return message

            await self.app(scope, receive_limited, send_wrapped)
        except Exception as exc:
            if status["sent"]:
                log.error("error after the response started: %s at %s", type(exc).__name__, _where(exc))
                raise
            problem = problem_for(exc)
            if problem.status >= 500:
                log.error(
                    "unexpected %s at %s on %s %s",
                    type(exc).__name__,
                    _where(exc),
                    scope.get("method"),
                    _route(scope),
                    exc_info=log.isEnabledFor(logging.DEBUG),
                )
            if not api and self.render_page_error is not None:
                response = self.render_page_error(problem)
            else:
                response = problem_response(problem, path if api else None)
            await response(scope, receive, send_wrapped)
        finally:
            if access.isEnabledFor(logging.INFO):
                access.info(
                    "%s %s %d %.1fms",
                    scope.get("method"),
                    _route(scope),
                    status["code"],
                    (time.perf_counter() - started) * 1000,
                )


def _route(scope: Scope) -> str:
    """The matched route's template with its router prefixes (``/v1/campaigns/{campaign_id}``)."""
    context = (scope.get("fastapi") or {}).get("effective_route_context")
    template = getattr(context, "path", None) or getattr(scope.get("route"), "path", None)
    return str(template) if template else "(unmatched)"


def request_is_api(request: Request) -> bool:
    return _is_api(request.url.path)
