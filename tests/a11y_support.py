"""axe-core in the browser tests (public pages, report, console): the findings that fail a test."""

from __future__ import annotations

from typing import Any, Literal

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

Scheme = Literal["light", "dark"]
SCHEMES: tuple[Scheme, ...] = ("light", "dark")
WIDTHS = (1000, 320)


def violations(page: Page) -> list[str]:
    """axe's serious and critical findings on the page, one line each (rule, impact, first element, why)."""
    found: dict[str, Any] = Axe().run(page).response
    lines = []
    for v in found["violations"]:
        if v["impact"] not in ("serious", "critical"):
            continue
        node = v["nodes"][0]
        why = (node.get("any") or node.get("all") or [{}])[0].get("message", "")
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}x) at {node['target']}: {why}")
    return lines


def scrolls_sideways(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"))
