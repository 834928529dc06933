"""``/v1/docs``: Swagger UI served from the package, never from a CDN.

FastAPI's default docs page loads Swagger UI's script, stylesheet and favicon from third-party hosts:
blank on an air-gapped server, and a privacy tool should not make its users' browsers call out. The
assets come from the ``swagger-ui-bundle`` package (Swagger UI's own release files, installed from
PyPI like every other dependency) and are served from ``/v1/docs/assets/``; only the three files the
page needs are reachable.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

from lawfulreach.errors import NotFoundError

ASSETS = "/v1/docs/assets"
_FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
_ROOT = Path(str(swagger_ui_path))

router = APIRouter(include_in_schema=False)


@router.get("/v1/docs")
def docs() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/v1/openapi.json",
        title="lawfulreach API",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        oauth2_redirect_url="/v1/docs/oauth2-redirect",
    )


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
