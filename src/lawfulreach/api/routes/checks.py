"""``POST /v1/check`` and ``POST /v1/check/batch``: the request and decision JSON of ``lawfulreach check``.

The body is read as plain JSON and parsed by ``schema.parse_request`` — the CLI's own parser — so a
malformed request gets the CLI's message. A batch answers every item in its place: a decision, or
``{"index": i, "error": …}`` for an item that cannot be read (the CLI's ``{"line": n, "error": …}``).
Decisions are serialised straight from ``Decision.to_json`` (the CLI's output), not re-validated.

A single check runs on the event loop (see ``check``); a batch, which can take a second, runs in the
thread pool so it does not hold up the worker's other requests while it waits on the database.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from lawfulreach.api.config import MAX_BATCH
from lawfulreach.api.deps import Checker
from lawfulreach.api.schemas import BatchOut, DecisionOut
from lawfulreach.commands.evidence import EvidenceRecorder
from lawfulreach.errors import RequestError

router = APIRouter(tags=["checks"])


def _json(payload: Any) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False).encode("utf-8"), media_type="application/json")


def _body(ref: str) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": ref}}}}}


@router.post(
    "/check",
    summary="Decide one request",
    response_model=DecisionOut,
    openapi_extra=_body("#/components/schemas/CheckRequest"),
)
async def check(caller: Checker, payload: Annotated[Any, Body()]) -> Response:
    """May this contact be contacted on this channel for this campaign? One decision (spec §1),
    with every reason and its citation. `campaign` may be an inline campaign or a stored campaign's id.
    With `"record": true` the decision is kept as evidence; the run's id is in the `Evidence-Run` header."""
    # Deliberately on the event loop: a check is ~1 ms of work and one short query, and handing it to
    # the thread pool cost more than the check itself (measured: 470 → 835 checks/s per worker).
    # Concurrency comes from worker processes (`serve --workers`); batches do use the thread pool.
    # A recorded check writes a run; still short, but a write: it goes to the thread pool.
    payload, record = _record_flag(payload)
    if not record:
        return _json(caller.tenant.check(payload).to_json())
    return await run_in_threadpool(_recorded_check, caller, payload)


def _recorded_check(caller: Checker, payload: Any) -> Response:
    recorder = _recorder(caller)
    response = _json(caller.tenant.check(payload, recorder).to_json())
    return _with_runs(response, recorder)


def _recorder(caller: Checker) -> EvidenceRecorder:
    """An evidence record for this call, made as the caller's key (the run names ``api key <id>``)."""
    return EvidenceRecorder(caller.workspace.scope, "api")


def _record_flag(payload: Any) -> tuple[Any, bool]:
    """The request without its ``record`` member, and whether it asked to be recorded."""
    if not isinstance(payload, dict) or "record" not in payload:
        return payload, False
    rest = dict(payload)
    record = rest.pop("record")
    if not isinstance(record, bool):
        raise RequestError("record: must be true or false")
    return rest, record


def _with_runs(response: Response, recorder: EvidenceRecorder) -> Response:
    if recorder.runs:
        response.headers[RUN_HEADER] = ", ".join(r.ref for r in recorder.runs)
    return response


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    requests: list[Any]
    record: bool = False


#: the response header naming the evidence run(s) a recorded check stored
RUN_HEADER = "Evidence-Run"
RECORD_SCHEMA: dict[str, Any] = {
    "type": "boolean",
    "default": False,
    "description": "Keep the decision(s) as evidence (`lawfulreach evidence`); the run id comes back in "
    "the `Evidence-Run` header.",
}


def batch_schema(limit: int = MAX_BATCH) -> dict[str, Any]:
    """The batch body, with the server's configured item limit (more is a 422, like any schema violation)."""
    return {
        "title": "CheckBatch",
        "type": "object",
        "additionalProperties": False,
        "required": ["requests"],
        "properties": {
            "requests": {
                "type": "array",
                "maxItems": limit,
                # any item is answered: a valid request with its decision, anything else with an error
                # in its place (``{"index": i, "error": …}``), as ``lawfulreach check`` answers a bad line
                "items": {"anyOf": [{"$ref": "#/components/schemas/CheckRequest"}, {}]},
                "description": f"Up to {limit:,} requests, each as for POST /v1/check; an item that is not a "
                "valid request gets an error in its place and stops nothing.",
            },
            "record": RECORD_SCHEMA,
        },
    }


@router.post(
    "/check/batch",
    summary="Decide up to 10,000 requests",
    response_model=BatchOut,
    openapi_extra=_body("#/components/schemas/CheckBatch"),
)
def check_batch(caller: Checker, batch: Annotated[BatchIn, Body()]) -> Response:
    """Every request decided, in order; an unreadable item gets an error in its place and stops
    nothing (like `lawfulreach check` with a bad line)."""
    parts: list[str] = []
    encoded: dict[int, str] = {}  # a batch repeats decisions: each distinct one is encoded once
    invalid = 0
    recorder = _recorder(caller) if batch.record else None
    for index, item in enumerate(caller.tenant.check_many(batch.requests, recorder)):
        if isinstance(item, Exception):
            invalid += 1
            parts.append(json.dumps({"index": index, "error": str(item)}, ensure_ascii=False))
        else:
            text = encoded.get(id(item))
            if text is None:
                text = encoded[id(item)] = json.dumps(item.to_json(), ensure_ascii=False)
            parts.append(text)
    body = f'{{"results": [{", ".join(parts)}], "decided": {len(parts) - invalid}, "invalid": {invalid}}}'
    response = Response(body.encode("utf-8"), media_type="application/json")
    return _with_runs(response, recorder) if recorder is not None else response
