"""The compliance console: a browser UI for the DPO at ``/console``, over the same service as the CLI.

Server-rendered (Jinja2), complete without JavaScript: every form is a plain POST answered with a
redirect or a page. htmx (vendored, ``static/VENDORED.md``) only boosts links and forms into partial
page swaps when JavaScript is on. Routes translate HTTP to calls on the command layer and the store's
repositories — the same calls ``lawfulreach dsar``, ``suppress``, ``evidence``, ``audit``, ``screen``
make — and never build a query of their own:

* ``auth`` — sessions, CSRF, roles, the person's tenant; ``app`` — the API's app plus the console;
* ``routes`` — sign-in, overview, privacy requests, exclusions, a person, the audit trail;
* ``imports`` — an exclusion list uploaded, previewed, confirmed; ``screening`` — a list screened;
* ``reference`` — campaigns and their assessments, runs, rules, the organisation profile;
* ``campaign_forms`` — campaigns created, changed, archived, and their LIA questionnaire answered.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse, Response

#: the vendored htmx file, named with its version
HTMX = "htmx-2.0.10.min.js"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "—"


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("lawfulreach.console", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.globals["htmx"] = HTMX
    return env


def render(template: str, status_code: int = 200, **context: Any) -> Response:
    """A console page, autoescaped; never cached (``no-store`` is also set by the edge middleware)."""
    html = _env().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


def render_error(problem: Any) -> Response:
    """A problem (``api.problem``) as a console page: its title and its one-line detail, with a way back."""
    headers = dict(problem.headers)
    page = _env().get_template("error.html.j2").render(problem=problem)
    return HTMLResponse(page, status_code=problem.status, headers={**headers, "Cache-Control": "no-store"})


@lru_cache(maxsize=4)
def static_file(name: str) -> bytes:
    return resources.files("lawfulreach.console").joinpath("static", name).read_bytes()
