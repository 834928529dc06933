"""The public pages and their tokens: unsubscribe (RFC 8058 one-click), preference centre, privacy
requests with a one-time verification link. Driven in-process here; ``test_api_browser`` drives the
same pages in a real browser."""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from api_support import ORIGIN, Api
from lawfulreach.api.config import Limits
from lawfulreach.api.ratelimit import Rate
from lawfulreach.store.intake import PrivacyIntake
from lawfulreach.store.subjects import Subject
from lawfulreach.store.suppression import Entry
from lawfulreach.unsubscribe import (
    HeaderValueError,
    InvalidTokenError,
    Recipient,
    TokenCodec,
    list_unsubscribe_headers,
)

EMAIL = "jana.novak@firma.de"
ONE_CLICK = {"List-Unsubscribe": "One-Click"}
#: what a browser sends with a form posted from the page itself (the harness's default, said explicitly)
SAME_ORIGIN = {"Origin": ORIGIN}


def link(api: Api, tenant: str = "default", **body: Any) -> dict[str, Any]:
    response = api.call("POST", "/v1/unsubscribe-links", tenant=tenant, json=body or {"email": EMAIL})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def check(api: Api, channel: str = "email", tenant: str = "default", email: str = EMAIL) -> dict[str, Any]:
    contact = {"email": email, "phone": "+44 20 7946 0018", "company": "Firma GmbH"}
    body = {"contact": contact, "channel": channel, "consent": {"status": "confirmed"}}
    result: dict[str, Any] = api.call("POST", "/v1/check", tenant=tenant, json=body).json()
    return result


def intake_rows(api: Api, tenant: str = "default") -> int:
    """Rows the form left in the intake table (pending or handed over)."""
    with api.workspace(tenant).scope.reading() as session:
        return int(session.scalar(select(func.count()).select_from(PrivacyIntake)) or 0)


def events(api: Api, email: str = EMAIL, tenant: str = "default") -> list[tuple[str, str]]:
    return [(e.event, e.channel) for e in api.workspace(tenant).ledger.history(Subject("email", email))]


class TestTokens:
    """Tokens: unforgeable, unalterable, opaque, stable, bound to one workspace and tenant."""

    codec = TokenCodec(b"k" * 32)

    def test_a_token_round_trips_and_is_stable(self) -> None:
        r = Recipient(7, "email", EMAIL, "email")
        token = self.codec.issue(r)
        assert self.codec.read(token) == r
        assert self.codec.issue(r) == token
        assert self.codec.issue(Recipient(8, "email", EMAIL, "email")) != token
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)

    def test_a_token_does_not_reveal_the_address(self) -> None:
        token = self.codec.issue(Recipient(7, "email", EMAIL, "email"))
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        for part in (EMAIL, "jana", "firma", "novak"):
            assert part.encode() not in raw
            assert part not in token

    def test_every_altered_token_is_rejected(self) -> None:
        token = self.codec.issue(Recipient(7, "email", EMAIL, "all"))
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        for i in range(len(token)):
            for replacement in {
                alphabet[(alphabet.index(token[i]) + 1) % 64],
                alphabet[(alphabet.index(token[i]) + 32) % 64],
            }:
                altered = token[:i] + replacement + token[i + 1 :]
                with pytest.raises(InvalidTokenError):
                    self.codec.read(altered)

    @pytest.mark.parametrize(
        "forged",
        ["", "x", "A" * 40, "AQ" + "A" * 60, "!!!!", "a" * 700, "AbINyCd41gYMLu-JEORghh5-7B6jZD7ZABTPp00VnP6g99w"],
    )
    def test_forged_tokens_are_rejected(self, forged: str) -> None:
        with pytest.raises(InvalidTokenError):
            self.codec.read(forged)

    def test_a_token_of_another_workspace_is_rejected(self) -> None:
        other = TokenCodec(b"o" * 32).issue(Recipient(7, "email", EMAIL, "email"))
        with pytest.raises(InvalidTokenError):
            self.codec.read(other)

    def test_headers_follow_rfc_8058(self) -> None:
        headers = list_unsubscribe_headers("https://optout.example/u/T", "unsubscribe@example.com")
        assert headers == {
            "List-Unsubscribe": "<https://optout.example/u/T>, <mailto:unsubscribe@example.com?subject=unsubscribe>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }


class TestHeaderInjection:
    """Issue 10: nothing a caller passes may end the header, add one, or smuggle in another URI."""

    URL = "https://optout.example/u/T"

    @pytest.mark.parametrize(
        "mailto",
        [
            "unsubscribe@example.com>\r\nBcc: victim@elsewhere.example",
            "unsubscribe@example.com\nX-Injected: 1",
            "unsubscribe@example.com>, <https://evil.example/x",
            "<https://evil.example/x",
            "unsubscribe@example.com%0D%0ABcc:%20v@elsewhere.example",
            "unsubscribe@example.com%3E",
            '"a>b"@example.com',
            "Unsubscribe <unsubscribe@example.com>",
            "unsubscribe@example.com?cc=boss@example.com",
            "unsubscribe@example.com?subject=a&subject=b",
            "unsubscribe@example.com?subject=a%0D%0ABcc:%20x@y.example",
            "not-an-address",
            "a@b",
            "",
        ],
    )
    def test_hostile_mailto_is_refused(self, mailto: str) -> None:
        with pytest.raises(HeaderValueError):
            list_unsubscribe_headers(self.URL, mailto or " ")

    @pytest.mark.parametrize(
        ("mailto", "uri"),
        [
            ("unsubscribe@example.com", "mailto:unsubscribe@example.com?subject=unsubscribe"),
            ("MAILTO:unsubscribe@example.com", "mailto:unsubscribe@example.com?subject=unsubscribe"),
            ("unsubscribe@example.com?subject=stop", "mailto:unsubscribe@example.com?subject=stop"),
            ("u@example.com?subject=stop%20me&body=a,b", "mailto:u@example.com?subject=stop%20me&body=a%2Cb"),
            ("list+unsub@example.com", "mailto:list+unsub@example.com?subject=unsubscribe"),
            ("a%25b@example.com", "mailto:a%25b@example.com?subject=unsubscribe"),
            ("u@bücher.example", "mailto:u@xn--bcher-kva.example?subject=unsubscribe"),
        ],
    )
    def test_mailto_is_validated_encoded_and_its_query_never_doubled(self, mailto: str, uri: str) -> None:
        headers = list_unsubscribe_headers(self.URL, mailto)
        assert headers["List-Unsubscribe"] == f"<{self.URL}>, <{uri}>"
        assert headers["List-Unsubscribe"].count("?") == 1

    @pytest.mark.parametrize(
        "url",
        [
            "http://optout.example/u/T",
            "https://optout.example/u/T>, <https://evil.example",
            "https://optout.example/u/T\r\nBcc: x@y.example",
            "javascript:alert(1)",
            "https:///u/T",
        ],
    )
    def test_a_url_that_is_not_plain_https_is_refused(self, url: str) -> None:
        with pytest.raises(HeaderValueError):
            list_unsubscribe_headers(url)

    def test_http_only_with_the_development_flag(self) -> None:
        url = "http://127.0.0.1:8000/u/T"
        assert list_unsubscribe_headers(url, allow_http=True)["List-Unsubscribe"] == f"<{url}>"

    @pytest.mark.parametrize("mailto", ["u@x.example>\r\nBcc: v@y.example", "<https://evil.example/", "nope"])
    def test_the_api_answers_422_and_issues_nothing(self, api: Api, mailto: str) -> None:
        response = api.call("POST", "/v1/unsubscribe-links", json={"email": EMAIL, "mailto": mailto})
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "token" not in response.json()

    def test_the_api_refuses_http_links_without_the_development_flag(self, make_api: Any) -> None:
        api = make_api(public_url="http://optout.example")
        response = api.call("POST", "/v1/unsubscribe-links", json={"email": EMAIL})
        assert response.status_code == 422
        assert "https" in response.json()["detail"]
        dev = make_api(public_url="http://127.0.0.1:8000", allow_http_links=True)
        assert dev.call("POST", "/v1/unsubscribe-links", json={"email": EMAIL}).status_code == 200


class TestUnsubscribe:
    def test_get_asks_and_changes_nothing(self, api: Api) -> None:
        data = link(api)
        assert data["unsubscribe_url"].startswith("https://optout.example.test/u/")
        page = api.client.get(f"/u/{data['token']}")
        assert page.status_code == 200
        assert "Unsubscribe?" in page.text
        assert "j•••@firma.de" in page.text
        assert EMAIL not in page.text
        assert events(api) == []
        assert check(api)["outcome"] == "allowed"

    def test_one_click_post_blocks_the_very_next_check_and_is_idempotent(self, api: Api) -> None:
        data = link(api)
        assert data["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert check(api)["outcome"] == "allowed"
        first = api.client.post(f"/u/{data['token']}", data=ONE_CLICK)
        assert first.status_code == 200
        assert "You are unsubscribed" in first.text
        blocked = check(api)
        assert blocked["outcome"] == "blocked"
        assert "opted_out" in [r["code"] for r in blocked["reasons"]]
        assert check(api, "sms")["outcome"] == "allowed"  # an email link opts out of email
        for _ in range(3):
            again = api.client.post(f"/u/{data['token']}", data=ONE_CLICK)
            assert again.status_code == 200
            assert again.text == first.text
        assert events(api) == [("opt_out", "email")]

    def test_a_multipart_one_click_post_works_too(self, api: Api) -> None:
        data = link(api, email=EMAIL, channel="all")
        response = api.client.post(f"/u/{data['token']}", files={"List-Unsubscribe": (None, "One-Click")})
        assert response.status_code == 200
        assert events(api) == [("opt_out", "all")]
        assert check(api, "post")["outcome"] == "blocked"

    def test_forged_and_altered_tokens_get_a_page_and_record_nothing(self, api: Api) -> None:
        token = link(api)["token"]
        altered = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
        for bad in (altered, token[:-3], "forged-token", TokenCodec(b"z" * 32).issue(Recipient(1, "email", EMAIL))):
            for method in ("GET", "POST"):
                response = api.client.request(method, f"/u/{bad}", data=ONE_CLICK if method == "POST" else None)
                assert response.status_code == 404, bad
                assert "This link is not valid" in response.text
                assert response.headers["content-type"].startswith("text/html")
        assert events(api) == []

    def test_a_token_acts_only_in_its_own_tenant(self, api: Api) -> None:
        api.tenant("acme")
        token = link(api, tenant="acme")["token"]
        api.client.post(f"/u/{token}", data=ONE_CLICK).raise_for_status()
        assert events(api, tenant="acme") == [("opt_out", "email")]
        assert events(api) == []
        assert check(api, tenant="acme")["outcome"] == "blocked"
        assert check(api)["outcome"] == "allowed"

    def test_an_erased_person_sees_the_same_page(self, api: Api) -> None:
        known = link(api, email="known@firma.de")["token"]
        erased = link(api, email="gone@firma.de")["token"]
        api.workspace().erase([Subject("email", "gone@firma.de")])
        a = api.client.post(f"/u/{known}", data=ONE_CLICK)
        b = api.client.post(f"/u/{erased}", data=ONE_CLICK)
        assert a.status_code == b.status_code == 200
        assert a.text.replace(known, "T") == b.text.replace(erased, "T")
        assert check(api, email="gone@firma.de")["outcome"] == "blocked"

    def test_no_page_reveals_whether_an_address_is_known(self, api: Api) -> None:
        ws = api.workspace()
        ws.suppressions.add(Entry("email", "kim@firma.de"))
        ws.ledger.record_consent(Subject("email", "kim@firma.de"), "email", "marketing", "web_form")
        ws.ledger.opt_out(Subject("email", "kim@firma.de"), "sms")
        known, unknown = link(api, email="kim@firma.de")["token"], link(api, email="kay@firma.de")["token"]
        for suffix in ("", "/preferences"):
            a = api.client.get(f"/u/{known}{suffix}").text.replace(known, "T")
            b = api.client.get(f"/u/{unknown}{suffix}").text.replace(unknown, "T")
            assert a == b
        a = api.client.post(f"/u/{known}/preferences", data={"channel": ["sms", "call"]}).text.replace(known, "T")
        b = api.client.post(f"/u/{unknown}/preferences", data={"channel": ["sms", "call"]}).text.replace(unknown, "T")
        assert a == b


class TestPreferences:
    def test_shows_who_holds_the_data_and_why(self, api: Api) -> None:
        api.call(
            "PUT",
            "/v1/organisation",
            json={
                "organisation": "Northwind Analytics Ltd",
                "purpose": "To tell businesses about Northwind's analytics software.",
                "privacy_notice_url": "https://northwind.example/privacy",
                "contact_email": "privacy@northwind.example",
            },
        ).raise_for_status()
        page = api.client.get(f"/u/{link(api)['token']}/preferences")
        assert page.status_code == 200
        for text in ("Northwind Analytics Ltd", "analytics software", 'href="https://northwind.example/privacy"'):
            assert text in page.text
        assert 'rel="noreferrer noopener"' in page.text

    def test_per_channel_and_everything(self, api: Api) -> None:
        token = link(api)["token"]
        saved = api.client.post(f"/u/{token}/preferences", data={"channel": ["sms", "call"]})
        assert saved.status_code == 200
        assert "Text messages (SMS), Phone calls" in saved.text
        assert check(api, "sms")["outcome"] == "blocked"
        assert check(api, "email")["outcome"] == "allowed"
        api.client.post(f"/u/{token}/preferences", data={"everything": "1"}).raise_for_status()
        for channel in ("email", "post", "automated_call"):
            assert check(api, channel)["outcome"] == "blocked"
        assert sorted(events(api)) == [("opt_out", "all"), ("opt_out", "call"), ("opt_out", "sms")]

    def test_nothing_chosen_is_a_form_error(self, api: Api) -> None:
        page = api.client.post(f"/u/{link(api)['token']}/preferences", data={"channel": ["fax"]})
        assert page.status_code == 422
        assert 'role="alert"' in page.text
        assert events(api) == []


class TestPrivacyRequests:
    def submit(self, api: Api, path: str = "/privacy-request", **form: str) -> Any:
        return api.client.post(path, data={"request_type": "access", "email": EMAIL, **form})

    def mailed_link(self, api: Api) -> str:
        text = api.mailer.messages[-1].get_content()
        found = re.search(r"https://optout\.example\.test(\S+/verify/\S+)", text)
        assert found, text
        return found.group(1)

    def test_a_request_enters_the_queue_only_once_the_address_is_verified(self, api: Api) -> None:
        form = api.client.get("/privacy-request")
        assert form.status_code == 200
        assert 'name="request_type"' in form.text
        sent = self.submit(api, name="Jana Novak", details="Everything please")
        assert sent.status_code == 200
        assert "Check your email" in sent.text
        assert len(api.mailer.messages) == 1
        assert api.mailer.messages[0]["To"] == EMAIL
        path = self.mailed_link(api)
        assert api.call("GET", "/v1/privacy-requests").json() == []  # not in the workflow until verified
        confirm = api.client.get(path)  # a mail scanner's GET changes nothing
        assert confirm.status_code == 200
        assert "Confirm my request" in confirm.text
        assert api.call("GET", "/v1/privacy-requests").json() == []
        done = api.client.post(path)
        assert done.status_code == 200
        assert "Your request is confirmed" in done.text
        assert "request 1" in done.text
        listed = api.call("GET", "/v1/privacy-requests").json()
        assert [(r["number"], r["status"], r["type"], r["subject"], r["via_form"]) for r in listed] == [
            (1, "verified", "access", EMAIL, True)
        ]
        assert listed[0]["received_at"] == "2026-11-25T12:00:00Z"  # when the form was sent
        one = api.call("GET", "/v1/privacy-requests/1").json()
        assert (one["name"], one["details"]) == ("Jana Novak", "Everything please")
        assert api.workspace().requests.get(1).verified_at is not None

    def test_a_replayed_or_expired_link_is_rejected(self, api: Api) -> None:
        self.submit(api)
        path = self.mailed_link(api)
        assert api.client.post(path).status_code == 200
        replay = api.client.post(path)
        assert replay.status_code == 404
        assert "This link is not valid" in replay.text
        self.submit(api, request_type="erasure")
        late = self.mailed_link(api)
        api.clock.advance(hours=25)
        assert api.client.post(late).status_code == 404
        assert api.client.post(late.replace("/verify/", "/verify/x")).status_code == 404
        assert [r["type"] for r in api.call("GET", "/v1/privacy-requests").json()] == ["access"]

    def test_a_verified_objection_stops_all_marketing_at_once(self, api: Api) -> None:
        self.submit(api, request_type="objection")
        assert check(api)["outcome"] == "allowed"
        api.client.post(self.mailed_link(api)).raise_for_status()
        for channel in ("email", "sms", "post"):
            assert check(api, channel)["outcome"] == "blocked"
        assert events(api) == [("objection", "all")]

    def test_form_errors_are_shown_and_nothing_is_stored(self, api: Api) -> None:
        page = api.client.post("/privacy-request", data={"email": "not an address"})
        assert page.status_code == 422
        assert "Choose what you would like us to do." in page.text
        page = api.client.post("/privacy-request", data={"request_type": "access", "email": "not an address"})
        assert page.status_code == 422
        assert 'aria-invalid="true"' in page.text
        assert "not an address" in page.text  # the value is kept for correcting
        assert api.mailer.messages == []
        assert intake_rows(api) == 0

    def test_the_answer_is_the_same_for_known_and_unknown_addresses(self, api: Api) -> None:
        api.workspace().suppressions.add(Entry("email", "known@firma.de"))
        a = self.submit(api, email="known@firma.de")
        b = self.submit(api, email="stranger@elsewhere.example")
        assert a.status_code == b.status_code == 200
        assert a.text == b.text

    def test_one_address_gets_few_mails_whatever_is_sent(self, make_api: Any) -> None:
        api = make_api(limits=Limits(intake_per_address=Rate(2, 86_400), intake_per_ip=Rate(100, 60)))
        pages = [self.submit(api).text for _ in range(4)]
        assert len(set(pages)) == 1
        assert len(api.mailer.messages) == 2

    def test_other_tenants_have_their_own_form(self, api: Api) -> None:
        api.tenant("acme")
        assert api.client.get("/t/acme/privacy-request").status_code == 200
        self.submit(api, "/t/acme/privacy-request")
        path = self.mailed_link(api)
        assert path.startswith("/t/acme/privacy-request/verify/")
        api.client.post(path).raise_for_status()
        assert len(api.call("GET", "/v1/privacy-requests", tenant="acme").json()) == 1
        assert api.call("GET", "/v1/privacy-requests").json() == []
        missing = api.client.get("/t/nobody/privacy-request")
        assert missing.status_code == 404
        assert "There is nothing at this address." in missing.text
        assert "tenant add" not in missing.text


class TestLimitsAndHeaders:
    def test_pages_are_rate_limited_per_token_and_per_address(self, make_api: Any) -> None:
        api = make_api(limits=Limits(page_per_token=Rate(2, 60), page_per_ip=Rate(5, 60)))
        token = link(api)["token"]
        assert [api.client.get(f"/u/{token}").status_code for _ in range(3)] == [200, 200, 429]
        limited = api.client.get(f"/u/{token}")
        assert limited.headers["retry-after"].isdigit()
        assert "Too many requests" in limited.text
        other = link(api, email="other@firma.de")["token"]
        statuses = [api.client.get(f"/u/{other}/preferences").status_code for _ in range(2)]
        assert statuses == [200, 429]  # the address's 5 are used up

    def test_a_500_one_click_burst_from_one_address_is_all_recorded(self, make_api: Any) -> None:
        """Issue 10: a mailbox provider sends its users' one-click POSTs from one address. With the
        production limits, 500 of them (for 500 recipients) are all answered 2xx and all recorded."""
        api = make_api(limits=Limits())
        tokens = [
            api.backend.tokens.issue(Recipient(api.workspace().scope.tenant_id, "email", f"r{i}@firma.de", "email"))
            for i in range(500)
        ]
        statuses = [api.client.post(f"/u/{t}", data=ONE_CLICK).status_code for t in tokens]
        assert [s for s in statuses if not 200 <= s < 300] == []
        opted = api.workspace().ledger.current([f"r{i}@firma.de" for i in range(500)]).opt_outs
        assert len(opted) == 500
        assert all(channels == {"email"} for channels in opted.values())

    def test_a_500_repeat_burst_of_one_token_is_accepted_and_written_once(self, make_api: Any) -> None:
        """The same POST again and again (a provider retrying): always accepted, one ledger row and
        one audit entry — the database is protected by idempotency, not by refusing opt-outs. The
        preference centre's "stop everything" likewise."""
        api = make_api(limits=Limits())
        token = link(api)["token"]
        statuses = [api.client.post(f"/u/{token}", data=ONE_CLICK).status_code for _ in range(500)]
        assert set(statuses) == {200}
        assert events(api) == [("opt_out", "email")]
        stop = [
            api.client.post(f"/u/{token}/preferences", data={"everything": "1"}, headers=SAME_ORIGIN).status_code
            for _ in range(200)
        ]
        assert set(stop) == {200}
        assert events(api) == [("opt_out", "email"), ("opt_out", "all")]
        acts = [e.act for e in api.workspace().audit_show()]
        assert acts.count("ledger.opt_out") == 2

    def test_a_repeat_after_the_window_is_recorded_afresh(self, api: Api) -> None:
        token = link(api)["token"]
        api.client.post(f"/u/{token}", data=ONE_CLICK).raise_for_status()
        api.clock.advance(minutes=59)
        api.client.post(f"/u/{token}", data=ONE_CLICK).raise_for_status()
        assert events(api) == [("opt_out", "email")]
        api.clock.advance(minutes=2)
        api.client.post(f"/u/{token}", data=ONE_CLICK).raise_for_status()
        assert events(api) == [("opt_out", "email")] * 2

    def test_a_consent_between_two_clicks_does_not_swallow_the_second(self, api: Api) -> None:
        token = link(api)["token"]
        api.client.post(f"/u/{token}", data=ONE_CLICK).raise_for_status()
        api.call(
            "POST",
            "/v1/consents",
            json={"email": EMAIL, "channel": "email", "purpose": "marketing", "method": "web_form", "confirmed": True},
        ).raise_for_status()
        assert check(api)["outcome"] == "allowed"
        api.client.post(f"/u/{token}", data=ONE_CLICK).raise_for_status()
        assert check(api)["outcome"] == "blocked"

    def test_invalid_tokens_are_still_rate_limited(self, make_api: Any) -> None:
        api = make_api(limits=Limits(page_per_ip=Rate(3, 60)))
        statuses = [api.client.post("/u/" + "A" * 40, data=ONE_CLICK).status_code for _ in range(4)]
        assert statuses == [404, 404, 404, 429]
        token = link(api)["token"]
        assert api.client.post(f"/u/{token}", data=ONE_CLICK).status_code == 200  # a valid one never is

    def test_failed_api_keys_are_rate_limited(self, make_api: Any) -> None:
        api = make_api(limits=Limits(auth_failures_per_ip=Rate(3, 60)))
        bad = {"Authorization": "Bearer lr_000000000000_" + "A" * 43}
        statuses = [api.client.get("/v1/me", headers=bad).status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        assert api.client.get("/v1/me", headers=api.auth()).status_code == 200

    def test_security_headers(self, api: Api) -> None:
        page = api.client.get(f"/u/{link(api)['token']}")
        assert "script-src" not in page.headers["content-security-policy"]
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["cache-control"] == "no-store"
        assert "<script" not in page.text
        css = api.client.get("/static/pages.css")
        assert css.status_code == 200
        assert css.headers["content-type"].startswith("text/css")
        api_response = api.call("GET", "/v1/me")
        assert api_response.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" not in api_response.headers


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    segment=st.text(min_size=1, max_size=60).filter(lambda s: "/" not in s and s not in (".", "..")),
    value=st.text(max_size=80),
    kind=st.sampled_from(["token", "prefs", "verify", "tenant", "form"]),
)
def test_odd_input_never_makes_a_page_fail(shared_api: Api, segment: str, value: str, kind: str) -> None:
    """Whatever arrives at a public page — any path segment, any form value — the answer is a page
    or a problem, never a server error."""
    api = shared_api
    quoted = quote(segment, safe="")
    if kind == "token":
        responses = [api.client.get(f"/u/{quoted}"), api.client.post(f"/u/{quoted}", data={"x": value})]
    elif kind == "prefs":
        responses = [api.client.post(f"/u/{quoted}/preferences", data={"channel": [value], "everything": value})]
    elif kind == "verify":
        responses = [api.client.post(f"/privacy-request/verify/{quoted}")]
    elif kind == "tenant":
        responses = [api.client.get(f"/t/{quoted}/privacy-request")]
    else:
        form = {"request_type": value, "email": value, "name": value, "details": value}
        responses = [api.client.post("/privacy-request", data=form)]
    for response in responses:
        assert response.status_code < 500, (kind, segment, value, response.text[:300])


def test_an_oversized_body_is_413(make_api: Any) -> None:
    api = make_api(max_body_bytes=2_000)
    big = {"requests": [{"contact": {"email": f"p{i}@example.com"}, "channel": "email"} for i in range(100)]}
    response = api.call("POST", "/v1/check/batch", json=big)
    assert response.status_code == 413
    assert response.json()["type"] == "urn:lawfulreach:problem:too-large"
    page = api.client.post("/privacy-request", data={"details": "x" * 5_000})
    assert page.status_code == 413
    assert page.headers["content-type"].startswith("text/html")


def test_a_mail_that_cannot_be_sent_keeps_nothing(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from lawfulreach.messaging import MailError

    def broken(message: Any) -> None:
        raise MailError("cannot send mail through smtp.example:587: ConnectionRefusedError")

    monkeypatch.setattr(api.mailer, "send", broken)
    page = api.client.post("/privacy-request", data={"request_type": "access", "email": EMAIL})
    assert page.status_code == 503
    assert "Nothing was sent" in page.text
    assert "smtp.example" not in page.text
    assert intake_rows(api) == 0


class TestPublicFormsAndActors:
    """Issue 10, item 7: the public forms refuse posts from other sites (CSRF) — except the RFC 8058
    one-click POST — and opt-outs made on the pages name the page in the audit trail."""

    EVIL = "https://evil.example"

    @staticmethod
    def bare(api: Api) -> TestClient:
        """A client that sends no Origin (as a browser behind ``Referrer-Policy: no-referrer`` may not)."""
        return TestClient(api.client.app, raise_server_exceptions=False, base_url="http://testserver")

    def _forms(self, api: Api) -> list[tuple[str, dict[str, Any]]]:
        token = link(api)["token"]
        api.client.post("/privacy-request", data={"request_type": "access", "email": EMAIL}).raise_for_status()
        text = api.mailer.messages[-1].get_content()
        found = re.search(r"https://optout\.example\.test(\S+/verify/\S+)", text)
        assert found
        return [
            (f"/u/{token}/preferences", {"everything": "1"}),
            ("/privacy-request", {"request_type": "erasure", "email": "other@firma.de"}),
            (found.group(1), {}),
        ]

    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": EVIL},
            {"Origin": "http://testserver.evil.example"},
            {"Referer": EVIL + "/page"},
            {},  # neither, and no form token
            {"Origin": "null"},
        ],
    )
    def test_a_form_posted_from_elsewhere_is_refused_and_changes_nothing(
        self, api: Api, headers: dict[str, str]
    ) -> None:
        forms = self._forms(api)
        mails = len(api.mailer.messages)
        client = self.bare(api)
        for path, data in forms:
            response = client.post(path, data=data, headers=headers)
            assert response.status_code == 403, (path, response.text)
            assert "sent from its own page" in response.text
        assert events(api) == []
        assert len(api.mailer.messages) == mails
        assert api.call("GET", "/v1/privacy-requests").json() == []

    def test_the_page_form_token_stands_in_for_origin(self, api: Api) -> None:
        """A browser that sends ``Origin: null`` (our pages' no-referrer policy) and no Referer: the
        form's hidden token matches its ``SameSite=Strict`` cookie, and the post goes through."""
        client = self.bare(api)
        token = link(api)["token"]
        page = client.get(f"/u/{token}/preferences")
        cookie = page.headers["set-cookie"]
        assert "lr_form=" in cookie
        assert "samesite=strict" in cookie.lower()
        assert "httponly" in cookie.lower()
        found = re.search(r'name="form_token" value="([^"]+)"', page.text)
        assert found
        wrong = client.post(
            f"/u/{token}/preferences", data={"everything": "1", "form_token": "x" * 43}, headers={"Origin": "null"}
        )
        assert wrong.status_code == 403
        saved = client.post(
            f"/u/{token}/preferences",
            data={"everything": "1", "form_token": found.group(1)},
            headers={"Origin": "null"},
        )
        assert saved.status_code == 200, saved.text
        assert events(api) == [("opt_out", "all")]

    def test_the_public_url_is_an_accepted_origin(self, api: Api) -> None:
        token = link(api)["token"]
        response = self.bare(api).post(
            f"/u/{token}/preferences", data={"channel": ["sms"]}, headers={"Origin": "https://optout.example.test"}
        )
        assert response.status_code == 200
        assert events(api) == [("opt_out", "sms")]

    def test_the_one_click_post_needs_no_origin_and_ignores_a_foreign_one(self, api: Api) -> None:
        token = link(api)["token"]
        assert self.bare(api).post(f"/u/{token}", data=ONE_CLICK).status_code == 200
        other = link(api, email="other@firma.de")["token"]
        assert self.bare(api).post(f"/u/{other}", data=ONE_CLICK, headers={"Origin": self.EVIL}).status_code == 200
        assert events(api) == [("opt_out", "email")]
        assert events(api, "other@firma.de") == [("opt_out", "email")]

    def test_opt_outs_from_the_pages_name_the_page_as_actor(self, api: Api) -> None:
        token = link(api)["token"]
        api.client.post(f"/u/{token}", data=ONE_CLICK).raise_for_status()
        sms = link(api, email="other@firma.de")["token"]
        api.client.post(f"/u/{sms}/preferences", data={"channel": ["sms"]}).raise_for_status()
        entries = [(e.actor, e.act) for e in api.workspace().audit_show(act="ledger")]
        assert entries == [("one-click unsubscribe", "ledger.opt_out"), ("preference centre", "ledger.opt_out")]
        server_user = api.workspace().scope.actor
        assert server_user not in {actor for actor, _ in entries}
