"""Spec §6 over HTTP: the cases of ``north_america_cases`` through ``POST /v1/check/batch`` against a
tenant whose registers are loaded as ``dnc load`` loads them; and the tenant's stored subscriber-type
policy deciding API checks as it decides ``check`` and ``screen``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api_support import Api
from north_america_cases import OTHER, PHONE, REGISTER, REGISTER_STATES, all_cases


@pytest.mark.parametrize("state", REGISTER_STATES)
def test_api_decides_as_spec_6_says(shared_api: Api, state: str) -> None:
    api = shared_api
    tenant = api.tenant(f"na-{state}")
    ws = api.workspace(tenant)
    if state != "missing":
        for country, name in REGISTER.items():
            path = api.directory / f"{tenant}-{country}.txt"
            numbers = [PHONE[country], OTHER[country]] if state == "listed" else [OTHER[country]]
            path.write_text("\n".join(numbers) + "\n", encoding="utf-8")
            ws.dnc.load(country, name, path, as_of=api.clock() - timedelta(days=40 if state == "stale" else 1))
    cases = [c for c in all_cases(api.clock().date()) if c.register == state]
    response = api.call("POST", "/v1/check/batch", tenant=tenant, json={"requests": [c.request for c in cases]})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    for case, d in zip(cases, results, strict=True):
        assert d["outcome"] == case.outcome, (case.id, d)
        assert case.code in [r["code"] for r in d["reasons"]], (case.id, d)


def test_the_tenants_stored_policy_decides_api_checks(shared_api: Api) -> None:
    """``settings set subscriber_policy`` reaches the API without a restart; other tenants keep theirs."""
    api = shared_api
    tenant, other = api.tenant("policy-a"), api.tenant("policy-b")
    request = {
        "contact": {"phone": PHONE["US"], "country": "US", "company": "Lee Studio"},
        "channel": "call",
        "campaign": {"legal_entity": "Northwind Ltd"},
    }  # register not loaded: allowed as a company, review as an individual → the policy decides

    def outcome(name: str) -> str:
        return str(api.call("POST", "/v1/check", tenant=name, json=request).json()["outcome"])

    assert outcome(tenant) == "review"
    api.workspace(tenant).tenant_settings.set("subscriber_policy", "assume_corporate")
    assert outcome(tenant) == "allowed"
    assert outcome(other) == "review"
    assert (
        api.call("POST", "/v1/check", tenant=tenant, json=request).json()
        == api.cli_service(tenant).check(__import__("lawfulreach").parse_request(request)).to_json()
    )
