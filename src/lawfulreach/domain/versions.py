"""Stable fingerprints of what a decision was made with: the rule base and a stored campaign.

A record of a decision (evidence, an audit) must say *which* rules decided it. The rule-base version
is a short SHA-256 of the rule data's **canonical parsed content** — the country rows (after the
tenant's override rows were merged over the shipped ones) and the overlay document (after the
override TOML files were deep-merged) — not of the files' bytes. So it is the same in every process
and on every machine, does not change when a file is re-indented, its rows reordered or a CSV cell
padded with spaces, and does change whenever a value the engine reads changes. An empty cell and a
missing column count as the same (both mean "not set"). Register maximum ages a workspace sets
(``dnc max-age``) change decisions too, so they are folded in (``with_settings``).

Shown as ``rb-<12 hex>`` (48 bits: collisions among the handful of rule bases a tenant ever runs are
not a concern; the full digest is one call away if a record ever needs it).

A stored campaign's version is the same kind of fingerprint of its content (``cv-<12 hex>``): a
content hash says exactly which campaign facts applied — a campaign put back to earlier content gets
its earlier fingerprint back. The store also numbers the versions (1, 2, … in ``campaign_versions``)
for people; decisions carry the fingerprint (``store.campaigns`` says why).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["campaign_fingerprint", "fingerprint", "rulebase_fingerprint", "with_settings"]

_DIGITS = 12


def fingerprint(prefix: str, content: Any) -> str:
    """``<prefix>-<12 hex>``: SHA-256 of ``content`` as canonical JSON (sorted keys, no spaces, UTF-8);
    values JSON has no form for (dates in a TOML file) are written as ``str`` gives them."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return f"{prefix}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:_DIGITS]}"


def rulebase_fingerprint(rows: Iterable[Mapping[str, str | None]], overlays: Mapping[str, Any]) -> str:
    """The version of a rule base from its merged country rows and its merged overlay document."""
    canonical_rows = sorted(
        (
            sorted((column, value.strip()) for column, value in row.items() if value is not None and value.strip())
            for row in rows
        ),
    )
    return fingerprint("rb", {"rows": canonical_rows, "overlays": overlays})


def with_settings(version: str, settings: Mapping[str, Any]) -> str:
    """A rule-base version with workspace settings that change decisions folded in (none: unchanged)."""
    if not settings:
        return version
    return fingerprint("rb", {"base": version, "settings": settings})


def campaign_fingerprint(content: Mapping[str, Any]) -> str:
    """The version of a stored campaign from its fields."""
    return fingerprint("cv", content)
