"""Each endpoint family does what its CLI twin does: exclusions, the ledger, registers, campaigns,
the organisation — and every refusal is a problem document naming what is wrong."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api_support import Api
from lawfulreach.store.api_keys import ApiKeyRepo
from lawfulreach.store.subjects import Subject


def outcome(api: Api, contact: dict[str, Any], channel: str = "email", **extra: Any) -> tuple[str, list[str]]:
    body = api.call("POST", "/v1/check", json={"contact": contact, "channel": channel, **extra}).json()
    return body["outcome"], [r["code"] for r in body["reasons"]]


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:lawfulreach:problem:{slug}"
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


class TestExclusions:
    def test_add_normalises_and_a_domain_covers_its_subdomains(self, api: Api) -> None:
        added = api.call("POST", "/v1/exclusions", json={"email": " Jane+News@Firma.DE ", "reason": "asked"})
        assert added.status_code == 201
        assert added.json() == {"kind": "email", "value": "jane@firma.de", "added": True}
        again = api.call("POST", "/v1/exclusions", json={"email": "jane@firma.de"})
        assert again.status_code == 200
        assert again.json()["added"] is False
        api.call("POST", "/v1/exclusions", json={"domain": "competitor.com"}).raise_for_status()
        assert "suppressed_domain" in outcome(api, {"email": "bob@mail.competitor.com"})[1]
        assert "suppressed_email" in outcome(api, {"email": "JANE@firma.de"})[1]

    def test_import_is_all_or_nothing_and_idempotent(self, api: Api) -> None:
        entries: list[Any] = [
            "a@b.com",
            "example.org",
            "+44 20 7946 0018",
            {"value": "020 7946 0019", "kind": "phone", "country": "GB", "reason": "complaint", "source": "complaint"},
        ]
        bad = api.call(
            "POST", "/v1/exclusions/import", json={"entries": [*entries, "x@@y", {"value": "1", "kind": "phone"}]}
        )
        body = problem(bad, 422, "invalid-input")
        assert [p["line"] for p in body["problems"]] == [5, 6]
        assert api.call("GET", "/v1/exclusions").json()["entries"] == []
        report = api.call("POST", "/v1/exclusions/import", json={"entries": entries, "reason": "list"}).json()
        assert report == {"read": 4, "added": 4, "already_listed": 0, "skipped_erased": 0}
        report = api.call("POST", "/v1/exclusions/import", json={"entries": entries}).json()
        assert report == {"read": 4, "added": 0, "already_listed": 4, "skipped_erased": 0}
        phones = api.call("GET", "/v1/exclusions?kind=phone").json()["entries"]
        assert sorted((e["value"], e["source"]) for e in phones) == [
            ("+442079460018", "import"),
            ("+442079460019", "complaint"),
        ]

    def test_list_pages_and_remove(self, api: Api) -> None:
        api.call(
            "POST", "/v1/exclusions/import", json={"entries": [f"p{i}@x.com" for i in range(5)]}
        ).raise_for_status()
        first = api.call("GET", "/v1/exclusions?limit=2").json()
        second = api.call("GET", f"/v1/exclusions?limit=2&cursor={first['next_cursor']}").json()
        third = api.call("GET", f"/v1/exclusions?limit=2&cursor={second['next_cursor']}").json()
        assert third["next_cursor"] is None
        values = [e["value"] for page in (first, second, third) for e in page["entries"]]
        assert sorted(values) == [f"p{i}@x.com" for i in range(5)]
        problem(api.call("GET", "/v1/exclusions?cursor=bm9wZQ"), 422, "invalid-input")
        removed = api.call("POST", "/v1/exclusions/remove", json={"email": "P1@x.com"})
        assert removed.status_code == 204
        assert removed.content == b""
        problem(api.call("POST", "/v1/exclusions/remove", json={"email": "p1@x.com"}), 404, "not-found")
        problem(api.call("GET", "/v1/exclusions?limit=5000"), 422, "invalid-input")

    def test_an_erased_person_cannot_be_stored_again(self, api: Api) -> None:
        api.workspace().erase([Subject("email", "gone@x.com")])
        problem(api.call("POST", "/v1/exclusions", json={"email": "gone@x.com"}), 409, "conflict")
        report = api.call("POST", "/v1/exclusions/import", json={"entries": ["gone@x.com", "x.com"]}).json()
        assert report["skipped_erased"] == 1

    def test_exactly_one_target(self, api: Api) -> None:
        for body in ({}, {"email": "a@b.com", "domain": "b.com"}, {"email": "a@b.com", "colour": "red"}):
            problem(api.call("POST", "/v1/exclusions", json=body), 422, "invalid-input")
        detail = problem(api.call("POST", "/v1/exclusions", json={"phone": "12"}), 422, "invalid-input")["detail"]
        assert "not a valid phone number" in detail


class TestLedger:
    def test_a_recorded_double_opt_in_satisfies_germany_and_a_withdrawal_blocks(self, api: Api) -> None:
        contact = {"email": "jana.novak@firma.de", "name": "Jana Novak"}
        assert outcome(api, contact)[0] == "blocked"
        recorded = api.call(
            "POST",
            "/v1/consents",
            json={
                "email": "jana.novak@firma.de",
                "channel": "email",
                "purpose": "marketing",
                "method": "double_opt_in_email",
                "confirmed": True,
            },
        )
        assert recorded.status_code == 201
        assert set(recorded.json()) == {"id", "event", "channel", "occurred_at"}
        assert recorded.json()["event"] == "confirmed"
        assert outcome(api, contact) == ("allowed", ["double_opt_in_confirmed"])
        withdrawn = api.call("POST", "/v1/consents/withdraw", json={"email": "jana.novak@firma.de", "channel": "email"})
        assert withdrawn.status_code == 201
        assert "opted_out" in outcome(api, contact)[1]

    def test_opt_outs_per_channel_and_history(self, api: Api) -> None:
        body = {"phone": "020 7946 0018", "country": "GB", "channel": "sms", "occurred_at": "2026-11-20T10:00:00"}
        recorded = api.call("POST", "/v1/opt-outs", json=body).json()
        assert recorded["occurred_at"] == "2026-11-20T10:00:00Z"
        contact = {"phone": "+44 20 7946 0018", "company": "Acme Ltd"}
        assert "opted_out" in outcome(api, contact, "sms")[1]
        assert "opted_out" not in outcome(api, contact, "call")[1]
        api.call("POST", "/v1/opt-outs", json={"phone": "+442079460018", "objection": True}).raise_for_status()
        assert "opted_out" in outcome(api, contact, "call")[1]
        history = api.call("POST", "/v1/ledger/history", json={"phone": "+44 20 7946 0018"}).json()
        assert [(e["event"], e["channel"]) for e in history["events"]] == [("opt_out", "sms"), ("objection", "all")]
        assert history["opted_out_of"] == ["all"]

    def test_subjects_are_validated(self, api: Api) -> None:
        for body in ({"channel": "email"}, {"email": "a@b.com", "phone": "+442079460018"}, {"email": "nope"}):
            problem(api.call("POST", "/v1/opt-outs", json=body), 422, "invalid-input")
        detail = problem(api.call("POST", "/v1/opt-outs", json={"phone": "020 7946 0018"}), 422, "invalid-input")
        assert "--" not in detail["detail"]
        pre = {"email": "a@b.com", "channel": "email", "purpose": "marketing", "method": ""}
        problem(api.call("POST", "/v1/consents", json=pre), 422, "invalid-input")


class TestRegisters:
    def test_status_shows_loaded_stale_and_missing(self, api: Api) -> None:
        path = api.directory / "tps.txt"
        path.write_text("020 7946 0018\n", encoding="utf-8")
        api.workspace().dnc.load("GB", "TPS", path, as_of=api.clock() - timedelta(days=30))
        rows = {r["register"]: r for r in api.call("GET", "/v1/registers", role="readonly").json()}
        assert rows["TPS"]["loaded"] is True
        assert rows["TPS"]["stale"] is True
        assert rows["TPS"]["size"] == 1
        assert rows["TPS"]["age_days"] == 30.0
        assert rows["CTPS"]["loaded"] is False
        reasons = outcome(api, {"phone": "020 7946 0018", "country": "GB", "company": "Acme Ltd"}, "call")[1]
        assert {"dnc_registered", "dnc_register_missing", "dnc_register_stale"} <= set(reasons)


class TestCampaigns:
    def test_lifecycle(self, api: Api) -> None:
        made = api.call("POST", "/v1/campaigns", json={"name": "Launch", "lia": "passed"})
        assert made.status_code == 201
        generated = made.json()["id"]
        assert generated.startswith("cmp_")
        problem(api.call("POST", "/v1/campaigns", json={"id": generated}), 409, "conflict")
        created = api.call("PUT", "/v1/campaigns/q1", json={"purpose": "service"})
        assert created.status_code == 201
        replaced = api.call("PUT", "/v1/campaigns/q1", json={"excluded_regions": ["eu", "us-ca"], "lia": "failed"})
        assert replaced.status_code == 200
        assert replaced.json()["excluded_regions"] == ["EU", "US-CA"]
        assert replaced.json()["purpose"] == "marketing"
        assert [c["id"] for c in api.call("GET", "/v1/campaigns", role="readonly").json()] == sorted([generated, "q1"])
        # DELETE archives (decisions name a campaign's versions, so it is never deleted)
        assert api.call("DELETE", "/v1/campaigns/q1").status_code == 204
        assert api.call("GET", "/v1/campaigns/q1").json()["archived_at"] is not None
        assert [c["id"] for c in api.call("GET", "/v1/campaigns").json()] == [generated]
        problem(api.call("DELETE", "/v1/campaigns/q1"), 409, "conflict")
        problem(api.call("DELETE", "/v1/campaigns/q9"), 404, "not-found")

    def test_invalid_campaigns_are_refused(self, api: Api) -> None:
        problem(api.call("PUT", "/v1/campaigns/q1", json={"excluded_regions": ["Atlantis"]}), 422, "invalid-input")
        # schema-valid but contradicting the URL: 409, which the schema lists (issue 10: conformance)
        problem(api.call("PUT", "/v1/campaigns/q1", json={"id": "q2"}), 409, "conflict")
        problem(api.call("PUT", "/v1/campaigns/-bad", json={}), 422, "invalid-input")
        problem(api.call("POST", "/v1/campaigns", json={"lia": "maybe"}), 422, "invalid-input")


class TestOrganisationAndKeys:
    def test_organisation_defaults_and_update(self, api: Api) -> None:
        default = api.call("GET", "/v1/organisation", role="readonly").json()
        assert default["organisation"] == "the organisation that sent you this message"
        body = {"organisation": "Northwind Ltd", "privacy_notice_url": "https://northwind.example/privacy"}
        assert api.call("PUT", "/v1/organisation", json=body).json()["organisation"] == "Northwind Ltd"
        problem(
            api.call("PUT", "/v1/organisation", json={"organisation": "x", "privacy_notice_url": "javascript:x"}),
            422,
            "invalid-input",
        )
        problem(api.call("PUT", "/v1/organisation", role="compliance", json=body), 403, "forbidden")

    def test_me(self, api: Api) -> None:
        me = api.call("GET", "/v1/me", role="marketer").json()
        assert (me["tenant"], me["role"]) == ("default", "marketer")
        assert "check" in me["permissions"]
        assert "read_the_ledger" not in me["permissions"]

    def test_a_revoked_key_stops_working_within_the_cache_time(self, make_api: Any) -> None:
        api = make_api(key_cache_seconds=3600)
        token = api.token("admin")
        assert api.call("GET", "/v1/me").status_code == 200
        ApiKeyRepo(api.workspace().scope).revoke(token.split("_")[1])
        assert api.call("GET", "/v1/me").status_code == 200  # remembered for key_cache_seconds
        fresh = make_api(key_cache_seconds=0)
        token = fresh.token("admin")
        assert fresh.call("GET", "/v1/me").status_code == 200
        ApiKeyRepo(fresh.workspace().scope).revoke(token.split("_")[1])
        problem(fresh.call("GET", "/v1/me"), 401, "unauthenticated")
        assert [k.revoked_at is not None for k in ApiKeyRepo(fresh.workspace().scope).list()] == [True]


def test_an_unexpected_error_is_a_500_problem_that_leaks_nothing(api: Api, monkeypatch: Any, caplog: Any) -> None:
    from lawfulreach.api.backend import TenantHandle

    def broken(self: TenantHandle, data: Any) -> Any:
        raise RuntimeError("driver said: duplicate key jane.secret@firma.de")

    monkeypatch.setattr(TenantHandle, "check", broken)
    with caplog.at_level("INFO", logger="lawfulreach"):
        response = api.call(
            "POST", "/v1/check", json={"contact": {"email": "jane.secret@firma.de"}, "channel": "email"}
        )
    document = problem(response, 500, "internal-error")
    assert "jane" not in response.text
    assert document["detail"] == "an unexpected error happened; it has been logged"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged
    assert "POST /v1/check" in logged
    assert "jane" not in logged


class TestPrivacyRequests:
    def test_a_request_received_another_way_enters_the_workflow(self, api: Api) -> None:
        made = api.call(
            "POST",
            "/v1/privacy-requests",
            json={"type": "erasure", "email": "Sam@Acme.co.uk", "country": "GB", "received_at": "2026-11-24T09:30:00"},
        )
        assert made.status_code == 201
        body = made.json()
        assert (body["number"], body["status"], body["subject"], body["via_form"]) == (
            1,
            "received",
            "sam@acme.co.uk",
            False,
        )
        assert body["received_at"] == "2026-11-24T09:30:00Z"
        assert body["regime"] == "uk_gdpr"
        assert [r["number"] for r in api.call("GET", "/v1/privacy-requests?type=erasure").json()] == [1]
        assert api.call("GET", "/v1/privacy-requests?type=access").json() == []
        problem(api.call("GET", "/v1/privacy-requests/7"), 404, "not-found")
        problem(api.call("POST", "/v1/privacy-requests", json={"type": "erasure"}), 422, "invalid-input")
        future = {"type": "access", "email": "a@b.com", "received_at": "2030-01-01T00:00:00Z"}
        problem(api.call("POST", "/v1/privacy-requests", json=future), 422, "invalid-input")

    def test_an_objection_stops_marketing_at_once(self, api: Api) -> None:
        contact = {"email": "kim@corp.us", "company": "Corp Inc"}
        assert outcome(api, contact)[0] == "allowed"
        api.call("POST", "/v1/privacy-requests", json={"type": "objection", "email": "kim@corp.us"}).raise_for_status()
        assert "opted_out" in outcome(api, contact)[1]
        assert "opted_out" in outcome(api, {**contact, "phone": "+1 212 555 0123"}, "post")[1]
