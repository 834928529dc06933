"""Accessibility (WCAG 2.1 AA) of every page a person sees: axe-core in Debian's chromium.

The public pages (unsubscribe, preferences, privacy-request intake, in every state a person meets,
errors included), the screening report and the API's documentation page are each audited with
axe-core (``axe-playwright-python`` bundles it; nothing is fetched at test time) in light and dark
colour schemes, at a desktop width and at 320 CSS px (WCAG 1.4.10 reflow: nothing may make the page
scroll sideways). A serious or critical violation fails the test with axe's own description.

axe runs in a context with JavaScript on, because axe itself is a script; the pages' working without
JavaScript is proved by ``test_api_browser.py``. axe does not measure focus indicators, so the focus
ring's contrast against every background it can sit on (WCAG 1.4.11, 3:1) is computed from the
stylesheet here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from a11y_support import SCHEMES, WIDTHS, Scheme, scrolls_sideways, violations
from api_support import Api, organisation
from lr_testkit import RunLawfulreach

pytestmark = pytest.mark.one_backend  # the pages are the same whichever database is behind them

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "a11y"
STYLESHEET = Path(__file__).resolve().parents[2] / "src" / "lawfulreach" / "web" / "static" / "pages.css"
EMAIL = "jana.novak@firma.de"


@pytest.fixture
def pages(browser: Browser) -> Iterator[dict[tuple[Scheme, int], Page]]:
    """One page per colour scheme and width, JavaScript on (axe is a script)."""
    contexts = {
        (scheme, width): browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
        for scheme in SCHEMES
        for width in WIDTHS
    }
    yield {key: context.new_page() for key, context in contexts.items()}
    for context in contexts.values():
        context.close()


def audit(pages: dict[tuple[Scheme, int], Page], url: str, name: str, prepare: Any = None) -> list[str]:
    """Open ``url`` (then ``prepare(page)``) in every scheme and width; the problems found, labelled."""
    problems = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for (scheme, width), page in pages.items():
        page.goto(url)
        if prepare is not None:
            prepare(page)
        label = f"{name} [{scheme}, {width}px]"
        problems += [f"{label}: {line}" for line in violations(page)]
        if scrolls_sideways(page):
            problems.append(f"{label}: the page scrolls sideways (WCAG 1.4.10 reflow)")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{scheme}-{width}.png"), full_page=True)
    return problems


def test_public_pages_in_every_state(served: tuple[Api, str], pages: dict[tuple[Scheme, int], Page]) -> None:
    api, base = served
    organisation(api)
    link = api.call("POST", "/v1/unsubscribe-links", json={"email": EMAIL}).json()

    def preference_error(page: Page) -> None:
        page.get_by_role("button", name="Save my choices").click()
        expect(page.get_by_role("alert")).to_contain_text("Choose at least one")

    def privacy_errors(page: Page) -> None:
        page.get_by_role("button", name="Send request").click()
        expect(page.get_by_text("Enter your email address.")).to_be_visible()

    problems = [
        *audit(pages, link["unsubscribe_url"], "unsubscribe"),
        *audit(pages, link["preferences_url"], "preferences"),
        *audit(pages, link["preferences_url"], "preferences-error", preference_error),
        *audit(pages, f"{base}/privacy-request", "privacy-form"),
        *audit(pages, f"{base}/privacy-request", "privacy-form-errors", privacy_errors),
        *audit(pages, f"{base}/u/{link['token'][:-6]}", "invalid-link"),
    ]
    # The page after a one-click unsubscribe (a POST): reached through the form, once per scheme/width.
    for (scheme, width), page in pages.items():
        page.goto(link["unsubscribe_url"])
        page.get_by_role("button", name="Unsubscribe").click()
        expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
        problems += [f"unsubscribed [{scheme}, {width}px]: {line}" for line in violations(page)]
        if scrolls_sideways(page):
            problems.append(f"unsubscribed [{scheme}, {width}px]: the page scrolls sideways")
    assert not problems, "\n".join(problems)


def test_generated_privacy_notice(served: tuple[Api, str], pages: dict[tuple[Scheme, int], Page]) -> None:
    """``/privacy``: the GDPR Art. 14 notice generated from the profile (headings, lists, links)."""
    api, base = served
    api.call(
        "PUT",
        "/v1/organisation",
        json={
            "organisation": "Northwind Analytics Ltd",
            "purpose": "To tell businesses like yours about Northwind's analytics software and events.",
            "contact_email": "privacy@northwind.example",
            "postal_address": "1 Harbour Street, Leeds LS1 4AB",
            "country": "GB",
            "data_source": "Company websites and the Companies House register",
        },
    ).raise_for_status()

    def rendered(page: Page) -> None:
        expect(page.get_by_role("heading", name="Your rights, and how to object or opt out")).to_be_visible()

    problems = audit(pages, f"{base}/privacy", "privacy-notice", rendered)
    assert not problems, "\n".join(problems)


def test_api_documentation_page(served: tuple[Api, str], pages: dict[tuple[Scheme, int], Page]) -> None:
    _, base = served

    def rendered(page: Page) -> None:
        expect(page.get_by_role("heading", name=re.compile("lawfulreach"))).to_be_visible()

    problems = audit(pages, f"{base}/v1/docs", "api-docs", rendered)
    assert not problems, "\n".join(problems)


def test_screening_report(cli: RunLawfulreach, tmp_path: Path, pages: dict[tuple[Scheme, int], Page]) -> None:
    out = tmp_path / "out"
    result = cli("demo", "--out-dir", str(out))
    assert result.code == 0, result.err
    report = out / "sample-report.html"
    problems = audit(pages, report.as_uri(), "report")
    assert not problems, "\n".join(problems)


# -- the focus ring, which axe does not measure ------------------------------------------------------


def _luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else float(((c + 0.055) / 1.055) ** 2.4)

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(a: str, b: str) -> float:
    """WCAG 2.1's contrast ratio of two ``#rrggbb`` colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", block))


def test_contrast_helper_matches_wcag_examples() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48  # the classic just-fails grey


@pytest.mark.parametrize("scheme", SCHEMES)
def test_focus_ring_and_error_text_contrast(scheme: Scheme) -> None:
    css = STYLESHEET.read_text(encoding="utf-8")
    light = _variables(css.split("@media")[0])
    dark_block = css[css.index("prefers-color-scheme: dark") :]
    colours = light if scheme == "light" else {**light, **_variables(dark_block)}
    # Every surface a focused control, link or button can sit on (cards, page, choices, inputs).
    surfaces = [colours["paper"], colours["canvas"]]
    surfaces += ["#fbfcfd", "#f2f7fd", "#ffffff"] if scheme == "light" else ["#20262f", "#1d2a3a", "#12161d"]
    for surface in surfaces:
        assert contrast(colours["focus"], surface) >= 3, f"focus ring {colours['focus']} on {surface} ({scheme})"
        assert contrast(colours["danger-text"], surface) >= 4.5, f"error text on {surface} ({scheme})"
