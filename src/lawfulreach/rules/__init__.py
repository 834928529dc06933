"""Loading the rule base: the shipped data files, plus a tenant's own override files.

A tenant adds or overrides rules without editing the package: a CSV with the columns of
``data/countries.csv`` overrides the (country, channel) rows it names — the cells it leaves empty, and
the columns it does not have, keep the row's current value (its regime, citation, levels), and
``none`` clears an optional level — and adds new countries; a TOML file with any part of
``data/overlays.toml`` is deep-merged over the shipped overlays. Both are strict: an unknown column,
table or key is refused with its line and the nearest valid name, never ignored.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pycountry

from lawfulreach.domain.rulebase import (
    CSV_COLUMNS,
    RuleBase,
    merge_overlay_docs,
    parse_country_rows,
    parse_overlays,
    refuse_moved_sections,
)
from lawfulreach.domain.versions import rulebase_fingerprint
from lawfulreach.errors import RuleBaseError
from lawfulreach.rules.shipped import parse_toml, shipped_text, shipped_toml
from lawfulreach.strict_config import describe_unknown, schema_of, unknown_keys

__all__ = ["default_rulebase", "load_rulebase"]

VALID_COUNTRIES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)


OPEN_OVERLAY_TABLES = (
    "dnc.required_registers",
    "dnc.max_age_days",
    "dnc.known_registers",
    "dnc.citations",
    "dnc.exempt_citations",
    "requirements",
    "implied_consent",
    "established_relationship",
    "gdpr.regime_by_country",
    "regions",
)
"""Overlay tables keyed by country, region or register name: an override may add keys of its own there
(``parse_overlays`` checks what each entry holds)."""
_EXTRA = "\x00extra"
_CLEARABLE = ("level_generic", "mobile_level", "public_directory_level", "note")


def _rows(text: str, source: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text), restkey=_EXTRA)
    header = list(reader.fieldnames or [])
    if not header:
        raise RuleBaseError(source, 1, f"the file is empty; expected a header with columns from {list(CSV_COLUMNS)}")
    for name in header:
        if name not in CSV_COLUMNS:
            close = difflib.get_close_matches(name.strip().lower(), CSV_COLUMNS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"expected columns from {list(CSV_COLUMNS)}"
            raise RuleBaseError(source, 1, f"unknown column {name!r}; {hint}")
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise RuleBaseError(source, 1, f"column(s) {duplicated} appear more than once")
    rows = []
    for row in reader:
        if _EXTRA in row:
            raise RuleBaseError(source, reader.line_num, f"more fields than the header's {len(header)}")
        rows.append(row)
    return rows


def _merged_rows(rows: list[dict[str, str]], current: dict[tuple[str, str], dict[str, str]]) -> list[dict[str, str]]:
    """Override rows over the current ones: only the cells the file sets replace; ``none`` clears."""
    out = []
    for row in rows:
        key = ((row.get("country") or "").strip().upper(), (row.get("channel") or "").strip())
        merged = dict(current.get(key, {}))
        for column, value in row.items():
            text = (value or "").strip()
            if column in _CLEARABLE and text.lower() == "none":
                merged[column] = ""
            elif text or column not in merged:
                merged[column] = text
        out.append(merged)
    return out


def _keyed(rows: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    return {((r.get("country") or "").strip().upper(), (r.get("channel") or "").strip()): r for r in rows}


def load_rulebase(overrides: Sequence[Path] = ()) -> RuleBase:
    """The shipped rule base with the tenant's override files applied, validated as a whole.

    Its ``version`` is computed here, once, from the merged rows and overlay document — the parsed
    content, not the files' bytes (``domain.versions``): the same rules give the same version
    wherever and however they were written."""
    shipped_rows = _rows(shipped_text("countries.csv"), "countries.csv")
    rules = parse_country_rows(shipped_rows, "countries.csv", VALID_COUNTRIES)
    current = _keyed(shipped_rows)
    doc = shipped_toml("overlays.toml")
    schema = schema_of(doc, OPEN_OVERLAY_TABLES)
    for path in overrides:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RuleBaseError(str(path), None, f"cannot read rule file: {exc.strerror}") from None
        if path.suffix.lower() == ".csv":
            rows = _merged_rows(_rows(text, str(path)), current)
            rules.update(parse_country_rows(rows, str(path), VALID_COUNTRIES))
            current.update(_keyed(rows))
        elif path.suffix.lower() == ".toml":
            override = parse_toml(text, str(path))
            refuse_moved_sections(override, str(path))
            unknown = unknown_keys(override, schema, text)
            if unknown:
                raise RuleBaseError(str(path), None, describe_unknown(unknown))
            doc = merge_overlay_docs(doc, override)
        else:
            raise RuleBaseError(str(path), None, "a rule override file must be .csv (country rows) or .toml (overlays)")
    return RuleBase(
        rules=rules,
        overlays=parse_overlays(doc, "overlays.toml" if not overrides else "overlays (merged)"),
        version=rulebase_fingerprint(current.values(), doc),
    )


@lru_cache(maxsize=1)
def default_rulebase() -> RuleBase:
    return load_rulebase()
