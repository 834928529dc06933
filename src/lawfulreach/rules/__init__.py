"""Loading the rule base: the shipped data files, plus a tenant's own override files.

A tenant adds or overrides rules without editing the package: a CSV with the columns of
``data/countries.csv`` replaces the (country, channel) rows it names and adds new countries; a TOML
file with any part of ``data/overlays.toml`` is deep-merged over the shipped overlays.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pycountry

from lawfulreach.domain.rulebase import (
    CSV_COLUMNS,
    RuleBase,
    merge_overlay_docs,
    parse_country_rows,
    parse_overlays,
)
from lawfulreach.errors import RuleBaseError

__all__ = ["default_rulebase", "load_rulebase"]

VALID_COUNTRIES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)


def _data(name: str) -> str:
    return resources.files("lawfulreach.rules").joinpath("data", name).read_text(encoding="utf-8")


def _rows(text: str, source: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise RuleBaseError(source, 1, f"unknown column(s) {unknown}; expected {list(CSV_COLUMNS)}")
    return list(reader)


def _toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleBaseError(source, None, f"not valid TOML: {exc}") from None


def load_rulebase(overrides: Sequence[Path] = ()) -> RuleBase:
    """The shipped rule base with the tenant's override files applied, validated as a whole."""
    rules = parse_country_rows(_rows(_data("countries.csv"), "countries.csv"), "countries.csv", VALID_COUNTRIES)
    doc = _toml(_data("overlays.toml"), "overlays.toml")
    for path in overrides:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RuleBaseError(str(path), None, f"cannot read rule file: {exc.strerror}") from None
        if path.suffix.lower() == ".csv":
            rules.update(parse_country_rows(_rows(text, str(path)), str(path), VALID_COUNTRIES))
        elif path.suffix.lower() == ".toml":
            doc = merge_overlay_docs(doc, _toml(text, str(path)))
        else:
            raise RuleBaseError(str(path), None, "a rule override file must be .csv (country rows) or .toml (overlays)")
    return RuleBase(
        rules=rules, overlays=parse_overlays(doc, "overlays.toml" if not overrides else "overlays (merged)")
    )


@lru_cache(maxsize=1)
def default_rulebase() -> RuleBase:
    return load_rulebase()
