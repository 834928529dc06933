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

from lawfulreach.batch.columns import FIELDS, FLAG_FIELDS, PHONE_TYPE_WORDS, conform, resolve_columns
from lawfulreach.batch.flags import flag_frame
from lawfulreach.batch.places import read_places
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


def _read_bytes(path: Path) -> tuple[bytes, str]:
    """The file as UTF-8 bytes and as text; Latin-1 files (older CRM exports) are re-encoded."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CsvError(f"{path}: cannot read file: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        return text.encode("utf-8"), text
    return (data[3:] if data.startswith(b"\xef\xbb\xbf") else data), text


def _sniff_separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t", "|")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


#: A quoted field, with ``""`` escapes inside; removed before counting separators.
_QUOTED = r'"(?:[^"]|"")*"'


def _lines(data: bytes) -> pl.Series:
    """Every physical line of the file, blank ones as null, read by Polars without splitting fields."""
    try:
        return pl.read_csv(
            data, has_header=False, separator="\x1f", quote_char=None, new_columns=["l"], infer_schema=False
        )["l"]
    except pl.exceptions.PolarsError:
        return pl.Series("l", data.decode("utf-8").splitlines(), dtype=pl.String)


def _split_lines(data: bytes, text: str, sep: str) -> tuple[list[str] | None, list[tuple[int, str, str]], list[int]]:
    """Check the line structure, vectorised. Returns (good lines incl. header, or None when every line
    is good so the file can be read as it is; rejects (line, error, raw); line numbers of good rows)."""
    all_lines = _lines(data)
    if all_lines.len() == 0 or all_lines[0] is None:
        raise CsvError("the file is empty or its first line (the header) is blank")
    header = str(all_lines[0])
    width = len(next(csv.reader([header], delimiter=sep)))
    lines = all_lines.slice(1)
    if header.count('"') % 2 or (lines.str.count_matches('"', literal=True).fill_null(0) % 2 == 1).any():
        # A quoted field spans lines: only the csv module can tell the rows apart.
        return _split_with_csv(text, sep, width)
    counts = lines.str.count_matches(sep, literal=True) + 1
    quoted = lines.str.contains('"', literal=True).fill_null(False)
    if quoted.any():
        unquoted = lines.filter(quoted).str.replace_all(_QUOTED, "").str.count_matches(sep, literal=True) + 1
        counts = counts.scatter(quoted.arg_true(), unquoted)
    blank = lines.is_null() | (lines.str.strip_chars().str.len_chars() == 0)
    ok = (counts == width) & ~blank
    bad = ~ok & ~blank
    rejects = [
        (i + 2, f"expected {width} fields, found {n}", raw)
        for i, n, raw in zip(
            bad.arg_true().to_list(), counts.filter(bad).to_list(), lines.filter(bad).to_list(), strict=True
        )
    ]
    numbers = (ok.arg_true() + 2).to_list()
    if not rejects and not blank.any():
        return None, [], numbers
    return [header, *lines.filter(ok).to_list()], rejects, numbers


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
        data, text = _read_bytes(path)
        sep = _sniff_separator(text[: text.find("\n")] if "\n" in text else text)
        good, rejects, numbers = _split_lines(data, text, sep)
        try:
            if good is not None:
                data = ("\n".join(good) + "\n").encode("utf-8")
            raw = pl.read_csv(data, separator=sep, infer_schema=False, has_header=True)
        except pl.exceptions.PolarsError as exc:
            raise CsvError(f"{path}: cannot parse CSV: {exc}") from None
    mapping = resolve_columns(raw.columns, preset, explicit)
    flag_sources: dict[str, list[str]] = {}
    for src, dst in mapping.items():
        if dst in FLAG_FIELDS:
            flag_sources.setdefault(dst, []).append(src)
    flags, flag_errors = flag_frame(raw, flag_sources)
    frame = raw.select([pl.col(src).alias(dst) for src, dst in mapping.items() if dst not in FLAG_FIELDS])
    frame = frame.with_columns(flags)
    frame = conform(frame).select(FIELDS).with_columns(pl.Series("line", numbers, dtype=pl.Int64))
    labels = {field: src for src, field in reversed(mapping.items())}
    frame, value_rejects = _check_values(frame, labels, flag_errors)
    all_rejects = pl.concat(
        [
            pl.DataFrame(rejects, schema={"line": pl.Int64, "error": pl.String, "raw": pl.String}, orient="row"),
            value_rejects,
        ]
    ).sort("line")
    return ProspectFile(frame=frame, rejects=all_rejects, columns=mapping)


def _check_values(
    frame: pl.DataFrame, labels: dict[str, str], flag_errors: pl.Series | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Lower-case the vocabulary columns and move rows with values outside them to rejects, and rows
    whose country or region cannot be read (spec §6: never dropped, never guessed).

    ``labels``: {field: the file's column}, so a message names the column that held the value."""
    present = set(labels)
    enums = {c: allowed for c, allowed in _ENUMS.items() if c in present}
    frame = frame.with_columns([pl.col(c).str.to_lowercase() for c in enums])
    if "phone_type" in present:  # a CRM's own phone-type words (Close's "office", "mobile"…)
        words = dict(PHONE_TYPE_WORDS)
        frame = frame.with_columns(
            pl.when(pl.col("phone_type").is_in(list(words)))
            .then(pl.col("phone_type").replace_strict(words, default=None, return_dtype=pl.String))
            .otherwise(pl.col("phone_type"))
            .alias("phone_type")
        )
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
    checks: list[pl.Expr] = [*problems, date_problem] if "last_interaction" in present else [*problems]
    if {"country", "region"} & present:
        places = read_places(frame, labels)["_place_error"]
        if places.is_not_null().any():
            checks.append(pl.lit(places))
    if flag_errors is not None:
        checks.append(pl.lit(flag_errors))
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
