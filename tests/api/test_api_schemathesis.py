"""The published OpenAPI document, tested by schemathesis's own engine with every check it has: every
phase (examples, coverage — boundary values, missing and extra fields, unsupported methods, oversize
arrays —, fuzzing, stateful), against the whole app in-process, on each database.

One reading is ours: a schema-valid request may still be refused with 422 when a value fails a check
JSON Schema cannot express (a phone number's numbering plan, an email address's syntax, a country
*name*); ``positive_data_acceptance`` therefore also expects 422, and ``refusals_are_semantic`` makes
sure such a 422 is one of those value checks, never the request model refusing something the schema
allows (a type, a length, a missing field, exactly-one-of).

Bounded (``EXAMPLES`` per operation and phase) to stay within about a minute per database.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis.checks import CHECKS as REGISTRY
from schemathesis.config._checks import PositiveDataAcceptanceConfig
from schemathesis.engine import events, from_schema

from api_support import Api

EXAMPLES = 3
#: ``POST /v1/check`` reads its body with ``schema.parse_request``, exactly as ``lawfulreach check``
#: reads a line — lax where pydantic is lax (``0`` for ``false``, a timestamp for a date) — so data
#: outside the schema is not always refused there, by design (every other check still applies).
LAX_CHECK = {
    "include-path": "/v1/check",
    "include-method": "POST",
    "checks": {"negative_data_rejection": {"enabled": False}},
}
#: ``DELETE /v1/campaigns/{id}`` archives, by design: evidence records name a campaign's versions, so
#: the campaign and its versions stay readable (with ``archived_at``) and checks naming it are refused
#: (tests/api/test_api_campaign_versions.py). Schemathesis's stateful "deleted resource still
#: available" check expects a 404 after a DELETE, which would be wrong here.
ARCHIVING_DELETE = {
    "include-path-regex": "^/v1/campaigns",
    "checks": {"use_after_free": {"enabled": False}},
}


@schemathesis.check
def refusals_are_semantic(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schema-valid request refused with 422 names a value check, not a schema mismatch."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        body = {}
    mismatches = [e["message"] for e in body.get("errors", []) if _schema_level(e["message"])]
    if mismatches:
        raise AssertionError(f"schema-valid request refused by request validation: {'; '.join(mismatches)}")
    return None


def _schema_level(message: str) -> bool:
    """A refusal the schema could have said: pydantic's own type and constraint messages (capitalised:
    "Field required", "Input should be …", "String should have …") or our exactly-one-of rule. Value
    checks of ours (lower-case: "not a valid phone number", "unknown country") are not."""
    return message[:1].isupper() or message.startswith("give exactly one")


def test_the_api_keeps_its_published_promises(shared_api: Api) -> None:
    config = schemathesis.Config.from_dict({"operations": [LAX_CHECK, ARCHIVING_DELETE]})
    schema = schemathesis.openapi.from_asgi("/v1/openapi.json", shared_api.client.app, config=config)
    schema.config.update(headers=shared_api.auth("admin"))
    schema.config.generation.update(max_examples=EXAMPLES)
    expected = [*PositiveDataAcceptanceConfig().expected_statuses, "422"]
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(expected_statuses=expected)
    checks = set(REGISTRY.get_all_names())
    assert {"positive_data_acceptance", "negative_data_rejection", "unsupported_method"} <= checks
    assert len(list(schema.get_all_operations())) >= 20
    failures: dict[tuple[str, str], str] = {}
    phases: set[str] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.FatalError):
            raise AssertionError(f"schemathesis could not run: {event.exception}")
        if isinstance(event, events.ScenarioFinished):
            phases.add(event.phase.name)
            for results in event.recorder.checks.values():
                for result in results:
                    info = result.failure_info
                    if result.status.name == "FAILURE" and info is not None:
                        failure = info.failure
                        key = (str(event.label), type(failure).__name__)
                        failures.setdefault(
                            key, f"{event.phase.name}: {failure.title}: {failure.message}\n{info.code_sample}"
                        )
    assert {"EXAMPLES", "COVERAGE", "FUZZING"} <= phases, phases
    assert not failures, "\n\n".join(f"{label} {kind}\n{text}" for (label, kind), text in sorted(failures.items()))
