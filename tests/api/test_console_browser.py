"""The compliance console in Debian's chromium: the core flow with and without JavaScript, and axe-core
(WCAG 2.1 AA, no serious or critical finding) on every console page in light and dark, at a desktop
width and at 320 CSS px. Screenshots go to ``test-artifacts/console/``.

The app is served on a real socket (uvicorn in a thread) with the console added (``console.app``),
as ``lawfulreach serve`` runs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FilePayload, Page, expect

from a11y_support import SCHEMES, WIDTHS, scrolls_sideways, violations
from api_support import Api, serving
from lawfulreach.console.app import create_app
from lawfulreach.domain.model import Campaign
from lawfulreach.store.staff import StaffRepo
from lawfulreach.store.subjects import Subject
from lawfulreach.store.suppression import Entry
from lia_support import approved
from lr_testkit import free_port

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
PASSWORD = "plum-kettle-horizon-42"
EMAIL = "jana.novak@firma.de"
DPO = "dpo@northwind.example"
LEADS = "email,company,country\njana.novak@firma.de,Firma GmbH,DE\nops@globex.example,Globex Ltd,GB\n"
LIST = "email,reason\nJana.Novak+x@Firma.de,asked\nnot-an-address@,typo\nops@globex.example,\n"
# Two cores shared with other work: a page swap can take longer than Playwright's 5 s default.
expect.set_options(timeout=15_000)


@pytest.fixture
def console(api: Api) -> Iterator[tuple[Api, str]]:
    """The whole server on a socket, with an admin of two tenants (every page and form) and some data."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    api.backend.config = replace(api.backend.config, public_url=base, allow_http_links=True)
    api.tenant("globex")
    StaffRepo(api.backend.base.engine, api.settings.url, api.clock).add(DPO, "admin", PASSWORD, ["default", "globex"])
    ws = api.workspace()
    ws.suppressions.add(Entry("email", EMAIL, "complaint"))
    ws.ledger.opt_out(Subject("email", "o@firma.de"))
    ws.requests.open("access", Subject("email", EMAIL))
    ws.campaigns.create(Campaign(name="Q1 analytics outreach", legal_entity="Northwind Ltd"), "q1")
    approved(ws, "q1")
    record = {"contact": {"email": EMAIL, "country": "DE"}, "channel": "email", "record": True}
    api.call("POST", "/v1/check", json=record).raise_for_status()
    ws.profiles.update(organisation="Northwind Analytics Ltd", postal_address="1 Harbour Street, Leeds LS1 4AB")
    with serving(create_app(api.backend), port):
        yield api, base


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/console")
    expect(page.get_by_role("heading", name="Sign in to the compliance console")).to_be_visible()
    page.get_by_label("Email address").fill(DPO)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()


def look_up_person(page: Page) -> None:
    page.get_by_role("link", name="A person").click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Show what we hold").click()
    expect(page.get_by_role("heading", name=EMAIL)).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_sign_in_overview_person_record_sign_out(console: tuple[Api, str], browser: Browser, javascript: bool) -> None:
    api, base = console
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    try:
        sign_in(page, base)
        expect(page.get_by_text("Working for tenant")).to_contain_text("default")
        expect(page.get_by_role("img", name="Opt-outs and objections per day")).to_be_visible()
        look_up_person(page)
        assert EMAIL not in page.url
        expect(page.get_by_role("heading", name="Exclusion entries (1)")).to_be_visible()
        page.get_by_label("Record an opt-out from").select_option("email")
        page.get_by_role("button", name="Record opt-out").click()
        expect(page.get_by_role("status").filter(has_text="The opt-out is recorded.")).to_be_visible()
        expect(page.get_by_role("heading", name="Consent and opt outs (1)")).to_be_visible()
        history = api.workspace().ledger.history(Subject("email", EMAIL))
        assert [(e.event, e.channel) for e in history] == [("opt_out", "email")]
        assert api.workspace().audit_show(act="ledger")[-1].actor.startswith("console user ")
        # a refused form shows why, with or without JavaScript (htmx swaps 4xx pages in too)
        page.get_by_role("link", name="Exclusions").click()
        page.locator("#a-kind").select_option("phone")
        page.locator("#a-value").fill("not a number")
        page.get_by_role("button", name="Add to the list").click()
        expect(page.get_by_role("alert")).to_be_visible()
        # switching tenant is explicit and visible
        page.get_by_label("Tenant").select_option("globex")
        page.get_by_role("button", name="Switch").click()
        expect(page.get_by_text("Working for tenant")).to_contain_text("globex")
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="Sign in to the compliance console")).to_be_visible()
        page.goto(f"{base}/console/audit")
        expect(page.get_by_role("heading", name="Sign in to the compliance console")).to_be_visible()
        assert [u for u in requested if not u.startswith(base)] == []  # no third-party request
        assert any(u.endswith("/console/static/htmx-2.0.10.min.js") for u in requested) is javascript
    finally:
        context.close()


@pytest.mark.one_backend  # axe reads what the page renders, the same whichever database is behind it
def test_every_console_page_passes_axe_in_light_and_dark(console: tuple[Api, str], browser: Browser) -> None:
    _, base = console
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for scheme in SCHEMES:
        for width in WIDTHS:
            context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
            page = context.new_page()

            def check(name: str, page: Page = page, scheme: str = scheme, width: int = width) -> None:
                label = f"{name} [{scheme}, {width}px]"
                problems.extend(f"{label}: {line}" for line in violations(page))
                if scrolls_sideways(page):
                    problems.append(f"{label}: the page scrolls sideways (WCAG 1.4.10 reflow)")
                page.screenshot(path=str(ARTIFACTS / f"{name}-{scheme}-{width}.png"), full_page=True)

            try:
                page.goto(f"{base}/console/sign-in")
                check("sign-in")
                page.get_by_label("Email address").fill(DPO)
                page.get_by_label("Password").fill("not-the-password")
                page.get_by_role("button", name="Sign in").click()
                expect(page.get_by_role("alert")).to_contain_text("Wrong email address or password")
                check("sign-in-error")
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_label("Email address").fill(DPO)
                page.get_by_role("button", name="Sign in").click()
                expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
                page.get_by_text("The figures as a table").click()
                check("overview")
                if (scheme, width) == ("light", 1000):  # the README's picture: what the first screen shows
                    page.screenshot(path=str(ARTIFACTS / "overview-first-screen.png"))
                page.get_by_role("link", name="Privacy requests").click()
                expect(page.get_by_role("heading", name="Privacy requests", level=1)).to_be_visible()
                check("requests")
                page.get_by_role("link", name="Exclusions").click()
                page.get_by_label("Email, domain or phone").first.fill(EMAIL)
                page.get_by_role("button", name="Look up").click()
                expect(page.get_by_role("heading", name=f"Email {EMAIL} is excluded")).to_be_visible()
                check("exclusions")
                page.set_input_files(
                    "#i-file",
                    files=[FilePayload(name="crm.csv", mimeType="text/csv", buffer=LIST.encode())],
                )
                page.get_by_role("button", name="Preview").click()
                expect(page.get_by_role("heading", name="Lines that cannot be read")).to_be_visible()
                check("import-preview")
                page.get_by_role("button", name="Cancel and delete the upload").click()
                expect(page.get_by_role("status")).to_contain_text("nothing was imported")
                look_up_person(page)
                check("person")
                page.get_by_role("link", name="Audit trail").click()
                page.get_by_role("button", name="Verify the chain").click()
                expect(page.get_by_role("status")).to_contain_text("The chain is intact")
                check("audit")
                page.get_by_role("link", name="Campaigns").click()
                check("campaigns")
                page.get_by_role("link", name="q1").click()
                expect(page.get_by_role("heading", name="Campaign q1")).to_be_visible()
                check("campaign")
                page.get_by_role("link", name="Runs").click()
                expect(page.get_by_role("heading", name="Recorded runs")).to_be_visible()
                check("runs")
                page.get_by_role("link", name="run-").first.click()
                expect(page.get_by_role("heading", name="Outcomes per channel")).to_be_visible()
                check("run")
                page.goto(f"{base}/console/rules?country=GB")
                check("rules")
                page.get_by_role("link", name="Screen a list").click()
                check("screen")
                page.set_input_files(
                    "#s-file",
                    files=[FilePayload(name="leads.csv", mimeType="text/csv", buffer=LEADS.encode())],
                )
                page.get_by_role("button", name="Screen", exact=True).click()
                expect(page.get_by_role("heading", name="Outcomes")).to_be_visible()
                check("screen-done")
                page.get_by_role("link", name="Organisation").click()
                expect(page.get_by_role("heading", name="Organisation profile")).to_be_visible()
                check("organisation")
            finally:
                context.close()
    assert not problems, "\n".join(problems)


# --- campaigns, the LIA and screening with a campaign file and a column mapping -----------------------------
SPRING = 'name = "Spring launch"\nlegal_entity = "Northwind Ltd"\nlia = "passed"\n'
MESSE = "Kontakt,Land,Notiz\njana.novak@firma.de,DE,met at the fair\nops@globex.example,GB,\n"


def answer_questionnaire(page: Page, answers: dict[str, bool | str]) -> None:
    """Fill the LIA form as a person would: radios for yes/no, the list for choices, text boxes."""
    for qid, value in answers.items():
        if isinstance(value, bool):
            page.locator(f'input[name="{qid}"][value="{"yes" if value else "no"}"]').check()
        elif page.locator(f'select[name="{qid}"]').count():
            page.locator(f'select[name="{qid}"]').select_option(value)
        else:
            page.locator(f'textarea[name="{qid}"]').fill(value)


def upload(page: Page, selector: str, name: str, text: str, kind: str = "text/csv") -> None:
    page.set_input_files(selector, files=[FilePayload(name=name, mimeType=kind, buffer=text.encode())])


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_campaign_lia_and_screening_with_a_file_and_columns(
    console: tuple[Api, str], browser: Browser, javascript: bool
) -> None:
    from lia_support import PASSING

    api, base = console
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    try:
        sign_in(page, base)
        page.get_by_role("link", name="Campaigns").click()
        page.get_by_role("link", name="New campaign").click()
        page.get_by_label("Campaign id (optional)").fill("spring")
        page.get_by_label("Name", exact=True).fill("Spring launch")
        page.get_by_label("Legal entity sending").fill("Northwind Ltd")
        page.get_by_label("Regions left out").fill("Atlantis")
        page.get_by_role("button", name="Store the campaign").click()
        expect(page.get_by_role("alert")).to_contain_text("1 answer needs correcting")
        expect(page.get_by_label("Regions left out")).to_have_attribute("aria-invalid", "true")
        page.get_by_label("Regions left out").fill("DE")
        page.get_by_role("button", name="Store the campaign").click()
        expect(page.get_by_role("status")).to_contain_text("stored as version 1")
        expect(page.get_by_role("heading", name="Campaign spring")).to_be_visible()

        page.get_by_role("link", name="Answer the legitimate interests questionnaire").click()
        expect(page.get_by_role("heading", name="Purpose test")).to_be_visible()
        answer_questionnaire(page, PASSING)
        page.get_by_role("button", name="Assess and store").click()
        expect(page.get_by_role("status")).to_contain_text("The assessment is stored")
        expect(page.get_by_role("heading", name="Newest assessment: passed")).to_be_visible()
        expect(page.get_by_role("link", name="Printable assessment").first).to_be_visible()

        page.get_by_role("link", name="Change the campaign").click()
        page.get_by_label("Name", exact=True).fill("Spring launch (DACH)")
        page.get_by_role("button", name="Save a new version").click()
        expect(page.get_by_role("status")).to_contain_text("saved as a new version")

        page.get_by_role("link", name="Screen a list").click()
        upload(page, "#s-file", "messe.csv", MESSE)
        page.get_by_label("A campaign file").check()
        upload(page, "#s-campaign-file", "spring.toml", SPRING, "application/toml")
        page.get_by_role("button", name="Screen", exact=True).click()
        expect(page.get_by_role("heading", name="The list's columns")).to_be_visible()
        expect(page.get_by_role("alert")).to_contain_text("No email or phone column found")
        page.locator("#col-0").select_option("email")
        page.locator("#col-1").select_option("country")
        page.get_by_role("button", name="Screen with these columns").click()
        expect(page.get_by_role("heading", name="Outcomes")).to_be_visible()
        expect(page.get_by_role("status").filter(has_text="Screened 2 contacts")).to_be_visible()

        page.get_by_role("link", name="Campaigns").click()
        page.get_by_role("link", name="spring", exact=True).click()
        page.get_by_role("button", name="Archive campaign spring").click()
        expect(page.get_by_role("status")).to_contain_text("The campaign is archived")
    finally:
        context.close()
    ws = api.workspace()
    record = ws.campaigns.get("spring")
    assert (record.version, record.campaign.excluded_regions) == (2, ("DE",))
    assert record.archived_at is not None
    acts = [
        (e.actor.startswith("console user "), e.act)
        for e in ws.audit_show()
        if e.act.split(".")[0] in ("campaign", "lia")
    ]
    assert (True, "lia.assess") in acts
    assert [a for _, a in acts if a.startswith("campaign.")][-3:] == [
        "campaign.create",
        "campaign.update",
        "campaign.archive",
    ]


@pytest.mark.one_backend  # axe reads what the page renders, the same whichever database is behind it
def test_the_campaign_lia_and_column_pages_pass_axe(console: tuple[Api, str], browser: Browser) -> None:
    _, base = console
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for scheme in SCHEMES:
        for width in WIDTHS:
            context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
            page = context.new_page()

            def check(name: str, page: Page = page, scheme: str = scheme, width: int = width) -> None:
                label = f"{name} [{scheme}, {width}px]"
                problems.extend(f"{label}: {line}" for line in violations(page))
                if scrolls_sideways(page):
                    problems.append(f"{label}: the page scrolls sideways (WCAG 1.4.10 reflow)")
                page.screenshot(path=str(ARTIFACTS / f"{name}-{scheme}-{width}.png"), full_page=True)

            try:
                sign_in(page, base)
                page.goto(f"{base}/console/campaigns/new")
                check("campaign-new")
                page.get_by_label("Campaign id (optional)").fill("not an id!")
                page.get_by_label("Regions left out").fill("Atlantis")
                page.get_by_role("button", name="Store the campaign").click()
                expect(page.get_by_role("alert")).to_contain_text("2 answers need correcting")
                check("campaign-new-errors")
                page.goto(f"{base}/console/campaigns/q1/edit")
                check("campaign-edit")
                page.goto(f"{base}/console/campaigns/q1/lia")
                check("lia-form")
                # a value no question offers (as a tampered form would post): said beside the question
                page.evaluate("document.querySelector('select[name=\"balancing.capacity\"]').options[1].value = 'x'")
                page.locator('select[name="balancing.capacity"]').select_option(index=1)
                page.get_by_role("button", name="Assess and store").click()
                expect(page.get_by_role("alert")).to_contain_text("1 answer needs correcting")
                check("lia-form-errors")
                page.goto(f"{base}/console/campaigns/q1")
                check("campaign-with-result")
                page.goto(f"{base}/console/screen")
                page.get_by_role("button", name="Screen", exact=True).click()
                expect(page.get_by_role("alert")).to_contain_text("correcting")
                check("screen-errors")
                upload(page, "#s-file", "messe.csv", MESSE)
                page.get_by_role("button", name="Screen", exact=True).click()
                expect(page.get_by_role("heading", name="The list's columns")).to_be_visible()
                check("screen-columns")
                page.get_by_role("button", name="Cancel and delete the upload").click()
                expect(page.get_by_role("status")).to_contain_text("nothing was screened")
            finally:
                context.close()
    assert not problems, "\n".join(problems)
