"""Screening a list from the browser: upload, choose a stored campaign and channels, watch it run,
download the results, the report and the rejects.

The run is ``commands.screen.screen`` — what ``lawfulreach screen`` runs — on a worker thread, acting
as the signed-in person, for the campaign's stored version (with ``record``, the evidence run names
them). Its progress callback (``Progress``) updates a job the page polls: with JavaScript off the page
refreshes itself (``<meta http-equiv="refresh">``), so progress needs no script. The upload and the
outputs live in a private directory (0700) named by a random job id tied to the session; the outputs
hold personal data, so they are downloads (``no-store``) and the directory is deleted with the job
after an hour (or when its person screens again once it has gone stale).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from lawfulreach.api.roles import Permission
from lawfulreach.commands.screening import screen
from lawfulreach.console.auth import FormStaff, Staff, StaffDep
from lawfulreach.console.reference import Commands
from lawfulreach.console.routes import page
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import InputError, LawfulreachError, NotFoundError

router = APIRouter(prefix="/console/screen", include_in_schema=False)

_JOB = re.compile(r"^[A-Za-z0-9_-]{20,60}$")
_MAX_AGE = 3600.0
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".parquet")
#: the downloads of a finished job: (name in the URL, file name, media type)
OUTPUTS = {
    "results": ("screened.csv", "text/csv"),
    "report": ("report.html", "text/html"),
    "rejects": ("rejects.csv", "text/csv"),
}


@dataclass
class Job:
    owner: str
    directory: Path
    started: float = field(default_factory=time.time)
    stage: str = "reading the list"
    steps: int = 0
    done_steps: int = 0
    rows: int = 0
    finished: bool = False
    error: str | None = None
    summary: dict[str, Any] | None = None


def _jobs(request: Request) -> tuple[dict[str, Job], Path]:
    state = request.app.state
    jobs: dict[str, Job] | None = getattr(state, "console_jobs", None)
    if jobs is None:
        jobs = {}
        state.console_jobs = jobs
        state.console_job_dir = Path(tempfile.mkdtemp(prefix="lr-console-screens-"))
        os.chmod(state.console_job_dir, 0o700)
    spool: Path = state.console_job_dir
    now = time.time()
    for key, job in list(jobs.items()):
        if job.finished and now - job.started > _MAX_AGE:
            shutil.rmtree(job.directory, ignore_errors=True)
            jobs.pop(key, None)
    return jobs, spool


def _job(request: Request, staff: Staff, job_id: str) -> Job:
    jobs, _ = _jobs(request)
    job = jobs.get(job_id) if _JOB.match(job_id) else None
    if job is None or job.owner != staff.who.user_id:
        raise NotFoundError("no such screening run (they are kept for an hour)")
    return job


@router.get("")
def screen_page(request: Request, staff: StaffDep) -> Response:
    staff.need(Permission.CHECK)
    campaigns = [c for c in staff.workspace.campaigns.list() if c.archived_at is None]
    return page(
        request, staff, "screen.html.j2", "/console/screen", campaigns=campaigns, channels=[c.value for c in Channel]
    )


@router.post("")
async def start(
    request: Request,
    staff: FormStaff,
    file: Annotated[UploadFile, File()],
    campaign: Annotated[str, Form(max_length=64)],
    channels: Annotated[list[str], Form()],
    record: Annotated[bool, Form()] = False,
) -> Response:
    """Save the upload and start the screen on a worker thread; the answer is the job's page."""
    staff.need(Permission.CHECK)
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"upload a .csv, .txt, .tsv, .xlsx or .parquet file (not {suffix or 'a file without one'})")
    try:
        chosen = [Channel(c) for c in dict.fromkeys(channels)]
    except ValueError:
        raise InputError("choose channels from the list") from None
    jobs, spool = _jobs(request)
    job_id = secrets.token_urlsafe(24)
    directory = spool / job_id
    directory.mkdir(mode=0o700)
    stem = Path(file.filename or "list").stem[:60] or "list"
    upload = directory / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', stem)}{suffix}"
    with open(os.open(upload, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        shutil.copyfileobj(file.file, out)
    job = Job(staff.who.user_id, directory)
    jobs[job_id] = job
    session = Commands(staff, request.app.state.backend)

    @contextmanager
    def progress(rows: int, steps: int) -> Iterator[Callable[[str], None]]:
        job.rows, job.steps, job.stage = rows, steps, "extracting facts"

        def on_stage(stage: str) -> None:
            job.done_steps += 1
            job.stage = f"{stage} done"

        yield on_stage

    def run() -> None:
        try:
            done = screen(
                session,
                upload,
                campaign,
                channels=chosen,
                out=directory / OUTPUTS["results"][0],
                report=directory / OUTPUTS["report"][0],
                rejects=directory / OUTPUTS["rejects"][0],
                progress=progress,
                record=record,
            )
            job.summary = done.summary_json() | {"evidence": done.evidence.ref if done.evidence else None}
        except LawfulreachError as exc:
            job.error = str(exc)
        except Exception as exc:
            job.error = f"the screen failed unexpectedly ({type(exc).__name__})"
        finally:
            upload.unlink(missing_ok=True)
            job.finished = True

    threading.Thread(target=run, name=f"console-screen-{job_id[:6]}", daemon=True).start()
    return RedirectResponse(f"/console/screen/{job_id}", status_code=303)


@router.get("/{job_id}")
def job_page(request: Request, staff: StaffDep, job_id: str) -> Response:
    staff.need(Permission.CHECK)
    job = _job(request, staff, job_id)
    present = {name for name, (file_name, _) in OUTPUTS.items() if (job.directory / file_name).exists()}
    return page(request, staff, "screen_job.html.j2", "/console/screen", job=job, job_id=job_id, present=present)


@router.get("/{job_id}/{output}")
def download(request: Request, staff: StaffDep, job_id: str, output: str) -> Response:
    staff.need(Permission.CHECK)
    job = _job(request, staff, job_id)
    if output not in OUTPUTS or not job.finished:
        raise NotFoundError("no such file")
    file_name, media_type = OUTPUTS[output]
    path = job.directory / file_name
    if not path.exists():
        raise NotFoundError("no such file")
    headers = {"Content-Disposition": f'attachment; filename="{file_name}"', "Cache-Control": "no-store"}
    return Response(path.read_bytes(), media_type=media_type, headers=headers)
