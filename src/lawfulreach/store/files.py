"""Reading the files users import: one entry a line, or CSV with a header, always with line numbers.

Files are streamed (registers hold tens of millions of lines). Blank lines and ``#`` comments are
skipped in line files. Unreadable files and text that is not UTF-8 are ``InputError``s naming the
file and the line. A CSV cell neutralised against formula injection by one of our own exports
(``'+44…``) is read as the value it was (``csvsafe.restore``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lawfulreach.csvsafe import restore
from lawfulreach.errors import CsvError, InputError

_DELIMITERS = (",", ";", "\t")


def header_key(raw: str) -> str:
    """``"E-mail Address "`` → ``e_mail_address``; ``companyName`` → ``company_name`` (camelCase exports
    such as Lemlist's and Salesforce API names): headers are matched case- and spacing-insensitively."""
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", raw.strip().lstrip("\ufeff"))
    return re.sub(r"[\s\-]+", "_", split.lower())


def open_binary(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


class _Counted:
    """Decodes a file line by line, so a byte that is not UTF-8 is reported on its own line."""

    def __init__(self, path: Path, fh: BinaryIO) -> None:
        self.path, self.fh, self.line = path, fh, 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.fh:
            self.line += 1
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{self.path}, line {self.line}: not UTF-8 text") from None
            yield text.lstrip("\ufeff") if self.line == 1 else text


def iter_lines(path: Path) -> Generator[tuple[int, str]]:
    """(line number, stripped text) of every non-blank, non-comment line."""
    with open_binary(path) as fh:
        counted = _Counted(path, fh)
        for text in counted:
            value = text.strip()
            if value and not value.startswith("#"):
                yield counted.line, value


@dataclass(frozen=True)
class Table:
    """A CSV file's normalised header and its rows as (line number, {header: cell})."""

    header: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def sniff_header(path: Path, columns: Iterable[str]) -> bool:
    """Whether the first non-blank line is a CSV header naming one of ``columns``."""
    wanted = set(columns)
    lines = iter_lines(path)
    try:
        for _, text in lines:
            cells = [header_key(c) for c in next(csv.reader([text], delimiter=_delimiter(text)))]
            return bool(wanted & set(cells))
        return False
    finally:
        lines.close()  # closes the file now, not whenever the generator is collected


def _header_line(path: Path) -> tuple[int, str]:
    """(line number, text) of the first non-blank line; the file is closed again at once."""
    with open_binary(path) as fh:
        counted = _Counted(path, fh)
        for text in counted:
            if text.strip():
                return counted.line, text
    raise CsvError(f"{path}: the file is empty (expected a CSV header line)")


def read_table(path: Path) -> Table:
    """The CSV at ``path``; rows are streamed (the file is open only while they are read) and carry
    the line they end on."""
    header_at, first = _header_line(path)
    delimiter = _delimiter(first)
    header = [header_key(c) for c in next(csv.reader([first], delimiter=delimiter))]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        with open_binary(path) as fh:
            counted = _Counted(path, fh)
            lines = iter(counted)
            for _ in range(header_at):
                next(lines)
            for cells in csv.reader(lines, delimiter=delimiter):
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > len(header):
                    raise CsvError(f"{path}, line {counted.line}: {len(cells)} fields but the header has {len(header)}")
                yield counted.line, {h: restore(c).strip() for h, c in zip(header, cells, strict=False)}

    return Table(header, rows())
