"""``lawfulreach sample …``: synthetic prospect lists for trying the product and for benchmarks.

Listed on the main app by ``cli.app.ENTRIES``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from lawfulreach.errors import InputError
from lawfulreach.sample.generator import MAX_ROWS, generate_prospects, write_prospects

sample_app = typer.Typer(
    help="Generate synthetic B2B prospect lists (deterministic: the same N and seed give the same file).",
    no_args_is_help=True,
)


@sample_app.command("generate")
def generate(
    n: int = typer.Argument(..., metavar="N", help="Number of prospects to generate."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file: .parquet writes Parquet, anything else CSV."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same N and seed always give the same rows."),
) -> None:
    """Write N synthetic prospects (31 countries, realistic names, companies, emails and phones)."""
    if n <= 0:
        raise InputError(f"N must be at least 1, got {n}")
    if n > MAX_ROWS:
        raise InputError(f"N must be at most {MAX_ROWS:,}, got {n:,}")
    if out.exists() and out.is_dir():
        raise InputError(f"--out {out} is a directory; give a file name such as prospects.csv")
    if not out.parent.exists():
        raise InputError(f"--out {out}: directory {out.parent} does not exist")
    frame = generate_prospects(n, seed)
    write_prospects(frame, out)
    kind = "Parquet" if out.suffix.lower() == ".parquet" else "CSV"
    first_party = frame.filter(frame["source"] == "first_party").height
    typer.echo(f"wrote {n:,} prospects to {out} ({kind}, seed {seed}; {first_party:,} first-party)")
