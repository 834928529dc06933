"""The public pages in a real browser: Debian's chromium driven by Playwright, JavaScript switched off.

A real ``uvicorn`` server on loopback serves the app; every flow is done the way a person does it —
finding fields by their labels and buttons by their names (so the pages' accessibility is what
makes the test pass) — with JavaScript disabled, which proves the pages need none. Screenshots of
every page go to ``test-artifacts/pages/`` (git-ignored) for people to look at.

The browser is never downloaded: ``LAWFULREACH_CHROMIUM`` or ``/usr/bin/chromium`` (``apt-get install
chromium``). Without one the test fails, like the PostgreSQL tests in CI: it is never skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from api_support import Api, organisation

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pages"
EMAIL = "jana.novak@firma.de"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1000, "height": 800}, locale="en-GB")
    yield context.new_page()
    context.close()


def shot(page: Page, backend: str, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{backend}.png"), full_page=True)


def blocked(api: Api, channel: str) -> bool:
    contact = {"email": EMAIL, "phone": "+49 1512 3456789", "company": "Firma GmbH"}
    body = {"contact": contact, "channel": channel, "consent": {"status": "confirmed"}}
    return bool(api.call("POST", "/v1/check", json=body).json()["outcome"] == "blocked")


def test_unsubscribe_in_one_click_without_javascript(served: tuple[Api, str], page: Page, backend: str) -> None:
    api, base = served
    organisation(api)
    link = api.call("POST", "/v1/unsubscribe-links", json={"email": EMAIL}).json()
    assert link["unsubscribe_url"].startswith(base)
    page.goto(link["unsubscribe_url"])
    expect(page.get_by_role("heading", name="Unsubscribe?")).to_be_visible()
    expect(page.get_by_text("j•••@firma.de")).to_be_visible()
    shot(page, backend, "01-unsubscribe")
    assert not blocked(api, "email")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    shot(page, backend, "02-unsubscribed")
    assert blocked(api, "email")
    assert not blocked(api, "sms")


def test_preference_centre(served: tuple[Api, str], page: Page, backend: str) -> None:
    api, _ = served
    organisation(api)
    link = api.call("POST", "/v1/unsubscribe-links", json={"email": EMAIL}).json()
    page.goto(link["preferences_url"])
    expect(page.get_by_role("heading", name="Your message preferences")).to_be_visible()
    expect(page.get_by_text("Northwind Analytics Ltd, 1 Harbour Street")).to_be_visible()
    expect(page.get_by_role("link", name="privacy notice", exact=True)).to_have_attribute(
        "href", "https://northwind.example/privacy"
    )
    shot(page, backend, "03-preferences")
    page.get_by_role("button", name="Save my choices").click()  # nothing chosen
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one")
    shot(page, backend, "04-preferences-error")
    page.get_by_label("Text messages (SMS)").check()
    page.get_by_label("Phone calls").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("heading", name="Your choices are saved")).to_be_visible()
    shot(page, backend, "05-preferences-saved")
    assert blocked(api, "sms")
    assert not blocked(api, "email")
    page.goto(link["preferences_url"])
    page.get_by_label("Stop everything").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("has stopped: everything")).to_be_visible()
    assert blocked(api, "email")
    assert blocked(api, "post")


def test_privacy_request_with_email_verification(served: tuple[Api, str], page: Page, backend: str) -> None:
    api, base = served
    organisation(api)
    page.goto(f"{base}/privacy-request")
    expect(page.get_by_role("heading", name="Make a privacy request")).to_be_visible()
    shot(page, backend, "06-privacy-form")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Choose what you would like us to do.")).to_be_visible()
    expect(page.get_by_text("Enter your email address.")).to_be_visible()
    shot(page, backend, "07-privacy-form-errors")
    page.get_by_label("Stop direct marketing").check()
    page.get_by_label("Your email address").fill(EMAIL)
    page.get_by_label("Your name").fill("Jana Novak")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    shot(page, backend, "08-privacy-sent")
    found = re.search(r"(http://127\.0\.0\.1:\d+/\S+/verify/\S+)", api.mailer.messages[-1].get_content())
    assert found
    page.goto(found.group(1))
    expect(page.get_by_role("heading", name="Confirm your privacy request")).to_be_visible()
    shot(page, backend, "09-privacy-confirm")
    assert not blocked(api, "email")
    page.get_by_role("button", name="Confirm my request").click()
    expect(page.get_by_role("heading", name="Your request is confirmed")).to_be_visible()
    shot(page, backend, "10-privacy-verified")
    assert blocked(api, "email")
    assert blocked(api, "sms")
    page.goto(found.group(1))
    page.get_by_role("button", name="Confirm my request").click()  # the link works once
    expect(page.get_by_role("heading", name="This link is not valid")).to_be_visible()
    shot(page, backend, "11-link-used")


def test_small_screens_and_broken_links(served: tuple[Api, str], browser: Browser, backend: str) -> None:
    api, base = served
    organisation(api)
    link = api.call("POST", "/v1/unsubscribe-links", json={"email": EMAIL}).json()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.goto(link["preferences_url"])
    expect(phone.get_by_role("button", name="Save my choices")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    shot(phone, backend, "12-preferences-phone")
    phone.goto(f"{base}/u/{link['token'][:-6]}")
    expect(phone.get_by_role("heading", name="This link is not valid")).to_be_visible()
    shot(phone, backend, "13-invalid-link-phone")
    context.close()
