"""``lawfulreach evidence --email X | --phone P`` and ``evidence run ID``: answering for decisions.

Thin over ``commands.evidence``: every recorded decision about a person (run, campaign and version,
LIA, rule-base version, basis, requirements) and every ledger event, as a table, JSON or an HTML
page a compliance officer can file; a run's summary. Files are written 0600 (they name the person).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from lawfulreach.cli.context import CliContext
from lawfulreach.cli.options import COUNTRY, EMAIL, PHONE
from lawfulreach.commands.evidence import EvidenceReport, evidence_for, run_summary
from lawfulreach.csvsafe import private_file
from lawfulreach.errors import InputError
from lawfulreach.report.evidence import render_evidence, render_run
from lawfulreach.store.evidence import RunSummary
from lawfulreach.store.subjects import subject

FORMATS = ("table", "json", "html")

evidence_app = typer.Typer(
    help="Evidence: every recorded decision and ledger event about a person (--email / --phone), or a run.",
)

_FORMAT = typer.Option("table", "--format", help="table, json or html.")
_OUT = typer.Option(None, "--out", help="Write to this file (0600) instead of the terminal.")


def _format(raw: str, out: Path | None) -> str:
    fmt = raw.strip().lower()
    if fmt not in FORMATS:
        raise InputError(f"unknown format {raw!r}; use one of {', '.join(FORMATS)}")
    if out is not None and fmt == "table":
        suffix = out.suffix.lower().lstrip(".")
        if suffix not in ("json", "html"):
            raise InputError(f"--out {out}: give --format json or html (or name the file .json / .html)")
        fmt = suffix
    return fmt


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text)
        return
    with private_file(out) as fh:
        fh.write(text)
    typer.echo(f"written: {out}")


@evidence_app.callback(invoke_without_command=True)
def evidence(
    ctx: typer.Context,
    email: str | None = EMAIL,
    phone: str | None = PHONE,
    country: str | None = COUNTRY,
    format_: str = _FORMAT,
    out: Path | None = _OUT,
) -> None:
    """Every recorded decision about a person and every consent / opt-out they gave."""
    if ctx.invoked_subcommand is not None:
        if email is not None or phone is not None:
            raise InputError("give --email / --phone, or a subcommand such as `evidence run ID`, not both")
        return
    if email is None and phone is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)
    fmt = _format(format_, out)
    cli: CliContext = ctx.obj
    report = evidence_for(cli.workspace(), subject(email, phone, country))
    if fmt == "json":
        _emit(json.dumps(report.as_json(), indent=2, ensure_ascii=False), out)
    elif fmt == "html":
        _emit(render_evidence(report.as_json()), out)
    else:
        _print_report(report)


@evidence_app.command("run")
def run(
    ctx: typer.Context,
    ref: str = typer.Argument(..., help="The run id a recorded screen printed (run-…)."),
    format_: str = _FORMAT,
    out: Path | None = _OUT,
) -> None:
    """A recorded run: who, when, campaign and version, LIA, rule-base version, input hash, counts."""
    cli: CliContext = ctx.obj
    fmt = _format(format_, out)
    summary = run_summary(cli.workspace(), ref)
    if fmt == "json":
        _emit(json.dumps(summary.as_json(), indent=2, ensure_ascii=False), out)
    elif fmt == "html":
        _emit(render_run(summary.as_json()), out)
    else:
        _print_run(summary)


def _lia(lia: dict[str, Any]) -> str:
    text = f"{lia['kind']}: {lia['status']}"
    return f"{text} ({lia['id']} v{lia['version']})" if lia.get("id") else text


def _campaign(c: dict[str, Any]) -> str:
    name = c.get("name") or ""
    return f"{name} {c['id']}@{c['version']}".strip() if c.get("id") else (name or "(file)")


def _print_run(summary: RunSummary) -> None:
    console = Console(width=max(Console().width, 100))
    data = summary.as_json()
    table = Table(title=f"Evidence run {summary.ref}", show_header=False)
    table.add_column("")
    table.add_column("")
    counts = "; ".join(
        f"{ch}: " + ", ".join(f"{o} {n:,}" for o, n in sorted(per.items())) for ch, per in summary.counts.items()
    )
    for label, value in (
        ("Kind", summary.kind),
        ("Recorded", f"{data['recorded_at']} by {summary.actor} (tenant {summary.tenant})"),
        ("Campaign", _campaign(data["campaign"])),
        ("LIA", _lia(data["lia"])),
        ("Rule base", summary.rulebase_version),
        ("Input", f"{summary.input_name or '(API request)'}  sha256 {summary.input_sha256 or '-'}"),
        ("Decisions", f"{summary.decisions:,}  ({counts})"),
    ):
        table.add_row(label, value)
    console.print(table)


def _print_report(report: EvidenceReport) -> None:
    console = Console(width=max(Console().width, 160))
    data = report.as_json()
    who = ", ".join(report.subject["emails"] + report.subject["phones"])
    console.print(f"Evidence for {who} (tenant {report.tenant}){' — ERASED' if report.erased else ''}", markup=False)
    decisions = Table(title=f"Recorded decisions ({len(report.decisions)})")
    for col in ("Recorded", "Run", "Campaign", "LIA", "Rules", "Line", "Channel", "Outcome", "Basis", "Reasons",
                "Requirements"):  # fmt: skip
        decisions.add_column(col)
    for d in data["decisions"]:
        decisions.add_row(
            d["recorded_at"][:16],
            d["run"],
            _campaign(d["campaign"]),
            _lia(d["lia"]),
            d["rulebase_version"],
            f"{d['input']['name'] or 'API'}:{d['input']['line']}",
            d["channel"],
            d["outcome"],
            d["basis"] or "",
            ", ".join(d["reasons"]),
            ", ".join(d["requirements"]),
        )
    console.print(decisions)
    ledger = Table(title=f"Consents, withdrawals and opt-outs ({len(report.ledger)})")
    for col in ("Occurred", "Event", "Channel", "Purpose", "Method", "Wording", "Source"):
        ledger.add_column(col)
    for e in report.ledger:
        ledger.add_row(
            str(e["occurred_at"])[:16],
            e["event"],
            e["channel"],
            e["purpose"] or "",
            e["method"] or "",
            e["wording"] or "",
            e["source"] or "",
        )
    console.print(ledger)
