"""Authentication, roles and tenancy on every route — read from the app's own route table.

``EXAMPLES`` holds one request per API route; a test fails when a route is added without one, so
a new endpoint cannot escape these checks. Every route refuses a missing, unknown or revoked key;
every role is tried on every route and gets 403 exactly where ``roles.GRANTS`` says so; and a key of
tenant ``beta`` runs every route against tenant ``alpha``'s ids and addresses and can neither see
nor change anything of alpha's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from api_support import Api
from lawfulreach.api.deps import _Require
from lawfulreach.api.problem import TYPES
from lawfulreach.api.roles import GRANTS, Permission, Role
from lawfulreach.store.api_keys import ApiKeyRepo
from lawfulreach.store.campaigns import CampaignRepo
from lawfulreach.store.lia import LiaRepo
from lawfulreach.store.subjects import Subject
from lawfulreach.store.suppression import Entry
from lia_support import answers, assessed

SECRET_EMAIL = "secret.person@alpha-only.example"
SECRET_DOMAIN = "alpha-only.example"
SECRET_ORG = "Alpha Secret Holdings"
#: the interactive docs were FastAPI's own keyless routes; now served from the package (issue 10)
PUBLIC_ROUTES = {
    ("GET", "/v1/health"),
    ("GET", "/v1/docs"),
    ("GET", "/v1/docs/oauth2-redirect"),
    ("GET", "/v1/docs/assets/{name}"),
}

#: (method, route template) → (path to call, JSON body or None), aimed at tenant alpha's things
EXAMPLES: dict[tuple[str, str], tuple[str, Any]] = {
    ("POST", "/v1/check"): ("/v1/check", {"contact": {"email": SECRET_EMAIL}, "channel": "email"}),
    ("POST", "/v1/check/batch"): (
        "/v1/check/batch",
        {"requests": [{"contact": {"email": SECRET_EMAIL}, "channel": "email", "campaign": "alpha-camp"}]},
    ),
    ("POST", "/v1/lint"): (
        "/v1/lint",
        {"message": "Subject: Hi\n\nHello", "channel": "email", "country": "GB", "campaign": "alpha-camp"},
    ),
    ("POST", "/v1/sends"): (
        "/v1/sends",
        {
            "campaign": "alpha-camp",
            "template": {"subject": "Hello", "text": "Hello {{ first_name }}"},
            "contacts": [{"email": SECRET_EMAIL, "first_name": "Zed", "country": "GB"}],
            "dry_run": True,
        },
    ),
    ("GET", "/v1/exclusions"): ("/v1/exclusions", None),
    ("POST", "/v1/exclusions"): ("/v1/exclusions", {"email": SECRET_EMAIL, "reason": "test"}),
    ("POST", "/v1/exclusions/import"): ("/v1/exclusions/import", {"entries": [SECRET_EMAIL, SECRET_DOMAIN]}),
    ("POST", "/v1/exclusions/remove"): ("/v1/exclusions/remove", {"domain": SECRET_DOMAIN}),
    ("POST", "/v1/consents"): (
        "/v1/consents",
        {"email": SECRET_EMAIL, "channel": "email", "purpose": "marketing", "method": "web_form"},
    ),
    ("POST", "/v1/consents/withdraw"): ("/v1/consents/withdraw", {"email": SECRET_EMAIL, "channel": "email"}),
    ("POST", "/v1/opt-outs"): ("/v1/opt-outs", {"email": SECRET_EMAIL}),
    ("POST", "/v1/ledger/history"): ("/v1/ledger/history", {"email": SECRET_EMAIL}),
    ("GET", "/v1/registers"): ("/v1/registers", None),
    ("GET", "/v1/campaigns"): ("/v1/campaigns", None),
    ("POST", "/v1/campaigns"): ("/v1/campaigns", {"id": "alpha-camp", "lia": "failed"}),
    ("GET", "/v1/campaigns/{campaign_id}"): ("/v1/campaigns/alpha-camp", None),
    ("PUT", "/v1/campaigns/{campaign_id}"): ("/v1/campaigns/alpha-camp", {"lia": "failed", "name": "taken over"}),
    ("DELETE", "/v1/campaigns/{campaign_id}"): ("/v1/campaigns/alpha-camp", None),
    ("GET", "/v1/campaigns/{campaign_id}/versions"): ("/v1/campaigns/alpha-camp/versions", None),
    ("GET", "/v1/campaigns/{campaign_id}/versions/{version}"): ("/v1/campaigns/alpha-camp/versions/1", None),
    ("POST", "/v1/campaigns/{campaign_id}/archive"): ("/v1/campaigns/alpha-camp/archive", None),
    ("POST", "/v1/campaigns/{campaign_id}/lia"): (
        "/v1/campaigns/alpha-camp/lia",
        {"balancing": {"special_category_data": True}},
    ),
    ("GET", "/v1/lia/{assessment_id}"): ("/v1/lia/{alpha_lia}", None),
    ("GET", "/v1/privacy-requests"): ("/v1/privacy-requests", None),
    ("POST", "/v1/privacy-requests"): ("/v1/privacy-requests", {"type": "access", "email": SECRET_EMAIL}),
    ("GET", "/v1/privacy-requests/{number}"): ("/v1/privacy-requests/{alpha_request}", None),
    ("POST", "/v1/unsubscribe-links"): ("/v1/unsubscribe-links", {"email": SECRET_EMAIL}),
    ("GET", "/v1/evidence"): (f"/v1/evidence?email={SECRET_EMAIL}", None),
    ("POST", "/v1/evidence"): ("/v1/evidence", {"email": SECRET_EMAIL}),
    ("GET", "/v1/evidence/runs/{run_id}"): ("/v1/evidence/runs/{alpha_run}", None),
    ("GET", "/v1/me"): ("/v1/me", None),
    ("GET", "/v1/organisation"): ("/v1/organisation", None),
    ("PUT", "/v1/organisation"): ("/v1/organisation", {"organisation": "Beta Takeover"}),
    ("GET", "/v1/organisation/notice"): ("/v1/organisation/notice", None),
    ("POST", "/v1/inbound"): (
        "/v1/inbound",
        {"message": f"From: <{SECRET_EMAIL}>\nTo: <sales@alpha-only.example>\nSubject: Re: hi\n\nUnsubscribe me"},
    ),
}


def api_routes(api: Api) -> list[tuple[str, APIRoute]]:
    """(full path, route) of every API route (included routers flattened the way FastAPI does)."""
    found = []
    for context in iter_route_contexts(api.client.app.routes):  # type: ignore[attr-defined]
        route = context.original_route
        if isinstance(route, APIRoute) and context.path and context.path.startswith("/v1"):
            found.append((context.path, route))
    return found


def route_keys(api: Api) -> set[tuple[str, str]]:
    return {(m, path) for path, r in api_routes(api) for m in r.methods or ()} - PUBLIC_ROUTES


def permission_of(api: Api, method: str, path: str) -> str | None:
    """The permission a route's dependencies demand (None: any valid key)."""
    for full, route in api_routes(api):
        if full == path and method in (route.methods or ()):
            stack = list(route.dependant.dependencies)
            while stack:
                dep = stack.pop()
                if isinstance(dep.call, _Require):
                    return dep.call.permission.value
                stack.extend(dep.dependencies)
            return None
    raise AssertionError(f"no route {method} {path}")


def seed_alpha(api: Api) -> dict[str, str]:
    """Tenant alpha with something of every kind, all carrying markers beta must never see."""
    ws = api.workspace(api.tenant("alpha"))
    ws.suppressions.add(Entry("email", SECRET_EMAIL, "alpha reason"))
    ws.suppressions.add(Entry("domain", SECRET_DOMAIN))
    ws.ledger.opt_out(Subject("email", SECRET_EMAIL), "sms", source="alpha source")
    ws.ledger.record_consent(Subject("email", SECRET_EMAIL), "email", "marketing", "web_form")
    CampaignRepo(ws.scope).put("alpha-camp", _campaign())
    api.call("PUT", "/v1/organisation", tenant="alpha", json={"organisation": SECRET_ORG}).raise_for_status()
    handle = api.backend.tenant_named("alpha")
    submitted = handle.submit_privacy_request("access", SECRET_EMAIL, "Alpha Person", "alpha details")
    request = handle.verify_privacy_request(submitted.token)
    assert request is not None
    path = api.directory / "alpha-tps.txt"
    path.write_text("020 7946 0018\n", encoding="utf-8")
    ws.dnc.load("GB", "TPS", path)
    lia = assessed(ws, "alpha-camp", answers(purpose__interest=f"Selling for {SECRET_ORG}"))
    recorded = api.call(
        "POST",
        "/v1/check",
        tenant="alpha",
        json={"contact": {"email": SECRET_EMAIL}, "channel": "email", "campaign": "alpha-camp", "record": True},
    )
    return {"alpha_request": str(request.number), "alpha_run": recorded.headers["evidence-run"], "alpha_lia": lia.id}


def _campaign() -> Any:
    from lawfulreach.schema import parse_campaign

    return parse_campaign({"name": "Alpha launch", "lia": "passed", "legal_entity": "Alpha Secret Holdings"})


def alpha_snapshot(api: Api) -> str:
    """Everything alpha holds, as text: must not change while beta is calling."""
    handle = api.backend.tenant_named("alpha")
    ws = handle.workspace
    parts: list[Any] = [
        [(e.kind, e.value, e.reason, e.source) for e in ws.suppressions.entries()],
        [(e.event, e.channel, e.purpose, e.source) for e in ws.ledger.history(Subject("email", SECRET_EMAIL))],
        [(r.id, repr(r.campaign)) for r in handle.campaigns.list()],
        [(r.number, r.status, r.subject) for r in ws.requests.list(include_closed=True)],
        repr(handle.profiles.get()),
        [(r.country, r.name, r.size) for r in ws.dnc.registers()],
        [(r.id, r.version, r.content_hash) for r in LiaRepo(ws.scope).list()],
        [r.as_json() for r in ws.evidence.runs()],
    ]
    return json.dumps(parts, default=str)


@pytest.fixture(scope="module")
def seeded(shared_api: Api) -> dict[str, str]:
    return seed_alpha(shared_api)


def test_every_api_route_has_an_example(shared_api: Api) -> None:
    assert route_keys(shared_api) == set(EXAMPLES), "add the new route to EXAMPLES (and think about its role)"


def test_every_api_route_but_health_needs_a_valid_key(shared_api: Api, seeded: dict[str, str]) -> None:
    api = shared_api
    revoked = api.token("readonly", "alpha")
    ApiKeyRepo(api.workspace("alpha").scope).revoke(revoked.split("_")[1])
    wrong = api.token("admin", "alpha")[:-4] + "AAAA"
    for (method, _), (path, body) in sorted(EXAMPLES.items()):
        url = path.format(**seeded)
        for headers in (
            {},
            {"Authorization": f"Bearer {wrong}"},
            {"Authorization": f"Bearer {revoked}"},
            {"Authorization": "Basic x"},
        ):
            response = api.client.request(method, url, json=body, headers=headers)
            assert response.status_code == 401, (method, url, headers, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["www-authenticate"] == 'Bearer realm="lawfulreach"'


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_is_refused_exactly_what_it_lacks(shared_api: Api, role: str) -> None:
    api = shared_api
    tenant = api.tenant(f"roles-{role}")
    seeded = seed_ids(api, tenant)
    granted = {p.value for p in GRANTS[Role(role)]}
    for (method, template), (path, body) in sorted(EXAMPLES.items()):
        permission = permission_of(api, method, template)
        response = api.call(method, path.format(**seeded), role=role, tenant=tenant, json=body)
        if permission is not None and permission not in granted:
            assert response.status_code == 403, (role, method, template, response.text)
            problem = response.json()
            assert problem["type"] == "urn:lawfulreach:problem:forbidden"
            assert problem["role"] == role
            assert problem["permission"] == permission
        else:
            assert response.status_code < 500, (role, method, template, response.text)
            assert response.status_code not in (401, 403), (role, method, template, response.text)


def seed_ids(api: Api, tenant: str) -> dict[str, str]:
    handle = api.backend.tenant_named(tenant)
    handle.campaigns.put("alpha-camp", _campaign())
    submitted = handle.submit_privacy_request("erasure", "someone@example.com", None, None)
    request = handle.verify_privacy_request(submitted.token)
    assert request is not None
    lia = assessed(handle.workspace, "alpha-camp")
    recorded = api.call(
        "POST",
        "/v1/check",
        tenant=tenant,
        json={"contact": {"email": "someone@example.com"}, "channel": "email", "record": True},
    )
    return {"alpha_request": str(request.number), "alpha_run": recorded.headers["evidence-run"], "alpha_lia": lia.id}


def test_marketers_cannot_read_the_ledger_or_remove_exclusions(shared_api: Api) -> None:
    """The issue's own words, checked directly on top of the table."""
    api = shared_api
    body: dict[str, Any] | None
    for method, path, body in (
        ("POST", "/v1/ledger/history", {"email": SECRET_EMAIL}),
        ("POST", "/v1/exclusions/remove", {"email": SECRET_EMAIL}),
        ("GET", "/v1/exclusions", None),
    ):
        assert api.call(method, path, role="marketer", json=body).status_code == 403
    for method, path, body in (
        ("POST", "/v1/check", {"contact": {"email": SECRET_EMAIL}, "channel": "email"}),
        ("POST", "/v1/exclusions", {"email": "someone@example.com"}),
        ("POST", "/v1/opt-outs", {"email": "someone@example.com"}),
    ):
        assert api.call(method, path, role="marketer", json=body).status_code in (200, 201)


def test_a_key_of_one_tenant_can_never_read_or_change_another(shared_api: Api, seeded: dict[str, str]) -> None:
    api = shared_api
    api.tenant("beta")
    before = alpha_snapshot(api)
    markers = [SECRET_EMAIL, SECRET_DOMAIN, SECRET_ORG, "alpha reason", "alpha source", "Alpha launch", "Alpha Person"]
    markers.append("alpha details")
    for (method, template), (path, body) in sorted(EXAMPLES.items()):
        url = path.format(**seeded)
        response = api.call(method, url, role="admin", tenant="beta", json=body)
        assert response.status_code < 500, (method, template, response.text)
        assert alpha_snapshot(api) == before, f"{method} {template} by beta changed alpha"
        echoed = url + json.dumps(body)  # what beta itself sent may come back (an id in a 404, its own entry)
        for marker in markers:
            if marker not in echoed:
                assert marker not in response.text, (method, template, marker)
    # What beta wrote went to beta: its own campaign, exclusions and organisation.
    beta = api.backend.tenant_named("beta")
    assert [r.campaign.name for r in beta.campaigns.list()] in ([], ["taken over"])
    assert beta.profile().organisation == "Beta Takeover"
    assert api.backend.tenant_named("alpha").profile().organisation == SECRET_ORG


def test_lookups_by_id_in_another_tenant_are_not_found(shared_api: Api, seeded: dict[str, str]) -> None:
    api = shared_api
    api.tenant("gamma")
    for path in (
        "/v1/campaigns/alpha-camp",
        f"/v1/privacy-requests/{seeded['alpha_request']}",
        f"/v1/lia/{seeded['alpha_lia']}",
        f"/v1/evidence/runs/{seeded['alpha_run']}",
    ):
        response = api.call("GET", path, tenant="gamma")
        assert response.status_code == 404
        assert response.json()["type"] == "urn:lawfulreach:problem:not-found"
    check = api.call("POST", "/v1/check", tenant="gamma", json={"contact": {"email": SECRET_EMAIL}, "channel": "email"})
    alpha = api.call("POST", "/v1/check", tenant="alpha", json={"contact": {"email": SECRET_EMAIL}, "channel": "email"})
    assert "suppressed_email" not in json.dumps(check.json())
    assert "suppressed_email" in json.dumps(alpha.json())


def test_every_route_and_problem_type_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [f"{m} {p}" for m, p in sorted(set(EXAMPLES) | PUBLIC_ROUTES) if p not in docs]
    missing += [slug for slug in TYPES if f"`{slug}`" not in docs]
    missing += [p.value for p in Permission if f"`{p.value}`" not in docs]
    assert not missing, f"undocumented in docs/api.md: {missing}"
