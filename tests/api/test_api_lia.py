"""Legitimate interests assessments over HTTP: answered for a stored campaign, read back, scored like the
CLI; the stored campaign's LIA follows its assessment; roles and tenants as everywhere."""

from __future__ import annotations

from typing import Any

from api_support import Api
from lawfulreach.store.lia import LiaRepo
from lia_support import PASSING


def nested(flat: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for qid, value in flat.items():
        section, name = qid.split(".", 1)
        out.setdefault(section, {})[name] = value
    return out


def test_answer_read_back_and_approve(api: Api) -> None:
    assert api.call("PUT", "/v1/campaigns/q1", json={"legal_entity": "Northwind Ltd"}).status_code == 201
    made = api.call("POST", "/v1/campaigns/q1/lia", role="compliance", json=nested(PASSING))
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["outcome"], body["version"], body["integrity"]) == ("passed", 1, "intact")
    assert body["actor"].startswith("api key ")
    assert api.call("GET", "/v1/campaigns/q1", role="readonly").json()["lia"] == "missing"  # not approved
    LiaRepo(api.workspace().scope).approve(body["id"], "Dana Officer")
    read = api.call("GET", f"/v1/lia/{body['id']}", role="readonly").json()
    assert (read["version"], read["approved_by"]) == (2, "Dana Officer")
    assert api.call("GET", f"/v1/lia/{body['id']}?version=1").json()["approved_by"] is None
    assert api.call("GET", "/v1/campaigns/q1").json()["lia"] == "passed"


def test_failing_and_incomplete_answers(api: Api) -> None:
    api.call("PUT", "/v1/campaigns/q1", json={}).raise_for_status()
    failed = api.call("POST", "/v1/campaigns/q1/lia", json={"balancing": {"opt_out_in_every_message": False}}).json()
    assert failed["outcome"] == "failed"
    assert failed["reasons"][0]["code"] == "no_opt_out"
    assert {r["code"] for r in failed["reasons"][1:]} == {"unanswered"}
    empty = api.call("POST", "/v1/campaigns/q1/lia", json={}).json()
    assert (empty["outcome"], empty["version"]) == ("needs_review", 2)


def test_refusals(api: Api) -> None:
    api.call("PUT", "/v1/campaigns/q1", json={}).raise_for_status()
    unknown = api.call("POST", "/v1/campaigns/q1/lia", json={"balancing": {"opt_out_in_every_mesage": True}})
    assert unknown.status_code == 422
    bad = api.call("POST", "/v1/campaigns/q1/lia", json={"balancing": {"capacity": "sometimes"}})
    assert bad.status_code == 422
    assert api.call("POST", "/v1/campaigns/nope/lia", json={}).status_code == 404
    assert api.call("GET", "/v1/lia/lia_nope").status_code == 404
    assert api.call("POST", "/v1/campaigns/q1/lia", role="marketer", json={}).status_code == 403
    assert api.call("POST", "/v1/campaigns/q1/archive").status_code == 200
    archived = api.call("POST", "/v1/campaigns/q1/lia", json={})
    assert (archived.status_code, archived.json()["type"]) == (409, "urn:lawfulreach:problem:conflict")


def test_an_expired_assessment_blocks_checks_naming_the_date(api: Api) -> None:
    """Frozen clock: a check with the stored campaign is allowed until the review date, then blocked by
    ``lia_missing`` whose message says the assessment expired on that date."""
    api.call("PUT", "/v1/campaigns/q1", json={"legal_entity": "Northwind Ltd"}).raise_for_status()
    made = api.call("POST", "/v1/campaigns/q1/lia", json=nested(PASSING)).json()
    approved = LiaRepo(api.workspace().scope).approve(made["id"], "Dana Officer")
    request = {
        "contact": {"email": "jane.doe@acme.co.uk", "name": "Jane Doe", "company": "Acme Ltd"},
        "channel": "email",
        "campaign": "q1",
    }
    assert api.call("POST", "/v1/check", json=request).json()["outcome"] == "allowed"
    api.clock.advance(days=365)
    decision = api.call("POST", "/v1/check", json=request).json()
    assert decision["outcome"] == "blocked"
    reason = next(r for r in decision["reasons"] if r["code"] == "lia_missing")
    assert approved.review_due is not None
    assert f"the assessment expired on {approved.review_due.isoformat()}" in reason["message"]
