"""Importing an exclusion list from the browser: upload, preview, confirm.

The upload is parsed by the same reader ``suppress import`` uses (``store.suppression.parse_file``):
the page shows what the file was read as, how many entries of each kind it holds, the first entries and
every reject with its line, column and why. Confirming imports it through ``import_file`` — the
repository call of ``commands.imports.import_suppressions`` — as the signed-in person (audit act
``suppress.import``). Between the two steps the file waits in a private directory (0700, the file
0600) under a random name tied to the session; it is deleted once imported, and any upload older than
an hour is deleted at the next upload.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from lawfulreach.api.roles import Permission
from lawfulreach.console.auth import FormStaff, Staff
from lawfulreach.console.routes import page
from lawfulreach.errors import InputError, NotFoundError
from lawfulreach.store.models import SUPPRESSION_SOURCES
from lawfulreach.store.suppression import parse_file

router = APIRouter(prefix="/console/exclusions/import", include_in_schema=False)

_ID = re.compile(r"^[A-Za-z0-9_-]{20,60}$")
_MAX_AGE = 3600.0
PREVIEW_ROWS = 10
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".parquet")


def _spool(request: Request) -> Path:
    """The server's private upload directory (made once per app)."""
    spool: Path | None = getattr(request.app.state, "console_uploads", None)
    if spool is None:
        spool = Path(tempfile.mkdtemp(prefix="lr-console-uploads-"))
        os.chmod(spool, 0o700)
        request.app.state.console_uploads = spool
    return spool


def _held(request: Request, staff: Staff, upload: str) -> Path:
    """The waiting upload of this session (any other, or an unknown id: not found)."""
    if not _ID.match(upload):
        raise NotFoundError("that upload is gone; upload the file again")
    directory = _spool(request) / f"{staff.who.csrf[:16]}-{upload}"
    files = list(directory.glob("list.*")) if directory.is_dir() else []
    if not files:
        raise NotFoundError("that upload is gone; upload the file again")
    return files[0]


@router.post("")
async def upload(
    request: Request,
    staff: FormStaff,
    file: Annotated[UploadFile, File()],
    source: Annotated[str, Form(max_length=20)] = "import",
    country: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    staff.need(Permission.ADD_EXCLUSIONS)
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"upload a .csv, .txt, .tsv, .xlsx or .parquet file (not {suffix or 'a file without one'})")
    if source not in SUPPRESSION_SOURCES:
        raise InputError("choose where the entries come from")
    spool = _spool(request)
    now = time.time()
    for old in spool.iterdir():
        if now - old.stat().st_mtime > _MAX_AGE:
            shutil.rmtree(old, ignore_errors=True)
    upload_id = secrets.token_urlsafe(24)
    directory = spool / f"{staff.who.csrf[:16]}-{upload_id}"
    directory.mkdir(mode=0o700)
    target = directory / f"list{suffix}"
    with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        shutil.copyfileobj(file.file, out)
    return _preview(request, staff, target, upload_id, source, country)


def _preview(request: Request, staff: Staff, path: Path, upload_id: str, source: str, country: str) -> Response:
    parsed = parse_file(path, reason=None, source=source, country=country.strip() or None)
    counts: dict[str, int] = {}
    for _, entry in parsed.entries:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    return page(
        request,
        staff,
        "import_preview.html.j2",
        "/console/exclusions",
        upload=upload_id,
        source=source,
        country=country,
        fmt=parsed.format.describe(),
        counts=counts,
        first=[entry for _, entry in parsed.entries[:PREVIEW_ROWS]],
        total=len(parsed.entries),
        rejects=parsed.rejects.head(200).rows(named=True),
        rejected=parsed.rejects.height,
    )


@router.post("/confirm")
def confirm(
    request: Request,
    staff: FormStaff,
    upload_id: Annotated[str, Form(alias="upload", max_length=60)],
    source: Annotated[str, Form(max_length=20)] = "import",
    country: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    staff.need(Permission.ADD_EXCLUSIONS)
    path = _held(request, staff, upload_id)
    try:
        report = staff.workspace.suppressions.import_file(path, source=source, country=country.strip() or None)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    done = "imported" if report.added else "nothing-new"
    return RedirectResponse(f"/console/exclusions?done={done}", status_code=303)


@router.post("/cancel")
def cancel(
    request: Request, staff: FormStaff, upload_id: Annotated[str, Form(alias="upload", max_length=60)]
) -> Response:
    path = _held(request, staff, upload_id)
    shutil.rmtree(path.parent, ignore_errors=True)
    return RedirectResponse("/console/exclusions?done=cancelled", status_code=303)
