"""``lawfulreach columns FILE``: how a list would be read, before anything is screened or stored.

It reads the file exactly as ``screen`` does (same reader, same presets and ``--map``) and says the
format and encoding detected, which input column became which field, which columns are not used,
and how many rows could not be read — so a user fixes the mapping first, not after a run.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer

from lawfulreach.batch.columns import parse_mapping
from lawfulreach.batch.reader import read_prospects
from lawfulreach.cli.files import SHEET_HELP, describe_columns, describe_read


def columns(
    file: Path = typer.Argument(..., help="Prospect list: CSV (any common export), .xlsx or Parquet."),
    preset: str = typer.Option("auto", "--preset", help="Column preset, as for screen."),
    mapping: list[str] = typer.Option([], "--map", help="Map a column to a field: 'Work Email=email'."),
    sheet: str | None = typer.Option(None, "--sheet", help=SHEET_HELP),
) -> None:
    """Show how a list's columns are read: format, encoding, column → field, unused columns."""
    read = read_prospects(file, preset, parse_mapping(mapping), sheet=sheet)
    typer.echo(describe_read(file, read.format))
    for line in describe_columns(read.columns, read.unused):
        typer.echo(line)
    rejected = read.rejects.select(pl.col("line").n_unique()).item()
    typer.echo(f"Rows: {read.frame.height:,} readable, {rejected:,} would be rejected")
