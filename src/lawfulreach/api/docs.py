"""``/v1/docs``: Swagger UI served from the package, never from a CDN.

FastAPI's default docs page loads Swagger UI's script, stylesheet and favicon from third-party hosts:
blank on an air-gapped server, and a privacy tool should not make its users' browsers call out. The
assets come from the ``swagger-ui-py`` package (Swagger UI 5's own release files, installed from PyPI
like every other dependency; the package is only used as a carrier of those files and is never
imported) and are served from ``/v1/docs/assets/``; only the three files the page needs are reachable.
Swagger UI 5 because our schema is OpenAPI 3.1 (FastAPI's): Swagger UI 4 cannot render it at all.

The page says its language (``lang="en"``, WCAG 3.1.1) and carries a few lines of CSS that lift
Swagger UI's low-contrast greys to WCAG AA (checked with axe-core in ``tests/api/test_accessibility.py``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse

from lawfulreach.errors import NotFoundError

ASSETS = "/v1/docs/assets"
_FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}


def _assets_root() -> Path:
    """Swagger UI's ``static`` directory inside the installed ``swagger_ui`` package, found without
    importing the package (it would import its web-framework adapters for nothing)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed: pip install swagger-ui-py")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


_ROOT = _assets_root()
# Swagger UI's default greys on white fall under 4.5:1 in places (the version badge, the operation
# summaries, parameter notes); these override them with the same hues, darkened just enough.
_CONTRAST_CSS = """<style>
.swagger-ui .info .title small { background-color: #5b6170; }
.swagger-ui .info .title small.version-stamp { background-color: #2f6b12; }
.swagger-ui .info .title small pre { color: #ffffff; }
.swagger-ui .info a.link, .swagger-ui .info .url { color: #1a5fb4; }
.swagger-ui .btn.authorize { color: #1c7a4e; border-color: #1c7a4e; }
.swagger-ui .btn.authorize svg { fill: #1c7a4e; }
.swagger-ui .json-schema-2020-12-expand-deep-button { color: #4a4a4a; }
.swagger-ui .opblock .opblock-summary-description { color: #2b3440; }
.swagger-ui .opblock-tag small { color: #2b3440; }
.swagger-ui .parameter__in, .swagger-ui .parameter__deprecated { color: #4a4a4a; }
.swagger-ui .prop-format, .swagger-ui .parameter__type { color: #4a4a4a; }
.swagger-ui .response-col_links { color: #4a4a4a; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1f6fb2; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #1c7a4e; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #a05a00; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #b42318; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #17786b; }
</style>
"""

router = APIRouter(include_in_schema=False)


@router.get("/v1/docs")
def docs() -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url="/v1/openapi.json",
        title="lawfulreach API",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        oauth2_redirect_url="/v1/docs/oauth2-redirect",
        swagger_ui_parameters={"deepLinking": False},
    )
    html = bytes(page.body).decode("utf-8")
    html = html.replace("<html>", '<html lang="en">', 1).replace("</head>", _CONTRAST_CSS + "</head>", 1)
    return HTMLResponse(html)


@router.get("/v1/docs/oauth2-redirect")
def oauth2_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get(ASSETS + "/{name}")
def asset(name: str) -> FileResponse:
    media = _FILES.get(name)
    if media is None:
        raise NotFoundError("no such documentation asset")
    return FileResponse(_ROOT / name, media_type=media, headers={"Cache-Control": "public, max-age=86400"})


__all__ = ["router"]
