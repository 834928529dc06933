"""``lawfulreach inbox import|list``: replies, bounces and complaints into state, at once.

Thin over ``commands.inbound``. The summary names no one: counts per class and per effect; ``inbox
list`` shows the addresses of the messages left for a person (the operator needs them to answer).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from lawfulreach.cli.context import CliContext
from lawfulreach.commands.inbound import DEFAULT_SOFT_BOUNCE_LIMIT, InboundSummary, import_mailbox
from lawfulreach.domain.replies import ReplyKind
from lawfulreach.errors import InputError
from lawfulreach.outreach.mailboxes import FORMATS

inbox_app = typer.Typer(
    help="Inbound mail: replies, bounces and complaints turned into opt-outs, requests and exclusions.",
    no_args_is_help=True,
)

_LABELS = {
    "opt_out": "opt-outs",
    "privacy_request": "privacy requests",
    "hard_bounce": "hard bounces",
    "soft_bounce": "soft bounces",
    "complaint": "complaints",
    "auto_reply": "automatic replies",
    "other": "for a person",
}


def _table(summary: InboundSummary) -> list[str]:
    head = "Dry run — nothing recorded" if summary.dry_run else "Processed"
    lines = [f"{head}: {summary.messages} messages"]
    for kind in ReplyKind:
        lines.append(f"  {_LABELS[kind.value]:<20} {summary.classes.get(kind.value, 0):>6}")
    verb = "would be" if summary.dry_run else ""
    effects = [
        ("opt-outs recorded (all channels)", summary.opt_outs),
        ("privacy requests opened", len(summary.requests_opened)),
        ("addresses suppressed", summary.suppressed),
        ("soft bounces counted", summary.soft_bounces),
        ("left for review", summary.for_review),
        ("already processed (skipped)", summary.duplicates),
        ("could not be read", len(summary.failed)),
    ]
    lines.append("Effects" + (f" ({verb} recorded)" if verb else ""))
    lines.extend(f"  {label:<34} {count:>6}" for label, count in effects)
    if summary.unmatched_opt_outs:
        lines.append(
            f"{summary.unmatched_opt_outs} opt-out(s) name no address we could find: check them by hand "
            "(`lawfulreach inbox list --kind opt_out`, `--kind complaint`)"
        )
    if summary.requests_opened:
        numbers = ", ".join(str(n) for n in summary.requests_opened)
        lines.append(f"Privacy requests {numbers}: verify the requester's identity (`lawfulreach dsar list`)")
    return lines


@inbox_app.command("import")
def import_(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="An mbox file, a Maildir, a directory of .eml files or one .eml file."),
    fmt: str = typer.Option("auto", "--format", help=f"{', '.join(FORMATS)} (auto: recognised from the path)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Classify and count; record nothing."),
    soft_bounce_limit: int = typer.Option(
        DEFAULT_SOFT_BOUNCE_LIMIT, "--soft-bounce-limit", help="Soft bounces of an address before it is excluded."
    ),
    as_json: bool = typer.Option(False, "--json", help="The summary as JSON."),
) -> None:
    """Classify every message and record its effect at once: opt-outs (all channels), privacy requests
    (awaiting identity verification), bounced addresses excluded, automatic replies counted, the rest
    logged for a person. Importing the same mailbox again changes nothing."""
    cli: CliContext = ctx.obj
    summary = import_mailbox(cli, path, fmt, soft_bounce_limit=soft_bounce_limit, dry_run=dry_run)
    if as_json:
        typer.echo(json.dumps(summary.as_json(), ensure_ascii=False))
    else:
        for line in _table(summary):
            typer.echo(line)
        for label, why in summary.failed:
            typer.echo(f"{label}: {why}", err=True)
    if summary.failed:
        raise typer.Exit(1)


@inbox_app.command("list")
def list_(
    ctx: typer.Context,
    kind: str = typer.Option("other", "--kind", help="Which class (default: the messages left for a person)."),
    limit: int = typer.Option(50, "--limit", help="How many, newest first."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines instead of a table."),
) -> None:
    """Recorded inbound messages of one class, newest first, with the address and subject to find them by."""
    kinds = [k.value for k in ReplyKind]
    if kind not in kinds:
        raise InputError(f"unknown class {kind!r}; use one of {', '.join(kinds)}")
    cli: CliContext = ctx.obj
    records = cli.workspace().inbound.records(kind=kind, limit=limit)
    if as_json:
        for record in records:
            typer.echo(json.dumps(record.as_json(), ensure_ascii=False))
        return
    if not records:
        typer.echo(f"no {kind} messages recorded")
        return
    for r in records:
        when = (r.received_at or r.processed_at).strftime("%Y-%m-%d %H:%M")
        subject = f" — {r.subject}" if r.subject else ""
        typer.echo(f"{when}  {r.address or '(erased or none)'}  {r.effect}{subject}  [{r.evidence or ''}]")
