"""``lawfulreach screen PROSPECTS.csv --campaign ID|CAMPAIGN.toml``: the main job.

Parses the options, calls ``commands.screen`` (read → decide → write → report → save) and prints what
it did: how the file was read, the outcomes per channel, the top reasons, where the files are. Large
files on a terminal get a progress bar.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from lawfulreach import commands
from lawfulreach.cli.context import CliContext
from lawfulreach.cli.files import SHEET_HELP, STRICT_HELP, describe_columns, describe_read, rejects_line
from lawfulreach.commands.outputs import OUT_DIR
from lawfulreach.commands.screening import ScreenRun
from lawfulreach.domain.vocabulary import Source
from lawfulreach.report.campaign import provenance_lines
from lawfulreach.report.html import OutcomeCounts

#: Files larger than this many rows get a progress bar.
PROGRESS_THRESHOLD = 50_000


class Engine(StrEnum):
    """Where ``screen`` runs: this process, or Apache Spark (``lawfulreach.spark``)."""

    LOCAL = "local"
    SPARK = "spark"


def _screen_on_spark(
    cli: CliContext,
    console: Console,
    prospects: Path,
    campaign: str,
    channels: str,
    out: Path | None,
    preset: str,
    mapping: list[str],
    source: Source,
    master: str,
    as_json: bool,
) -> None:
    from lawfulreach.batch.columns import parse_mapping
    from lawfulreach.spark.job import screen_on_spark

    run = screen_on_spark(
        cli,
        prospects,
        campaign,
        out or OUT_DIR / f"{prospects.stem}-screened",
        channels=commands.parse_channels(channels),
        master=master,
        preset=preset,
        mapping=parse_mapping(mapping) or None,
        source=source,
    )
    if as_json:
        summary = {
            "engine": "spark",
            "results": str(run.out),
            "rows": run.rows,
            "rejected": run.rejected,
            "rulebase_version": run.rulebase_version,
            "campaign": {
                "id": run.campaign.id,
                "version": run.campaign.version,
                "revision": run.campaign.revision,
                "name": run.campaign.name,
            },
            "outcomes": run.outcomes,
        }
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    title = f"Screened {run.rows:,} contacts on Spark ({run.rejected:,} rows not readable)"
    console.print(_outcomes_table(title, run.outcomes))
    if run.rejected:
        console.print(f"Unreadable rows: {run.rejected:,}, not decided; screen_error in the results says why")
    console.print(f"Rules:    {run.rulebase_version} (rule-base version)", markup=False)
    console.print(f"Results:  [bold]{run.out}[/bold] (Parquet)")


def screen(
    ctx: typer.Context,
    prospects: Path = typer.Argument(..., help="Prospect list: CSV (any common export), .xlsx or Parquet."),
    campaign_file: str = typer.Option(
        ..., "--campaign", help="A stored campaign's id (`lawfulreach campaign list`) or a campaign TOML file."
    ),
    channels: str = typer.Option("email,call", "--channels", help="Comma-separated channels to decide."),
    out: Path | None = typer.Option(None, "--out", help="Results file (.csv or .parquet)."),
    report: Path | None = typer.Option(None, "--report", help="HTML report file."),
    rejects_out: Path | None = typer.Option(None, "--rejects", help="Where unreadable rows are listed."),
    preset: str = typer.Option(
        "auto", "--preset", help="Column preset: auto, hubspot, salesforce, pipedrive, apollo, zoho, close, lemlist."
    ),
    mapping: list[str] = typer.Option([], "--map", help="Map a column to a field: 'Work Email=email'."),
    source: Source = typer.Option(Source.THIRD_PARTY, "--source", help="Default source where no column says."),
    save: bool = typer.Option(False, "--save", help="Also store the list as contacts, with its provenance."),
    provider: str | None = typer.Option(None, "--provider", help="With --save: who supplied the list."),
    strict: bool = typer.Option(False, "--strict", help=STRICT_HELP),
    sheet: str | None = typer.Option(None, "--sheet", help=SHEET_HELP),
    as_json: bool = typer.Option(
        False, "--json", help="Print the run's summary as JSON (campaign, LIA status, rule base, counts, files)."
    ),
    record: bool = typer.Option(
        False,
        "--record",
        help="Keep the decisions as evidence (campaign version, LIA, rule-base version, input hash; "
        "contacts by blind index). --save records too. Prints the run id.",
    ),
    engine: Engine = typer.Option(
        Engine.LOCAL,
        "--engine",
        help="local: this process (Polars). spark: Apache Spark, for lists beyond one machine — PROSPECTS may "
        "be a directory of Parquet or CSV parts, --out is a new directory of Parquet files (docs/spark.md).",
    ),
    master: str = typer.Option(
        "local[*]", "--master", help="With --engine spark: the Spark master (local[2], yarn, spark://host:7077)."
    ),
) -> None:
    """Screen a prospect list for a campaign: allowed / blocked / review per channel, with reasons."""
    cli: CliContext = ctx.obj
    console = Console(stderr=False)
    if engine is Engine.SPARK:
        unsupported = [
            name
            for name, given in (
                ("--report", report),
                ("--rejects", rejects_out),
                ("--save", save),
                ("--provider", provider),
                ("--strict", strict),
                ("--sheet", sheet),
                ("--record", record),
            )
            if given
        ]
        if unsupported:
            raise typer.BadParameter(
                f"{', '.join(unsupported)} cannot be used with --engine spark (unreadable rows are in the results, "
                "with screen_error; see docs/spark.md)"
            )
        _screen_on_spark(
            cli, console, prospects, campaign_file, channels, out, preset, mapping, source, master, as_json
        )
        return
    run = commands.screen(
        cli,
        prospects,
        str(campaign_file),
        channels=commands.parse_channels(channels),
        out=out,
        report=report,
        rejects=rejects_out,
        preset=preset,
        mapping=mapping,
        source=source,
        save=save,
        provider=provider,
        strict=strict,
        sheet=sheet,
        progress=lambda rows, steps: _progress_bar(console, rows, steps),
        record=record,
    )
    if as_json:
        typer.echo(json.dumps(run.summary_json(), ensure_ascii=False, indent=2))
        return
    print_run(console, prospects, run)


@contextmanager
def _progress_bar(console: Console, rows: int, steps: int) -> Iterator[Callable[[str], None]]:
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=rows < PROGRESS_THRESHOLD or not console.is_terminal,
    ) as progress:
        task = progress.add_task(f"Screening {rows:,} contacts: extracting facts", total=steps)
        yield lambda stage: progress.update(task, advance=1, description=f"Screening {rows:,} contacts: {stage} done")


def print_run(console: Console, prospects: Path, run: ScreenRun) -> None:
    """The summary a screen prints: how the file was read, the outcomes, where the files are, what was saved."""
    console.print(describe_read(prospects, run.file.format), markup=False, highlight=False)
    for line in describe_columns(run.file.columns, run.file.unused):
        console.print(line, markup=False, highlight=False)
    if run.renamed:
        clashes = ", ".join(f"{k} → {v}" for k, v in run.renamed.items())
        console.print(f"Added columns renamed (the input already has these names): {clashes}", markup=False)
    _print_summary(console, run)
    _print_phone_problems(console, run)
    for line in provenance_lines(run.provenance):
        console.print(line, markup=False, highlight=False)
    console.print(f"Rules:    {run.result.rulebase_version} (rule-base version, also in the report)", markup=False)
    console.print(f"Results:  [bold]{run.results_path}[/bold]")
    console.print(f"Report:   [bold]{run.report_path}[/bold]")
    if run.rejects_path is not None:
        console.print(rejects_line(run.rejects_path, run.rejects_listed), markup=False, highlight=False)
    if run.evidence is not None:
        e = run.evidence
        console.print(
            f"Recorded: evidence run {e.ref} ({e.decisions:,} decisions; `lawfulreach evidence run {e.ref}`)",
            markup=False,
            highlight=False,
        )
    if run.saved is not None:
        r = run.saved
        console.print(
            f"Saved:   {r.added:,} contacts added, {r.updated:,} updated, "
            f"{r.skipped_erased:,} skipped (erased), {r.still_blocked:,} still blocked by an opt-out or exclusion, "
            f"{r.opt_outs_recorded:,} opt-outs recorded from the list's do-not-contact columns"
        )


def _print_phone_problems(console: Console, run: ScreenRun) -> None:
    """Missing, spreadsheet-mangled and invalid numbers told apart (all three are ``invalid_phone``)."""
    for ch, statuses in run.result.phone_status.items():
        by = dict(statuses.value_counts().rows())
        parts = [
            f"{by[k]:,} {label}"
            for k, label in (
                ("missing", "missing"),
                ("mangled", "turned into scientific notation by a spreadsheet (export the column as text)"),
                ("invalid", "not valid numbers"),
            )
            if by.get(k)
        ]
        if parts:
            console.print(f"{ch} numbers: {'; '.join(parts)}")


def _outcomes_table(title: str, outcomes: Mapping[str, Mapping[str, int] | OutcomeCounts]) -> Table:
    """Contacts per channel and outcome, as both engines print them."""
    table = Table(title=title)
    table.add_column("Channel")
    for outcome in ("allowed", "review", "blocked"):
        table.add_column(outcome.capitalize(), justify="right")
    for ch, counts in outcomes.items():
        table.add_row(ch, *(f"{counts.get(o, 0):,}" for o in ("allowed", "review", "blocked")))
    return table


def _print_summary(console: Console, run: ScreenRun) -> None:
    summary = run.counts()
    channels = [c.value for c in run.channels]
    title = f"Screened {run.total:,} contacts ({run.rejected:,} rejected rows)"
    console.print(_outcomes_table(title, {ch: summary["outcomes"][ch] for ch in channels}))
    top = Table(title="Top reasons")
    top.add_column("Channel")
    top.add_column("Reason")
    top.add_column("Contacts", justify="right")
    for ch in channels:
        for code, n in summary["top_reasons"].get(ch, [])[:5]:
            top.add_row(ch, code, f"{n:,}")
    console.print(top)
