"""``POST /v1/inbound``: a raw message as inbound-mail webhooks post it (``message/rfc822``), or JSON;
the classification and the effect in the answer, recorded once; compliance and admin only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api_support import Api
from lawfulreach.domain.vocabulary import Channel

CORPUS = Path(__file__).parent.parent / "fixtures" / "inbound"
REPLY = (
    b"From: Lea Wolf <Lea.Wolf@kunde.example>\r\nTo: sam@seller.example\r\nSubject: AW: Angebot\r\n"
    b"Message-ID: <aw-1@kunde.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Bitte tragen Sie mich aus Ihrem Verteiler aus.\r\n"
)


def _post(api: Api, body: bytes, role: str = "compliance", **params: str) -> Any:
    headers = api.auth(role) | {"Content-Type": "message/rfc822"}
    return api.client.post("/v1/inbound", content=body, headers=headers, params=params)


class TestInbound:
    def test_a_raw_opt_out_reply_is_recorded_at_once(self, api: Api) -> None:
        response = _post(api, REPLY)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["classification"]["kind"] == "opt_out"
        assert body["classification"]["opt_out"] is True
        assert body["recipients"] == ["lea.wolf@kunde.example"]
        assert body["matched_by"] == "sender"
        assert body["effect"]["opted_out"] == ["lea.wolf@kunde.example"]
        assert api.workspace().state().is_opted_out("lea.wolf@kunde.example", None, Channel.CALL)
        again = _post(api, REPLY).json()
        assert again["duplicate"] is True
        assert again["effect"]["opted_out"] == []

    def test_json_and_a_real_bounce(self, api: Api) -> None:
        raw = (CORPUS / "sisimai" / "rfc3464-26.eml").read_bytes().decode("utf-8", "replace")
        response = api.call("POST", "/v1/inbound", role="admin", json={"message": raw})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["classification"]["kind"] == "hard_bounce"
        assert len(body["effect"]["suppressed"]) == 1
        assert [e.source for e in api.workspace().suppressions.entries()] == ["bounce"]

    def test_a_dry_run_changes_nothing(self, api: Api) -> None:
        body = _post(api, REPLY, dry_run="true").json()
        assert body["dry_run"] is True
        assert body["classification"]["kind"] == "opt_out"
        assert not api.workspace().state().is_opted_out("lea.wolf@kunde.example", None, Channel.EMAIL)

    def test_refusals(self, api: Api) -> None:
        assert _post(api, REPLY, role="marketer").status_code == 403
        not_mail = _post(api, b"hello there\n")
        assert not_mail.status_code == 422
        assert "not an email message" in not_mail.json()["detail"]
        wrong = api.client.post(
            "/v1/inbound", content=b"<x/>", headers=api.auth("admin") | {"Content-Type": "application/xml"}
        )
        assert wrong.status_code == 422
        assert _post(api, REPLY, soft_bounce_limit="0").status_code == 422
