"""``lawfulreach rules show [COUNTRY]`` and ``lawfulreach rules explain [FILE|-]``."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, fields

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lawfulreach.cli.context import CliContext
from lawfulreach.commands.campaigns import CheckCampaigns
from lawfulreach.domain.engine import country_name
from lawfulreach.domain.extract import normalise_country
from lawfulreach.domain.rulebase import Column, CountryRule, RuleBase
from lawfulreach.domain.vocabulary import Channel, SubscriberType
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
    for code in countries:
        for rule in rb.for_country(code):
            lines = rule_lines(rb, rule)
            cite = "\n".join(lines.citations)
            if notes and rule.note:
                cite += f"\n[dim]Product note: {escape(rule.note)}[/dim]"
            table.add_row(
                f"{country_name(code)} ({code})",
                rule.column.value,
                rule.level.label,
                rule.level_generic.label if rule.level_generic else "",
                lines.dnc,
                "; ".join(lines.exceptions),
                ", ".join(r.value for r in rb.overlays.requirements(code, _CHANNEL_OF[rule.column])),
                cite,
            )
    console = Console(width=200 if not sys.stdout.isatty() else None)
    console.print(table)
    # What a screen prints and an evidence record keeps: a hash of the shipped data and the override
    # files (register maximum ages set in the workspace, when any, are added to it at decision time).
    console.print(f"Rule-base version: {rb.version}", markup=False, highlight=False)


@dataclass(frozen=True)
class RuleLines:
    """What ``rules show`` prints for one row besides its level: the register check, the exceptions
    and every citation the row's decisions can carry."""

    dnc: str
    exceptions: list[str]
    citations: list[str]


_SUBSCRIBER_LABEL = {
    SubscriberType.CORPORATE: "companies",
    SubscriberType.GOVERNMENT: "government bodies",
    SubscriberType.SOLE_TRADER: "sole traders",
    SubscriberType.PARTNERSHIP: "partnerships",
    SubscriberType.INDIVIDUAL: "individuals",
}
_CHANNEL_OF = {
    Column.EMAIL_FIRST_PARTY: Channel.EMAIL,
    Column.EMAIL_THIRD_PARTY: Channel.EMAIL,
    Column.SMS: Channel.SMS,
    Column.CALL: Channel.CALL,
    Column.AUTOMATED_CALL: Channel.AUTOMATED_CALL,
}


def rule_lines(rb: RuleBase, rule: CountryRule) -> RuleLines:
    """The register check, exceptions and citations of one row, from the rule data and the overlays."""
    ov = rb.overlays
    exceptions: list[str] = []
    citations = [escape(rule.citation)]
    if rule.mobile_level:
        exceptions.append(f"mobile: {rule.mobile_level.label}")
    if rule.public_directory_level:
        exceptions.append(f"public directory: {rule.public_directory_level.label}")
    dnc = ""
    if rule.dnc_check:
        registers = ov.dnc_required_registers.get(rule.country, ())
        named = ", ".join(f"{n} (max {ov.max_age_days(n)} days)" for n in registers) or "a national register"
        dnc = f"yes: {named}"
        own = ov.dnc_citations.get(rule.country)
        if own:
            citations.append(escape(own))
        if rule.dnc_subscribers:
            covered = [label for t, label in _SUBSCRIBER_LABEL.items() if t in rule.dnc_subscribers]
            exempt = [label for t, label in _SUBSCRIBER_LABEL.items() if t not in rule.dnc_subscribers]
            dnc += f"; for {', '.join(covered)} only"
            exceptions.append(f"no register check for calls to {', '.join(exempt)}")
            exempt_cite = ov.dnc_exempt_citations.get(rule.country)
            if exempt_cite:
                citations.append(escape(exempt_cite))
    window = ov.window(rule.country, _CHANNEL_OF[rule.column])
    if window is not None and (window.effect == "implied_consent" or rule.dnc_check):
        span = (
            f"a purchase within {window.customer_months} months or an inquiry within {window.negotiation_months} months"
        )
        if window.effect == "implied_consent":
            exceptions.append(f"implied consent: an existing business relationship ({span})")
        else:
            exceptions.append(f"no register check with an established business relationship ({span})")
        citations.append(escape(window.citation))
    return RuleLines(dnc, exceptions, citations)


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
