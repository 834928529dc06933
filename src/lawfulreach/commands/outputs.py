"""Where a command writes, and how: the files that hold personal data are private (0600, ``csvsafe``).

Every importing command follows one rule: rows that cannot be read are listed in a rejects file (line,
column, value, why) and the rest goes on, unless ``strict`` refuses the whole file. Default output paths
are under ``lawfulreach-out/`` in the working directory, named after the input file.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from lawfulreach.batch.reader import write_rejects
from lawfulreach.csvsafe import write_frame
from lawfulreach.errors import InputError

OUT_DIR = Path("lawfulreach-out")


def default_rejects(source: Path, suffix: str) -> Path:
    """``lawfulreach-out/<input stem>-<suffix>.csv``."""
    return OUT_DIR / f"{source.stem}-{suffix}.csv"


def refuse_overwrite(source: Path, *outputs: tuple[str, Path]) -> None:
    """An output that is the input file itself is refused before anything is read or written.

    ``outputs`` are ``(option name, path)`` pairs; the option name is what the message names."""
    try:
        src = source.resolve()
    except OSError:
        return
    for option, path in outputs:
        if path.resolve() == src:
            raise InputError(f"{option} {path} is the input file itself; choose another path so the list is not lost")


def rejected_rows(rejects: pl.DataFrame) -> int:
    """How many input rows a rejects frame lists (a row can be rejected for several columns)."""
    return int(rejects.select(pl.col("line").n_unique()).item()) if rejects.height else 0


def write_rejects_file(rejects: pl.DataFrame, path: Path) -> Path | None:
    """Write the rejects file (0600) only when there are rejects; the path written, else None."""
    if not rejects.height:
        return None
    write_rejects(rejects, path)
    return path


def write_results(frame: pl.DataFrame, path: Path) -> None:
    """Results hold personal data: 0600, Parquet for ``.parquet``, else CSV with formula cells neutralised."""
    write_frame(frame, path)


def write_report(html: str, path: Path) -> None:
    """The HTML report: counts and reasons, no row of the list."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
