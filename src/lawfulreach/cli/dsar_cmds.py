"""``lawfulreach dsar open|list|show|verify|extend|reject|fulfil|target``: data subject requests.

Thin over ``store.dsar.RequestRepo``. Listing shows the requester's address (the operator needs it to
answer); nothing here writes it to a log.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.errors import InputError
from lawfulreach.store.audit import parse_when
from lawfulreach.store.dsar import PrivacyRequestView
from lawfulreach.store.subjects import subject

dsar_app = typer.Typer(
    help="Data subject requests: access, portability, erasure, rectification, objection, CCPA.",
    no_args_is_help=True,
)

_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(raw: str) -> timedelta:
    """``24h``, ``3d``, ``90m``, ``2w``."""
    match = _DURATION.match(raw)
    if match is None:
        raise InputError(f"{raw!r} is not a duration; use e.g. 90m, 24h, 3d or 2w")
    return timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if value else "-"


def _flags(r: PrivacyRequestView, now: datetime) -> str:
    if r.past_legal_deadline(now):
        return "PAST LEGAL DEADLINE"
    if r.overdue(now):
        return "overdue (target)"
    return ""


def _as_dict(r: PrivacyRequestView, now: datetime) -> dict[str, object]:
    return {
        "id": r.number,
        "type": r.request_type,
        "regime": r.regime,
        "status": r.status,
        "subject": r.subject,
        "received_at": r.received_at.isoformat(),
        "due_at": r.due_at.isoformat(),
        "target_due_at": r.target_due_at.isoformat(),
        "legal_due_at": r.legal_due_at.isoformat(),
        "verified": r.verified_at is not None,
        "extended": r.extended_at is not None,
        "closed_at": r.closed_at.isoformat() if r.closed_at else None,
        "overdue": r.overdue(now),
        "past_legal_deadline": r.past_legal_deadline(now),
    }


def _summary(r: PrivacyRequestView) -> str:
    return (
        f"request {r.number}: {r.request_type} ({r.regime}), {r.status}; due {_when(r.due_at)} UTC, "
        f"legal deadline {_when(r.legal_due_at)} UTC"
    )


@dsar_app.command("open")
def open_(
    ctx: typer.Context,
    type_: str = typer.Option(
        ..., "--type", help="access, portability, erasure, rectification, objection, ccpa_know or ccpa_delete."
    ),
    email: str | None = typer.Option(None, "--email", help="The requester's email address."),
    phone: str | None = typer.Option(None, "--phone", help="The requester's phone number."),
    country: str | None = typer.Option(None, "--country", help="Country of a national-format phone; GB → UK GDPR."),
    received: str | None = typer.Option(None, "--received", help="When it arrived (YYYY-MM-DD or ISO; default now)."),
    regime: str | None = typer.Option(None, "--regime", help="gdpr, uk_gdpr or ccpa (default from the type)."),
) -> None:
    """Record a request as received; its deadlines start from the day it arrived."""
    cli: CliContext = ctx.obj
    who = subject(email, phone, country)
    r = cli.workspace().requests.open(
        type_, who, received_at=parse_when(received, "--received"), regime=regime, country=country
    )
    typer.echo(_summary(r))
    if r.request_type == "objection":
        typer.echo("the objection is in force now: every channel is blocked for this person")


@dsar_app.command("list")
def list_(
    ctx: typer.Context,
    overdue: bool = typer.Option(False, "--overdue", help="Only open requests past their due date."),
    due_within: str | None = typer.Option(None, "--due-within", help="Only open requests due within, e.g. 24h."),
    all_: bool = typer.Option(False, "--all", help="Include fulfilled and rejected requests."),
    type_: str | None = typer.Option(None, "--type", help="Only requests of this type."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines instead of a table."),
) -> None:
    """Requests by due date, most urgent first (open ones only unless --all)."""
    cli: CliContext = ctx.obj
    ws = cli.workspace()
    within = parse_duration(due_within) if due_within else None
    rows = ws.requests.list(include_closed=all_, overdue=overdue, due_within=within, request_type=type_)
    now = ws.scope.clock()
    if as_json:
        for r in rows:
            typer.echo(json.dumps(_as_dict(r, now)))
        return
    if not rows:
        typer.echo("no requests")
        return
    typer.echo("id\ttype\tregime\tstatus\tsubject\treceived\tdue\tlegal deadline\tflags")
    for r in rows:
        fields = [str(r.number), r.request_type, r.regime, r.status, r.subject or "(erased)"]
        fields += [_when(r.received_at), _when(r.due_at), _when(r.legal_due_at), _flags(r, now)]
        typer.echo("\t".join(fields))


@dsar_app.command("show")
def show(ctx: typer.Context, number: int = typer.Argument(..., help="The request's id.")) -> None:
    """One request with its dates and reasons."""
    cli: CliContext = ctx.obj
    ws = cli.workspace()
    r = ws.requests.get(number)
    typer.echo(_summary(r))
    typer.echo(f"subject: {r.subject_kind} {r.subject or '(erased)'}")
    typer.echo(f"received {_when(r.received_at)}; target {_when(r.target_due_at)}; verified {_when(r.verified_at)}")
    if r.extended_at:
        typer.echo(f"extended {_when(r.extended_at)}: {r.extend_reason or '-'}")
    if r.closed_at:
        typer.echo(f"closed {_when(r.closed_at)}{': ' + r.reject_reason if r.reject_reason else ''}")
    flags = _flags(r, ws.scope.clock())
    if flags:
        typer.echo(flags)


@dsar_app.command("verify")
def verify(ctx: typer.Context, number: int = typer.Argument(..., help="The request's id.")) -> None:
    """Record that the requester's identity was checked (required before fulfilling)."""
    cli: CliContext = ctx.obj
    typer.echo(_summary(cli.workspace().requests.verify(number)))


@dsar_app.command("extend")
def extend(
    ctx: typer.Context,
    number: int = typer.Argument(..., help="The request's id."),
    reason: str = typer.Option(..., "--reason", help="Why more time is needed (tell the requester too)."),
) -> None:
    """Extend the legal deadline once: GDPR by two months, CCPA by 45 days."""
    cli: CliContext = ctx.obj
    typer.echo(_summary(cli.workspace().requests.extend(number, reason)))


@dsar_app.command("reject")
def reject(
    ctx: typer.Context,
    number: int = typer.Argument(..., help="The request's id."),
    reason: str = typer.Option(..., "--reason", help="Why (e.g. identity could not be verified)."),
) -> None:
    """Close a request without acting on it, with the reason."""
    cli: CliContext = ctx.obj
    typer.echo(_summary(cli.workspace().requests.reject(number, reason)))


def _corrections(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--set {item!r}: use FIELD=VALUE, e.g. --set last_name=Smith")
        out[name.strip().lower()] = value.strip()
    return out


@dsar_app.command("fulfil")
def fulfil(
    ctx: typer.Context,
    number: int = typer.Argument(..., help="The request's id."),
    out: Path | None = typer.Option(None, "--out", help="Where to write the export zip (access, portability)."),
    set_: list[str] = typer.Option([], "--set", help="Rectification: FIELD=VALUE; repeatable."),
    controller: str | None = typer.Option(
        None, "--controller", help="Who the person should write to (shown on the export's summary page)."
    ),
) -> None:
    """Do what the request asks (export, erase, correct, …) and close it. Refused unless verified."""
    cli: CliContext = ctx.obj
    done = cli.workspace().requests.fulfil(number, out=out, corrections=_corrections(set_), controller=controller)
    typer.echo(_summary(done.request))
    if done.export_path is not None and done.export is not None:
        records = sum(len(rows) for rows in done.export.sections.values())
        typer.echo(
            f"export written to {done.export_path} ({records} records); it holds personal data: send it "
            "to the requester securely and delete your copy"
        )
    if done.erasure is not None:
        e = done.erasure
        typer.echo(
            f"erased: {e.contacts} contact(s), {e.ledger_events} ledger event(s), {e.exclusion_entries} exclusion "
            f"entries, {e.requests_scrubbed} request record(s) stripped; {e.hashes_kept} keyed hash(es) kept"
        )
    if done.corrected:
        typer.echo(f"corrected {done.corrected} stored contact(s)")


@dsar_app.command("target")
def target(
    ctx: typer.Context,
    hours: int | None = typer.Option(None, "--hours", help="Set the tenant's own deadline for new requests."),
) -> None:
    """Show (or set) the tenant's own deadline for answering requests (default 72 hours)."""
    cli: CliContext = ctx.obj
    repo = cli.workspace().requests
    if hours is not None:
        repo.set_target_hours(hours)
    typer.echo(f"target: {repo.target_hours()} hours after receipt (legal deadlines apply regardless)")
