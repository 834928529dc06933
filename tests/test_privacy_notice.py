"""The generated privacy notice (GDPR Art. 14) as a pure function: every element from a full profile,
"not provided" (and listed as missing) for what is absent, the supervisory-authority table as rule
data, one line per active campaign with its LIA summary, and a version that follows the content."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from lawfulreach.domain.model import Campaign, LiaAssessmentRef
from lawfulreach.domain.notice import NOT_PROVIDED, PrivacyNotice, build_notice
from lawfulreach.domain.vocabulary import LiaStatus
from lawfulreach.rules.notice import supervisory_authorities
from lawfulreach.store.profiles import Profile

FULL = Profile(
    "Northwind Analytics Ltd",
    purpose="Telling businesses about Northwind's analytics software and events.",
    contact_email="privacy@northwind.example",
    postal_address="1 Harbour Street\nLeeds LS1 4AB",
    public_url="https://optout.northwind.example",
    country="GB",
    data_source="Company websites and the Companies House register",
    recipients="Our email service provider (Postmark, processor)",
    retention="24 months after our last contact with you",
    dpo_email="dpo@northwind.example",
    data_categories="Name, job title, employer, work email address and work phone number",
    transfers="None: we keep your data in the UK",
)
INTAKE = "https://optout.northwind.example/privacy-request"
LIA = LiaAssessmentRef(
    "lia-7",
    2,
    LiaStatus.PASSED,
    "passed: B2B relevance, easy opt-out",
    approved_by="Dana Privacy",
    approved_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
    review_due=date(2027, 11, 2),
)
SPRING = Campaign(name="Spring webinar", legal_entity="Northwind Analytics Ltd", products=("Northwind BI",))


def notice(profile: Profile = FULL, campaigns: tuple[Campaign, ...] = (SPRING,)) -> PrivacyNotice:
    return build_notice(profile, campaigns, supervisory_authorities(), intake_url=INTAKE, effective=date(2026, 12, 6))


def text_of(n: PrivacyNotice) -> str:
    return n.render_text()


def test_every_art_14_element_from_a_full_profile() -> None:
    n = notice(FULL, (replace(SPRING, lia_assessment=LIA),))
    text = text_of(n)
    assert n.missing == ()
    assert NOT_PROVIDED not in text
    for expected in (
        "Northwind Analytics Ltd is the controller",  # who is writing
        "1 Harbour Street, Leeds LS1 4AB",
        "dpo@northwind.example",  # the DPO
        "Company websites and the Companies House register",  # source
        "Telling businesses about Northwind's analytics software",  # purposes
        "Art. 6(1)(f)",  # legal basis
        "legitimate-interests assessment lia-7 (version 2): passed: B2B relevance, easy opt-out",
        "assessed and approved on 2026-11-02 by Dana Privacy; next review 2027-11-02",
        "Postmark",  # recipients
        "Art. 14(1)(d)): Name, job title, employer",  # categories of data
        "Art. 14(1)(f)): None: we keep your data in the UK",  # transfers
        "24 months after our last contact",  # retention
        "absolute right to object",  # Art. 21(2)-(3)
        "unsubscribe link at the bottom of any message",  # how to opt out
        INTAKE,
        "Art. 15",  # access and the other rights
        "Art. 17",
        "Information Commissioner's Office (ICO)",  # supervisory authority
        "https://ico.org.uk",
    ):
        assert expected in text, expected
    headings = [s.heading for s in n.sections]
    assert "Who is writing to you" in headings
    assert "Complaints to the supervisory authority" in headings


def test_missing_facts_are_not_provided_and_listed_never_invented() -> None:
    n = build_notice(Profile("Acme GmbH"), (), supervisory_authorities(), intake_url=None)
    text = text_of(n)
    assert text.count(NOT_PROVIDED) >= 8
    for gap in (
        "postal address",
        "DPO contact",
        "source of the data",
        "categories of personal data",
        "purposes",
        "recipients",
        "transfers outside the UK/EEA",
        "retention period",
    ):
        assert gap in n.missing, gap
    assert any("supervisory authority" in m for m in n.missing)
    assert any("legitimate interests" in m for m in n.missing)
    assert "ico.org.uk" not in text
    assert "Postmark" not in text


def test_campaign_without_assessment_says_the_interest_relied_on() -> None:
    text = text_of(notice())
    assert "Spring webinar: direct marketing of Northwind BI — legitimate interests relied on" in text
    assert f"assessment summary: {NOT_PROVIDED}" in text


def test_archived_campaigns_are_not_listed() -> None:
    old = replace(SPRING, name="Old promo", archived_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert "Old promo" not in text_of(notice(campaigns=(SPRING, old)))


@pytest.mark.parametrize(
    ("country", "says"),
    [
        ("IE", "Data Protection Commission"),
        ("FR", "CNIL"),
        ("DE", "Land (federal state)"),
    ],
)
def test_default_authority_per_country_is_rule_data(country: str, says: str) -> None:
    text = text_of(notice(replace(FULL, country=country)))
    assert says in text
    if country == "DE":
        assert "each Land has its own" in text


def test_a_named_authority_wins_over_the_country_default() -> None:
    named = replace(FULL, supervisory_authority="Custom DPA", supervisory_authority_url="https://dpa.example")
    text = text_of(notice(named))
    assert "Custom DPA" in text
    assert "ico.org.uk" not in text


def test_unknown_country_is_not_provided() -> None:
    n = notice(replace(FULL, country="ZZ"))
    assert f"supervisory authority: {NOT_PROVIDED}" in text_of(n)


def test_version_follows_the_content_only() -> None:
    base = notice()
    assert base.version.startswith("np-")
    assert len(base.version) == 15
    assert notice().version == base.version  # same facts, same version
    assert build_notice(FULL, (SPRING,), supervisory_authorities(), intake_url=INTAKE).version == base.version
    assert notice(replace(FULL, retention="12 months")).version != base.version
    assert notice(campaigns=(replace(SPRING, products=("Other",)),)).version != base.version
    assert notice(campaigns=(replace(SPRING, lia_assessment=LIA),)).version != base.version


def test_formats_carry_the_version_and_headings() -> None:
    n = notice()
    md = n.render_markdown()
    assert md.startswith("# Privacy notice for people we contact — Northwind Analytics Ltd")
    assert f"*Version {n.version}, effective 2026-12-06*" in md
    assert "## Your rights, and how to object or opt out" in md
    assert f"- [Make a privacy request]({INTAKE})" in md
    assert f"Version {n.version}, effective 2026-12-06" in n.render_text()
    data = n.to_json()
    assert data["version"] == n.version
    assert data["effective"] == "2026-12-06"
    assert next(s["key"] for s in data["sections"]) == "controller"


def test_an_expired_assessment_says_so() -> None:
    expired = replace(LIA, expired=True, status=LiaStatus.MISSING)
    assert "the assessment has expired" in text_of(notice(campaigns=(replace(SPRING, lia_assessment=expired),)))
    assert "expired" not in text_of(notice(campaigns=(replace(SPRING, lia_assessment=LIA),)))
