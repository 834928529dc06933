"""``lawfulreach rules show [COUNTRY]`` and ``lawfulreach rules explain [FILE|-]``."""

from __future__ import annotations

import json
import sys
from dataclasses import fields

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lawfulreach.cli.context import CliContext
from lawfulreach.commands.campaigns import CheckCampaigns
from lawfulreach.commands.rules import rule_rows
from lawfulreach.domain.extract import normalise_country
from lawfulreach.errors import InputError, RequestError

rules_app = typer.Typer(help="Show the rule base and explain decisions.", no_args_is_help=True)


@rules_app.command("show")
def show(
    ctx: typer.Context,
    country: str | None = typer.Argument(None, help="ISO country code (e.g. DE); all countries when omitted."),
    notes: bool = typer.Option(
        False,
        "--notes",
        help="Also print the product's own notes: how a rule was read or where its source was corrected.",
    ),
) -> None:
    """Print the rules, one row per country × channel, with the law each rests on."""
    cli: CliContext = ctx.obj
    rb = cli.rulebase()
    if country is not None:
        code = normalise_country(country)
        if code is None:
            raise InputError(f"unknown country {country!r}; use an ISO 3166-1 alpha-2 code such as DE")
        if code not in rb.countries:
            raise InputError(f"the rule base has no rules for {code}; countries: {', '.join(rb.countries)}")
        countries = [code]
    else:
        countries = list(rb.countries)
    table = Table(title="lawfulreach rule base", show_lines=True)
    for col in ("Country", "Channel", "Rule", "Generic address", "DNC check", "Exceptions", "Must carry", "Citation"):
        table.add_column(col, overflow="fold")
    for row in rule_rows(rb, countries):
        cite = "\n".join(escape(c) for c in row.citations)
        if notes and row.note:
            cite += f"\n[dim]Product note: {escape(row.note)}[/dim]"
        table.add_row(
            f"{row.country_name} ({row.country})",
            row.column,
            row.rule,
            row.generic,
            escape(row.dnc),
            escape("; ".join(row.exceptions)),
            ", ".join(row.requirements),
            cite,
        )
    console = Console(width=200 if not sys.stdout.isatty() else None)
    console.print(table)
    # What a screen prints and an evidence record keeps: a hash of the shipped data and the override
    # files (register maximum ages set in the workspace, when any, are added to it at decision time).
    console.print(f"Rule-base version: {rb.version}", markup=False, highlight=False)


@rules_app.command("explain")
def explain(
    ctx: typer.Context,
    file: str = typer.Argument("-", help="A JSON request (one object, or JSON Lines) file, or - for stdin."),
) -> None:
    """Show the facts the engine saw and the path it took to each decision."""
    cli: CliContext = ctx.obj
    service = cli.service()
    campaigns = CheckCampaigns(cli)  # a request may name a stored campaign by id, as for `check`
    text = sys.stdin.read() if file == "-" else _read(file)
    console = Console()
    for n, chunk in enumerate(_requests(text), start=1):
        request = campaigns.request(chunk)
        facts, decision, trace = service.explain(request)
        console.rule(f"request {n}: {request.channel.value} → {decision.outcome.value}")
        console.print("[bold]Facts[/bold]")
        for f in fields(facts):
            console.print(f"  {f.name} = {getattr(facts, f.name)!s}")
        console.print("[bold]Path[/bold]")
        for step in trace or ["(no rule cell involved)"]:
            console.print(f"  • {step}")
        console.print("[bold]Decision[/bold]")
        console.print_json(json.dumps(decision.to_dict(), ensure_ascii=False))


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise InputError(f"{path}: cannot read file: {exc.strerror}") from None


def _requests(text: str) -> list[object]:
    text = text.strip()
    if not text:
        raise InputError("no request given")
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        pass
    out = []
    for i, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise RequestError(f"line {i}: not valid JSON: {exc.msg}") from None
    return out
