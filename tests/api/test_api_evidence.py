"""``"record": true`` on the check endpoints, and ``/v1/evidence`` (issue "prove it", items 3–4)."""

from __future__ import annotations

from typing import Any

from api_support import Api
from lawfulreach.store.subjects import Subject

EMAIL = "sam.recorded@acme-evidence.example"
PHONE = "+442079460777"


def _check(email: str = EMAIL, **extra: Any) -> dict[str, Any]:
    return {"contact": {"email": email, "phone": PHONE, "country": "GB"}, "channel": "email", **extra}


class TestRecordingChecks:
    def test_a_check_is_recorded_only_when_asked(self, api: Api) -> None:
        plain = api.call("POST", "/v1/check", json=_check())
        assert plain.status_code == 200
        assert "evidence-run" not in plain.headers
        assert api.workspace().evidence.runs() == []

        recorded = api.call("POST", "/v1/check", role="marketer", json=_check(record=True))
        assert recorded.status_code == 200, recorded.text
        assert recorded.json() == plain.json() | {"decided_at": recorded.json()["decided_at"]}
        run_id = recorded.headers["evidence-run"]
        run = api.call("GET", f"/v1/evidence/runs/{run_id}", role="compliance").json()
        assert run["kind"] == "api"
        assert run["decisions"] == 1
        assert run["rulebase_version"] == recorded.json()["rulebase_version"]
        assert run["lia"]["kind"] == "missing"
        assert run["actor"].startswith("api key ")

    def test_a_batch_records_each_decided_item_by_its_index(self, api: Api) -> None:
        api.workspace().campaigns.put("camp-a", _campaign())
        body = {
            "requests": [
                _check(campaign="camp-a"),
                {"contact": {"email": "x@y.de", "country": "XX"}, "channel": "email"},  # unreadable
                {**_check(campaign="camp-a"), "channel": "call"},
                _check("other.person@example.org"),
            ],
            "record": True,
        }
        response = api.call("POST", "/v1/check/batch", json=body)
        assert response.status_code == 200, response.text
        runs = response.headers["evidence-run"].split(", ")
        assert len(runs) == 2  # one run per campaign named

        found = api.call("GET", "/v1/evidence", role="compliance", params={"email": EMAIL}).json()
        # Each item is its own line: the email item is found by the email, the call item by the phone.
        assert [(d["channel"], d["input"]["line"], d["matched"]) for d in found["decisions"]] == [("email", 0, "key")]
        assert found["decisions"][0]["campaign"]["id"] == "camp-a"
        assert found["decisions"][0]["campaign"]["version"] is not None
        by_phone = api.call("POST", "/v1/evidence", role="admin", json={"phone": PHONE}).json()
        assert [(d["channel"], d["input"]["line"]) for d in by_phone["decisions"]] == [("call", 2)]

    def test_record_must_be_a_boolean(self, api: Api) -> None:
        response = api.call("POST", "/v1/check", json=_check(record="yes"))
        assert response.status_code in (400, 422)
        assert "record" in response.json()["detail"]


class TestReadingEvidence:
    def test_only_compliance_and_admin_read_it(self, api: Api) -> None:
        api.call("POST", "/v1/check", json=_check(record=True)).raise_for_status()
        for role in ("marketer", "readonly"):
            refused = api.call("GET", "/v1/evidence", role=role, params={"email": EMAIL})
            assert refused.status_code == 403
            assert refused.json()["permission"] == "read_evidence"
        for role in ("compliance", "admin"):
            assert api.call("GET", "/v1/evidence", role=role, params={"email": EMAIL}).status_code == 200

    def test_ledger_events_come_with_the_decisions_and_erasure_takes_both(self, api: Api) -> None:
        api.call("POST", "/v1/check", json=_check(record=True)).raise_for_status()
        api.call("POST", "/v1/opt-outs", json={"email": EMAIL, "source": "replied STOP"}).raise_for_status()
        found = api.call("GET", "/v1/evidence", params={"email": EMAIL}).json()
        assert [(e["event"], e["source"]) for e in found["ledger"]] == [("opt_out", "replied STOP")]
        assert len(found["decisions"]) == 1
        api.workspace().erase([Subject("email", EMAIL)])
        after = api.call("GET", "/v1/evidence", params={"email": EMAIL}).json()
        assert after["erased"] is True
        assert after["decisions"] == []
        assert after["ledger"] == []

    def test_another_tenant_sees_nothing(self, api: Api) -> None:
        api.tenant("beta")
        recorded = api.call("POST", "/v1/check", json=_check(record=True))
        run_id = recorded.headers["evidence-run"]
        theirs = api.call("GET", "/v1/evidence", tenant="beta", params={"email": EMAIL}).json()
        assert theirs["decisions"] == []
        assert theirs["runs"] == []
        assert api.call("GET", f"/v1/evidence/runs/{run_id}", tenant="beta").status_code == 404

    def test_exactly_one_person(self, api: Api) -> None:
        assert api.call("GET", "/v1/evidence").status_code in (400, 422)
        both = api.call("GET", "/v1/evidence", params={"email": EMAIL, "phone": PHONE})
        assert both.status_code in (400, 422)
        assert api.call("GET", "/v1/evidence/runs/nonsense").status_code in (400, 422)


def _campaign() -> Any:
    from lawfulreach.schema import parse_campaign

    return parse_campaign({"name": "Evidence launch", "lia": "passed", "legal_entity": "Acme Ltd"})
