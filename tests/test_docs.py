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


def test_every_package_is_shown_in_how_it_is_built() -> None:
    """README's "How it is built" names every package under src/lawfulreach (``name/``)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    package = ROOT / "src" / "lawfulreach"
    packages = sorted(p.parent.relative_to(package) for p in package.rglob("__init__.py") if p.parent != package)
    missing = [str(p) for p in packages if f"{p.name}/" not in section]
    assert not missing, f"add to README 'How it is built': {missing}"
