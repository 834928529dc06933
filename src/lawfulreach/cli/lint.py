"""``lawfulreach lint MESSAGE --campaign ID|FILE --channel email --country GB``: the message check.

Parses the options, calls ``commands.lint`` and prints the decision for the audience and one row per
finding (requirement, check, present / missing / manual, where, why) — or, with ``--json``, the
report as JSON. Exit code 0 when the message may be sent and carries every requirement; 1 when any is
missing or the decision does not allow the message at all; 2 when the message cannot be read.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from lawfulreach.cli.context import CliContext
from lawfulreach.commands.lint import LintRun, parse_audience
from lawfulreach.commands.lint import lint as lint_command
from lawfulreach.domain.lint import Status

_STYLE = {Status.PRESENT: "green", Status.MISSING: "bold red", Status.MANUAL: "yellow"}


def lint(
    ctx: typer.Context,
    message: Path = typer.Argument(
        ...,
        help="The message: .eml, .html, .txt or .md (a 'Subject:' first line or "
        "front matter gives a non-.eml file its subject).",
    ),
    campaign: str = typer.Option(..., "--campaign", help="Campaign: a TOML file or a stored campaign's id."),
    channel: str = typer.Option(..., "--channel", help="email, sms, call, automated_call or post."),
    country: str = typer.Option(..., "--country", help="The audience's country (ISO code or name)."),
    region: str | None = typer.Option(None, "--region", help="The audience's region (ISO 3166-2, e.g. US-CA)."),
    consent: bool = typer.Option(False, "--consent", help="The audience consented (confirmed) to this channel."),
    subscriber_type: str = typer.Option(
        "corporate", "--subscriber-type", help="corporate, government, sole_trader, partnership or individual."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Check a message against what the decision requires: opt-out, sender, privacy notice, address, …"""
    cli: CliContext = ctx.obj
    audience = parse_audience(channel, country, region, consent=consent, subscriber_type=subscriber_type)
    run = lint_command(cli, message, campaign, audience)
    if as_json:
        typer.echo(json.dumps({"message": run.source, **run.report.to_dict()}, ensure_ascii=False, indent=2))
    else:
        _print(run)
    if not run.report.ok:
        raise typer.Exit(1)


def _print(run: LintRun) -> None:
    console = Console(stderr=False)
    report = run.report
    decision = report.decision
    name = run.campaign_doc.get("name") or run.campaign_doc.get("id") or "campaign"
    version = f" version {run.campaign.version}" if run.campaign.version else ""
    console.print(f"[bold]{run.source}[/] for {name}{version}: {report.audience.describe()}")
    if not report.sendable:
        if decision.outcome.value == "blocked":
            console.print("[bold red]This message cannot be sent lawfully to that audience[/]: the decision is blocked")
        else:
            console.print(
                "[bold yellow]This message cannot be checked yet[/]: the decision for that audience needs review "
                "by a person, and carries no requirements until then."
            )
        for reason in decision.reasons:
            console.print(f"  • {reason.code.value}: {reason.message}\n    [dim]{reason.citation}[/]")
        for note in report.notes:
            console.print(f"[dim]{note}[/]")
        return
    basis = decision.basis.value if decision.basis else "—"
    required = ", ".join(r.value for r in decision.requirements)
    console.print(f"Decision: allowed ({basis}); every message must carry: {required}")
    table = Table(show_lines=True)
    for column in ("Requirement", "Check", "Status", "Where", "Why"):
        table.add_column(column, overflow="fold")
    for finding in report.findings:
        status = f"[{_STYLE[finding.status]}]{finding.status.value}[/]"
        where = f"{finding.where}\n[dim]{finding.detail}[/]"
        table.add_row(finding.requirement.value, finding.check, status, where, f"[dim]{finding.why}[/]")
    console.print(table)
    for note in report.notes:
        console.print(f"[dim]{note}[/]")
    missing = len(report.missing)
    if missing:
        console.print(f"[bold red]{missing} of {len(report.findings)} checks missing[/]")
    else:
        console.print(f"[green]All {len(report.findings)} checks present[/]")
