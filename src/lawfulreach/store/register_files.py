"""Do-not-call register files in their publishers' layouts: detect the layout, yield the numbers.

Layouts (``docs/import.md`` cites where each one is published):

* ``plain`` — one number a line, national or international.
* ``tps`` — the UK TPS/CTPS full-file records: 12 characters, the national dialling code and the
  remainder of the number with spaces between them ("01635 506160") or without ("01635506160  ").
* ``area-code`` (aliases ``us-ftc``, ``ca-dncl``) — the US National Do Not Call Registry and the
  Canadian National DNCL flat files: ``AAA,NNNNNNN`` (area code, seven-digit number) a line.
* ``number-date`` / ``date-number`` — a number and its registration date, separated by ``;``, ``,``
  or a tab, in either order.

Any layout may start with one header line (a line without a digit). ``auto`` reads the first lines
and picks the one layout they all fit; where they fit none, or several, the file is refused with a
request for ``--format`` rather than read one way and hoped for. A line that does not fit the chosen
layout is a problem with its line number (the load refuses it, or skips it with ``--skip-invalid``).
Numbers themselves are validated later by the normaliser, always with the register's country.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from itertools import islice
from pathlib import Path

import polars as pl

from lawfulreach.errors import InputError
from lawfulreach.store.files import iter_lines

SAMPLE = 200
"""Lines read to detect the layout: enough to catch a mixed file, few enough to cost nothing."""


class Layout(StrEnum):
    AUTO = "auto"
    PLAIN = "plain"
    TPS = "tps"
    AREA_CODE = "area-code"
    NUMBER_DATE = "number-date"
    DATE_NUMBER = "date-number"


_ALIASES = {"us-ftc": Layout.AREA_CODE, "ca-dncl": Layout.AREA_CODE, "us": Layout.AREA_CODE, "ca": Layout.AREA_CODE}
FORMAT_NAMES = ("auto", "plain", "tps", "us-ftc", "ca-dncl", "area-code", "number-date", "date-number")

_TPS = re.compile(r"0\d{3,4} {1,2}\d{6,7}|0\d{9,10}")
_AREA_CODE = re.compile(r"(\d{3})\s*,\s*(\d{7})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?: [0-9:.]+)?")
_DELIMITERS = (";", "\t", ",")

_LineReader = Callable[[str], tuple[str | None, str | None]]


def parse_layout(raw: str) -> Layout:
    name = raw.strip().lower()
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        return Layout(name)
    except ValueError:
        raise InputError(f"unknown register format {raw!r}; use one of {', '.join(FORMAT_NAMES)}") from None


def _real_date(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return 1900 <= y <= 2199


def is_date(text: str) -> bool:
    """A registration date as publishers write them: ISO 8601 (date or date-time), ``YYYYMMDD``, or
    ``DD/MM/YYYY`` (``.`` and ``-`` too; month-first accepted where that reading is the real date)."""
    if m := _ISO.fullmatch(text):
        return _real_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _COMPACT.fullmatch(text):
        return _real_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DAY_FIRST.fullmatch(text):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        return _real_date(y, b, a) or _real_date(y, a, b)
    return False


def _fields(text: str, delimiter: str) -> list[str]:
    return [f.strip().strip('"').strip() for f in text.split(delimiter)]


def _classify(text: str) -> tuple[str, str]:
    """(kind, delimiter) of one line: plain, tps, area-code, number-date, date-number, either, unknown."""
    if _AREA_CODE.fullmatch(text):
        return "area-code", ","
    for delimiter in _DELIMITERS:
        if delimiter in text:
            fields = _fields(text, delimiter)
            if len(fields) != 2:
                return "unknown", delimiter
            first, second = is_date(fields[0]), is_date(fields[1])
            if first and second:
                return "either", delimiter  # e.g. an 8-digit number beside a YYYYMMDD date
            if second:
                return "number-date", delimiter
            if first:
                return "date-number", delimiter
            return "unknown", delimiter
    return ("tps" if _TPS.fullmatch(text) else "plain"), ""


_WHAT = {
    "plain": "one number",
    "tps": "a TPS/CTPS record",
    "area-code": "area code,number",
    "number-date": "number and date",
    "date-number": "date and number",
    "either": "number and date (in either order)",
}
_HINT = "give --format (plain, tps, us-ftc, ca-dncl, number-date or date-number)"


@dataclass(frozen=True)
class RegisterFile:
    """A register file with its layout settled; ``chunks()`` streams its numbers."""

    path: Path
    layout: Layout
    delimiter: str = ""
    header_line: int | None = None
    lenient: bool = False
    """Detected, not asked for: TPS-looking files are read like plain ones (the same numbers load)."""

    def chunks(self, size: int) -> Iterator[Chunk]:
        """The file ``size`` lines at a time, each chunk converted to number texts at once (Polars
        string kernels, not a Python call a line: registers have tens of millions of lines)."""
        lines: list[int] = []
        texts: list[str] = []
        header = self.header_line
        for line, text in iter_lines(self.path):
            if line == header:
                continue
            lines.append(line)
            texts.append(text)
            if len(lines) >= size:
                yield self._convert(lines, texts)
                lines, texts = [], []
        if lines:
            yield self._convert(lines, texts)

    def _convert(self, lines: list[int], texts: list[str]) -> Chunk:
        if self.layout is Layout.PLAIN or self.lenient:
            return Chunk(lines, texts, [])  # the normaliser reads the line as it is
        raw = pl.Series("raw", texts, dtype=pl.String)
        read: _LineReader
        if self.layout is Layout.TPS:
            numbers, read = raw.str.extract(f"^({_TPS.pattern})$", 1), _read_tps
        elif self.layout is Layout.AREA_CODE:
            digits = raw.str.replace_all(r"[\s,]", "")  # the checked shape leaves area code + number
            fits = raw.str.contains(f"^{_AREA_CODE.pattern}$")
            numbers, read = pl.select(pl.when(fits).then(digits)).to_series(), _read_area_code
        else:
            numbers, read = self._dated(raw)
        good = numbers.is_not_null().to_list()
        if all(good):
            return Chunk(lines, numbers.to_list(), [])
        kept = [(n, t) for n, t, ok in zip(lines, numbers.to_list(), good, strict=True) if ok]
        problems = [
            (n, read(t)[1] or f"does not fit the {self.layout.value} layout: {t!r}")
            for n, t, ok in zip(lines, texts, good, strict=True)
            if not ok
        ]
        return Chunk([n for n, _ in kept], [t for _, t in kept], problems)

    def _dated(self, raw: pl.Series) -> tuple[pl.Series, _LineReader]:
        reader = _DatedReader(self.delimiter, number_first=self.layout is Layout.NUMBER_DATE)
        parts = raw.str.split(self.delimiter)
        number = parts.list.get(reader.number_at, null_on_oob=True).str.strip_chars(' \t"')
        when = parts.list.get(reader.date_at, null_on_oob=True).str.strip_chars(' \t"')
        distinct = when.drop_nulls().unique().to_list()  # a register has few distinct dates: check each once
        dates = [d for d in distinct if is_date(d)]
        fits = (parts.list.len() == 2) & when.is_in(dates) & (number.str.len_chars() > 0)
        return pl.select(pl.when(fits).then(number)).to_series(), reader


@dataclass(frozen=True)
class Chunk:
    """Lines of a register file: the number texts to normalise (with their line numbers) and the lines
    that do not fit the layout (with the reason)."""

    lines: list[int]
    numbers: list[str]
    problems: list[tuple[int, str]]


def _read_tps(text: str) -> tuple[str | None, str | None]:
    if _TPS.fullmatch(text):
        return text, None
    return None, (
        f"not a TPS/CTPS record (a national number of 10 or 11 digits, dialling code and remainder "
        f"with or without spaces): {text!r}"
    )


def _read_area_code(text: str) -> tuple[str | None, str | None]:
    if m := _AREA_CODE.fullmatch(text):
        return m[1] + m[2], None
    return None, f"expected area code,number (AAA,NNNNNNN): {text!r}"


class _DatedReader:
    def __init__(self, delimiter: str, *, number_first: bool) -> None:
        self.delimiter = delimiter
        self.number_at, self.date_at = (0, 1) if number_first else (1, 0)
        shown = "tab" if delimiter == "\t" else repr(delimiter)
        order = "number, date" if number_first else "date, number"
        self.expected = f"expected {order} separated by {shown}"

    def __call__(self, text: str) -> tuple[str | None, str | None]:
        fields = _fields(text, self.delimiter) if self.delimiter in text else [text]
        if len(fields) != 2:
            return None, f"{self.expected}, found {len(fields)} field(s): {text!r}"
        if not is_date(fields[self.date_at]):
            return None, f"column {self.date_at + 1}: not a date: {fields[self.date_at]!r}"
        if not fields[self.number_at]:
            return None, f"column {self.number_at + 1}: no number"
        return fields[self.number_at], None


_HEADER_WORDS = ("phone", "tel", "number", "num", "msisdn", "e164", "mobile", "nummer", "numero", "numéro")


def _is_header(text: str, file: RegisterFile) -> bool:
    """Whether a first line without digits is the header of ``file``'s layout, not a bad data line:
    the same fields as the data, and for one-column files a word that names a phone number."""
    if file.layout in (Layout.PLAIN, Layout.TPS):
        lowered = text.strip().strip('"').lower()
        return not any(d in text for d in _DELIMITERS) and any(w in lowered for w in _HEADER_WORDS)
    delimiter = file.delimiter or ","
    fields = _fields(text, delimiter) if delimiter in text else [text]
    return len(fields) == 2 and all(fields)


def open_register(path: Path, layout: Layout = Layout.AUTO) -> RegisterFile:
    """The file with its layout: the one given, or the one its first lines all fit (else InputError)."""
    sample = list(islice(iter_lines(path), SAMPLE))
    if sample and not any(ch.isdigit() for ch in sample[0][1]):
        settled = _settle(path, layout, sample[1:])
        if _is_header(sample[0][1], settled):
            return replace(settled, header_line=sample[0][0])
    return _settle(path, layout, sample)


def _settle(path: Path, layout: Layout, rows: list[tuple[int, str]]) -> RegisterFile:
    """The layout the rows fit (or the one given), without a header line."""
    kinds = [(line, text, *_classify(text)) for line, text in rows]
    if layout in (Layout.NUMBER_DATE, Layout.DATE_NUMBER):
        delimiters = {d for _, _, kind, d in kinds if kind in ("number-date", "date-number", "either")}
        if len(delimiters) > 1:
            raise InputError(f"{path}: lines separate number and date with different characters {sorted(delimiters)}")
        return RegisterFile(path, layout, next(iter(delimiters), ";"))
    if layout is not Layout.AUTO:
        return RegisterFile(path, layout, "")
    if not kinds:
        return RegisterFile(path, Layout.PLAIN, "")
    for line, text, kind, _ in kinds:
        if kind == "unknown":
            raise InputError(f"{path}, line {line}: cannot tell the register layout from {text!r}; {_HINT}")
    found = {kind for _, _, kind, _ in kinds}
    single = found <= {"plain", "tps"}
    dated = found <= {"number-date", "date-number", "either"}
    if not (single or dated or found == {"area-code"}):
        examples: dict[str, int] = {}
        for line, _, kind, _ in kinds:
            examples.setdefault("plain" if kind == "tps" else kind, line)
        shown = ", ".join(f"line {n} is {_WHAT[k]}" for k, n in sorted(examples.items(), key=lambda kv: kv[1]))
        raise InputError(f"{path}: the lines have different layouts ({shown}); {_HINT}")
    if single:
        # A file that looks like TPS records is still read leniently (any number) unless --format tps:
        # both readings load the same numbers, and only the explicit format rejects other shapes.
        return RegisterFile(path, Layout.TPS if found == {"tps"} else Layout.PLAIN, "", lenient=True)
    if found == {"area-code"}:
        return RegisterFile(path, Layout.AREA_CODE, ",")
    delimiters = {d for _, _, _, d in kinds}
    if len(delimiters) > 1:
        raise InputError(f"{path}: lines separate number and date with different characters; {_HINT}")
    orders = found - {"either"}
    if len(orders) != 1:
        what = "some lines put the date first, others last" if orders else "both columns read as dates"
        raise InputError(f"{path}: cannot tell the number from the date ({what}); {_HINT}")
    return RegisterFile(path, Layout(orders.pop()), delimiters.pop())
