"""``lawfulreach screen PROSPECTS.csv --campaign CAMPAIGN.toml``: the main job.

Reads a prospect list, decides every contact × channel on the batch path against the tenant's state
(loaded once), writes one row per contact with an outcome / reasons / requirements column group per
channel, a rejects file for rows that could not be read, a self-contained HTML report, and prints a
summary.
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
from lawfulreach.batch.reader import read_prospects
from lawfulreach.batch.screening import ScreenResult, screen_frame
from lawfulreach.cli.app import app
from lawfulreach.cli.context import CliContext
from lawfulreach.domain.model import Campaign
from lawfulreach.domain.vocabulary import Channel, Source
from lawfulreach.errors import CampaignError, InputError, RequestError
from lawfulreach.report.html import render_report, summarise
from lawfulreach.schema import parse_campaign

#: Files larger than this many rows get a progress bar.
PROGRESS_THRESHOLD = 50_000


def load_campaign(path: Path) -> tuple[Campaign, dict[str, Any]]:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CampaignError(f"{path}: cannot read campaign file: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(f"{path}: not valid TOML: {exc}") from None
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
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.suffix.lower() == ".parquet":
            frame.write_parquet(path)
        else:
            frame.write_csv(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror}") from None


@app.command()
def screen(
    ctx: typer.Context,
    prospects: Path = typer.Argument(..., help="Prospect list: CSV (any common export) or Parquet."),
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

    file = read_prospects(prospects, preset, parse_mapping(mapping))
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
        result: ScreenResult = screen_frame(
            file.frame,
            chans,
            campaign,
            service.rulebase,
            snapshot,
            now=started,
            policy=service.subscriber_policy,
            default_source=source,
            conformed=True,
            on_stage=lambda stage: progress.update(
                task, advance=1, description=f"Screening {total:,} contacts: {stage} done"
            ),
        )
    keep = ["line", *dict.fromkeys(file.columns.values())]
    frame = result.frame.select(keep + result.decision_columns)
    _write(frame, out)
    if file.rejects.height:
        _write(file.rejects, rejects_out)

    summary_frame = result.frame.select(
        pl.col(f"{chans[0].value}_jurisdiction").alias("jurisdiction"), *result.decision_columns
    )
    html = render_report(
        summary_frame,
        channels=[c.value for c in chans],
        campaign={**campaign_doc, "name": campaign.name or campaign_file.stem},
        generated_at=started,
        source_name=prospects.name,
        rejects=file.rejects.height,
        rulebase_summary=[
            {"country": r.country, "channel": r.column.value, "level": r.level.label, "citation": r.citation}
            for r in service.rulebase.rules.values()
        ],
    )
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(html, encoding="utf-8")
    _print_summary(console, summary_frame, [c.value for c in chans], total, file.rejects.height)
    _print_phone_problems(console, result)
    console.print(f"Results: [bold]{out}[/bold]")
    console.print(f"Report:  [bold]{report}[/bold]")
    if file.rejects.height:
        console.print(f"Rejects: [bold]{rejects_out}[/bold] ({file.rejects.height} rows could not be read)")
    if save:
        # Same all-or-nothing import as ``contacts import``: opt-outs and exclusions keep winning,
        # erased people are not stored again.
        r = cli.workspace().contacts.import_file(prospects, source=source.value, provider=provider)
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
