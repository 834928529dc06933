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


def _read_text(path: Path) -> tuple[str, bool]:
    """The file's text, and whether it was UTF-8 (else read as Latin-1, as older CRM exports are)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CsvError(f"{path}: cannot read file: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        return data.decode("latin-1"), False


def _sniff_separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t", "|")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _split_lines(text: str, sep: str) -> tuple[list[str] | None, list[tuple[int, str, str]], list[int]]:
    """Check the line structure, vectorised. Returns (good lines incl. header, or None when every line
    is good so the file can be read as it is; rejects (line, error, raw); line numbers of good rows)."""
    raw_lines = text.splitlines()
    if not raw_lines:
        raise CsvError("the file is empty")
    width = len(next(csv.reader([raw_lines[0]], delimiter=sep)))
    lines = pl.Series("l", raw_lines[1:], dtype=pl.String)
    quoted = lines.str.contains('"', literal=True)
    if (lines.filter(quoted).str.count_matches('"', literal=True) % 2 == 1).any() or raw_lines[0].count('"') % 2:
        good, rejects, numbers = _split_with_csv(text, sep, width)
        return good, rejects, numbers
    counts = (lines.str.count_matches(sep, literal=True) + 1).to_list()
    for i in quoted.arg_true().to_list():
        counts[i] = len(next(csv.reader([raw_lines[i + 1]], delimiter=sep)))
    blank = lines.str.strip_chars().str.len_chars() == 0
    ok = pl.Series(counts, dtype=pl.Int64) == width
    rejects = [
        (i + 2, f"expected {width} fields, found {counts[i]}", raw_lines[i + 1])
        for i in (~ok & ~blank).arg_true().to_list()
    ]
    numbers = [i + 2 for i in (ok & ~blank).arg_true().to_list()]
    if not rejects and not blank.any():
        return None, [], numbers
    return [raw_lines[0], *(raw_lines[n - 1] for n in numbers)], rejects, numbers


def _split_with_csv(text: str, sep: str, width: int) -> tuple[list[str] | None, list[tuple[int, str, str]], list[int]]:
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
        text, utf8 = _read_text(path)
        sep = _sniff_separator(text[: text.find("\n")] if "\n" in text else text)
        good, rejects, numbers = _split_lines(text, sep)
        try:
            if good is None:
                data: Path | bytes = path if utf8 else text.encode("utf-8")
            else:
                data = ("\n".join(good) + "\n").encode("utf-8")
            raw = pl.read_csv(data, separator=sep, infer_schema=False, has_header=True, encoding="utf8-lossy")
        except pl.exceptions.PolarsError as exc:
            raise CsvError(f"{path}: cannot parse CSV: {exc}") from None
    mapping = resolve_columns(raw.columns, preset, explicit)
    frame = raw.select([pl.col(src).alias(dst) for src, dst in mapping.items()])
    frame = conform(frame).select(FIELDS).with_columns(pl.Series("line", numbers, dtype=pl.Int64))
    frame, value_rejects = _check_values(frame, set(mapping.values()))
    all_rejects = pl.concat(
        [
            pl.DataFrame(rejects, schema={"line": pl.Int64, "error": pl.String, "raw": pl.String}, orient="row"),
            value_rejects,
        ]
    ).sort("line")
    return ProspectFile(frame=frame, rejects=all_rejects, columns=mapping)


def _check_values(frame: pl.DataFrame, present: set[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Lower-case the vocabulary columns and move rows with values outside them to rejects."""
    enums = {c: allowed for c, allowed in _ENUMS.items() if c in present}
    frame = frame.with_columns([pl.col(c).str.to_lowercase() for c in enums])
    problems = [
        pl.when(pl.col(c).is_not_null() & ~pl.col(c).is_in(sorted(allowed))).then(
            pl.format(f"{c} {{}} is not one of {', '.join(sorted(allowed))}", pl.col(c))
        )
        for c, allowed in enums.items()
    ]
    date_problem = pl.when(
        pl.col("last_interaction").is_not_null()
        & (
            ~pl.col("last_interaction").str.contains(r"^\d{4}-\d{2}-\d{2}$")
            | pl.col("last_interaction").str.to_date("%Y-%m-%d", strict=False).is_null()
        )
    ).then(pl.format("last_interaction {} is not a date (YYYY-MM-DD)", pl.col("last_interaction")))
    checks = [*problems, date_problem] if "last_interaction" in present else problems
    empty = pl.DataFrame(schema={"line": pl.Int64, "error": pl.String, "raw": pl.String})
    if not checks:
        return frame, empty
    checked = frame.with_columns(pl.concat_str(checks, separator="; ", ignore_nulls=True).alias("_err"))
    if not (checked["_err"].str.len_chars() > 0).any():
        return frame, empty
    bad = checked.filter(pl.col("_err").str.len_chars() > 0)
    good = checked.filter(pl.col("_err").str.len_chars() == 0).drop("_err")
    rejects = bad.select(
        pl.col("line"),
        pl.col("_err").alias("error"),
        pl.concat_str([pl.col(f).fill_null("") for f in FIELDS], separator=",").alias("raw"),
    )
    return good, rejects
