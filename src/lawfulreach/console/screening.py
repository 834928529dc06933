"""Screening a list from the browser: upload, choose a stored campaign or upload a campaign file (as
``screen --campaign FILE``) and the channels, map the list's columns when some are not recognised (as
``--map``), watch it run, download the results, the report and the rejects.

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
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from lawfulreach.api.roles import Permission
from lawfulreach.batch.columns import FIELDS, fold, resolve_columns
from lawfulreach.batch.reader import read_table
from lawfulreach.commands.campaigns import load_campaign, resolve_campaign
from lawfulreach.commands.screening import screen
from lawfulreach.console.auth import FormStaff, Staff, StaffDep
from lawfulreach.console.reference import Commands
from lawfulreach.console.routes import page
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import CampaignError, InputError, LawfulreachError, NotFoundError

router = APIRouter(prefix="/console/screen", include_in_schema=False)

_JOB = re.compile(r"^[A-Za-z0-9_-]{20,60}$")
_MAX_AGE = 3600.0
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".parquet")
#: a campaign file is a few lines of TOML
MAX_CAMPAIGN_FILE = 64 * 1024
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
    #: what the screen will run on: the saved list, the campaign (stored id or saved file), the channels
    upload: Path | None = None
    campaign: str | Path | None = None
    channels: list[Channel] = field(default_factory=list)
    record: bool = False
    #: waiting for its columns to be chosen (``/{job}/columns``); ``header`` is the list's
    pending: bool = True
    header: list[str] = field(default_factory=list)


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
        if (job.finished or job.pending) and now - job.started > _MAX_AGE:
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
    return _screen_form(request, staff)


def _screen_form(
    request: Request,
    staff: Staff,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    campaigns = [c for c in staff.workspace.campaigns.list() if c.archived_at is None]
    default = {"campaign_from": "stored" if campaigns else "file", "channels": ["email", "call"], "record": True}
    chosen = values or default
    return page(
        request,
        staff,
        "screen.html.j2",
        "/console/screen",
        status_code,
        campaigns=campaigns,
        channels=[c.value for c in Channel],
        errors=errors or {},
        values=chosen,
    )


def _safe_name(name: str, default: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:60] or default


def _save(upload: UploadFile, target: Path, limit: int | None = None) -> int:
    """Copy an upload into ``target`` (0600, never over an existing file); its size in bytes."""
    size = 0
    with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if limit is not None and size > limit:
                break
            out.write(chunk)
    return size


@router.post("")
async def start(
    request: Request,
    staff: FormStaff,
    file: Annotated[UploadFile | None, File()] = None,
    campaign_from: Annotated[str, Form(max_length=10)] = "stored",
    campaign: Annotated[str, Form(max_length=64)] = "",
    campaign_file: Annotated[UploadFile | None, File()] = None,
    channels: Annotated[list[str] | None, Form()] = None,
    record: Annotated[bool, Form()] = False,
) -> Response:
    """Save the list (and a campaign file), check what can be checked before anything runs — each
    problem beside its field —, then start the screen; or, when some of the list's columns are not
    recognised, show the columns first (``/{job}/columns``)."""
    staff.need(Permission.CHECK)
    values: dict[str, Any] = {
        "campaign_from": campaign_from,
        "campaign": campaign,
        "channels": channels or [],
        "record": record,
    }
    errors: dict[str, str] = {}
    list_name = (file.filename or "") if file is not None else ""
    suffix = Path(list_name).suffix.lower()
    if not list_name:
        errors["file"] = "choose the list to screen"
    elif suffix not in SUFFIXES:
        errors["file"] = f"upload a .csv, .txt, .tsv, .xlsx or .parquet file (not {suffix or 'a file without one'})"
    try:
        chosen = [Channel(c) for c in dict.fromkeys(channels or [])]
    except ValueError:
        chosen, errors["channels"] = [], "choose channels from the list"
    if not chosen:
        errors.setdefault("channels", "choose at least one channel")
    session = Commands(staff, request.app.state.backend)
    campaign_name = (campaign_file.filename or "") if campaign_file is not None else ""
    if campaign_from == "file":
        if not campaign_name:
            errors["campaign_file"] = "choose the campaign file (TOML, as lawfulreach screen --campaign takes)"
        elif not campaign_name.lower().endswith(".toml"):
            errors["campaign_file"] = "a campaign file is TOML: its name ends in .toml"
    elif campaign_from == "stored":
        try:
            await run_in_threadpool(stored_campaign, campaign, session)
        except CampaignError as exc:
            errors["campaign"] = str(exc)
    else:
        errors["campaign_from"] = "choose a stored campaign or a campaign file"
    if errors:
        return await run_in_threadpool(_screen_form, request, staff, 422, errors, values)

    assert file is not None
    jobs, spool = _jobs(request)
    job_id = secrets.token_urlsafe(24)
    directory = spool / job_id
    directory.mkdir(mode=0o700)
    upload = directory / f"{_safe_name(Path(list_name).stem, 'list')}{suffix}"
    await run_in_threadpool(_save, file, upload)
    campaign_ref: str | Path = campaign
    if campaign_from == "file":
        assert campaign_file is not None
        (directory / "campaign").mkdir(mode=0o700)
        campaign_ref = directory / "campaign" / _safe_name(Path(campaign_name).name, "campaign.toml")
        size = await run_in_threadpool(_save, campaign_file, campaign_ref, MAX_CAMPAIGN_FILE)
        try:
            if size > MAX_CAMPAIGN_FILE:
                raise CampaignError(f"a campaign file is at most {MAX_CAMPAIGN_FILE // 1024} KB")
            await run_in_threadpool(load_campaign, campaign_ref)
        except CampaignError as exc:
            shutil.rmtree(directory, ignore_errors=True)
            message = str(exc).replace(str(campaign_ref), campaign_name)
            return await run_in_threadpool(_screen_form, request, staff, 422, {"campaign_file": message}, values)
    job = Job(staff.who.user_id, directory, upload=upload, campaign=campaign_ref, channels=chosen, record=record)
    jobs[job_id] = job
    try:
        header = await run_in_threadpool(_header, upload)
    except LawfulreachError as exc:
        _drop(request, job_id)
        message = str(exc).replace(str(upload), list_name)
        return await run_in_threadpool(_screen_form, request, staff, 422, {"file": message}, values)
    detected, problem = _detect(header, {})
    if problem is not None or len(detected) < len(header):
        job.header = header
        return RedirectResponse(f"/console/screen/{job_id}/columns", status_code=303)
    _launch(job, session, [])
    return RedirectResponse(f"/console/screen/{job_id}", status_code=303)


def stored_campaign(campaign_id: str, session: Commands) -> None:
    """Check that ``campaign_id`` names a stored, unarchived campaign — and nothing else.

    ``screen`` reads its campaign argument as the CLI's ``--campaign``: a file when such a path
    exists. From a browser that would let a form name a file on the server, so an id that is also a
    path there (or ends in ``.toml``) is refused: a campaign file is uploaded, never named."""
    if not campaign_id.strip():
        raise CampaignError("choose a stored campaign")
    path = Path(campaign_id)
    if path.suffix.lower() == ".toml" or path.exists():
        raise CampaignError(f"{campaign_id!r} is not a stored campaign's id; upload a campaign file instead")
    resolve_campaign(campaign_id, session)


def _header(path: Path) -> list[str]:
    """The list's column names, read as ``screen`` reads the file (any format it takes)."""
    return list(read_table(path).frame.columns)


def _detect(header: list[str], explicit: dict[str, str]) -> tuple[dict[str, str], str | None]:
    """{column: field} as ``screen`` would map the header (``--map`` pairs first), and why it cannot
    be screened (no email and no phone column), if so."""
    try:
        return resolve_columns(header, "auto", explicit), None
    except InputError as exc:
        found = {col: field for col in header if (field := explicit.get(fold(col)))}
        return found, str(exc).replace("name one with --map 'COLUMN=email'", "choose which column holds them below")


def _drop(request: Request, job_id: str) -> None:
    jobs, _ = _jobs(request)
    job = jobs.pop(job_id, None)
    if job is not None:
        shutil.rmtree(job.directory, ignore_errors=True)


def _launch(job: Job, session: Commands, mapping: list[str]) -> None:
    """Run ``commands.screen.screen`` for the job on a worker thread (``--map`` pairs in ``mapping``)."""
    assert job.upload is not None
    assert job.campaign is not None
    upload, directory, campaign = job.upload, job.directory, job.campaign
    job.pending = False
    job.started = time.time()

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
                channels=job.channels,
                out=directory / OUTPUTS["results"][0],
                report=directory / OUTPUTS["report"][0],
                rejects=directory / OUTPUTS["rejects"][0],
                mapping=mapping,
                progress=progress,
                record=job.record,
            )
            job.summary = done.summary_json() | {"evidence": done.evidence.ref if done.evidence else None}
        except LawfulreachError as exc:
            job.error = str(exc).replace(str(upload), upload.name)
        except Exception as exc:
            job.error = f"the screen failed unexpectedly ({type(exc).__name__})"
        finally:
            upload.unlink(missing_ok=True)
            job.finished = True

    threading.Thread(target=run, name=f"console-screen-{directory.name[:6]}", daemon=True).start()


def _columns(
    request: Request,
    staff: Staff,
    job_id: str,
    job: Job,
    chosen: dict[str, str],
    status_code: int = 200,
    errors: dict[str, str] | None = None,
) -> Response:
    detected, problem = _detect(job.header, chosen)
    rows = [(i, col, detected.get(col, ""), chosen.get(fold(col), "")) for i, col in enumerate(job.header)]
    return page(
        request,
        staff,
        "screen_columns.html.j2",
        "/console/screen",
        status_code,
        job_id=job_id,
        rows=rows,
        fields=FIELDS,
        problem=problem,
        errors=errors or {},
        list_name=job.upload.name if job.upload else "",
    )


@router.get("/{job_id}/columns")
def columns_page(request: Request, staff: StaffDep, job_id: str) -> Response:
    """How the list's columns would be read (``lawfulreach columns``), each changeable (``--map``)."""
    staff.need(Permission.CHECK)
    job = _job(request, staff, job_id)
    if not job.pending:
        return RedirectResponse(f"/console/screen/{job_id}", status_code=303)
    return _columns(request, staff, job_id, job, {})


@router.post("/{job_id}/columns")
async def columns_chosen(request: Request, staff: FormStaff, job_id: str) -> Response:
    """The mapping chosen (``col-<n>`` = a field, or blank: as detected) → ``--map`` pairs → the screen.
    A column set to a field that is not one, or a mapping with still no email or phone, is said again."""
    staff.need(Permission.CHECK)
    form = await request.form()
    # no await from here to the launch: two posts of the form cannot both start the screen
    job = _job(request, staff, job_id)
    if not job.pending:
        raise NotFoundError("that list is already screened or screening")
    pairs: list[str] = []
    chosen: dict[str, str] = {}
    errors: dict[str, str] = {}
    for i, col in enumerate(job.header):
        field = str(form.get(f"col-{i}", "")).strip()
        if not field:
            continue
        if field not in FIELDS:
            errors[f"col-{i}"] = f"{field!r} is not a field; choose one from the list"
            continue
        if "=" in col:  # a --map pair is COLUMN=FIELD
            errors[f"col-{i}"] = "a column whose name holds '=' cannot be mapped; rename it in the file"
            continue
        pairs.append(f"{col}={field}")
        chosen[fold(col)] = field
    _, problem = _detect(job.header, chosen)
    if errors or problem is not None:
        return _columns(request, staff, job_id, job, chosen, 422, errors)
    _launch(job, Commands(staff, request.app.state.backend), pairs)
    return RedirectResponse(f"/console/screen/{job_id}", status_code=303)


@router.post("/{job_id}/cancel")
def cancel(request: Request, staff: FormStaff, job_id: str) -> Response:
    """Delete a list waiting for its columns; nothing is screened."""
    staff.need(Permission.CHECK)
    job = _job(request, staff, job_id)
    if not job.pending:
        raise NotFoundError("that list is already screened or screening")
    _drop(request, job_id)
    return RedirectResponse("/console/screen?done=screen-cancelled", status_code=303)


@router.get("/{job_id}")
def job_page(request: Request, staff: StaffDep, job_id: str) -> Response:
    staff.need(Permission.CHECK)
    job = _job(request, staff, job_id)
    if job.pending:
        return RedirectResponse(f"/console/screen/{job_id}/columns", status_code=303)
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
