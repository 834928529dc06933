"""``lawfulreach dnc load|status``: national do-not-call registers."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from lawfulreach import commands
from lawfulreach.cli.context import CliContext
from lawfulreach.store.register_files import FORMAT_NAMES

dnc_app = typer.Typer(help="National do-not-call registers (TPS, CTPS, DNCM, …).", no_args_is_help=True)


@dnc_app.command("load")
def load(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="The register file as its publisher distributes it (see --format)."),
    country: str = typer.Option(..., "--country", help="The register's country (reads national numbers)."),
    register: str = typer.Option(
        ..., "--register", help="Register name known for the country, e.g. TPS, CTPS, DNCM, 'National DNC', DNCL."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date the register file was issued (default: now; never in the future)."
    ),
    max_age_days: int | None = typer.Option(None, "--max-age-days", help="Override the register's maximum age."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Load the valid lines, report the rest."),
    file_format: str = typer.Option(
        "auto", "--format", help=f"File layout: {', '.join(FORMAT_NAMES)} (auto detects it, or says it cannot)."
    ),
    allow_empty: bool = typer.Option(
        False, "--allow-empty", help="Accept a file with no numbers (an empty register lets every call through)."
    ),
    custom: bool = typer.Option(
        False, "--custom", help="Load a register the rule base does not know for the country (your own list)."
    ),
) -> None:
    """Load (or atomically replace) a do-not-call register."""
    cli: CliContext = ctx.obj
    r = commands.load_dnc(
        cli,
        file,
        country=country,
        register=register,
        as_of=as_of,
        max_age_days=max_age_days,
        skip_invalid=skip_invalid,
        file_format=file_format,
        allow_empty=allow_empty,
        custom=custom,
    )
    verb = "replaced" if r.replaced else "loaded"
    read = [f"{r.layout} layout"] if r.layout != "plain" else []
    read += [f"header on line {r.header_line} skipped"] if r.header_line else []
    shown = f" ({', '.join(read)})" if read else ""
    typer.echo(f"{r.country} {r.name} {verb}: {r.size:,} numbers from {r.lines:,} lines{shown}")
    if r.skipped:
        shown = "; ".join(f"line {n}: {m}" for n, m in r.problems[:5])
        typer.echo(f"{r.skipped:,} invalid lines skipped — {shown}", err=True)


@dnc_app.command("status")
def status(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
) -> None:
    """Loaded registers: size, as-of date, age, maximum age, and whether they are stale."""
    cli: CliContext = ctx.obj
    ws = cli.workspace()
    rows = ws.dnc.status(ws.rulebase(cli.rulebase()).overlays)
    if as_json:
        out = [
            {
                "country": s.country,
                "register": s.name,
                "loaded": s.loaded,
                "size": s.size,
                "as_of": s.as_of.isoformat() if s.as_of else None,
                "loaded_at": s.loaded_at.isoformat() if s.loaded_at else None,
                "age_days": round(s.age_days, 1) if s.age_days is not None else None,
                "max_age_days": s.max_age_days,
                "stale": s.stale,
            }
            for s in rows
        ]
        typer.echo(json.dumps(out, indent=2))
        return
    typer.echo("country\tregister\tsize\tas_of\tage_days\tmax_age_days\tstate")
    for s in rows:
        if not s.loaded:
            typer.echo(f"{s.country}\t{s.name}\t-\t-\t-\t{s.max_age_days}\tNOT LOADED")
            continue
        assert s.as_of is not None
        assert s.age_days is not None
        state = "STALE" if s.stale else "ok"
        typer.echo(
            f"{s.country}\t{s.name}\t{s.size}\t{s.as_of.date().isoformat()}\t{s.age_days:.1f}\t{s.max_age_days}\t{state}"
        )
