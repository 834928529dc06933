"""Reading a prospect file without losing a row: good rows into a frame, bad rows into rejects.

A row is rejected (never silently dropped) when it has the wrong number of fields or a value that
cannot be one of the closed vocabularies (``subscriber_type``, ``source``, …). Rejects keep the file's
own line number. Invalid emails and phones are *not* rejects: they are decisions (``invalid_email``).

Fast path: Polars reads the file; the line structure is checked by counting separators on lines
without quotes. Lines with quotes are checked with the ``csv`` module; a quoted field spanning lines
switches the whole file to the ``csv`` module, which is slower but exact.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from lawfulreach.batch.columns import FIELDS, conform, resolve_columns
from lawfulreach.domain.vocabulary import (
    Channel,
    ConsentStatus,
    PhoneType,
    RelationshipKind,
    Source,
    SubscriberType,
)
from lawfulreach.errors import CsvError

#: Closed-vocabulary columns and the values they accept (blank = not given).
_ENUMS: dict[str, frozenset[str]] = {
    "subscriber_type": frozenset(v.value for v in SubscriberType),
    "phone_type": frozenset(v.value for v in PhoneType),
    "source": frozenset(v.value for v in Source),
    "relationship_kind": frozenset(v.value for v in RelationshipKind),
    "consent_status": frozenset(v.value for v in ConsentStatus),
    "consent_channel": frozenset(v.value for v in Channel),
    "in_public_directory": frozenset({"true", "false", "yes", "no", "1", "0", "y", "n"}),
    "opt_out_offered": frozenset({"true", "false", "yes", "no", "1", "0", "y", "n"}),
}


@dataclass
class ProspectFile:
    """Good rows as canonical columns (all String), plus ``line`` (the file's line number)."""

    frame: pl.DataFrame
    rejects: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"line": pl.Int64, "error": pl.String, "raw": pl.String})
    )
    columns: dict[str, str] = field(default_factory=dict)


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CsvError(f"{path}: cannot read file: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _sniff_separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t", "|")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _split_lines(text: str, sep: str) -> tuple[list[str], list[tuple[int, str, str]], list[int]]:
    """(good raw lines incl. header, rejects (line, error, raw), line numbers of good data lines)."""
    lines = text.splitlines()
    if not lines:
        raise CsvError("the file is empty")
    header_fields = next(csv.reader([lines[0]], delimiter=sep))
    width = len(header_fields)
    if any(line.count('"') % 2 for line in lines):
        return _split_with_csv(text, sep, width)
    good = [lines[0]]
    numbers: list[int] = []
    rejects: list[tuple[int, str, str]] = []
    for i, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        n = line.count(sep) + 1 if '"' not in line else len(next(csv.reader([line], delimiter=sep)))
        if n != width:
            rejects.append((i, f"expected {width} fields, found {n}", line))
        else:
            good.append(line)
            numbers.append(i)
    return good, rejects, numbers


def _split_with_csv(text: str, sep: str, width: int) -> tuple[list[str], list[tuple[int, str, str]], list[int]]:
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    good: list[str] = []
    numbers: list[int] = []
    rejects: list[tuple[int, str, str]] = []
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\n")
    start = 1
    try:
        for row in reader:
            line_no = start
            start = reader.line_num + 1
            if line_no == 1:
                writer.writerow(row)
                continue
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) != width:
                rejects.append((line_no, f"expected {width} fields, found {len(row)}", sep.join(row)))
                continue
            writer.writerow(row)
            numbers.append(line_no)
    except csv.Error as exc:
        raise CsvError(f"line {reader.line_num}: {exc}") from None
    good = buf.getvalue().splitlines()
    return good, rejects, numbers


def read_prospects(path: Path, preset: str = "auto", explicit: dict[str, str] | None = None) -> ProspectFile:
    """Read a prospect CSV (or Parquet) into canonical String columns; never drop a row silently."""
    if path.suffix.lower() == ".parquet":
        try:
            raw = pl.read_parquet(path)
        except Exception as exc:
            raise CsvError(f"{path}: cannot read Parquet: {exc}") from None
        raw = raw.with_columns(pl.all().cast(pl.String))
        numbers = list(range(2, raw.height + 2))
        rejects: list[tuple[int, str, str]] = []
    else:
        text = _read_text(path)
        sep = _sniff_separator(text.split("\n", 1)[0])
        good, rejects, numbers = _split_lines(text, sep)
        try:
            raw = pl.read_csv(
                ("\n".join(good) + "\n").encode("utf-8"), separator=sep, infer_schema=False, has_header=True
            )
        except pl.exceptions.PolarsError as exc:
            raise CsvError(f"{path}: cannot parse CSV: {exc}") from None
    mapping = resolve_columns(raw.columns, preset, explicit)
    frame = raw.select([pl.col(src).alias(dst) for src, dst in mapping.items()])
    frame = conform(frame).select(FIELDS).with_columns(pl.Series("line", numbers, dtype=pl.Int64))
    frame, value_rejects = _check_values(frame)
    all_rejects = pl.concat(
        [
            pl.DataFrame(rejects, schema={"line": pl.Int64, "error": pl.String, "raw": pl.String}, orient="row"),
            value_rejects,
        ]
    ).sort("line")
    return ProspectFile(frame=frame, rejects=all_rejects, columns=mapping)


def _check_values(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Lower-case the vocabulary columns and move rows with values outside them to rejects."""
    frame = frame.with_columns([pl.col(c).str.to_lowercase() for c in _ENUMS])
    problems = [
        pl.when(pl.col(c).is_not_null() & ~pl.col(c).is_in(sorted(allowed))).then(
            pl.format(f"{c} {{}} is not one of {', '.join(sorted(allowed))}", pl.col(c))
        )
        for c, allowed in _ENUMS.items()
    ]
    date_problem = pl.when(
        pl.col("last_interaction").is_not_null()
        & (
            ~pl.col("last_interaction").str.contains(r"^\d{4}-\d{2}-\d{2}$")
            | pl.col("last_interaction").str.to_date("%Y-%m-%d", strict=False).is_null()
        )
    ).then(pl.format("last_interaction {} is not a date (YYYY-MM-DD)", pl.col("last_interaction")))
    checked = frame.with_columns(
        pl.concat_str([*problems, date_problem], separator="; ", ignore_nulls=True).alias("_err")
    )
    bad = checked.filter(pl.col("_err").str.len_chars() > 0)
    good = checked.filter(pl.col("_err").str.len_chars() == 0).drop("_err")
    rejects = bad.select(
        pl.col("line"),
        pl.col("_err").alias("error"),
        pl.concat_str([pl.col(f).fill_null("") for f in FIELDS], separator=",").alias("raw"),
    )
    return good, rejects
