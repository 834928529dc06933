"""What the public pages look like: the Jinja2 templates, the stylesheet and the one renderer.

Server-rendered, accessible, and complete without JavaScript. The routes that serve these pages
(unsubscribe, preference centre, privacy-request intake) are ``api.pages``: they share the API's
backend, limits and errors. This package imports nothing from ``api`` (``tests/test_import_graph.py``),
so a future console can render with it too.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse, Response


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("lawfulreach.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, status_code: int = 200, headers: dict[str, str] | None = None, **context: Any) -> Response:
    """The page ``template`` (under ``templates/``) rendered with ``context``, autoescaped."""
    return HTMLResponse(render_page(template, **context), status_code=status_code, headers=headers)


def render_page(template: str, **context: Any) -> str:
    """The page ``template`` rendered to text (a file written by the CLI, or a response's body)."""
    return _env().get_template(template).render(**context)


@lru_cache(maxsize=1)
def stylesheet() -> bytes:
    """``static/pages.css``, read once."""
    return resources.files("lawfulreach.web").joinpath("static", "pages.css").read_bytes()
