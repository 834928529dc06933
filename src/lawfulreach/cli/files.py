"""What every importing command says and writes the same way: the file read, its rejects, ``--strict``.

``screen``, ``contacts import`` and ``suppress import`` share these, so a user meets one rule: rows
that cannot be read are listed in a rejects file (line, column, value, why; mode 0600) and the rest
goes on, unless ``--strict`` refuses the whole file.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from lawfulreach.batch.reader import FileFormat, write_rejects
from lawfulreach.errors import InputError

OUT_DIR = Path("lawfulreach-out")

STRICT_HELP = "Refuse the whole file if any row cannot be read (default: import the rest, list the rejects)."
SHEET_HELP = "Excel workbooks: the sheet to read (default: the first)."


def default_rejects(source: Path, suffix: str) -> Path:
    return OUT_DIR / f"{source.stem}-{suffix}.csv"


def refuse_overwrite(source: Path, *outputs: tuple[str, Path]) -> None:
    """An output that is the input file itself is refused before anything is read or written."""
    try:
        src = source.resolve()
    except OSError:
        return
    for option, path in outputs:
        if path.resolve() == src:
            raise InputError(f"{option} {path} is the input file itself; choose another path so the list is not lost")


def report_rejects(rejects: pl.DataFrame, path: Path) -> str | None:
    """Write the rejects file (only when there are rejects) and the line saying so."""
    if not rejects.height:
        return None
    write_rejects(rejects, path)
    n = rejects.select(pl.col("line").n_unique()).item()
    return f"Rejects: {path} ({n:,} row{'s' if n != 1 else ''} could not be read; line, column, value and why)"


def describe_read(source: Path, fmt: FileFormat | None) -> str:
    return f"Read {source.name}: {fmt.describe()}" if fmt is not None else f"Read {source.name}"


def describe_columns(columns: dict[str, str], unused: list[str]) -> list[str]:
    """Which input column became which field, and which were not used (``columns``, ``screen``)."""
    used = ", ".join(f"{src!r} → {dst}" for src, dst in columns.items()) or "none"
    lines = [f"Columns used: {used}"]
    lines.append(f"Columns not used: {', '.join(repr(c) for c in unused)}" if unused else "Columns not used: none")
    return lines
