"""Strict configuration files: every key must be one we read, or the file is refused.

A key we do not know is almost always a typo (``[dnc.max_age_dayz]``), and a typo silently ignored
is a rule the user believes is in force and is not. TOML parsers do not keep line numbers, so a small
scanner maps each table header and key to the line that defines it; the message names the file, the
line and the nearest valid key (``difflib``).

A schema is a nested mapping: key → sub-schema (a table) or ``None`` (a value); the key ``"*"``
accepts any key (tables keyed by country or register name).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lawfulreach.errors import LawfulreachError

Schema = Mapping[str, "Schema | None"]
ANY = "*"

_HEADER = re.compile(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?")
_BARE_OR_QUOTED = r"(?:[A-Za-z0-9_-]+|\"(?:[^\"\\]|\\.)*\"|'[^']*')"
_KEY = re.compile(rf"\s*({_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*)\s*=")
_PART = re.compile(_BARE_OR_QUOTED)


@dataclass(frozen=True)
class UnknownKey:
    path: tuple[str, ...]
    line: int | None
    is_table: bool
    suggestion: str | None

    def describe(self) -> str:
        kind = "table" if self.is_table else "key"
        where = f" at line {self.line}" if self.line is not None else ""
        hint = f"; did you mean {self.suggestion}?" if self.suggestion else ""
        return f"unknown {kind} {dotted(self.path)}{where}{hint}"


def dotted(path: Sequence[str]) -> str:
    return ".".join(p if re.fullmatch(r"[A-Za-z0-9_-]+", p) else f'"{p}"' for p in path)


def _parts(key: str) -> tuple[str, ...]:
    return tuple(p[1:-1] if p[0] in "\"'" else p for p in _PART.findall(key))


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line (1-based) where each table or key path is first defined."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        if header := _HEADER.fullmatch(line):
            table = _parts(header[1])
            for i in range(1, len(table) + 1):  # [a.b.c] defines a and a.b too, if nothing did before
                lines.setdefault(table[:i], number)
        elif key := _KEY.match(line):
            path = table + _parts(key[1])
            for i in range(len(table) + 1, len(path) + 1):
                lines.setdefault(path[:i], number)
            rest = line[key.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return lines


def _all_paths(schema: Schema, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for key, sub in schema.items():
        if key == ANY:
            continue
        out.append((*prefix, key))
        if sub is not None:
            out.extend(_all_paths(sub, (*prefix, key)))
    return out


def unknown_keys(doc: Mapping[str, Any], schema: Schema, text: str) -> list[UnknownKey]:
    """Every key of ``doc`` the schema does not know, in file order, each with its nearest valid key."""
    lines = key_lines(text)
    everywhere = [dotted(p) for p in _all_paths(schema)]
    found: list[UnknownKey] = []

    def walk(node: Mapping[str, Any], sub: Schema, path: tuple[str, ...]) -> None:
        for key, value in node.items():
            here = (*path, key)
            if key in sub or ANY in sub:
                inner = sub[key] if key in sub else sub[ANY]
                if isinstance(value, Mapping) and inner is not None:
                    walk(value, inner, here)
                continue
            siblings = [dotted((*path, k)) for k in sub if k != ANY]
            close = difflib.get_close_matches(dotted(here), siblings, n=1, cutoff=0.6) or difflib.get_close_matches(
                dotted(here), everywhere, n=1, cutoff=0.6
            )
            line = lines.get(here)
            if line is None:  # a key inside an inline table: the line of the nearest enclosing key
                line = next((lines[here[:i]] for i in range(len(here) - 1, 0, -1) if here[:i] in lines), None)
            found.append(UnknownKey(here, line, isinstance(value, Mapping), close[0] if close else None))

    walk(doc, schema, ())
    return sorted(found, key=lambda u: (u.line is None, u.line or 0))


def describe_unknown(found: Sequence[UnknownKey]) -> str:
    """One line for all of them: the first in full, the others after it."""
    return "; ".join(u.describe() for u in found)


def schema_of(doc: Mapping[str, Any], open_tables: Sequence[str] = ()) -> dict[str, Any]:
    """The schema a document defines (its own tables and keys), with ``open_tables`` (dotted paths)
    accepting any key: the shipped overlays are the definition of what an override may set."""
    opened = {tuple(t.split(".")) for t in open_tables}

    def build(node: Mapping[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
        if path in opened:
            return {ANY: None}
        return {k: build(v, (*path, k)) if isinstance(v, Mapping) else None for k, v in node.items()}

    out = build(doc, ())
    for table in opened:  # open tables an override may add even where the shipped file has none
        node = out
        for part in table[:-1]:
            node = node.setdefault(part, {})
        node.setdefault(table[-1], {ANY: None})
    return out


def read_toml_file(path: Path, what: str, error: type[LawfulreachError]) -> tuple[dict[str, Any], str]:
    """A user's TOML file (``what``: "campaign file", "the answers file"): the document and its text
    (for ``unknown_keys``' line numbers). Unreadable, not UTF-8 or not TOML is one ``error`` line
    naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text), text
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
