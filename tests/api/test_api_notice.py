"""The generated privacy notice over HTTP: ``GET /v1/organisation/notice`` (JSON) and the public pages
``/privacy`` and ``/t/{tenant}/privacy`` — rendered per tenant with nothing of another tenant's, linked
from every page's footer, and replaced in the links (never on ``/privacy`` itself) by a notice of the
organisation's own."""

from __future__ import annotations

from typing import Any

from api_support import Api

NORTHWIND = {
    "organisation": "Northwind Analytics Ltd",
    "purpose": "Telling businesses about Northwind's analytics software.",
    "contact_email": "privacy@northwind.example",
    "postal_address": "1 Harbour Street, Leeds LS1 4AB",
    "public_url": "https://optout.northwind.example",
    "country": "GB",
    "data_source": "Company websites",
    "recipients": "Our email service provider",
    "retention": "24 months",
    "data_categories": "Name, job title, work email",
    "transfers": "None",
}
ACME = {"organisation": "Acme Handels GmbH", "country": "DE", "retention": "Bis zum Widerspruch"}


def put(api: Api, body: dict[str, Any], tenant: str = "default") -> dict[str, Any]:
    response = api.call("PUT", "/v1/organisation", json=body, tenant=tenant)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_notice_json_has_version_url_and_sections(api: Api) -> None:
    put(api, NORTHWIND)
    response = api.call("GET", "/v1/organisation/notice")
    assert response.status_code == 200, response.text
    notice = response.json()
    assert notice["version"].startswith("np-")
    assert notice["url"] == "https://optout.northwind.example/privacy"
    keys = [s["key"] for s in notice["sections"]]
    assert keys[:3] == ["controller", "dpo", "source"]
    assert "rights" in keys
    assert "authority" in keys
    assert notice["missing"] == ["legitimate interests (no stored campaign)"]
    # the same content: the same version; a change: a new one
    assert api.call("GET", "/v1/organisation/notice").json()["version"] == notice["version"]
    put(api, {**NORTHWIND, "retention": "12 months"})
    assert api.call("GET", "/v1/organisation/notice").json()["version"] != notice["version"]


def test_organisation_round_trips_the_notice_facts_and_validates_them(api: Api) -> None:
    data = put(api, {**NORTHWIND, "country": "gb", "dpo_email": "dpo@northwind.example"})
    assert data["country"] == "GB"
    assert data["dpo_email"] == "dpo@northwind.example"
    bad = api.call("PUT", "/v1/organisation", json={**NORTHWIND, "country": "UK1"})
    assert bad.status_code == 422
    missing = put(api, {"organisation": "Bare Ltd"})["missing"]
    assert "privacy notice: source of the data" in missing


def test_pages_render_per_tenant_without_leaks(api: Api) -> None:
    api.tenant("acme")
    put(api, NORTHWIND)
    put(api, ACME, tenant="acme")
    default = api.client.get("/privacy")
    assert default.status_code == 200
    assert "Northwind Analytics Ltd is the controller" in default.text
    assert "Information Commissioner" in default.text
    assert "Version np-" in default.text
    assert ", effective " in default.text
    assert "Acme" not in default.text
    acme = api.client.get("/t/acme/privacy")
    assert acme.status_code == 200
    assert "Acme Handels GmbH is the controller" in acme.text
    assert "Bis zum Widerspruch" in acme.text
    assert "Land (federal state)" in acme.text
    assert "Northwind" not in acme.text
    assert "24 months" not in acme.text
    assert "/t/acme/privacy-request" in acme.text
    missing = api.client.get("/t/nobody/privacy")
    assert missing.status_code == 404
    assert "<script" not in default.text


def test_footer_links_the_generated_notice_unless_the_organisation_has_its_own(api: Api) -> None:
    put(api, NORTHWIND)
    form = api.client.get("/privacy-request").text
    assert '<a href="/privacy" rel="noreferrer noopener">Privacy notice</a>' in form
    put(api, {**NORTHWIND, "privacy_notice_url": "https://northwind.example/privacy-policy"})
    form = api.client.get("/privacy-request").text
    assert 'href="https://northwind.example/privacy-policy"' in form
    assert 'href="/privacy"' not in form
    page = api.client.get("/privacy")  # still the generated notice, pointing at the organisation's own
    assert page.status_code == 200
    assert "Who is writing to you" in page.text
    assert "https://northwind.example/privacy-policy" in page.text


def test_unsubscribe_links_say_which_privacy_notice_messages_link_to(api: Api) -> None:
    api.tenant("acme")
    put(api, NORTHWIND)
    put(api, ACME, tenant="acme")
    link = api.call("POST", "/v1/unsubscribe-links", json={"email": "ann@firma.de"}).json()
    assert link["privacy_url"].endswith("/privacy")
    other = api.call("POST", "/v1/unsubscribe-links", json={"email": "ann@firma.de"}, tenant="acme").json()
    assert other["privacy_url"].endswith("/t/acme/privacy")
    put(api, {**NORTHWIND, "privacy_notice_url": "https://northwind.example/privacy-policy"})
    own = api.call("POST", "/v1/unsubscribe-links", json={"email": "ann@firma.de"}).json()
    assert own["privacy_url"] == "https://northwind.example/privacy-policy"
