"""``lawfulreach org notice`` and the notice facts of ``org set`` on every database chosen with ``--db``:
the new options validated and audited by name, gaps reported by ``org show``, the three formats and
``--out``, and a version (with its effective date) that changes when the content does and only then."""

from __future__ import annotations

import json
import re
from pathlib import Path

from lawfulreach.domain.model import Campaign
from lawfulreach.store import Workspace
from lia_support import approved
from lr_testkit import RunLawfulreach

FULL = (
    "--name", "Northwind Analytics Ltd",
    "--postal-address", "1 Harbour Street\nLeeds LS1 4AB",
    "--public-url", "https://optout.northwind.example",
    "--mail-from", "news@northwind.example",
    "--contact-email", "privacy@northwind.example",
    "--purpose", "Telling businesses about Northwind's analytics software.",
    "--country", "gb",
    "--data-source", "Company websites",
    "--recipients", "Our email service provider (processor)",
    "--retention", "24 months after our last contact",
    "--dpo-email", "dpo@northwind.example",
    "--data-categories", "Name, job title, work email",
    "--transfers", "none",
)  # fmt: skip


def version(cli: RunLawfulreach) -> str:
    run = cli("org", "notice")
    assert run.code == 0, run.err
    found = re.search(r"Version (np-[0-9a-f]{12})", run.out)
    assert found, run.out
    return found.group(1)


def test_full_profile_has_no_gaps_and_country_is_normalised(cli: RunLawfulreach) -> None:
    assert cli("org", "set", *FULL).code == 0
    data = json.loads(cli("org", "show", "--json").out)
    assert data["country"] == "GB"
    assert data["missing"] == []
    run = cli("org", "notice")
    assert "Information Commissioner's Office" in run.out
    assert "https://optout.northwind.example/privacy-request" in run.out
    assert "not provided" in run.out  # no stored campaign: the legitimate interests are not provided
    assert "legitimate interests" in run.err


def test_gaps_are_not_provided_and_in_org_show(cli: RunLawfulreach) -> None:
    assert cli("org", "set", "--name", "Acme GmbH", "--public-url", "https://acme.example").code == 0
    data = json.loads(cli("org", "show", "--json").out)
    assert "privacy notice: source of the data" in data["missing"]
    assert "privacy notice: retention period" in data["missing"]
    text = cli("org", "notice").out
    assert "It comes from: not provided." in text
    # a notice of its own wins: nothing is reported missing for the generated one
    assert cli("org", "set", "--privacy-url", "https://acme.example/datenschutz").code == 0
    assert not any(m.startswith("privacy notice:") for m in json.loads(cli("org", "show", "--json").out)["missing"])


def test_bad_notice_facts_are_one_line_and_change_nothing(cli: RunLawfulreach) -> None:
    assert cli("org", "set", "--name", "Acme").code == 0
    for option, value, says in (
        ("--country", "Germany", "two-letter"),
        ("--dpo-email", "dpo at acme", "not an email address"),
        ("--supervisory-authority-url", "ico.org.uk", "absolute http(s) URL"),
        ("--supervisory-authority", "A\nB", "one line"),
    ):
        run = cli("org", "set", option, value)
        assert run.code != 0, option
        assert says in run.err, (option, run.err)
    assert json.loads(cli("org", "show", "--json").out)["country"] is None


def test_changes_are_audited_by_field_name_only(cli: RunLawfulreach) -> None:
    assert cli("org", "set", "--name", "Acme").code == 0
    assert (
        cli("org", "set", "--retention", "two years", "--data-source", "LinkedIn", "--dpo-email", "x@acme.example").code
        == 0
    )
    trail = cli("audit", "show", "--act", "org")
    assert trail.code == 0, trail.err
    assert trail.out.count("org.update") == 2
    assert "retention" in trail.out
    assert "data_source" in trail.out
    assert "dpo_email" in trail.out
    assert "two years" not in trail.out
    assert "LinkedIn" not in trail.out
    assert "x@acme" not in trail.out


def test_version_changes_with_the_content_and_only_then(cli: RunLawfulreach, ws: Workspace) -> None:
    assert cli("org", "set", *FULL).code == 0
    first = version(cli)
    assert version(cli) == first
    assert cli("org", "set", "--retention", "24 months after our last contact").code == 0  # same value
    assert version(cli) == first
    assert cli("org", "set", "--retention", "12 months").code == 0
    second = version(cli)
    assert second != first
    ws.campaigns.create(Campaign(name="Spring webinar", products=("Northwind BI",)))
    third = cli("org", "notice")
    assert "Spring webinar: direct marketing of Northwind BI" in third.out
    assert version(cli) not in (first, second)


def test_formats_and_out(cli: RunLawfulreach, tmp_path: Path) -> None:
    assert cli("org", "set", *FULL).code == 0
    v = version(cli)
    md = cli("org", "notice", "--format", "md")
    assert md.code == 0
    assert md.out.startswith("# Privacy notice for people we contact")
    assert "## Who is writing to you" in md.out
    out = tmp_path / "notice.html"
    html = cli("org", "notice", "--format", "html", "--out", str(out))
    assert html.code == 0, html.err
    assert html.out == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert f"Version {v}" in page
    assert '<h2 id="s-rights">' in page
    assert cli("org", "notice", "--format", "pdf").code != 0


def test_no_profile_is_one_readable_line(cli: RunLawfulreach) -> None:
    run = cli("org", "notice")
    assert run.code != 0
    assert "no organisation profile yet" in run.err
    assert run.err.count("\n") == 1


def test_unsubscribe_headers_give_the_privacy_link_messages_carry(cli: RunLawfulreach) -> None:
    assert cli("org", "set", *FULL).code == 0
    run = cli("unsubscribe-headers", "--email", "ann@firma.de", "--json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["privacy_url"] == "https://optout.northwind.example/privacy"
    assert cli("org", "set", "--privacy-url", "https://northwind.example/p").code == 0
    run = cli("unsubscribe-headers", "--email", "ann@firma.de", "--json")
    assert json.loads(run.out)["privacy_url"] == "https://northwind.example/p"


def test_a_stored_campaign_with_an_approved_assessment_shows_its_summary(cli: RunLawfulreach, ws: Workspace) -> None:
    assert cli("org", "set", *FULL).code == 0
    record = ws.campaigns.create(Campaign(name="Spring webinar", products=("Northwind BI",)))
    before = cli("org", "notice").out
    assert "assessment summary: not provided" in before
    approved(ws, record.id, by="Dana Officer, DPO")
    after = cli("org", "notice").out
    assert "legitimate-interests assessment" in after
    assert "by Dana Officer, DPO; next review " in after
    assert "assessment summary: not provided" not in after
