"""Documentation that cannot drift: the CLI reference is generated, every code is documented."""

from __future__ import annotations

from pathlib import Path

from lawfulreach.cli.reference import render
from lawfulreach.domain.vocabulary import ReasonCode, Requirement

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current() -> None:
    """docs/cli.md is what ``python -m lawfulreach.cli.reference`` prints today."""
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render(), "regenerate: python -m lawfulreach.cli.reference > docs/cli.md"


def test_every_reason_code_and_requirement_is_documented() -> None:
    rules = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    missing = [c.value for c in ReasonCode if f"`{c.value}`" not in rules]
    missing += [r.value for r in Requirement if f"`{r.value}`" not in rules]
    assert not missing, f"undocumented in docs/rules.md: {missing}"
