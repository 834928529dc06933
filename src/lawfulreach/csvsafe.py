"""Every CSV lawfulreach writes goes through here: private files, and cells a spreadsheet won't run.

**Formula injection** (OWASP, "CSV Injection"). A spreadsheet opening a CSV treats a cell that starts
with ``=``, ``+``, ``-`` or ``@`` (and, in some programs, a tab or carriage return) as a formula, so a
prospect list or an exclusion reason carrying ``=HYPERLINK(…)`` would run in the reader's
spreadsheet. Every *text* cell we write that starts with one of those is prefixed with a single
quote, as OWASP recommends — including data such as a phone number in E.164 (``'+442079460018``) or
an address whose local part starts with ``-``; a spreadsheet shows the quote-prefixed cell as the
text it was. Numeric columns are written as numbers (a number is not a formula).

**Reading back.** lawfulreach's own readers (``suppress import``, ``contacts import``, ``screen``)
undo exactly that: a cell of one or more quotes followed by a trigger character loses one quote. The
writer adds a quote to any cell matching ``'*`` + trigger, so the round trip is lossless even for a
cell that itself started with a quote (``'=x`` is written ``''=x`` and read back as ``'=x``).

**Private files.** Results, rejects, exports hold personal data: they are written 0600, to a
temporary file in the same directory renamed into place, so a failed write leaves nothing (and no
half file) behind and an existing file's looser mode does not survive.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from lawfulreach.errors import InputError

if TYPE_CHECKING:  # the frame helpers import Polars themselves: writing rows (an export) needs none
    import polars as pl

#: first characters that make a spreadsheet evaluate a cell (OWASP)
TRIGGERS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")
_POLARS_NEEDS_QUOTE = r"^('*[=+\-@\t\r])"
_POLARS_QUOTED = r"^'('*[=+\-@\t\r])"


def neutralise(cell: Any) -> Any:
    """A text cell made inert for spreadsheets (one leading ``'``); other values unchanged."""
    if isinstance(cell, str) and _NEEDS_QUOTE.match(cell):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """The cell ``neutralise`` was given: one leading quote removed before a trigger character."""
    return cell[1:] if _QUOTED.match(cell) else cell


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``neutralise`` on every String column, vectorised."""
    import polars as pl

    text = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(pl.col(c).str.replace(_POLARS_NEEDS_QUOTE, "'${1}") for c in text) if text else frame


def restore_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``restore`` on every String column, vectorised (what ``screen`` reads a CSV with).

    Only columns holding a cell that starts with ``'`` are rewritten: the prefix test is a byte
    compare, the regex replace is not (0.8 s per million rows × 20 columns when run on all of them)."""
    import polars as pl

    text = [c for c, t in frame.schema.items() if t == pl.String]
    if not text:
        return frame
    flagged = frame.select(pl.col(c).str.starts_with("'").any().alias(c) for c in text).row(0)
    quoted = [c for c, hit in zip(text, flagged, strict=True) if hit]
    return frame.with_columns(pl.col(c).str.replace(_POLARS_QUOTED, "${1}") for c in quoted) if quoted else frame


@contextmanager
def private_file(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """Write ``path`` (0600) through a temporary file renamed into place when the block succeeds."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        os.fchmod(fd, 0o600)
        fh: IO[Any] = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        with fh:
            yield fh
        os.replace(temporary, path)
    except OSError as exc:
        _discard(temporary)
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        _discard(temporary)
        raise


def _discard(temporary: str) -> None:
    with suppress(FileNotFoundError):
        os.unlink(temporary)


def write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """A private CSV of ``rows`` under ``header``, every cell neutralised; how many rows."""
    count = 0
    with private_file(path) as fh:
        writer = csv.writer(fh)
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            writer.writerow([neutralise(c) for c in row])
            count += 1
    return count


def dict_rows_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """CSV text of ``rows`` (missing keys empty, extra keys ignored), every cell neutralised: for
    CSVs that go into an archive rather than straight to a file."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore")
    writer.writerow({c: neutralise(c) for c in columns})
    for row in rows:
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    return buf.getvalue()


def write_frame(frame: pl.DataFrame, path: Path) -> None:
    """A private results file: Parquet for ``.parquet`` (typed, no formulas), else CSV neutralised."""
    with private_file(path, binary=True) as fh:
        if path.suffix.lower() == ".parquet":
            frame.write_parquet(fh)
        else:
            neutralise_frame(frame).write_csv(fh)


__all__ = [
    "TRIGGERS",
    "dict_rows_text",
    "neutralise",
    "neutralise_frame",
    "private_file",
    "restore",
    "restore_frame",
    "write_frame",
    "write_rows",
]
