"""What every importing command says the same way: the file read, its columns, its rejects.

``screen``, ``columns``, ``contacts import`` and ``suppress import`` share these lines, so a user meets
one rule (``commands.outputs``): rows that cannot be read are listed in a rejects file (line, column,
value, why; mode 0600) and the rest goes on, unless ``--strict`` refuses the whole file.
"""

from __future__ import annotations

from pathlib import Path

from lawfulreach.batch.reader import FileFormat

STRICT_HELP = "Refuse the whole file if any row cannot be read (default: import the rest, list the rejects)."
SHEET_HELP = "Excel workbooks: the sheet to read (default: the first)."


def rejects_line(path: Path, rows: int) -> str:
    """The line saying where the rejects file is and how many rows it lists."""
    return f"Rejects: {path} ({rows:,} row{'s' if rows != 1 else ''} could not be read; line, column, value and why)"


def describe_read(source: Path, fmt: FileFormat | None) -> str:
    return f"Read {source.name}: {fmt.describe()}" if fmt is not None else f"Read {source.name}"


def describe_columns(columns: dict[str, str], unused: list[str]) -> list[str]:
    """Which input column became which field, and which were not used (``columns``, ``screen``)."""
    used = ", ".join(f"{src!r} → {dst}" for src, dst in columns.items()) or "none"
    lines = [f"Columns used: {used}"]
    lines.append(f"Columns not used: {', '.join(repr(c) for c in unused)}" if unused else "Columns not used: none")
    return lines
