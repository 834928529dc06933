"""One reader for every file a user imports: good rows into a frame, bad rows into rejects.

``screen``, ``screen --save``, ``contacts import`` and ``suppress import`` all read through
``read_table`` (the file as the user has it: original column names, in order, all text) and, for
prospect lists, ``read_prospects`` (the same table with the canonical fields of spec §2 beside it).

Formats: CSV in any common dialect (``,`` ``;`` tab ``|``; CRLF, LF or CR line ends; ``"`` quoting),
``.xlsx`` (the first sheet or a named one, read by fastexcel — the Rust calamine reader Polars itself
uses for ``read_excel``) and Parquet (Polars). The format is decided from the file's first bytes, not
its name, so an ``.xlsx`` saved as ``.csv`` is still read as a workbook and never shown as binary.

Encodings, decided per file and reported (``FileFormat.describe``): UTF-8 with or without BOM,
UTF-16 with BOM (Excel's "Unicode Text", tab-separated UTF-16LE), and Windows-1252 (not Latin-1: its
0x80–0x9F bytes are ``’ – € …``, never C1 control characters) for a file that is not UTF-8. A UTF-8 file
with a few lines that are not (one row pasted from a Windows tool) stays UTF-8, and only those lines
are read as Windows-1252 — the summary lists them — so no row turns into mojibake. A cell that still
holds unreadable characters (U+FFFD, C1 controls: a file already garbled upstream) is a reject.

The row rule, the same for every importer: a row that cannot be read goes to the rejects (file line
number, column, value, why) and the rest goes on; ``--strict`` turns any reject into a refusal of the
whole file (``strict_check``). Rejects are written by ``write_rejects`` only, mode 0600.

Fast path: Polars reads the CSV; the line structure is checked by counting separators on lines
without quotes. Lines with quotes are checked with a regex; a quoted field spanning lines (or a bare
CR) switches the whole file to the ``csv`` module, which is slower but exact.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from lawfulreach.batch.columns import FIELDS, FLAG_FIELDS, PHONE_TYPE_WORDS, conform, resolve_columns
from lawfulreach.batch.flags import flag_error, flag_frame, read_flag
from lawfulreach.batch.places import read_places
from lawfulreach.csvsafe import neutralise_frame, private_file, restore, restore_frame
from lawfulreach.domain.vocabulary import (
    Channel,
    ConsentStatus,
    PhoneType,
    RelationshipKind,
    Source,
    SubscriberType,
)
from lawfulreach.errors import CsvError, InputError, InvalidRowsError

#: The rejects file's columns: the file's own line (or sheet row), the input column, its value, why.
REJECT_SCHEMA: dict[str, type[pl.DataType]] = {
    "line": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "error": pl.String,
}

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
#: Characters that mean a value was garbled before it reached us: C1 controls, the replacement char.
_UNREADABLE = "[\u0080-\u009f\ufffd]"
#: The same, as UTF-8 bytes: a cheap test whether the per-cell check is needed at all.
_UNREADABLE_UTF8 = re.compile(rb"\xc2[\x80-\x9f]|\xef\xbf\xbd")
_SEPARATORS = (",", ";", "\t", "|")
_SHOWN_LINES = 5
#: One reject: (line, input column or "" for the whole row, value, why).
RejectRow = tuple[int, str, str, str]


def empty_rejects() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECT_SCHEMA)


@dataclass(frozen=True)
class FileFormat:
    """What the reader decided about a file, said in every summary."""

    kind: str  # "csv" | "xlsx" | "parquet"
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    #: lines of a UTF-8 file that were not UTF-8 and were read as Windows-1252
    cp1252_lines: tuple[int, ...] = ()

    def describe(self) -> str:
        if self.kind == "parquet":
            return "Parquet"
        if self.kind == "xlsx":
            return f"Excel workbook, sheet {self.sheet!r}"
        if self.separator is None:
            return f"text, {self.encoding}, one entry a line"
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
        text = f"CSV, {self.encoding}, {names.get(self.separator or ',', repr(self.separator))}-separated"
        if self.cp1252_lines:
            shown = ", ".join(str(n) for n in self.cp1252_lines[:_SHOWN_LINES])
            more = f" and {len(self.cp1252_lines) - _SHOWN_LINES} more" if len(self.cp1252_lines) > _SHOWN_LINES else ""
            text += f" (line{'s' if len(self.cp1252_lines) > 1 else ''} {shown}{more} read as Windows-1252)"
        return text


@dataclass
class Table:
    """A file as the user has it: original column names in order, every value as text (blank = null
    for CSV), and each row's line number in the file (sheet row for a workbook)."""

    frame: pl.DataFrame
    lines: pl.Series
    rejects: pl.DataFrame
    format: FileFormat


# --- bytes → text -----------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CsvError(f"{path}: cannot read file: {exc.strerror or exc}") from None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _per_line(data: bytes) -> tuple[str, tuple[int, ...]]:
    """A UTF-8 file with some lines that are not: those lines read as Windows-1252 (and listed)."""
    parts = data.split(b"\n")
    out: list[str] = []
    odd: list[int] = []
    for number, part in enumerate(parts, start=1):
        try:
            out.append(part.decode("utf-8"))
        except UnicodeDecodeError:
            odd.append(number)
            # Bytes cp1252 leaves undefined become U+FFFD, which the cell check then rejects.
            out.append(part.decode("cp1252", errors="replace"))
    return "\n".join(out), tuple(odd)


def decode(path: Path, data: bytes) -> tuple[str, str, tuple[int, ...]]:
    """(text, encoding label, lines read as Windows-1252 in an otherwise UTF-8 file)."""
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            return body.decode("utf-8"), "UTF-8 with BOM", ()
        except UnicodeDecodeError:
            text, odd = _per_line(body)
            return text, "UTF-8 with BOM", odd
    for bom, codec, label in (
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE with BOM"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE with BOM"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), label, ()
            except UnicodeDecodeError:
                raise CsvError(f"{path}: declares {label} but is not valid {codec.upper()} text") from None
    if b"\x00" in data[:4096]:
        raise CsvError(
            f"{path}: not a text file (NUL bytes; UTF-16 without a byte-order mark is not supported — "
            "save it as UTF-8 or as Excel 'Unicode Text')"
        )
    try:
        return data.decode("utf-8"), "UTF-8", ()
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    # Not UTF-8 as a whole. If the text before the first bad byte already holds valid multi-byte UTF-8,
    # this is a UTF-8 file with a few foreign lines; otherwise the whole file is Windows-1252.
    if any(b >= 0x80 for b in data[:first_bad]) or _has_utf8_sequences(data):
        text, odd = _per_line(data)
        return text, "UTF-8", odd
    try:
        return data.decode("cp1252"), "Windows-1252", ()
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        raise CsvError(
            f"{path}, line {line}: byte 0x{data[exc.start]:02X} is neither UTF-8 nor Windows-1252; "
            "save the file as UTF-8"
        ) from None


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _has_utf8_sequences(data: bytes) -> bool:
    """Whether most non-ASCII bytes form UTF-8 sequences (a UTF-8 file with a few foreign lines)."""
    sequences = _UTF8_MULTIBYTE.findall(data)
    if not sequences:
        return False
    high = sum(1 for b in data if b >= 0x80) if len(data) < 1 << 22 else None
    if high is None:
        return True
    in_sequences = sum(len(s) for s in sequences)
    return in_sequences * 2 > high


def _clean_message(message: str, limit: int = 200) -> str:
    """A library's error message, safe to print: printable characters only, shortened."""
    text = "".join(ch if ch.isprintable() else "?" for ch in message)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- structure ----------------------------------------------------------------------------------


def _sniff_separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in _SEPARATORS}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _header_names(path: Path, cells: list[str], where: str = "the header") -> list[str]:
    """Trimmed header names; blank ones become ``column_N``; duplicates are an error naming them."""
    names = [c.strip() or f"column_{i}" for i, c in enumerate(cells, start=1)]
    dupes = [n for n, k in Counter(names).items() if k > 1]
    if dupes:
        raise CsvError(
            f"{path}: {where} names the same column more than once ({', '.join(repr(d) for d in dupes)}); "
            "rename them so no column is lost"
        )
    return names


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


def _structure_reject(line: int, width: int, found: int, raw: str) -> RejectRow:
    return (line, "", raw, f"expected {width} fields, found {found}")


def _fast_csv(
    path: Path, data: bytes, sep: str, names: list[str]
) -> tuple[pl.DataFrame, list[int], list[RejectRow]] | None:
    """The Polars path; None when the file needs the exact ``csv`` module (a quoted multi-line cell)."""
    all_lines = _lines(data)
    lines = all_lines.slice(1)
    width = len(names)
    if (lines.str.count_matches('"', literal=True).fill_null(0) % 2 == 1).any():
        return None
    counts = lines.str.count_matches(sep, literal=True) + 1
    quoted = lines.str.contains('"', literal=True).fill_null(False)
    if quoted.any():
        unquoted = lines.filter(quoted).str.replace_all(_QUOTED, "").str.count_matches(sep, literal=True) + 1
        counts = counts.scatter(quoted.arg_true(), unquoted)
    # Blank lines are rare: test only the lines whose field count is off (every line if one column).
    suspect = (counts != width).fill_null(True) | (width == 1)
    maybe = lines.filter(suspect)
    blank = pl.repeat(False, lines.len(), eager=True).scatter(
        suspect.arg_true(), maybe.is_null() | (maybe.str.strip_chars().str.len_chars() == 0)
    )
    ok = (counts == width).fill_null(False) & ~blank
    bad = ~ok & ~blank
    rejects = [
        _structure_reject(i + 2, width, n, raw)
        for i, n, raw in zip(
            bad.arg_true().to_list(), counts.filter(bad).to_list(), lines.filter(bad).to_list(), strict=True
        )
    ]
    numbers = (ok.arg_true() + 2).to_list()
    if rejects or blank.any():
        header = str(all_lines[0])
        data = ("\n".join([header, *lines.filter(ok).to_list()]) + "\n").encode("utf-8")
    try:
        frame = pl.read_csv(data, separator=sep, infer_schema=False, has_header=True, new_columns=names)
    except pl.exceptions.PolarsError:
        return None
    if frame.height != len(numbers) or frame.width != width:
        return None  # Polars split a row differently from the line check: let the csv module decide
    return frame, numbers, rejects


def _exact_csv(path: Path, text: str, sep: str, names: list[str]) -> tuple[pl.DataFrame, list[int], list[RejectRow]]:
    """The ``csv`` module's reading, row by row: exact for quoted line breaks and bare CRs."""
    # Lines end at "\n" only, so a bare CR inside a cell does not count as a line of the file.
    reader = csv.reader(io.StringIO(text, newline="\n"), delimiter=sep, strict=True)
    width = len(names)
    rows: list[list[str]] = []
    numbers: list[int] = []
    rejects: list[RejectRow] = []
    start = 1
    try:
        for row in reader:
            line_no = start
            start = reader.line_num + 1
            if line_no == 1:
                continue
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) != width:
                rejects.append(_structure_reject(line_no, width, len(row), sep.join(row)))
                continue
            rows.append(row)
            numbers.append(line_no)
    except csv.Error as exc:
        raise CsvError(f"{path}, line {reader.line_num}: {_clean_message(str(exc))}") from None
    frame = pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String), orient="row")
    frame = frame.with_columns(pl.all().replace("", None))
    return frame, numbers, rejects


def _read_csv(path: Path, data: bytes) -> Table:
    text, encoding, odd = decode(path, data)
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")  # classic Mac line ends
    first = text[: text.find("\n")] if "\n" in text else text
    if not first.strip():
        raise CsvError(f"{path}: the file is empty or its first line (the header) is blank")
    sep = _sniff_separator(first)
    try:
        # The header line alone, unless a quoted name runs over a line break (then the whole text:
        # wrapping 100 MB in a StringIO costs a third of a second).
        head = first if first.count('"') % 2 == 0 else text
        cells = next(csv.reader(io.StringIO(head, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise CsvError(f"{path}, line 1: {_clean_message(str(exc))}") from None
    names = _header_names(path, cells)
    fmt = FileFormat("csv", encoding, sep, cp1252_lines=odd)
    result = None
    # A bare CR: only the csv module reads it as Excel does. (``in`` first: counting scans the whole text.)
    if "\r" not in text or text.count("\r") == text.count("\r\n"):
        raw = data if encoding == "UTF-8" and not odd else text.encode("utf-8")
        result = _fast_csv(path, raw, sep, names)
    if result is None:
        result = _exact_csv(path, text, sep, names)
    frame, numbers, rejects = result
    # A cell one of our own exports neutralised against formula injection ('+44…) reads as it was.
    frame = restore_frame(frame)
    return Table(frame, pl.Series("line", numbers, dtype=pl.Int64), _rejects_frame(rejects), fmt)


def _rejects_frame(rows: list[RejectRow]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=REJECT_SCHEMA, orient="row") if rows else empty_rejects()


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import fastexcel  # imported here: only workbook users pay for it

    try:
        book = fastexcel.read_excel(str(path))
        names = book.sheet_names
        if sheet is not None and sheet not in names:
            raise CsvError(f"{path}: no sheet {sheet!r}; the workbook has {', '.join(map(repr, names))}")
        chosen = sheet if sheet is not None else names[0]
        grid = book.load_sheet(chosen, header_row=None, dtypes="string").to_polars()
    except CsvError:
        raise
    except Exception as exc:  # fastexcel raises its own tree and ValueError; the message is what matters
        raise CsvError(f"{path}: cannot read the workbook: {_clean_message(str(exc))}") from None
    if grid.height == 0:
        raise CsvError(f"{path}: sheet {chosen!r} is empty (expected a header row)")
    header = ["" if v is None else str(v) for v in grid.row(0)]
    names_ = _header_names(path, header, f"sheet {chosen!r}'s header row")
    body = grid.slice(1).rename(dict(zip(grid.columns, names_, strict=True)))
    body = body.with_columns(pl.all().cast(pl.String).str.strip_chars().replace("", None))
    numbers = pl.Series("line", range(2, body.height + 2), dtype=pl.Int64)
    keep = ~pl.all_horizontal(pl.all().is_null())
    mask = body.select(keep.alias("k"))["k"] if body.width else pl.Series([], dtype=pl.Boolean)
    return Table(body.filter(mask), numbers.filter(mask), empty_rejects(), FileFormat("xlsx", sheet=chosen))


def _read_parquet(path: Path) -> Table:
    try:
        raw = pl.read_parquet(path)
    except Exception as exc:  # Polars raises several families for a damaged file
        raise CsvError(f"{path}: cannot read Parquet: {_clean_message(str(exc))}") from None
    frame = raw.with_columns(pl.all().cast(pl.String))
    lines = pl.Series("line", range(2, frame.height + 2), dtype=pl.Int64)
    return Table(frame, lines, empty_rejects(), FileFormat("parquet"))


def read_table(path: Path, *, sheet: str | None = None) -> Table:
    """The file at ``path`` as the user has it, whatever its format (decided from its first bytes)."""
    data = _read_bytes(path)
    if data.startswith(b"PK\x03\x04"):
        table = _read_xlsx(path, sheet)
    elif data.startswith(b"PAR1"):
        table = _read_parquet(path)
    else:
        if sheet is not None:
            raise InputError(f"{path}: --sheet is for Excel workbooks; this is a text file")
        table = _read_csv(path, data)
        clean_utf8 = table.format.encoding == "UTF-8" and not table.format.cp1252_lines
        # ``in`` scans at memchr speed; the regex runs only when a candidate lead byte is present.
        maybe_garbled = (b"\xc2" in data or b"\xef\xbf\xbd" in data) and _UNREADABLE_UTF8.search(data)
        if clean_utf8 and not maybe_garbled:
            return table
    return _reject_unreadable(table)


def read_lines(path: Path) -> tuple[list[tuple[int, str]], pl.DataFrame, FileFormat | None]:
    """A text file as (line number, stripped text) for every non-blank, non-``#`` line, plus the lines
    with unreadable characters as rejects; ``([], …, None)`` for a workbook or Parquet file."""
    data = _read_bytes(path)
    if data.startswith((b"PK\x03\x04", b"PAR1")):
        return [], empty_rejects(), None
    text, encoding, odd = decode(path, data)
    garbled = re.compile(_UNREADABLE)
    out: list[tuple[int, str]] = []
    bad: list[RejectRow] = []
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        value = line.strip()
        if not value or value.startswith("#"):
            continue
        if garbled.search(value):
            bad.append((number, "", value, "unreadable characters (the text was garbled before export)"))
        else:
            out.append((number, restore(value)))
    return out, _rejects_frame(bad), FileFormat("csv", encoding, None, cp1252_lines=odd)


def _reject_unreadable(table: Table) -> Table:
    """Rows with a cell holding C1 controls or U+FFFD go to the rejects: the text was garbled."""
    frame = table.frame
    text_cols = [c for c, t in frame.schema.items() if t == pl.String]
    if not text_cols or frame.height == 0:
        return table
    flags = frame.select([pl.col(c).str.contains(_UNREADABLE).fill_null(False).alias(c) for c in text_cols])
    if not flags.select(pl.any_horizontal(pl.all()).any()).item():
        return table
    found: list[RejectRow] = []
    for c in text_cols:
        idx = flags[c].arg_true()
        for i in idx.to_list():
            value = frame[c][i]
            found.append((table.lines[i], c, value, "unreadable characters (the text was garbled before export)"))
    bad = flags.select(pl.any_horizontal(pl.all()).alias("b"))["b"]
    rejects = pl.concat([table.rejects, _rejects_frame(found)]).sort("line", maintain_order=True)
    return Table(frame.filter(~bad), table.lines.filter(~bad), rejects, table.format)


# --- the row rule -------------------------------------------------------------------------------


def strict_check(path: Path | str, rejects: pl.DataFrame) -> None:
    """``--strict``: any unreadable row refuses the whole file (one line naming the first few)."""
    if rejects.height:
        # The messages name the value already; the rejects file has the column too.
        problems = [(line, err) for line, err in rejects.select("line", "error").iter_rows()]
        raise InvalidRowsError(str(path), problems, "nothing imported (--strict)")


def write_rejects(rejects: pl.DataFrame, path: Path) -> None:
    """The rejects file: CSV, owner-only (0600), formula cells neutralised (``csvsafe``) — it holds
    the rows' personal data, and a spreadsheet opens it."""
    with private_file(path, binary=True) as fh:
        neutralise_frame(rejects.select(list(REJECT_SCHEMA))).write_csv(fh)


def combine_rejects(*parts: pl.DataFrame) -> pl.DataFrame:
    frames = [p.select(list(REJECT_SCHEMA)) for p in parts if p.height]
    return pl.concat(frames).sort("line", maintain_order=True) if frames else empty_rejects()


# --- prospect lists --------------------------------------------------------------------------------


@dataclass
class ProspectFile:
    """Good rows as canonical columns (all String) plus ``line``; ``raw`` is the same rows as the
    user's own columns, in order, for the output to pass through unchanged."""

    frame: pl.DataFrame
    rejects: pl.DataFrame = field(default_factory=empty_rejects)
    columns: dict[str, str] = field(default_factory=dict)
    raw: pl.DataFrame = field(default_factory=pl.DataFrame)
    format: FileFormat = field(default_factory=lambda: FileFormat("csv"))

    @property
    def unused(self) -> list[str]:
        return [c for c in self.raw.columns if c not in self.columns]


def read_prospects(
    path: Path, preset: str = "auto", explicit: dict[str, str] | None = None, *, sheet: str | None = None
) -> ProspectFile:
    """Read a prospect list into canonical String columns; never drop a row silently."""
    return prospects_from_table(read_table(path, sheet=sheet), preset, explicit)


def frame_table(frame: pl.DataFrame, lines: pl.Series, kind: str = "parquet") -> Table:
    """A frame that was never a file (a Spark partition, a typed Parquet file): every value as text,
    trimmed, blank as null — what the CSV reader gives for the same cells."""
    text = frame.with_columns(pl.all().cast(pl.String).str.strip_chars().replace("", None))
    return Table(text, lines.cast(pl.Int64).alias("line"), empty_rejects(), FileFormat(kind))


def prospects_from_table(table: Table, preset: str = "auto", explicit: dict[str, str] | None = None) -> ProspectFile:
    """The canonical columns of a table already read (from a file, or a Spark partition's rows):
    columns recognised, flags and closed vocabularies checked, unreadable rows moved to the rejects."""
    raw = table.frame
    mapping = resolve_columns(raw.columns, preset, explicit)
    flag_sources: dict[str, list[str]] = {}
    for src, dst in mapping.items():
        if dst in FLAG_FIELDS:
            flag_sources.setdefault(dst, []).append(src)
    flags, _ = flag_frame(raw, flag_sources)
    unreadable = _unreadable_flags(raw, flag_sources)
    frame = raw.select([pl.col(src).alias(dst) for src, dst in mapping.items() if dst not in FLAG_FIELDS])
    frame = conform(frame.with_columns(flags)).select(FIELDS).with_columns(table.lines.alias("line"))
    # {field: the file's column}; the first column mapped to a field names it in messages
    source_of = {dst: src for src, dst in reversed(mapping.items())}
    if "phone_type" in source_of:  # a CRM's own phone-type words (Close's "office", "mobile"…)
        lowered = pl.col("phone_type").str.to_lowercase()
        words = dict(PHONE_TYPE_WORDS)
        frame = frame.with_columns(
            pl.when(lowered.is_in(list(words)))
            .then(lowered.replace_strict(words, default=None, return_dtype=pl.String))
            .otherwise(pl.col("phone_type"))
            .alias("phone_type")
        )
    bad, value_rejects = _check_values(frame, source_of, unreadable)
    if bad is not None:
        frame, raw = frame.filter(~bad), raw.filter(~bad)
    frame = frame.with_columns([pl.col(c).str.to_lowercase() for c in _ENUMS if c in source_of])
    rejects = combine_rejects(table.rejects, value_rejects)
    return ProspectFile(frame=frame, rejects=rejects, columns=mapping, raw=raw, format=table.format)


def _unreadable_flags(raw: pl.DataFrame, sources: dict[str, list[str]]) -> dict[str, tuple[pl.Series, pl.Series]]:
    """{input column: (its values, row-aligned error or null)} for the do-not-contact columns holding a
    value ``read_flag`` cannot read; each distinct value is read once."""
    out: dict[str, tuple[pl.Series, pl.Series]] = {}
    for field_, columns in sources.items():
        for col in columns:
            values = raw[col].cast(pl.String)
            distinct = values.drop_nulls().unique().to_list()
            bad = {v: flag_error(col, field_, v) for v in distinct if read_flag(field_, v) is None}
            if bad:
                out[col] = (values, values.replace_strict(bad, default=None, return_dtype=pl.String))
    return out


def _check_values(
    frame: pl.DataFrame, source_of: dict[str, str], unreadable_flags: dict[str, tuple[pl.Series, pl.Series]]
) -> tuple[pl.Series | None, pl.DataFrame]:
    """Rows with values outside the closed vocabularies, undated dates, a country or region that
    cannot be read, or an unreadable do-not-contact flag: (bad-row mask, rejects naming the input
    column and the value). Spec §6: such a value is never dropped and never guessed."""
    #: name → (row is bad, message, the input column, the value)
    checks: dict[str, tuple[pl.Expr, pl.Expr, str, pl.Expr]] = {}
    for c, allowed in _ENUMS.items():
        if c in source_of:
            checks[c] = (
                pl.col(c).is_not_null() & ~pl.col(c).str.to_lowercase().is_in(sorted(allowed)),
                pl.format(f"{c} {{}} is not one of {', '.join(sorted(allowed))}", pl.col(c)),
                source_of[c],
                pl.col(c),
            )
    if "last_interaction" in source_of:
        li = pl.col("last_interaction")
        checks["last_interaction"] = (
            li.is_not_null()
            & (~li.str.contains(r"^\d{4}-\d{2}-\d{2}$") | li.str.to_date("%Y-%m-%d", strict=False).is_null()),
            pl.format("last_interaction {} is not a date (YYYY-MM-DD)", li),
            source_of["last_interaction"],
            li,
        )
    if {"country", "region"} & set(source_of):
        frame = frame.with_columns(read_places(frame, source_of))
        for c in ("country", "region"):
            if c in source_of:
                cond = pl.col(c).is_not_null() & pl.col(f"_{c}").is_null()
                checks[c] = (cond, pl.col("_place_error"), source_of[c], pl.col(c))
    for i, (col, (values, errors)) in enumerate(unreadable_flags.items()):
        value, error = f"_flag_value_{i}", f"_flag_error_{i}"
        frame = frame.with_columns(values.alias(value), errors.alias(error))
        checks[error] = (pl.col(error).is_not_null(), pl.col(error), col, pl.col(value))
    if not checks:
        return None, empty_rejects()
    flags = frame.select([cond.fill_null(False).alias(c) for c, (cond, *_) in checks.items()])
    bad = flags.select(pl.any_horizontal(pl.all()).alias("b"))["b"]
    if not bad.any():
        return None, empty_rejects()
    parts = [
        frame.filter(flags[c]).select(
            pl.col("line"),
            pl.lit(column).alias("column"),
            value.cast(pl.String).alias("value"),
            msg.alias("error"),
        )
        for c, (_, msg, column, value) in checks.items()
        if flags[c].any()
    ]
    return bad, combine_rejects(*parts)
