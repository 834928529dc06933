"""``lawfulreach screen PROSPECTS.csv --campaign CAMPAIGN.toml``: the main job.

Reads a prospect list (CSV in any common encoding, ``.xlsx`` or Parquet, through ``batch.reader``),
decides every contact × channel on the batch path against the tenant's state (loaded once), writes one
row per contact — every input column unchanged, then the file line and an outcome / reasons /
requirements column group per channel — a rejects file for rows that could not be read (0600), a
self-contained HTML report, and prints a summary that starts with how the file was read.

``--save`` checks the rows it would store *before* anything is written, so a run never writes results
and then saves nothing; ``--strict`` refuses the whole file over any unreadable row.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import polars as pl
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from lawfulreach.batch.columns import parse_mapping
from lawfulreach.batch.output import passthrough
from lawfulreach.batch.reader import combine_rejects, read_prospects, strict_check
from lawfulreach.batch.screening import ScreenResult
from lawfulreach.cli.app import app
from lawfulreach.cli.context import CliContext
from lawfulreach.cli.files import (
    SHEET_HELP,
    STRICT_HELP,
    describe_columns,
    describe_read,
    refuse_overwrite,
    report_rejects,
)
from lawfulreach.csvsafe import write_frame
from lawfulreach.domain.model import Campaign
from lawfulreach.domain.vocabulary import Channel, Source
from lawfulreach.errors import CampaignError, InputError, RequestError
from lawfulreach.report.html import render_report, summarise
from lawfulreach.schema import CampaignIn, parse_campaign
from lawfulreach.strict_config import describe_unknown, unknown_keys

#: Files larger than this many rows get a progress bar.
PROGRESS_THRESHOLD = 50_000
CAMPAIGN_SCHEMA = dict.fromkeys(CampaignIn.model_fields)


def load_campaign(path: Path) -> tuple[Campaign, dict[str, Any]]:
    """A campaign TOML file, strictly: an empty file and an unknown key (a typo such as ``lai``) are
    errors naming the line and the nearest valid key, never a campaign with a default in their place."""
    try:
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except OSError as exc:
        raise CampaignError(f"{path}: cannot read campaign file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise CampaignError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(f"{path}: not valid TOML: {exc}") from None
    if not doc:
        raise CampaignError(f"{path}: the campaign file is empty; write its facts (purpose, legal_entity, lia, …)")
    unknown = unknown_keys(doc, CAMPAIGN_SCHEMA, text)
    if unknown:
        raise CampaignError(f"{path}: {describe_unknown(unknown)}")
    try:
        return parse_campaign(doc), doc
    except RequestError as exc:
        raise CampaignError(f"{path}: {exc}") from None


def parse_channels(text: str) -> list[Channel]:
    out = []
    for part in text.split(","):
        name = part.strip().lower()
        if not name:
            continue
        try:
            out.append(Channel(name))
        except ValueError:
            raise InputError(f"unknown channel {part.strip()!r}; use {', '.join(c.value for c in Channel)}") from None
    if not out:
        raise InputError("--channels names no channel")
    return list(dict.fromkeys(out))


def _write(frame: pl.DataFrame, path: Path) -> None:
    """Results and rejects hold personal data: 0600, formula cells neutralised (``csvsafe``)."""
    write_frame(frame, path)


@app.command()
def screen(
    ctx: typer.Context,
    prospects: Path = typer.Argument(..., help="Prospect list: CSV (any common export), .xlsx or Parquet."),
    campaign_file: Path = typer.Option(..., "--campaign", help="Campaign TOML (name, purpose, sender_type, …)."),
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
) -> None:
    """Screen a prospect list for a campaign: allowed / blocked / review per channel, with reasons."""
    cli: CliContext = ctx.obj
    console = Console(stderr=False)
    chans = parse_channels(channels)
    campaign, campaign_doc = load_campaign(campaign_file)
    stem = prospects.stem
    out_dir = Path("lawfulreach-out")
    out = out or out_dir / f"{stem}-screened.csv"
    report = report or out.with_name(f"{stem}-report.html")
    rejects_out = rejects_out or out.with_name(f"{stem}-rejects.csv")

    refuse_overwrite(prospects, ("--out", out), ("--report", report), ("--rejects", rejects_out))

    file = read_prospects(prospects, preset, parse_mapping(mapping), sheet=sheet)
    rejects = file.rejects
    prepared = None
    if save:
        # Checked before anything is written: a run never writes results and then saves nothing.
        prepared = cli.workspace().contacts.prepare(prospects, sheet=sheet)
        screened = set(rejects["line"].to_list())
        unsaved = prepared.rejects.filter(~pl.col("line").is_in(sorted(screened)))
        rejects = combine_rejects(rejects, unsaved.with_columns(pl.format("not saved: {}", pl.col("error"))))
    if strict:
        strict_check(prospects, rejects)
    service = cli.service()
    snapshot = cli.batch_snapshot()
    started = service.clock()
    total = file.frame.height
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=total < PROGRESS_THRESHOLD or not console.is_terminal,
    ) as progress:
        task = progress.add_task(f"Screening {total:,} contacts: extracting facts", total=1 + len(chans))
        result: ScreenResult = service.screen(
            file.frame,
            chans,
            campaign,
            snapshot,
            now=started,
            default_source=source,
            conformed=True,
            on_stage=lambda stage: progress.update(
                task, advance=1, description=f"Screening {total:,} contacts: {stage} done"
            ),
        )
    frame, renamed = passthrough(file.raw, result.frame.select(["line", *result.decision_columns]))
    _write(frame, out)
    rejects_line = report_rejects(rejects, rejects_out)

    summary_frame = result.frame.select(
        pl.col(f"{chans[0].value}_jurisdiction").alias("jurisdiction"), *result.decision_columns
    )
    html = render_report(
        summary_frame,
        channels=[c.value for c in chans],
        campaign={**campaign_doc, "name": campaign.name or campaign_file.stem},
        generated_at=started,
        source_name=prospects.name,
        rejects=rejects.height,
        rulebase_summary=[
            {"country": r.country, "channel": r.column.value, "level": r.level.label, "citation": r.citation}
            for r in service.rulebase.rules.values()
        ],
        rulebase_version=result.rulebase_version,
    )
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(html, encoding="utf-8")
    rejected = file.rejects.select(pl.col("line").n_unique()).item()
    console.print(describe_read(prospects, file.format), markup=False, highlight=False)
    for line in describe_columns(file.columns, file.unused):
        console.print(line, markup=False, highlight=False)
    if renamed:
        clashes = ", ".join(f"{k} → {v}" for k, v in renamed.items())
        console.print(f"Added columns renamed (the input already has these names): {clashes}", markup=False)
    _print_summary(console, summary_frame, [c.value for c in chans], total, rejected)
    _print_phone_problems(console, result)
    console.print(f"Rules:   {result.rulebase_version} (rule-base version, also in the report)", markup=False)
    console.print(f"Results: [bold]{out}[/bold]")
    console.print(f"Report:  [bold]{report}[/bold]")
    if rejects_line:
        console.print(rejects_line, markup=False, highlight=False)
    if prepared is not None:
        # Same rows as ``contacts import`` would store: opt-outs and exclusions keep winning,
        # erased people are not stored again.
        r = cli.workspace().contacts.store(prepared, source=source.value, provider=provider)
        console.print(
            f"Saved:   {r.added:,} contacts added, {r.updated:,} updated, "
            f"{r.skipped_erased:,} skipped (erased), {r.still_blocked:,} still blocked by an opt-out or exclusion, "
            f"{r.opt_outs_recorded:,} opt-outs recorded from the list's do-not-contact columns"
        )


def _print_phone_problems(console: Console, result: ScreenResult) -> None:
    """Missing, spreadsheet-mangled and invalid numbers told apart (all three are ``invalid_phone``)."""
    for ch, statuses in result.phone_status.items():
        counts = statuses.value_counts().rows()
        by = dict(counts)
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


def _print_summary(console: Console, frame: pl.DataFrame, channels: list[str], total: int, rejects: int) -> None:
    summary = summarise(frame, channels)
    table = Table(title=f"Screened {total:,} contacts ({rejects:,} rejected rows)")
    table.add_column("Channel")
    for outcome in ("allowed", "review", "blocked"):
        table.add_column(outcome.capitalize(), justify="right")
    for ch in channels:
        counts = summary["outcomes"][ch]
        table.add_row(ch, *(f"{counts.get(o, 0):,}" for o in ("allowed", "review", "blocked")))
    console.print(table)
    top = Table(title="Top reasons")
    top.add_column("Channel")
    top.add_column("Reason")
    top.add_column("Contacts", justify="right")
    for ch in channels:
        for code, n in summary["top_reasons"].get(ch, [])[:5]:
            top.add_row(ch, code, f"{n:,}")
    console.print(top)
