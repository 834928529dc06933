"""``POST /v1/lint``: the CLI's message check over HTTP — the same report as ``lawfulreach lint --json``,
stored campaigns by id in the caller's tenant only, the tenant's own organisation profile, every role,
and RFC 9457 problems for what cannot be read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from api_support import Api
from lawfulreach.commands.lint import lint_message, parse_audience
from lawfulreach.domain.model import Decision
from lawfulreach.messages.read import read_message
from lawfulreach.schema import parse_campaign
from lawfulreach.store.profiles import Profile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lint"
CAMPAIGN = {"name": "Q1", "legal_entity": "Northwind Analytics Ltd", "lia": "passed", "products": ["analytics"]}


def body(name: str, **extra: Any) -> dict[str, Any]:
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    return {"message": text, "channel": "email", "country": "GB", "campaign": CAMPAIGN, **extra}


def _put_profile(api: Api, tenant: str, organisation: str, privacy: str) -> None:
    payload = {"organisation": organisation, "privacy_notice_url": privacy}
    api.call("PUT", "/v1/organisation", tenant=tenant, json=payload).raise_for_status()


class TestReport:
    def test_compliant_eml_as_the_cli_reports_it(self, api: Api) -> None:
        _put_profile(api, "default", "Northwind Analytics Ltd", "https://northwind.example/privacy")
        response = api.call("POST", "/v1/lint", json=body("gb_compliant.eml"))
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["ok"] is True
        assert report["decision"]["outcome"] == "allowed"
        assert {f["status"] for f in report["findings"]} == {"present"}
        # the same report as the command layer gives for the same facts (decided_at aside: one clock)
        profile = Profile("Northwind Analytics Ltd", privacy_notice_url="https://northwind.example/privacy")
        expected = lint_message(
            api.cli_service(),
            read_message(FIXTURES / "gb_compliant.eml"),
            parse_audience("email", "GB"),
            parse_campaign(CAMPAIGN),
            profile,
        ).to_dict()
        assert report["findings"] == expected["findings"]
        assert report["decision"]["requirements"] == expected["decision"]["requirements"]

    def test_missing_findings_and_the_sniffed_format(self, api: Api) -> None:
        report = api.call("POST", "/v1/lint", json=body("us_noncompliant.txt", country="US")).json()
        assert report["ok"] is False
        missing = {f["requirement"] for f in report["findings"] if f["status"] == "missing"}
        assert missing == {"opt_out_link", "postal_address", "ad_disclosure"}

    def test_html_by_format_and_service_message(self, api: Api) -> None:
        campaign = {**CAMPAIGN, "purpose": "service"}
        payload = body("service_promo.txt", campaign=campaign, format="text")
        report = api.call("POST", "/v1/lint", json=payload).json()
        promo = [f for f in report["findings"] if f["requirement"] == "no_promotional_content"]
        assert promo[0]["status"] == "missing"
        assert "'upgrade now' (text, line 7)" in promo[0]["detail"]

    def test_blocked_audience(self, api: Api) -> None:
        report = api.call("POST", "/v1/lint", json=body("de_consent.html", country="DE")).json()
        assert report["sendable"] is False
        assert report["findings"] == []
        assert report["decision"]["outcome"] == "blocked"

    def test_stored_campaign_by_id(self, api: Api) -> None:
        api.call("PUT", "/v1/campaigns/q1", json=CAMPAIGN).raise_for_status()
        report = api.call("POST", "/v1/lint", json=body("gb_compliant.eml", campaign="q1")).json()
        assert report["decision"]["campaign_id"] == "q1"
        assert report["decision"]["campaign_version"].startswith("cv-")


class TestProblems:
    def test_garbage_message_is_a_422_problem(self, api: Api) -> None:
        response = api.call("POST", "/v1/lint", json=body("gb_compliant.eml", message="\u0001", format="eml"))
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert "not an email message" in response.json()["detail"]

    def test_unknown_fields_and_values(self, api: Api) -> None:
        for payload in (
            body("sms_gb.txt", chanel="sms"),
            body("sms_gb.txt", channel="fax"),
            body("sms_gb.txt", country="Atlantis"),
            body("sms_gb.txt", format="pdf"),
        ):
            response = api.call("POST", "/v1/lint", json=payload)
            assert response.status_code == 422, payload
            assert response.json()["type"] == "urn:lawfulreach:problem:invalid-input"

    def test_every_role_may_lint(self, api: Api) -> None:
        for role in ("admin", "compliance", "marketer", "readonly"):
            assert api.call("POST", "/v1/lint", role=role, json=body("gb_compliant.eml")).status_code == 200


class TestTenancy:
    def test_another_tenants_campaign_is_unknown_and_its_profile_unused(self, api: Api) -> None:
        api.tenant("alpha")
        api.tenant("beta")
        api.call("PUT", "/v1/campaigns/alpha-camp", tenant="alpha", json=CAMPAIGN).raise_for_status()
        _put_profile(api, "alpha", "Alpha Secret Holdings", "https://alpha-only.example/privacy")
        _put_profile(api, "beta", "Northwind Analytics Ltd", "https://northwind.example/privacy")
        response = api.call("POST", "/v1/lint", tenant="beta", json=body("gb_compliant.eml", campaign="alpha-camp"))
        assert response.status_code == 422
        assert "unknown campaign id 'alpha-camp'" in response.json()["detail"]
        # beta's report is checked against beta's organisation, never alpha's
        report = api.call("POST", "/v1/lint", tenant="beta", json=body("gb_compliant.eml")).json()
        assert report["ok"] is True
        assert "alpha-only.example" not in json.dumps(report)
        alpha = api.call("POST", "/v1/lint", tenant="alpha", json=body("gb_compliant.eml")).json()
        privacy = [f for f in alpha["findings"] if f["requirement"] == "privacy_notice"]
        assert privacy[0]["status"] == "missing"
        assert "https://alpha-only.example/privacy" in privacy[0]["detail"]


class _Sink:
    def __init__(self) -> None:
        self.seen: list[Decision] = []

    def record(self, decisions: Sequence[Decision]) -> None:
        self.seen.extend(decisions)


def test_a_lint_decision_reaches_no_sink(api: Api) -> None:
    """The representative contact's decision is hypothetical: evidence records must never see it."""
    sink = _Sink()
    api.backend.sinks = (sink,)
    api.call("POST", "/v1/check", json={"contact": {"email": "sam@acme.co.uk"}, "channel": "email"}).raise_for_status()
    assert len(sink.seen) == 1  # the seam works: a real check reaches it
    api.call("POST", "/v1/lint", json=body("gb_compliant.eml")).raise_for_status()
    assert len(sink.seen) == 1
