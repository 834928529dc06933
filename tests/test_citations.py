"""Citations are for a regulator (spec §6): no decision, report or ``rules show`` line names a project
document. Every citation names a law or the regulator's guidance; provenance stays in the rule files'
comments and the docs (``rules show --notes`` prints the product's own notes, in words a DPO can hand on).
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawfulreach import Lawfulreach, parse_request
from lawfulreach.domain.normalise import normalise_phone_key
from lawfulreach.domain.state import ConsentRecord, InMemoryState, RegisterInfo
from lawfulreach.domain.vocabulary import Channel, ConsentStatus, SubscriberPolicy
from lawfulreach.report.html import render_report
from lawfulreach.rules import default_rulebase

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

#: Words that name a project document rather than a law: the seed documents, the spec, file names.
PROJECT_DOCUMENT = re.compile(
    r"\bseeds?\b|\bspec\b|decisions\.md|\bissue\s*\d|[\w-]+\.(?:csv|toml|txt|md|py)\b|shared/|\b00[0-3]\b",
    re.IGNORECASE,
)


def names_a_project_document(text: str) -> str | None:
    match = PROJECT_DOCUMENT.search(text)
    return match.group(0) if match else None


def test_the_detector_catches_what_the_old_citations_said() -> None:
    for old in (
        "ICO (seed 002): consent must be an affirmative action",
        "National do-not-call register screening (seed 003 table)",
        "seed 000: an LIA before every campaign",
        "The seed labels this column '1st Party' (spec §5)",
        "Seed corrected: see countries.csv",
    ):
        assert names_a_project_document(old), old
    for law in (
        "PECR reg. 22(2)–(3); ICO, Guide to PECR: electronic mail marketing",
        "US: Telemarketing Sales Rule, 16 CFR §310.4(b)(1)(iii)(B)",
        "GDPR Art. 6(1)(f) and Recital 47",
        "Canada: CRTC Unsolicited Telecommunications Rules, Part IV",
    ):
        assert names_a_project_document(law) is None, law


# --- the rule data ----------------------------------------------------------------------------------


def test_every_rule_row_citation_and_note_names_no_project_document() -> None:
    bad = []
    for (country, column), rule in default_rulebase().rules.items():
        for field, text in (("citation", rule.citation), ("note", rule.note)):
            if names_a_project_document(text):
                bad.append(f"{country}/{column.value} {field}: {text}")
    assert bad == []


def test_every_overlay_citation_names_no_project_document() -> None:
    ov = default_rulebase().overlays
    texts = {f"citations.{k}": v for k, v in ov.citations.items()}
    texts |= {f"dnc.citations.{k}": v for k, v in ov.dnc_citations.items()}
    texts |= {f"dnc.exempt_citations.{k}": v for k, v in ov.dnc_exempt_citations.items()}
    texts |= {f"window {c}/{ch.value}": w.citation for (c, ch), w in ov.relationship_windows.items()}
    bad = {k: v for k, v in texts.items() if names_a_project_document(v)}
    assert bad == {}
    assert all(v.strip() for v in texts.values())


# --- rules show --------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [[], ["--notes"]], ids=["plain", "notes"])
def test_rules_show_names_no_project_document(args: list[str], tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "lawfulreach", "rules", "show", *args],
        capture_output=True,
        text=True,
        env={"LAWFULREACH_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "COLUMNS": "200"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    flat = " ".join(proc.stdout.replace("│", " ").split())
    assert names_a_project_document(flat) is None, names_a_project_document(flat)
    assert "Seed corrected" not in proc.stdout
    if args:
        assert "Product note:" in proc.stdout
        assert "Source table corrected" in flat
    else:
        assert "Product note:" not in proc.stdout


# --- decisions and the report ------------------------------------------------------------------------

PHONES = {"GB": "+441212345678", "DE": "+4930901820", "US": "+12125550123", "CA": "+14165550199", "FR": "+33142685300"}
COUNTRIES = [None, "GB", "DE", "FR", "IE", "BE", "NO", "CZ", "US", "CA", "JP"]

requests = st.fixed_dictionaries(
    {
        "contact": st.fixed_dictionaries(
            {"country": st.sampled_from(COUNTRIES)},
            optional={
                "email": st.sampled_from(["jane.doe@acme.co.uk", "info@firma.de", "x@y", "pat@corp.ca"]),
                "phone": st.sampled_from([*PHONES.values(), "12345"]),
                "name": st.just("Jane Doe"),
                "company": st.sampled_from(["Acme Ltd", "Startup", "Smith & Partners"]),
                "region": st.sampled_from(["US-CA", "US-NY"]),
                "subscriber_type": st.sampled_from(["corporate", "sole_trader", "partnership", "individual"]),
            },
        ),
        "channel": st.sampled_from([c.value for c in Channel]),
        "campaign": st.fixed_dictionaries(
            {"legal_entity": st.just("Northwind Ltd"), "products": st.just(["crm"])},
            optional={
                "purpose": st.sampled_from(["marketing", "service"]),
                "sender_type": st.sampled_from(["commercial", "charity"]),
                "lia": st.sampled_from(["passed", "failed", "missing"]),
                "excluded_regions": st.sampled_from([["EU"], ["US-CA"], ["GB"]]),
            },
        ),
    },
    optional={
        "source": st.sampled_from(["first_party", "third_party"]),
        "consent": st.fixed_dictionaries(
            {"status": st.sampled_from(["given", "confirmed", "withdrawn"])},
            optional={"channel": st.sampled_from([c.value for c in Channel]), "method": st.just("pre_ticked")},
        ),
        "relationship": st.fixed_dictionaries(
            {
                "kind": st.sampled_from(["customer", "negotiation"]),
                "legal_entity": st.just("Northwind Ltd"),
                "products": st.just(["crm"]),
                "opt_out_offered": st.booleans(),
                "last_interaction": st.sampled_from(
                    [(NOW.date() - timedelta(days=d)).isoformat() for d in (20, 120, 400, 900)]
                ),
            }
        ),
    },
)


@st.composite
def states(draw: st.DrawFn) -> InMemoryState:
    state = InMemoryState()
    for country, name in draw(
        st.lists(
            st.sampled_from([("GB", "TPS"), ("GB", "CTPS"), ("US", "National DNC"), ("CA", "DNCL"), ("FR", "Bloctel")]),
            unique=True,
        )
    ):
        listed = [normalise_phone_key(PHONES[country], country)] if draw(st.booleans()) else []
        age = draw(st.sampled_from([1, 40]))
        state.load_register(RegisterInfo(country, name, NOW - timedelta(days=age)), listed)
    for country in draw(st.lists(st.sampled_from(sorted(PHONES)), max_size=2)):
        key = normalise_phone_key(PHONES[country], country)
        if draw(st.booleans()):
            state.opt_out(key, draw(st.sampled_from(["all", "call", "sms"])))
        else:
            state.suppressed_phones.add(key)
    if draw(st.booleans()):
        state.record_consent(
            normalise_phone_key(PHONES["US"], "US"), ConsentRecord(ConsentStatus.GIVEN, Channel.SMS, "marketing")
        )
    if draw(st.booleans()):
        state.erase("jane.doe@acme.co.uk")
    return state


def _screened(decisions: list[dict[str, Any]], channel: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "jurisdiction": [d["jurisdiction"] for d in decisions],
            f"{channel}_outcome": [d["outcome"] for d in decisions],
            f"{channel}_reasons": [";".join(r["code"] for r in d["reasons"]) for d in decisions],
            f"{channel}_requirements": [";".join(d["requirements"]) for d in decisions],
        },
        schema={
            "jurisdiction": pl.String,
            f"{channel}_outcome": pl.String,
            f"{channel}_reasons": pl.String,
            f"{channel}_requirements": pl.String,
        },
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batch=st.lists(requests, min_size=1, max_size=12),
    state=states(),
    policy=st.sampled_from(list(SubscriberPolicy)),
)
def test_no_decision_or_report_names_a_project_document(
    batch: list[dict[str, Any]], state: InMemoryState, policy: SubscriberPolicy
) -> None:
    service = Lawfulreach(state=state, subscriber_policy=policy, clock=lambda: NOW)
    decisions = [service.check(parse_request(r)).to_dict() for r in batch]
    for d in decisions:
        for reason in d["reasons"]:
            assert reason["citation"].strip(), d
            for text in (reason["message"], reason["citation"]):
                assert names_a_project_document(text) is None, (text, d)
    channel = batch[0]["channel"]
    rb = default_rulebase()
    html = render_report(
        _screened(decisions, channel),
        channels=[channel],
        campaign={"name": "Citations", **batch[0]["campaign"]},
        generated_at=NOW,
        source_name="prospects",
        rulebase_summary=[
            {"country": r.country, "channel": r.column.value, "level": r.level.label, "citation": r.citation}
            for r in rb.rules.values()
        ],
    )
    text = re.sub(r"<[^>]+>", " ", html)
    found = names_a_project_document(text)
    assert found is None, found
