"""What the OpenAPI document promises is what the code does, for the cases schemathesis found apart:
the methods a path allows, exactly-one-of, the batch limit, a chunked oversize body, the body's id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from api_support import Api


class TestContract:
    def test_a_405_lists_every_method_of_the_path(self, api: Api) -> None:
        for method, path, allow in (
            ("OPTIONS", "/v1/campaigns", "GET, POST"),
            ("PATCH", "/v1/campaigns/spring", "DELETE, GET, PUT"),
            ("DELETE", "/v1/organisation", "GET, PUT"),
        ):
            response = api.call(method, path)
            assert response.status_code == 405, path
            assert response.headers["allow"] == allow, path

    def test_exactly_one_of_is_in_the_schema(self, api: Api) -> None:
        schemas = api.client.get("/v1/openapi.json").json()["components"]["schemas"]
        for name, fields in (("ExclusionIn", ["email", "domain", "phone"]), ("OptOutIn", ["email", "phone"])):
            assert [branch["required"] for branch in schemas[name]["oneOf"]] == [[f] for f in fields]
        # the decision request's consent is its own model, not the ledger's ConsentIn
        consent = schemas["CheckRequest"]["properties"]["consent"]
        refs = [b.get("$ref") for b in consent.get("anyOf", [consent])]
        assert "#/components/schemas/ConsentIn" not in refs
        assert any(r and r.endswith("/CheckConsentIn") for r in refs)

    def test_a_chunked_body_over_the_limit_is_413(self, make_api: Any) -> None:
        api = make_api(max_body_bytes=1_000)

        def chunks() -> Iterator[bytes]:
            yield b'{"requests": ['
            for _ in range(100):
                yield b'{"channel": "email", "contact": {"email": "a@firma.de"}},'
            yield b"{}]}"

        headers = {**api.auth("admin"), "content-type": "application/json"}
        response = api.client.post("/v1/check/batch", content=chunks(), headers=headers)
        assert response.status_code == 413
        assert response.json()["type"] == "urn:lawfulreach:problem:too-large"

    def test_a_body_id_that_differs_from_the_url_is_a_conflict(self, api: Api) -> None:
        body = {"id": "autumn", "purpose": "marketing"}
        response = api.call("PUT", "/v1/campaigns/spring", json=body)
        assert response.status_code == 409
        assert "differs from the URL" in response.json()["detail"]
        operation = api.client.get("/v1/openapi.json").json()["paths"]["/v1/campaigns/{campaign_id}"]["put"]
        assert "409" in operation["responses"]
