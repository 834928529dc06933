"""The arrows between lawfulreach's packages point one way (``shared/spec/architecture.md``).

Every ``import`` of ``src/lawfulreach`` is read with ``ast`` — at module level, inside functions and
under ``TYPE_CHECKING`` alike, since a lazy import hides a cycle without removing it — and folded to
the package it names (``store.ledger`` → ``store``; a top-level module such as ``service`` is its own
unit). The tests then hold the layers in place: no two packages import each other, the pure core
imports no I/O, and the front ends sit at the top.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "lawfulreach"
ROOT = "lawfulreach"

#: Package cycles that are known and accepted, each with its reason. Empty: the batch reader's
#: ``InvalidRowsError`` moved to ``lawfulreach.errors`` (it was the only ``batch`` → ``store`` import),
#: and the public pages' routes moved to ``api.pages`` (the only ``web`` → ``api`` imports).
ALLOWED_CYCLES: frozenset[frozenset[str]] = frozenset()

#: third-party and standard-library modules that do I/O or belong to a front end: the domain may use none
IO_MODULES = frozenset(
    {
        "sqlalchemy",
        "alembic",
        "psycopg",
        "fastapi",
        "starlette",
        "uvicorn",
        "typer",
        "rich",
        "jinja2",
        "polars",
        "pyarrow",
        "fastexcel",
        "httpx",
        "smtplib",
        "socket",
        "sqlite3",
        "urllib",
        "subprocess",
    }
)


def _module_name(path: Path) -> tuple[str, bool]:
    """``src/lawfulreach/store/ledger.py`` → (``lawfulreach.store.ledger``, is a package)."""
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _is_module(dotted: str) -> bool:
    relative = Path(*dotted.split(".")[1:]) if "." in dotted else Path()
    return (SOURCE / relative).with_suffix(".py").is_file() or (SOURCE / relative / "__init__.py").is_file()


def _imported(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """Every dotted module name the file imports (absolute; relative imports resolved)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # ``from lawfulreach import web`` names a module; ``from lawfulreach import __version__`` does not
            submodules = [f"{target}.{alias.name}" for alias in node.names if _is_module(f"{target}.{alias.name}")]
            found.update(submodules if target.startswith(ROOT) and submodules else [target])
    return found


def unit(dotted: str) -> str:
    """The package (or top-level module) a ``lawfulreach`` module belongs to; ``lawfulreach`` itself."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else ROOT


@cache
def graph() -> dict[str, dict[str, list[str]]]:
    """unit → unit it imports → the imports that make the edge (``module -> module``)."""
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(SOURCE.rglob("*.py")):
        module, is_package = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name in _imported(tree, module, is_package):
            if name == ROOT or name.startswith(f"{ROOT}."):
                if unit(name) != unit(module):
                    edges[unit(module)][unit(name)].append(f"{module} -> {name}")
            else:
                edges[unit(module)][f"external:{name.split('.')[0]}"].append(f"{module} -> {name}")
    return {source: dict(targets) for source, targets in edges.items()}


def internal(source: str) -> dict[str, list[str]]:
    return {t: why for t, why in graph().get(source, {}).items() if not t.startswith("external:")}


def cycles() -> list[list[str]]:
    """Strongly connected groups of more than one unit (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in internal(node):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph()):
        if node not in index:
            visit(node)
    return groups


class TestTheGraphIsRead:
    """The reader sees the imports it must see (else every test below would pass vacuously)."""

    def test_known_edges_are_found(self) -> None:
        assert "domain" in internal("service")
        assert "store" in internal("api")
        assert "api" in internal("cli")  # ``serve`` imports the API lazily, inside a function
        assert "web" in internal("api")

    def test_from_package_import_module_counts_the_module(self) -> None:
        assert any(why.endswith("-> lawfulreach.web") for why in internal("api")["web"])


class TestNoCycles:
    """No two packages import each other, directly or around a loop."""

    def test_no_package_cycles_beyond_the_documented_ones(self) -> None:
        found = {frozenset(group) for group in cycles()}
        unexpected = found - ALLOWED_CYCLES
        detail = {
            " ↔ ".join(sorted(group)): [why for a in group for b in group if a != b for why in internal(a).get(b, [])]
            for group in unexpected
        }
        assert not unexpected, f"package import cycles: {detail}"

    def test_every_allowed_cycle_still_exists(self) -> None:
        """An exception that is no longer needed is removed from the list."""
        assert {frozenset(group) for group in cycles()} >= ALLOWED_CYCLES


class TestLayers:
    """The pure core at the bottom, adapters around it, the front ends on top."""

    def test_domain_imports_only_errors(self) -> None:
        assert set(internal("domain")) <= {"errors"}, internal("domain")

    def test_domain_does_no_io(self) -> None:
        used = {t.removeprefix("external:") for t in graph()["domain"] if t.startswith("external:")}
        assert not used & IO_MODULES, sorted(used & IO_MODULES)

    def test_web_imports_nothing_from_api(self) -> None:
        """``web`` is what the pages look like; the routes that serve them are ``api.pages``."""
        assert "api" not in internal("web"), internal("web").get("api")
        assert "cli" not in internal("web")

    def test_messaging_sits_below_every_front_end(self) -> None:
        """Mail is an adapter the API (and, next, sending) calls; it calls none of them."""
        assert set(internal("messaging")) <= {"errors", "clock", "domain"}, internal("messaging")

    # The console is a front end on top of the API's server (its backend, roles and errors): only the
    # CLI's ``serve`` imports it, and the API does not know it exists (``console.app`` adds it).
    @pytest.mark.parametrize(
        ("front_end", "allowed_callers"),
        [("cli", {"__main__"}), ("api", {"cli", "console"}), ("console", {"cli"})],
    )
    def test_front_ends_are_imported_only_from_above(self, front_end: str, allowed_callers: set[str]) -> None:
        callers = {source for source in graph() if front_end in internal(source)}
        assert callers <= allowed_callers, {c: internal(c)[front_end] for c in callers - allowed_callers}
