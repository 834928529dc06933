"""The public surface is what the README says it is: every ``__all__`` is listed under "Use it from
Python", every listed name exists, and the example there runs."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "lawfulreach"


def _section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", readme, flags=re.M | re.S)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def documented() -> dict[str, list[str]]:
    """``{module: [names]}`` from the bullet list of the README section (entries may wrap)."""
    text = _section("Use it from Python")
    entries = re.split(r"^\* ", text, flags=re.M)[1:]
    out: dict[str, list[str]] = {}
    for entry in entries:
        head, _, names = entry.partition(":")
        out[head.strip().strip("`")] = re.findall(r"`(\w+)`", names)
    return out


def modules_with_all() -> list[str]:
    """Every package under ``src/lawfulreach`` whose ``__init__`` declares ``__all__`` (its public face;
    modules inside a package may keep an ``__all__`` of their own for the package to re-export)."""
    found = []
    for path in sorted(PACKAGE.rglob("__init__.py")):
        if re.search(r"^__all__\b", path.read_text(encoding="utf-8"), flags=re.M):
            found.append(".".join(path.parent.relative_to(PACKAGE.parent).parts))
    return found


def test_every_public_module_is_documented() -> None:
    assert sorted(documented()) == sorted(modules_with_all())


@pytest.mark.parametrize("module", modules_with_all())
def test_all_is_what_the_readme_lists(module: str) -> None:
    exported = list(importlib.import_module(module).__all__)
    assert sorted(exported) == sorted(documented()[module]), f"README 'Use it from Python' vs {module}.__all__"


@pytest.mark.parametrize("module", modules_with_all())
def test_every_exported_name_exists(module: str) -> None:
    imported = importlib.import_module(module)
    missing = [name for name in imported.__all__ if not hasattr(imported, name)]
    assert not missing


def test_the_readme_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", _section("Use it from Python"), flags=re.S)
    assert len(blocks) == 1
    exec(compile(blocks[0], "README.md#use-it-from-python", "exec"), {})
    assert capsys.readouterr().out.startswith("DE ")
