"""The published OpenAPI document, fuzzed by schemathesis: no 500s, and every response — status,
content type, headers and body — as the schema says; schema-violating input is refused with a 4xx.

Bounded: ``EXAMPLES`` per operation in each generation mode (valid and invalid data), with an admin
key so every operation runs (roles and tenancy have their own tests). The operations are walked in
one test per database rather than with ``schema.parametrize`` (its lazy loader does not work with this
pytest version).
"""

from __future__ import annotations

from typing import Any

import schemathesis
from api_support import Api
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = 12
#: Operations whose body is the CLI's decision request: parsed by ``schema.parse_request`` exactly as
#: ``lawfulreach check`` parses a line — lax where pydantic is lax (``0`` for ``false``) — and, for a
#: batch, an unreadable item answered in its place. Data outside the schema is not refused there by
#: design; it still never causes a 5xx and every response still matches the schema.
CLI_PARSED = {"POST /v1/check", "POST /v1/check/batch"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def fuzz(strategy: Any, headers: dict[str, str], checks: list[Any]) -> None:
    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    run()


def test_the_api_keeps_its_published_promises(shared_api: Api) -> None:
    schema = schemathesis.openapi.from_asgi("/v1/openapi.json", shared_api.client.app)
    headers = shared_api.auth("admin")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures: list[str] = []
    for operation in operations:
        checks = [c for c in CHECKS if not (operation.label in CLI_PARSED and c is negative_data_rejection)]
        for mode in schemathesis.GenerationMode:
            try:
                fuzz(operation.as_strategy(generation_mode=mode), headers, checks)
            except Unsatisfiable:
                assert mode is schemathesis.GenerationMode.NEGATIVE, operation.label  # nothing to break
            except (Exception, BaseExceptionGroup) as exc:  # collect all: one report for the whole schema
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)
