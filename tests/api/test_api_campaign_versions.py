"""``/v1/campaigns`` as the CLI's versioned model (issue 14): every change is a version on the audit
trail recorded as the API key, ``…/versions`` lists them, archiving retires a campaign that checks
then refuse; the roles and tenants of the other campaign routes. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from api_support import Api

BODY = {"name": "Q4 launch", "legal_entity": "Northwind Ltd", "products": ["software"], "lia": "passed"}
CHECK = {"contact": {"email": "bob@acme.co.uk", "company": "Acme Ltd"}, "channel": "email", "campaign": "q4"}


def _problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:lawfulreach:problem:{slug}"
    return body


class TestVersions:
    def test_every_change_is_a_version_made_by_the_key(self, api: Api) -> None:
        first = api.call("PUT", "/v1/campaigns/q4", json=BODY)
        assert first.status_code == 201
        assert (first.json()["version"], first.json()["archived_at"]) == (1, None)
        second = api.call("PUT", "/v1/campaigns/q4", json={**BODY, "excluded_regions": ["US-CA"]}).json()
        same = api.call("PUT", "/v1/campaigns/q4", json={**BODY, "excluded_regions": ["US-CA"]}).json()
        assert (second["version"], same["version"]) == (2, 2)
        assert second["fingerprint"] != first.json()["fingerprint"]
        versions = api.call("GET", "/v1/campaigns/q4/versions", role="readonly").json()
        assert [(v["version"], v["current"], v["excluded_regions"]) for v in versions] == [
            (1, False, []),
            (2, True, ["US-CA"]),
        ]
        assert all(v["actor"].startswith("api key ") for v in versions)
        one = api.call("GET", "/v1/campaigns/q4/versions/1", role="marketer").json()
        assert one["fingerprint"] == first.json()["fingerprint"]
        _problem(api.call("GET", "/v1/campaigns/q4/versions/3"), 404, "not-found")
        decision = api.call("POST", "/v1/check", json=CHECK).json()
        assert (decision["campaign_id"], decision["campaign_version"]) == ("q4", second["fingerprint"])
        trail = api.workspace().audit_show(act="campaign")
        assert [(e.act, e.details["version"]) for e in trail] == [("campaign.create", 1), ("campaign.update", 2)]
        assert all(e.actor.startswith("api key ") for e in trail)
        assert api.workspace().audit_verify().entries == 2

    def test_the_cli_and_the_api_share_the_versions(self, api: Api) -> None:
        from lawfulreach.schema import parse_campaign

        api.workspace().campaigns.create(parse_campaign(BODY), "q4")
        api.call("PUT", "/v1/campaigns/q4", json={**BODY, "purpose": "service"})
        assert [v.version for v in api.workspace().campaigns.versions("q4")] == [1, 2]


class TestArchive:
    def test_archived_campaigns_are_refused_for_checks_and_changes(self, api: Api) -> None:
        api.call("PUT", "/v1/campaigns/q4", json=BODY)
        archived = api.call("POST", "/v1/campaigns/q4/archive")
        assert archived.status_code == 200
        assert archived.json()["archived_at"] is not None
        detail = _problem(api.call("POST", "/v1/check", json=CHECK), 422, "invalid-input")["detail"]
        assert "'q4' was archived" in detail
        batch = api.call("POST", "/v1/check/batch", json={"requests": [CHECK, {**CHECK, "campaign": None}]}).json()
        assert "was archived" in str(batch["results"][0])
        assert batch["results"][1]["outcome"] in ("allowed", "blocked", "review")
        _problem(api.call("PUT", "/v1/campaigns/q4", json=BODY), 409, "conflict")
        _problem(api.call("POST", "/v1/campaigns", json={**BODY, "id": "q4"}), 409, "conflict")
        _problem(api.call("POST", "/v1/campaigns/q4/archive"), 409, "conflict")
        assert api.call("GET", "/v1/campaigns").json() == []
        assert [c["id"] for c in api.call("GET", "/v1/campaigns?archived=true").json()] == ["q4"]
        assert len(api.call("GET", "/v1/campaigns/q4/versions").json()) == 1  # still readable

    def test_roles_and_tenants(self, api: Api) -> None:
        api.call("PUT", "/v1/campaigns/q4", json=BODY)
        for role in ("marketer", "readonly"):
            _problem(api.call("POST", "/v1/campaigns/q4/archive", role=role), 403, "forbidden")
            assert api.call("GET", "/v1/campaigns/q4/versions", role=role).status_code == 200
        api.tenant("other")
        _problem(api.call("GET", "/v1/campaigns/q4/versions", tenant="other"), 404, "not-found")
        _problem(api.call("POST", "/v1/campaigns/q4/archive", tenant="other"), 404, "not-found")
        _problem(api.call("DELETE", "/v1/campaigns/q4", tenant="other"), 404, "not-found")
        assert api.call("GET", "/v1/campaigns/q4").json()["archived_at"] is None  # untouched by the other tenant
