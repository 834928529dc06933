"""The console's reference pages: the rules by country, campaigns with their legitimate interests
assessments (the printable document of ``lia render``), recorded runs, the organisation profile.

Read through the same command functions as ``rules show``, ``campaign list|show``, ``lia list|render``
and ``org show``; the commands take a ``commands.session.Session``, which ``Commands`` is for a
signed-in person (their tenant's workspace, acting as them).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from lawfulreach.api.backend import Backend
from lawfulreach.api.roles import Permission
from lawfulreach.commands import campaigns as campaign_commands
from lawfulreach.commands import lia as lia_commands
from lawfulreach.commands.evidence import run_summary
from lawfulreach.commands.rules import rule_rows
from lawfulreach.console.auth import FormStaff, Staff, StaffDep
from lawfulreach.console.routes import page
from lawfulreach.domain.extract import normalise_country
from lawfulreach.errors import InputError
from lawfulreach.service import Lawfulreach
from lawfulreach.store import Workspace
from lawfulreach.store.profiles import NEEDED, PROFILE_FIELDS, PROFILE_LABELS

if TYPE_CHECKING:
    from lawfulreach.batch.snapshot import BatchSnapshot
    from lawfulreach.domain.rulebase import RuleBase

router = APIRouter(prefix="/console", include_in_schema=False)


@dataclass(frozen=True)
class Commands:
    """``commands.session.Session`` for one signed-in person: the server's rules, their tenant."""

    staff: Staff
    backend: Backend

    def rulebase(self) -> RuleBase:
        return self.backend.config.rulebase

    def workspace(self) -> Workspace:
        return self.staff.workspace

    def service(self) -> Lawfulreach:
        ws = self.workspace()
        policy = self.backend.config.policy or ws.tenant_settings.subscriber_policy()
        return Lawfulreach(
            rulebase=ws.rulebase(self.rulebase()), state=ws.state(), subscriber_policy=policy, clock=self.backend.clock
        )

    def batch_snapshot(self) -> BatchSnapshot:
        return self.workspace().batch_snapshot()


def _commands(request: Request, staff: Staff) -> Commands:
    return Commands(staff, request.app.state.backend)


@router.get("/rules")
def rules_page(request: Request, staff: StaffDep, country: Annotated[str, Query(max_length=60)] = "") -> Response:
    staff.need(Permission.CHECK)
    rb = staff.tenant.rulebase()
    code = normalise_country(country) if country else None
    if country and code not in rb.countries:
        raise InputError(f"the rule base has no rules for {country!r}")
    rows = rule_rows(rb, [code] if code else rb.countries)
    return page(
        request,
        staff,
        "rules.html.j2",
        "/console/rules",
        rows=rows,
        countries=list(rb.countries),
        country=code,
        version=rb.version,
    )


@router.get("/campaigns")
def campaigns_page(request: Request, staff: StaffDep) -> Response:
    staff.need(Permission.READ_CAMPAIGNS)
    session = _commands(request, staff)
    records = campaign_commands.list_campaigns(session, include_archived=True)
    status = {r.id: lia_commands.campaign_status(session, r.id).describe() for r in records}
    return page(request, staff, "campaigns.html.j2", "/console/campaigns", records=records, status=status)


@router.get("/campaigns/{campaign_id}")
def campaign_page(request: Request, staff: StaffDep, campaign_id: str) -> Response:
    staff.need(Permission.READ_CAMPAIGNS)
    session = _commands(request, staff)
    view = campaign_commands.show_campaign(session, campaign_id)
    assessments = lia_commands.list_assessments(session, campaign_id)
    return page(
        request,
        staff,
        "campaign.html.j2",
        "/console/campaigns",
        view=view,
        content=view.shown.campaign.content(),
        status=lia_commands.campaign_status(session, campaign_id).describe(),
        assessments=assessments,
        latest=max(assessments, key=lambda a: a.version) if assessments else None,
    )


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


@router.get("/campaigns/{campaign_id}/lia/{assessment_id}")
def printable_assessment(request: Request, staff: StaffDep, campaign_id: str, assessment_id: str) -> Response:
    """The filed document of ``lia render --format html``. Its stylesheet is inline (the file stands
    alone when saved), so this one page's CSP allows exactly that stylesheet by its SHA-256 hash."""
    staff.need(Permission.READ_CAMPAIGNS)
    session = _commands(request, staff)
    record = lia_commands.show(session, assessment_id)
    if record.campaign_id != campaign_id:
        raise InputError("that assessment belongs to another campaign")
    html = lia_commands.render(session, assessment_id, "html")
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(m.encode()).digest()).decode()}'" for m in _STYLE.findall(html)
    )
    styles = hashes or "'none'"
    csp = f"default-src 'none'; style-src {styles}; img-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    return HTMLResponse(html, headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"})


@router.get("/runs")
def runs_page(request: Request, staff: StaffDep) -> Response:
    """Recorded screening and check runs (``evidence``), newest first."""
    staff.need(Permission.READ_EVIDENCE)
    runs = staff.workspace.evidence.runs(limit=100)
    return page(request, staff, "runs.html.j2", "/console/runs", runs=runs)


@router.get("/runs/{ref}")
def run_page(request: Request, staff: StaffDep, ref: str) -> Response:
    """One run as ``evidence run`` shows it: who, when, what input, which campaign and LIA, the
    rule-base version and the outcomes per channel."""
    staff.need(Permission.READ_EVIDENCE)
    run = run_summary(staff.workspace, ref)
    outcomes = sorted({o for per in run.counts.values() for o in per})
    return page(request, staff, "run.html.j2", "/console/runs", run=run, outcomes=outcomes)


@router.get("/organisation")
def organisation_page(request: Request, staff: StaffDep) -> Response:
    staff.need(Permission.READ_ORGANISATION)
    return _organisation(request, staff)


@router.post("/organisation")
async def organisation_update(request: Request, staff: FormStaff) -> Response:
    """Change the profile as ``org set`` does (``ProfileRepo.update``, audit act ``org.update``): every
    field of the form; an emptied optional field is cleared."""
    staff.need(Permission.WRITE_ORGANISATION)
    form = await request.form()
    changes = {name: str(form.get(name, "")).strip()[:2_000] for name in PROFILE_FIELDS if name in form}
    try:
        await run_in_threadpool(staff.workspace.profiles.update, **changes)
    except InputError as exc:
        return await run_in_threadpool(_organisation, request, staff, 422, str(exc))
    return RedirectResponse("/console/organisation?done=saved", status_code=303)


def _organisation(request: Request, staff: Staff, status_code: int = 200, error: str | None = None) -> Response:
    profile = staff.workspace.profiles.get()
    missing = (profile.missing() + profile.notice_missing()) if profile else list(NEEDED.values())
    fields = [(PROFILE_LABELS[name], getattr(profile, name) if profile else None) for name in PROFILE_FIELDS]
    return page(
        request,
        staff,
        "organisation.html.j2",
        "/console/organisation",
        status_code,
        profile=profile,
        error=error,
        names=PROFILE_FIELDS,
        fields=fields,
        missing=missing,
    )
