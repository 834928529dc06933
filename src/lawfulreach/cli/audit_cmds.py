"""``lawfulreach audit verify|show``: the tenant's tamper-evident audit trail (``store.audit``)."""

from __future__ import annotations

import json

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.store.audit import parse_when
from lawfulreach.store.subjects import subject

audit_app = typer.Typer(help="The audit trail: who changed what, when (hash-chained).", no_args_is_help=True)


@audit_app.command("verify")
def verify(ctx: typer.Context) -> None:
    """Check every entry of the chain; exit 1 naming the first edited, deleted or reordered entry."""
    cli: CliContext = ctx.obj
    ws = cli.workspace()
    report = ws.audit_verify()
    typer.echo(f"audit trail of tenant {ws.tenant!r}: {report.entries} entries, chain intact")


@audit_app.command("show")
def show(
    ctx: typer.Context,
    email: str | None = typer.Option(None, "--email", help="Only acts concerning this address."),
    phone: str | None = typer.Option(None, "--phone", help="Only acts concerning this phone number."),
    country: str | None = typer.Option(None, "--country", help="Country of a national-format phone."),
    actor: str | None = typer.Option(None, "--actor", help="Only acts by this actor."),
    act: str | None = typer.Option(None, "--act", help="Only this act, or a prefix: suppress, ledger, request …"),
    since: str | None = typer.Option(None, "--since", help="From this date (YYYY-MM-DD or ISO, inclusive)."),
    until: str | None = typer.Option(None, "--until", help="Before this date (exclusive)."),
    limit: int | None = typer.Option(None, "--limit", help="Only the newest N matching entries."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines instead of a table."),
) -> None:
    """Entries oldest first. Subjects appear as references (blind indexes), never as addresses."""
    cli: CliContext = ctx.obj
    who = subject(email, phone, country) if (email is not None or phone is not None) else None
    rows = cli.workspace().audit_show(
        subject=who,
        actor=actor,
        act=act,
        since=parse_when(since, "--since"),
        until=parse_when(until, "--until"),
        limit=limit,
    )
    if as_json:
        for r in rows:
            record = {"seq": r.seq, "at": r.at.isoformat(), "actor": r.actor, "act": r.act}
            typer.echo(json.dumps(record | {"subject_ref": r.subject_ref, "details": r.details}))
        return
    if not rows:
        typer.echo("no audit entries")
        return
    typer.echo("seq\ttime\tactor\tact\tsubject\tdetails")
    for r in rows:
        ref = r.subject_ref[:12] if r.subject_ref else "-"
        details = json.dumps(r.details, separators=(",", ":"))
        typer.echo(f"{r.seq}\t{r.at:%Y-%m-%dT%H:%M:%SZ}\t{r.actor}\t{r.act}\t{ref}\t{details}")
