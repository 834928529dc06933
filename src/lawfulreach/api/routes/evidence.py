"""``/v1/evidence``: every recorded decision and ledger event about a person; ``/v1/evidence/runs/{run}``.

Compliance and admin keys only (``read_evidence``): the answer names the person and everything
done about them. ``GET`` takes the person in the query, as asked for; ``POST`` takes them in the body,
which keeps the address out of proxies' URL logs (lawfulreach's own access log never records query
strings) — prefer it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from lawfulreach.api.deps import EvidenceReader
from lawfulreach.api.schemas import EvidenceOut, EvidenceRunOut, SubjectIn
from lawfulreach.commands.evidence import evidence_for, run_summary
from lawfulreach.errors import InputError

router = APIRouter(tags=["evidence"])


def _answer(caller: EvidenceReader, body: SubjectIn) -> dict[str, Any]:
    return evidence_for(caller.workspace, body.subject()).as_json()


@router.get("/evidence", summary="A person's evidence", response_model=EvidenceOut)
def evidence(
    caller: EvidenceReader,
    email: str | None = Query(default=None, max_length=320),
    phone: str | None = Query(default=None, max_length=64),
    country: str | None = Query(default=None, max_length=60),
) -> dict[str, Any]:
    """Every recorded decision about the person (run, campaign and version, LIA, rule-base version,
    basis, reasons, requirements) and every consent, withdrawal and opt-out of theirs."""
    if (email is None) == (phone is None):
        raise InputError("give exactly one of email or phone")
    return _answer(caller, SubjectIn(email=email, phone=phone, country=country))


@router.post("/evidence", summary="A person's evidence (person in the body)", response_model=EvidenceOut)
def evidence_by_body(caller: EvidenceReader, body: SubjectIn) -> dict[str, Any]:
    """As `GET /v1/evidence`, with the person in the body rather than the URL."""
    return _answer(caller, body)


@router.get("/evidence/runs/{run_id}", summary="A recorded run", response_model=EvidenceRunOut)
def evidence_run(caller: EvidenceReader, run_id: str) -> dict[str, Any]:
    """A run's summary: who, when, campaign version, LIA, rule-base version, input hash, counts."""
    return run_summary(caller.workspace, run_id).as_json()
