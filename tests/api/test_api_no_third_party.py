"""No page makes a browser call another host: the API docs (Swagger UI shipped in the package), the
public pages and the HTML screening report reference only their own origin (or nothing at all)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import polars as pl

from api_support import Api
from lawfulreach.report.html import render_report

_CSS_REFS = re.compile(r"""(?:@import\s+(?:url\()?|url\()\s*['"]?([^'")\s;]+)""", re.IGNORECASE)


class _Refs(HTMLParser):
    """Every URL a document makes a browser load or link: src/href/action/srcset/poster/data
    attributes, ``<style>`` and ``style=`` ``url()``/``@import``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("src", "href", "action", "poster", "data", "formaction"):
                self.refs.append(value)
            elif name == "srcset":
                self.refs += [part.strip().split(" ")[0] for part in value.split(",")]
            elif name == "style":
                self.refs += _CSS_REFS.findall(value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.refs += _CSS_REFS.findall(data)


def refs(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    # scripts inline: any absolute URL a script would fetch
    parser.refs += re.findall(
        r"""['"](https?://[^'"]+)['"]""", " ".join(re.findall(r"<script[^>]*>(.*?)</script>", html, re.S))
    )
    return parser.refs


def foreign(base: str, html: str) -> list[str]:
    """References resolving to a host other than ``base``'s (a page may also point nowhere: ``#``)."""
    own = urlsplit(base).netloc
    out = []
    for ref in refs(html):
        target = urlsplit(urljoin(base, ref))
        web = target.scheme in ("http", "https")
        if (web and target.netloc != own) or target.scheme not in ("http", "https", "file", "", "mailto", "data"):
            out.append(ref)
    return out


class TestNoThirdPartyRequests:
    def test_the_api_docs_come_from_the_package(self, api: Api) -> None:
        page = api.client.get("/v1/docs")
        assert page.status_code == 200
        assert foreign("http://testserver/v1/docs", page.text) == []
        assert "cdn" not in page.text.lower()
        loaded = [r for r in refs(page.text) if r.startswith("/v1/docs/assets/")]
        assert len(loaded) == 3  # script, stylesheet, favicon
        for ref in loaded:
            asset = api.client.get(ref)
            assert asset.status_code == 200, ref
            assert len(asset.content) > 500
        assert api.client.get("/v1/docs/assets/index.html").status_code == 404
        assert api.client.get("/v1/docs/assets/..%2F..%2F__init__.py").status_code == 404
        redirect = api.client.get("/v1/docs/oauth2-redirect")
        assert redirect.status_code == 200
        assert foreign("http://testserver/v1/docs/oauth2-redirect", redirect.text) == []

    def test_the_public_pages_reference_only_themselves(self, api: Api) -> None:
        token = api.call("POST", "/v1/unsubscribe-links", json={"email": "jana@firma.example"}).json()["token"]
        paths = [
            "/",
            "/privacy-request",
            "/t/default/privacy-request",
            f"/u/{token}",
            f"/u/{token}/preferences",
            "/privacy-request/verify/not-a-token",
            "/no-such-page",
        ]
        for path in paths:
            page = api.client.get(path)
            assert "text/html" in page.headers["content-type"], path
            assert foreign(f"http://testserver{path}", page.text) == [], path
        css = api.client.get("/static/pages.css")
        assert css.status_code == 200
        assert [u for u in _CSS_REFS.findall(css.text) if "://" in u or u.startswith("//")] == []

    def test_the_screening_report_loads_nothing(self) -> None:
        frame = pl.DataFrame(
            {
                "jurisdiction": ["DE", "GB"],
                "email_outcome": ["blocked", "allowed"],
                "email_reasons": ["consent_required", "opt_out_permitted"],
                "email_requirements": ["", "opt_out_link"],
            }
        )
        html = render_report(
            frame,
            channels=["email"],
            campaign={"name": "Spring"},
            generated_at=datetime(2026, 11, 25, tzinfo=UTC),
            source_name="prospects.csv",
            rejects=0,
        )
        assert [r for r in refs(html) if not r.startswith("#")] == []
        assert foreign("file:///tmp/report.html", html) == []
