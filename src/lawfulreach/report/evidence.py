"""The evidence report as HTML: what a compliance officer files or hands to a regulator.

Rendered from the JSON form (``EvidenceReport.as_json`` / ``RunSummary.as_json``) with Jinja2,
autoescaped throughout: the ledger's wording and sources are whatever was typed or imported.
"""

from __future__ import annotations

from typing import Any

import jinja2

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("lawfulreach.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_evidence(report: dict[str, Any]) -> str:
    """The person's evidence page (``report``: ``EvidenceReport.as_json()``)."""
    return _ENV.get_template("evidence.html.j2").render(report=report, run=None)


def render_run(run: dict[str, Any]) -> str:
    """One run's page (``run``: ``RunSummary.as_json()``)."""
    return _ENV.get_template("evidence.html.j2").render(report=None, run=run)


__all__ = ["render_evidence", "render_run"]
