"""Issue 10, item 1, through the HTTP API: a marketer key cannot make a consent outrank later
opt-outs by dating it ahead, and no claimed time makes the server fail (422, never 500)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from api_support import Api

CONTACT = {"email": "jana.novak@firma.de", "name": "Jana Novak", "company": "Firma GmbH", "country": "DE"}
SUBJECT = {"email": "jana.novak@firma.de"}
WRITES: dict[str, dict[str, Any]] = {
    "/v1/consents": {**SUBJECT, "channel": "email", "purpose": "marketing", "method": "web_form", "confirmed": True},
    "/v1/consents/withdraw": {**SUBJECT, "channel": "email"},
    "/v1/opt-outs": {**SUBJECT, "channel": "all"},
}


def outcome(api: Api, **extra: Any) -> tuple[str, list[str]]:
    body = api.call("POST", "/v1/check", json={"contact": CONTACT, "channel": "email", **extra}).json()
    return body["outcome"], [r["code"] for r in body["reasons"]]


def _iso(api: Api, **delta: float) -> str:
    return (api.clock.now + timedelta(**delta)).isoformat()


def test_a_consent_dated_ahead_is_outranked_by_every_later_opt_out(api: Api) -> None:
    consent = {**WRITES["/v1/consents"], "occurred_at": _iso(api, minutes=4)}
    assert api.call("POST", "/v1/consents", role="marketer", json=consent).status_code == 201
    campaign = {"campaign": {"lia": "passed"}}
    assert outcome(api, **campaign)[0] == "allowed"
    # The recipient clicks the one-click link of the next message, a minute later.
    api.clock.advance(minutes=1)
    link = api.call("POST", "/v1/unsubscribe-links", role="marketer", json=SUBJECT).json()
    assert api.client.post(f"/u/{link['token']}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    blocked = outcome(api, **campaign)
    assert blocked[0] == "blocked"
    assert "opted_out" in blocked[1]


@pytest.mark.parametrize(
    "claimed",
    [
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59Z",
        "2026-11-25T12:10:00Z",  # ten minutes ahead of the server's clock
        "not a time",
    ],
)
@pytest.mark.parametrize("path", sorted(WRITES))
def test_times_that_cannot_be_recorded_are_a_422(api: Api, path: str, claimed: str) -> None:
    response = api.call("POST", path, role="marketer", json={**WRITES[path], "occurred_at": claimed})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    history = api.call("POST", "/v1/ledger/history", json=SUBJECT).json()
    assert history["events"] == []


def test_a_time_within_the_allowed_skew_is_recorded(api: Api) -> None:
    body = {**WRITES["/v1/opt-outs"], "occurred_at": _iso(api, minutes=5)}
    recorded = api.call("POST", "/v1/opt-outs", json=body)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["occurred_at"] == "2026-11-25T12:05:00Z"
