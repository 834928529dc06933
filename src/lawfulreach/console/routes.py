"""The console's pages and actions. Each handler checks the person's permission, calls the command
layer or a repository of the tenant's workspace (acting as that person), and renders or redirects.

No personal data in a URL: a person or an exclusion is looked up by POST, and a page reached after an
action is named by a fixed message code (``?done=verified``), never by what was changed. Every page is
``no-store``. Changes redirect (POST → 303 → GET), so reloading a page never repeats an action —
except the person page, which is the answer to a POST (its subject is in the form, not the URL).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from lawfulreach import console
from lawfulreach.api.backend import Backend
from lawfulreach.api.deps import ClientAddress
from lawfulreach.api.pages import CHANNEL_LABELS, check_same_origin, form_token, with_form_cookie
from lawfulreach.api.roles import Permission
from lawfulreach.commands.overview import overview
from lawfulreach.commands.person import everything_about
from lawfulreach.console.auth import (
    FormStaff,
    Staff,
    StaffDep,
    clear_session_cookie,
    set_session_cookie,
    staff_repo,
)
from lawfulreach.domain.state import ALL_CHANNELS
from lawfulreach.errors import InputError, LawfulreachError, NotFoundError
from lawfulreach.store.audit import ACTS, parse_when
from lawfulreach.store.dsar import EXPORT_TYPES
from lawfulreach.store.models import SUPPRESSION_SOURCES
from lawfulreach.store.staff import SignInRefusedError
from lawfulreach.store.subjects import Subject, country_code, subject
from lawfulreach.store.suppression import REMOVAL_REASONS, Entry, check_kind, normalise_entry

router = APIRouter(prefix="/console", include_in_schema=False)

Text = Annotated[str, Form(max_length=2_000)]
Short = Annotated[str, Form(max_length=320)]

#: the pages of the header's navigation: (path, label, the permission that shows it)
NAV: tuple[tuple[str, str, Permission], ...] = (
    ("/console", "Overview", Permission.CHECK),
    ("/console/requests", "Privacy requests", Permission.READ_PRIVACY_REQUESTS),
    ("/console/exclusions", "Exclusions", Permission.ADD_EXCLUSIONS),
    ("/console/person", "A person", Permission.READ_LEDGER),
    ("/console/audit", "Audit trail", Permission.READ_LEDGER),
    ("/console/screen", "Screen a list", Permission.CHECK),
    ("/console/campaigns", "Campaigns", Permission.READ_CAMPAIGNS),
    ("/console/runs", "Runs", Permission.READ_EVIDENCE),
    ("/console/rules", "Rules", Permission.CHECK),
    ("/console/organisation", "Organisation", Permission.READ_ORGANISATION),
)

#: the request queue shows the most urgent ones (by due date); a page of thousands helps no one
REQUESTS_SHOWN = 50

#: what a page says after an action (``?done=<code>``): fixed sentences, no data
DONE = {
    "verified": "The request's identity check is recorded.",
    "extended": "The request's deadline is extended.",
    "rejected": "The request is rejected.",
    "fulfilled": "The request is fulfilled and closed.",
    "added": "The entry is on the exclusion list.",
    "already": "That entry was already on the exclusion list.",
    "removed": "The entry is off the exclusion list.",
    "switched": "You are now working for this tenant.",
    "recorded": "The opt-out is recorded.",
    "imported": "The list is imported.",
    "saved": "The organisation profile is saved.",
    "nothing-new": "Every entry of the list was already on the exclusion list.",
    "cancelled": "The upload is deleted; nothing was imported.",
    "campaign-created": "The campaign is stored as version 1.",
    "campaign-saved": "The campaign is saved as a new version.",
    "campaign-unchanged": "Nothing changed, so no new version was made.",
    "campaign-archived": "The campaign is archived: kept, and refused for new checks and screens.",
    "assessed": "The assessment is stored as the campaign's newest version.",
    "screen-cancelled": "The upload is deleted; nothing was screened.",
}
REMOVAL_LABELS = {
    "added_by_mistake": "Added by mistake",
    "duplicate": "Duplicate of another entry",
    "consent_given": "The person has since given consent",
    "data_corrected": "The address or number was corrected",
    "no_longer_needed": "No longer needed",
}
assert set(REMOVAL_LABELS) == set(REMOVAL_REASONS)


def page(
    request: Request, staff: Staff, template: str, current: str, status_code: int = 200, **context: Any
) -> Response:
    nav = [(path, label, path == current) for path, label, permission in NAV if staff.can(permission)]
    done = DONE.get(request.query_params.get("done", ""))
    return console.render(
        template, status_code, staff=staff, nav=nav, done=done, can=staff.can, P=Permission, **context
    )


def _back(path: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?done={done}", status_code=303)


# --- static files, sign-in, sign-out, tenant --------------------------------------------------------------
@router.get("/static/{name}")
def static(name: str) -> Response:
    kinds = {"console.css": "text/css", console.HTMX: "text/javascript"}
    if name not in kinds:
        raise NotFoundError("no such file")
    return Response(
        console.static_file(name), media_type=kinds[name], headers={"Cache-Control": "public, max-age=3600"}
    )


@router.get("/sign-in")
def sign_in_page(request: Request) -> Response:
    token = form_token(request)
    return with_form_cookie(console.render("sign_in.html.j2", form_token=token, error=None), request, token)


@router.post("/sign-in")
async def sign_in(
    request: Request,
    address: ClientAddress,
    email: Short = "",
    password: Annotated[str, Form(max_length=1_024)] = "",
    form_token_: Annotated[str | None, Form(alias="form_token", max_length=100)] = None,
) -> Response:
    backend: Backend = request.app.state.backend
    check_same_origin(backend, request, form_token_)
    backend.limiter.hit("console-sign-in", address, backend.config.limits.console_sign_in_per_ip)
    try:
        token = await run_in_threadpool(staff_repo(request).sign_in, email, password)
    except SignInRefusedError as exc:
        page_token = form_token(request)
        page = console.render("sign_in.html.j2", 401, form_token=page_token, error=str(exc).capitalize() + ".")
        return with_form_cookie(page, request, page_token)
    response = RedirectResponse("/console", status_code=303)
    set_session_cookie(request, response, token)
    return response


@router.post("/sign-out")
def sign_out(request: Request, staff: FormStaff) -> Response:
    staff_repo(request).sign_out(staff.token)
    response = RedirectResponse("/console/sign-in", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.post("/tenant")
def switch_tenant(request: Request, staff: FormStaff, tenant: Annotated[int, Form()]) -> Response:
    """Act for another of one's own tenants (``NotFoundError`` for any other: no hint it exists)."""
    staff_repo(request).switch_tenant(staff.token, tenant)
    return _back("/console", "switched")


# --- overview ---------------------------------------------------------------------------------------------
def _bars(days: list[tuple[str, int]], height: int = 120) -> tuple[list[dict[str, Any]], int]:
    """The chart's bars: x, y and height of each day's bar in SVG units (no inline styles: strict CSP)."""
    top = max((n for _, n in days), default=0) or 1
    bars = []
    for i, (day, count) in enumerate(days):
        h = round(count / top * height)
        bars.append({"day": day, "count": count, "x": 40 + i * 20, "y": 10 + height - h, "h": h})
    return bars, top


@router.get("")
def overview_page(request: Request, staff: StaffDep) -> Response:
    backend: Backend = request.app.state.backend
    data = overview(staff.workspace, staff.tenant.rulebase().overlays)
    bars, top = _bars(data.opt_outs)
    return page(
        request,
        staff,
        "overview.html.j2",
        "/console",
        data=data,
        bars=bars,
        top=top,
        total=sum(b["count"] for b in bars),
        config=backend.config,
    )


# --- privacy requests -------------------------------------------------------------------------------------
@router.get("/requests")
def requests_page(
    request: Request, staff: StaffDep, include_closed: Annotated[bool, Query(alias="all")] = False
) -> Response:
    staff.need(Permission.READ_PRIVACY_REQUESTS)
    repo = staff.workspace.requests
    views = repo.list(include_closed=include_closed, limit=REQUESTS_SHOWN)
    total = len(repo.list(include_closed=True)) if include_closed else len(repo.open_deadlines())
    now = staff.workspace.scope.clock()
    return page(
        request,
        staff,
        "requests.html.j2",
        "/console/requests",
        requests=views,
        total=total,
        now=now,
        include_closed=include_closed,
        target_hours=staff.workspace.requests.target_hours(),
        export_types={t.value for t in EXPORT_TYPES},
    )


@router.post("/requests/{number}/{action}")
def request_action(request: Request, staff: FormStaff, number: int, action: str, reason: Text = "") -> Response:
    """verify / extend / reject / fulfil — the workflow of ``dsar``; an export's fulfilment answers
    with the zip (written to a private temporary directory and deleted once read)."""
    staff.need(Permission.OPEN_PRIVACY_REQUESTS)
    repo = staff.workspace.requests
    if action == "verify":
        repo.verify(number)
        return _back("/console/requests", "verified")
    if action == "extend":
        repo.extend(number, reason)
        return _back("/console/requests", "extended")
    if action == "reject":
        repo.reject(number, reason)
        return _back("/console/requests", "rejected")
    if action != "fulfil":
        raise NotFoundError("no such action")
    controller = staff.tenant.profile().organisation
    with tempfile.TemporaryDirectory(prefix="lr-console-") as directory:
        target = Path(directory) / f"privacy-request-{staff.tenant.name}-{number}.zip"
        done = repo.fulfil(number, out=target, controller=controller)
        if done.export_path is None:
            return _back("/console/requests", "fulfilled")
        body = done.export_path.read_bytes()
    return Response(
        body,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{target.name}"', "Cache-Control": "no-store"},
    )


# --- exclusions -------------------------------------------------------------------------------------------
def _exclusions(request: Request, staff: Staff, status_code: int = 200, **context: Any) -> Response:
    return page(
        request,
        staff,
        "exclusions.html.j2",
        "/console/exclusions",
        status_code,
        sources=SUPPRESSION_SOURCES,
        removal=REMOVAL_LABELS,
        **({"found": None, "searched": None, "error": None} | context),
    )


@router.get("/exclusions")
def exclusions_page(request: Request, staff: StaffDep) -> Response:
    staff.need(Permission.ADD_EXCLUSIONS)
    return _exclusions(request, staff)


def _entry_value(kind: str, value: str, country: str) -> tuple[str, str]:
    kind = check_kind(kind)
    if not value.strip():
        raise InputError(f"enter the {kind} to look for")
    return kind, normalise_entry(kind, value, country_code(country.strip() or None))


@router.post("/exclusions/search")
def exclusions_search(
    request: Request, staff: FormStaff, kind: Short = "email", value: Short = "", country: Short = ""
) -> Response:
    """Look one email, domain or phone up (by blind index: the list is never decrypted to search it)."""
    staff.need(Permission.READ_EXCLUSIONS)
    try:
        kind, key = _entry_value(kind, value, country)
    except InputError as exc:
        return _exclusions(request, staff, 422, error=str(exc))
    return _exclusions(request, staff, found=staff.workspace.suppressions.find(kind, key), searched=(kind, key))


@router.post("/exclusions/add")
def exclusions_add(
    request: Request,
    staff: FormStaff,
    kind: Short = "email",
    value: Short = "",
    country: Short = "",
    reason: Text = "",
    source: Short = "manual",
) -> Response:
    staff.need(Permission.ADD_EXCLUSIONS)
    try:
        kind, key = _entry_value(kind, value, country)
        if source not in SUPPRESSION_SOURCES:
            raise InputError("choose where the entry comes from")
        added = staff.workspace.suppressions.add(Entry(kind, key, reason.strip() or None, source))
    except InputError as exc:
        return _exclusions(request, staff, 422, error=str(exc))
    return _back("/console/exclusions", "added" if added else "already")


@router.post("/exclusions/remove")
def exclusions_remove(
    request: Request, staff: FormStaff, kind: Short = "email", value: Short = "", why: Short = ""
) -> Response:
    staff.need(Permission.REMOVE_EXCLUSIONS)
    if why not in REMOVAL_REASONS:
        return _exclusions(request, staff, 422, error="choose why the entry is removed")
    staff.workspace.suppressions.remove(check_kind(kind), value, why)
    return _back("/console/exclusions", "removed")


# --- a person ---------------------------------------------------------------------------------------------
def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)


def _person(request: Request, staff: Staff, who: Subject | None, status_code: int = 200, **context: Any) -> Response:
    held = everything_about(staff.workspace, who) if who is not None else None
    sections = []
    if held is not None:
        for name, rows in held.sections.items():
            columns = list(dict.fromkeys(k for row in rows for k in row))
            sections.append(
                (name.replace("_", " ").capitalize(), columns, [[_cell(r.get(c)) for c in columns] for r in rows])
            )
    return page(
        request,
        staff,
        "person.html.j2",
        "/console/person",
        status_code,
        who=who,
        held=held,
        sections=sections,
        channels=CHANNEL_LABELS,
        **({"error": None} | context),
    )


@router.get("/person")
def person_page(request: Request, staff: StaffDep) -> Response:
    staff.need(Permission.READ_LEDGER)
    return _person(request, staff, None)


@router.post("/person")
def person_search(
    request: Request, staff: FormStaff, email: Short = "", phone: Short = "", country: Short = ""
) -> Response:
    """Everything held about one email or phone — posted, so the address never appears in a URL."""
    staff.need(Permission.READ_LEDGER)
    try:
        who = subject(email.strip() or None, phone.strip() or None, country.strip() or None)
    except InputError as exc:
        return _person(
            request,
            staff,
            None,
            422,
            error=str(exc).replace("--email or --phone", "an email address or a phone number"),
        )
    return _person(request, staff, who)


@router.post("/person/opt-out")
def person_opt_out(
    request: Request, staff: FormStaff, kind: Short = "", key: Short = "", channel: Short = ALL_CHANNELS
) -> Response:
    """Record an opt-out for the person shown (as ``optout`` does), then show them again."""
    staff.need(Permission.RECORD_LEDGER)
    if kind not in ("email", "phone") or not key:
        raise InputError("no person to record an opt-out for")
    who = Subject(kind, key)  # type: ignore[arg-type]
    staff.workspace.ledger.opt_out(who, channel, source="compliance console")
    if not staff.can(Permission.READ_LEDGER):
        return _back("/console", "recorded")
    return _person(request, staff, who, recorded=True)


# --- audit trail ------------------------------------------------------------------------------------------
@router.get("/audit")
def audit_page(
    request: Request,
    staff: StaffDep,
    act: Annotated[str, Query(max_length=40)] = "",
    since: Annotated[str, Query(max_length=40)] = "",
    until: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    staff.need(Permission.READ_LEDGER)
    return _audit(request, staff, act, since, until, verified=None)


def _audit(
    request: Request, staff: Staff, act: str, since: str, until: str, verified: Any, status_code: int = 200
) -> Response:
    error = None
    try:
        records = staff.workspace.audit_show(
            act=act or None,
            since=parse_when(since or None, "from"),
            until=parse_when(until or None, "until"),
            limit=200,
        )
    except InputError as exc:
        records, error, status_code = [], str(exc), 422
    records.reverse()  # newest first
    actors = staff_repo(request).names(
        a.actor.removeprefix("console user ") for a in records if a.actor.startswith("console user ")
    )
    prefixes = sorted({a.split(".")[0] for a in ACTS})
    return page(
        request,
        staff,
        "audit.html.j2",
        "/console/audit",
        status_code,
        records=records,
        actors=actors,
        acts=prefixes + list(ACTS),
        act=act,
        since=since,
        until=until,
        error=error,
        verified=verified,
    )


@router.post("/audit/verify")
def audit_verify(request: Request, staff: FormStaff) -> Response:
    """The full chain check of ``audit verify``: the trail, its head, its anchor outside the database."""
    staff.need(Permission.READ_LEDGER)
    try:
        report = staff.workspace.audit_verify()
        verified: Any = {"ok": True, "entries": report.entries, "anchored": report.anchored}
    except LawfulreachError as exc:
        verified = {"ok": False, "problem": str(exc)}
    return _audit(request, staff, "", "", "", verified)
