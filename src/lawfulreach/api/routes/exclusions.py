"""``/v1/exclusions``: the tenant's exclusion lists — add one, import many, list, remove.

Values go through the store's one normaliser, so ``Jane+news@Firma.DE`` is stored and matched as
``jane@firma.de``, a domain covers its subdomains and phones are E.164. Removal takes the entry in
the body rather than the URL, so no address ends up in an access log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from lawfulreach.api.deps import ExclusionAdder, ExclusionReader, ExclusionRemover
from lawfulreach.api.schemas import (
    ExclusionAddedOut,
    ExclusionImportIn,
    ExclusionIn,
    ExclusionListOut,
    ExclusionOut,
    ExclusionTargetIn,
    ImportReportOut,
    Kind,
)
from lawfulreach.commands.imports import ExclusionItem, import_exclusion_entries
from lawfulreach.store.subjects import country_code
from lawfulreach.store.suppression import Cursor, Entry, normalise_entry

router = APIRouter(prefix="/exclusions", tags=["exclusions"])


def _target(email: str | None, domain: str | None, phone: str | None, country: str | None) -> tuple[str, str]:
    kind, raw = next((k, v) for k, v in (("email", email), ("domain", domain), ("phone", phone)) if v is not None)
    return kind, normalise_entry(kind, raw, country_code(country))


@router.get("", summary="List exclusion entries", response_model=ExclusionListOut)
def list_exclusions(
    caller: ExclusionReader,
    kind: Annotated[Kind | None, Query(description="Only email, domain or phone entries.")] = None,
    cursor: Annotated[
        str | None,
        Query(max_length=1000, description="`next_cursor` of the previous page; omit for the first page."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ExclusionListOut:
    """A page of entries in index order (kind, then a stable key), read by keyset: the next page
    starts at ``next_cursor``, and a page costs the same whatever the list's size."""
    after = Cursor.parse(cursor) if cursor is not None else None
    page = caller.workspace.suppressions.page(kind, after, limit)
    entries = [
        ExclusionOut(kind=e.kind, value=e.value, reason=e.reason, source=e.source, created_at=e.created_at)
        for e in page.entries
    ]
    return ExclusionListOut(entries=entries, next_cursor=page.next.token() if page.next else None, limit=limit)


@router.post(
    "",
    summary="Add one exclusion entry",
    response_model=ExclusionAddedOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": ExclusionAddedOut, "description": "Already listed; nothing changed."}},
)
def add_exclusion(caller: ExclusionAdder, body: ExclusionIn, response: Response) -> ExclusionAddedOut:
    kind, value = _target(body.email, body.domain, body.phone, body.country)
    added = caller.workspace.suppressions.add(Entry(kind, value, body.reason, body.source))
    if not added:
        response.status_code = status.HTTP_200_OK
    return ExclusionAddedOut(kind=kind, value=value, added=added)


@router.post("/import", summary="Import many exclusion entries", response_model=ImportReportOut)
def import_exclusions(caller: ExclusionAdder, body: ExclusionImportIn) -> ImportReportOut:
    """All or nothing: one bad entry and nothing is imported, and the problem lists every bad entry
    (``line`` = its position in ``entries``, from 1). Entries already listed are left as they are."""
    items = [
        item if isinstance(item, str) else ExclusionItem(item.value, item.kind, item.reason, item.source, item.country)
        for item in body.entries
    ]
    report = import_exclusion_entries(
        caller.workspace, items, reason=body.reason, source=body.source, country=body.country
    )
    return ImportReportOut(
        read=report.read,
        added=report.added,
        already_listed=report.already_listed,
        skipped_erased=report.skipped_erased,
    )


@router.post(
    "/remove",
    summary="Remove one exclusion entry",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
def remove_exclusion(caller: ExclusionRemover, body: ExclusionTargetIn) -> Response:
    kind, value = _target(body.email, body.domain, body.phone, body.country)
    caller.workspace.suppressions.remove(kind, value)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
