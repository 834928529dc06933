"""Checks over HTTP give the CLI's decisions (spec §4): same parser, same service, same tenant state.

The reference is the service exactly as ``lawfulreach check`` builds it — ``Lawfulreach`` over the
store's ``StoreState``, one transaction per question — while the server reads the state of a
request's contacts in one statement (``store.lookup``). Hypothesis draws requests and tenant state
from pools that reach every kind of state (exclusions by email, domain and phone, opt-outs per channel
and ``all``, consent and withdrawals, erasures, registers fresh and stale) and compares whole
decisions: single checks, batch items and the CLI's answer must be equal.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api_support import Api
from lawfulreach.schema import parse_request
from lawfulreach.store.campaigns import CampaignRepo
from lawfulreach.store.subjects import Subject
from lawfulreach.store.suppression import Entry
from lia_support import approved

EMAILS = [
    "jana.novak@firma.de",
    "Jana.Novak+news@FIRMA.de",
    "info@firma.de",
    "sam@sub.acme.co.uk",
    "lee@acme.co.uk",
    "contact@societe.fr",
    "pat@corp.ca",
    "kim@corp.us",
    "ana@empresa.es",
    "not-an-email",
    None,
]
PHONES = ["+44 20 7946 0018", "020 7946 0018", "+49 30 901820", "+1 212 555 0123", "+353 85 123 4567", "12", None]
COMPANIES = ["Firma GmbH", "Acme Ltd", "Jane Smith", None]
CHANNELS = ["email", "sms", "call", "automated_call", "post"]


def contacts() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "email": st.sampled_from(EMAILS),
            "phone": st.sampled_from(PHONES),
            "company": st.sampled_from(COMPANIES),
            "name": st.sampled_from(["Jana Novak", None]),
            "country": st.sampled_from([None, None, "GB", "DE", "US"]),
        }
    ).map(lambda d: {k: v for k, v in d.items() if v is not None})


def requests() -> st.SearchStrategy[dict[str, Any]]:
    consent = st.sampled_from(
        [
            None,
            {"status": "given", "channel": "email"},
            {"status": "confirmed"},
            {"status": "given", "method": "pre_ticked"},
            {"status": "withdrawn", "channel": "sms"},
        ]
    )
    campaign = st.sampled_from(
        [
            None,
            "stored",
            {"lia": "passed", "legal_entity": "Northwind Ltd", "products": ["software"]},
            {"purpose": "service"},
            {"excluded_regions": ["GB"], "lia": "passed"},
        ]
    )
    return st.fixed_dictionaries(
        {
            "contact": contacts(),
            "channel": st.sampled_from(CHANNELS),
            "source": st.sampled_from(["first_party", "third_party"]),
            "consent": consent,
            "campaign": campaign,
        }
    ).map(lambda d: {k: v for k, v in d.items() if v is not None})


STATE_ACTIONS = st.lists(
    st.sampled_from(
        [
            ("suppress", "domain", "firma.de"),
            ("suppress", "domain", "acme.co.uk"),
            ("suppress", "email", "jana.novak@firma.de"),
            ("suppress", "phone", "+442079460018"),
            ("optout", "jana.novak@firma.de", "all"),
            ("optout", "lee@acme.co.uk", "email"),
            ("optout", "+442079460018", "call"),
            ("consent", "jana.novak@firma.de", "email", True),
            ("consent", "pat@corp.ca", "email", False),
            ("consent", "+12125550123", "sms", False),
            ("withdraw", "kim@corp.us", "email"),
            ("erase", "ana@empresa.es"),
            ("erase", "+4930901820"),
            ("dnc", "GB", "TPS", 0),
            ("dnc", "GB", "CTPS", 40),
        ]
    ),
    max_size=6,
    unique=True,
)


def apply(api: Api, tenant: str, actions: list[tuple[Any, ...]]) -> None:
    ws = api.workspace(tenant)
    for action in actions:
        kind = action[0]
        if kind == "suppress":
            ws.suppressions.add(Entry(action[1], action[2]))
        elif kind == "dnc":
            path = api.directory / f"{tenant}-{action[2]}.txt"
            path.write_text("020 7946 0018\n+44 7911 123456\n", encoding="utf-8")
            ws.dnc.load(action[1], action[2], path, as_of=api.clock() - timedelta(days=action[3]))
        else:
            who = Subject("phone" if action[1].startswith("+") else "email", action[1])
            if kind == "optout":
                ws.ledger.opt_out(who, action[2])
            elif kind == "consent":
                ws.ledger.record_consent(who, action[2], "marketing", "web_form", confirmed=action[3])
            elif kind == "withdraw":
                ws.ledger.withdraw(who, action[2])
            else:
                ws.erase([who])


STORED = {"lia": "passed", "excluded_regions": ["US"], "legal_entity": "Northwind Ltd", "products": ["software"]}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=STATE_ACTIONS, batch=st.lists(requests(), min_size=1, max_size=8), n=st.integers(0, 10**9))
def test_single_batch_and_cli_agree(shared_api: Api, actions: list[tuple[Any, ...]], batch: list[Any], n: int) -> None:
    """Single checks, batch items and ``lawfulreach check`` agree on every request and state."""
    api = shared_api
    tenant = api.tenant(f"t{n}-{len(actions)}-{len(batch)}")
    apply(api, tenant, actions)
    assert api.call("PUT", "/v1/campaigns/stored", tenant=tenant, json=STORED).status_code in (200, 201)
    stored = {"stored": CampaignRepo(api.workspace(tenant).scope).get("stored").campaign}
    service = api.cli_service(tenant)
    expected = [service.check(parse_request(r, stored)).to_json() for r in batch]
    singles = [api.call("POST", "/v1/check", tenant=tenant, json=r).json() for r in batch]
    response = api.call("POST", "/v1/check/batch", tenant=tenant, json={"requests": batch})
    assert response.status_code == 200
    assert singles == expected
    assert response.json() == {"results": expected, "decided": len(batch), "invalid": 0}


class TestBatch:
    """The batch endpoint: every item answered in its place, limits as problem documents."""

    def test_bad_items_get_an_error_in_their_place(self, api: Api) -> None:
        good = {"contact": {"email": "lee@acme.co.uk", "company": "Acme Ltd"}, "channel": "email"}
        items = [good, {"contact": {"email": "x@y.de", "country": "XX"}, "channel": "email"}, "nope", good]
        items.append({"contact": {}, "channel": "email", "campaign": "missing"})
        body = api.call("POST", "/v1/check/batch", json={"requests": items}).json()
        assert body["decided"] == 2
        assert body["invalid"] == 3
        assert body["results"][0] == body["results"][3]
        assert body["results"][0]["outcome"] in ("allowed", "blocked", "review")
        assert body["results"][1] == {
            "index": 1,
            "error": "contact.country: unknown country 'XX'; use an ISO 3166-1 alpha-2 code such as DE or GB",
        }
        assert body["results"][2] == {"index": 2, "error": "a request must be a JSON object"}
        assert body["results"][4] == {"index": 4, "error": "unknown campaign id 'missing'"}

    def test_a_batch_over_the_limit_is_refused_whole(self, make_api: Any) -> None:
        api = make_api(max_batch=3)
        item = {"contact": {"email": "lee@acme.co.uk"}, "channel": "email"}
        response = api.call("POST", "/v1/check/batch", json={"requests": [item] * 4})
        # 422 like any request the published schema refuses (its maxItems is the configured limit);
        # 413 is for bodies over the byte limit
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "urn:lawfulreach:problem:invalid-input"
        assert response.json()["limit"] == 3
        schema = api.client.get("/v1/openapi.json").json()["components"]["schemas"]["CheckBatch"]
        assert schema["properties"]["requests"]["maxItems"] == 3
        assert api.call("POST", "/v1/check/batch", json={"requests": [item] * 3}).json()["decided"] == 3

    def test_a_stored_campaign_decides_like_the_same_campaign_inline(self, api: Api) -> None:
        campaign = {
            "lia": "passed",
            "legal_entity": "Northwind Ltd",
            "products": ["software"],
            "excluded_regions": ["FR"],
        }
        assert api.call("POST", "/v1/campaigns", json={"id": "q1", **campaign}).status_code == 201
        approved(api.workspace(), "q1")  # a stored campaign's LIA comes only from its assessment (issue 14)
        for email in ("jana.novak@firma.de", "marie@societe.fr", "info@acme.co.uk"):
            contact = {"email": email, "company": "Firma GmbH"}
            by_id = api.call("POST", "/v1/check", json={"contact": contact, "channel": "email", "campaign": "q1"})
            inline = api.call("POST", "/v1/check", json={"contact": contact, "channel": "email", "campaign": campaign})
            stored, given = by_id.json(), inline.json()
            # the same decision; only the stored one names its campaign and that campaign's version
            assert (stored.pop("campaign_id"), given.pop("campaign_id")) == ("q1", None)
            assert stored.pop("campaign_version").startswith("cv-")
            assert given.pop("campaign_version") is None
            assert stored == given
        assert by_id.json()["outcome"] in ("allowed", "blocked", "review")


class TestSingle:
    def test_the_decision_is_the_cli_json(self, api: Api) -> None:
        request = {
            "contact": {"email": "jana.novak@firma.de", "name": "Jana Novak", "company": "Firma GmbH"},
            "channel": "email",
            "source": "first_party",
            "consent": {"status": "confirmed", "channel": "email", "method": "web_form"},
        }
        response = api.call("POST", "/v1/check", json=request)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.json() == api.cli_service().check(parse_request(request)).to_json()
        assert response.json()["outcome"] == "allowed"
        assert list(response.json()) == [
            "outcome",
            "jurisdiction",
            "regimes",
            "basis",
            "requirements",
            "reasons",
            "rulebase_version",
            "decided_at",
            "campaign_id",
            "campaign_version",
        ]

    def test_malformed_json_is_400_and_invalid_requests_422(self, api: Api) -> None:
        response = api.client.post(
            "/v1/check", content=b'{"contact": ', headers={**api.auth(), "Content-Type": "application/json"}
        )
        assert response.status_code == 400
        assert response.json()["type"] == "urn:lawfulreach:problem:malformed-json"
        for body, fragment in (
            ({"contact": {}, "channel": "fax"}, "channel: Input should be"),
            ({"channel": "email"}, "contact: Field required"),
            ({"contact": {}, "channel": "email", "extra": 1}, "extra: Extra inputs are not permitted"),
            ([], "a request must be a JSON object"),
        ):
            response = api.call("POST", "/v1/check", json=body)
            assert response.status_code == 422, body
            assert fragment in response.json()["detail"]
