"""The HTML screening report and the summary behind it (``lawfulreach.report.html``)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from html.parser import HTMLParser

import polars as pl
import pytest

from lawfulreach.report.html import UNKNOWN_JURISDICTION, render_report, summarise

CHANNELS = ["email", "call"]
GENERATED = datetime(2026, 1, 12, 9, 30, tzinfo=UTC)
CAMPAIGN: dict[str, object] = {
    "name": "Spring launch & webinar",
    "purpose": "marketing",
    "sender_type": "commercial",
    "legal_entity": "Acme Analytics Ltd",
    "products": ["analytics", "dashboards"],
    "lia": "passed",
    "excluded_regions": ["US-CA"],
}

# Personal data that must never reach the report.
EMAILS = [f"jane.doe{i}@example-corp.co.uk" for i in range(8)]
PHONES = [f"+44 20 7946 00{i:02d}" for i in range(8)]
NAMES = ["Jane Doe", "Max Mustermann", "Erika Musterfrau", "Jean Dupont", "John Smith", "Ola Nordmann",
         "Unknown Person", "Kari Nordmann"]  # fmt: skip


def screened() -> pl.DataFrame:
    """Eight contacts, two channels, every outcome; expected counts are worked out by hand in the tests."""
    rows = [
        # jurisdiction, email outcome/reasons/requirements, call outcome/reasons/requirements
        ("GB", "allowed", "opt_out_permitted;lia_passed", "opt_out_link;sender_identity;privacy_notice",
         "blocked", "dnc_registered", ""),
        ("GB", "blocked", "consent_required;subscriber_type_unknown", "",
         "allowed", "dnc_screened;lia_passed", "sender_identity;caller_id;privacy_notice"),
        ("DE", "blocked", "double_opt_in_required", "", "blocked", "consent_required", ""),
        ("DE", "blocked", "consent_required", "", "blocked", "consent_required", ""),
        ("FR", "allowed", "opt_out_permitted;lia_passed", "opt_out_link;sender_identity;privacy_notice",
         "review", "subscriber_type_unknown", ""),
        ("US", "allowed", "opt_out_permitted", "opt_out_link;sender_identity;postal_address;ad_disclosure",
         "allowed", "no_consent_needed", "sender_identity;caller_id"),
        (None, "review", "jurisdiction_unknown", "", "review", "jurisdiction_unknown", ""),
        ("NO", "allowed", "not_personal_data", "opt_out_link;sender_identity",
         "review", "no_rule_for_jurisdiction", ""),
    ]  # fmt: skip
    names = ["jurisdiction", *(f"{ch}_{part}" for ch in CHANNELS for part in ("outcome", "reasons", "requirements"))]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String), orient="row")
    return frame.with_columns(
        pl.Series("email", EMAILS),
        pl.Series("phone", PHONES),
        pl.Series("name", NAMES),
        pl.Series("company", ["Zyxwv Holdings GmbH"] * 8),
    )


def empty() -> pl.DataFrame:
    return screened().clear()


def render(frame: pl.DataFrame, *, rejects: int = 3, rulebase_summary: list[dict[str, str]] | None = None) -> str:
    return render_report(
        frame,
        channels=CHANNELS,
        campaign=CAMPAIGN,
        generated_at=GENERATED,
        source_name="prospects_q1.csv",
        rejects=rejects,
        rulebase_summary=rulebase_summary,
    )


class _Walker(HTMLParser):
    """Walks a document, checking that every non-void element is closed in order."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def walk(document: str) -> _Walker:
    walker = _Walker()
    walker.feed(document)
    walker.close()
    return walker


class TestSummarise:
    """Counts worked out by hand from ``screened()``."""

    def test_totals_and_outcomes_per_channel(self) -> None:
        s = summarise(screened(), CHANNELS)
        assert s["total"] == 8
        assert s["channels"] == CHANNELS
        assert s["outcomes"]["email"] == {"allowed": 4, "review": 1, "blocked": 3, "total": 8}
        assert s["outcomes"]["call"] == {"allowed": 2, "review": 3, "blocked": 3, "total": 8}
        assert s["reachable"] == 5  # allowed on email or call: rows 1, 2, 5, 6, 8

    def test_jurisdictions_ordered_by_volume_unknown_last(self) -> None:
        s = summarise(screened(), CHANNELS)
        assert list(s["jurisdictions"].items()) == [
            ("DE", 2),
            ("GB", 2),
            ("FR", 1),
            ("NO", 1),
            ("US", 1),
            (UNKNOWN_JURISDICTION, 1),
        ]

    def test_by_jurisdiction_channel_outcome(self) -> None:
        by = summarise(screened(), CHANNELS)["by_jurisdiction"]
        assert by["email"]["GB"] == {"allowed": 1, "review": 0, "blocked": 1, "total": 2}
        assert by["email"]["DE"] == {"allowed": 0, "review": 0, "blocked": 2, "total": 2}
        assert by["email"][UNKNOWN_JURISDICTION] == {"allowed": 0, "review": 1, "blocked": 0, "total": 1}
        assert by["call"]["GB"] == {"allowed": 1, "review": 0, "blocked": 1, "total": 2}
        assert by["call"]["FR"] == {"allowed": 0, "review": 1, "blocked": 0, "total": 1}
        assert by["call"]["NO"] == {"allowed": 0, "review": 1, "blocked": 0, "total": 1}
        assert list(by["call"]) == ["DE", "GB", "FR", "NO", "US", UNKNOWN_JURISDICTION]

    def test_reasons_split_by_severity_and_ordered_by_count(self) -> None:
        reasons = summarise(screened(), CHANNELS)["reasons"]
        assert list(reasons["email"]["block"].items()) == [("consent_required", 2), ("double_opt_in_required", 1)]
        assert reasons["email"]["review"] == {"jurisdiction_unknown": 1, "subscriber_type_unknown": 1}
        assert list(reasons["email"]["allow"].items()) == [
            ("opt_out_permitted", 3),
            ("lia_passed", 2),
            ("not_personal_data", 1),
        ]
        assert list(reasons["call"]["block"].items()) == [("consent_required", 2), ("dnc_registered", 1)]
        assert reasons["call"]["review"] == {
            "jurisdiction_unknown": 1,
            "no_rule_for_jurisdiction": 1,
            "subscriber_type_unknown": 1,
        }
        assert reasons["call"]["allow"] == {"dnc_screened": 1, "lia_passed": 1, "no_consent_needed": 1}
        assert reasons["email"]["note"] == reasons["email"]["other"] == {}

    def test_requirements_count_allowed_contacts_only(self) -> None:
        req = summarise(screened(), CHANNELS)["requirements"]
        assert req["email"] == {
            "opt_out_link": 4,
            "sender_identity": 4,
            "privacy_notice": 2,
            "ad_disclosure": 1,
            "postal_address": 1,
        }
        assert req["call"] == {"caller_id": 2, "sender_identity": 2, "privacy_notice": 1}

    def test_top_reasons_are_blocking_and_review_codes(self) -> None:
        top = summarise(screened(), CHANNELS)["top_reasons"]
        assert top["email"] == [
            ("consent_required", 2),
            ("double_opt_in_required", 1),
            ("jurisdiction_unknown", 1),
            ("subscriber_type_unknown", 1),
        ]
        assert top["call"][0] == ("consent_required", 2)
        assert len(top["call"]) == 5

    def test_unknown_code_is_counted_as_other_not_dropped(self) -> None:
        frame = screened().with_columns(pl.lit("made_up_code").alias("email_reasons"))
        assert summarise(frame, ["email"])["reasons"]["email"]["other"] == {"made_up_code": 8}

    def test_empty_frame(self) -> None:
        s = summarise(empty(), CHANNELS)
        assert s["total"] == s["reachable"] == 0
        assert s["jurisdictions"] == {}
        assert s["outcomes"]["email"] == {"allowed": 0, "review": 0, "blocked": 0, "total": 0}
        assert s["reasons"]["call"]["block"] == {}
        assert s["requirements"]["call"] == {}

    def test_missing_columns_are_named(self) -> None:
        with pytest.raises(ValueError, match="sms_outcome"):
            summarise(screened(), ["email", "sms"])

    def test_input_is_not_modified(self) -> None:
        frame = screened()
        before = frame.clone()
        summarise(frame, CHANNELS)
        assert frame.equals(before)

    @pytest.mark.slow
    def test_a_million_rows_in_about_a_second(self) -> None:
        frame = pl.concat([screened()] * 125_000)
        started = time.perf_counter()
        s = summarise(frame, CHANNELS)
        elapsed = time.perf_counter() - started
        assert s["total"] == 1_000_000
        assert s["reasons"]["email"]["block"]["consent_required"] == 250_000
        assert elapsed < 3.0, f"summarise took {elapsed:.2f}s for 1M rows"


class TestReportContent:
    """What a compliance officer must find in the report."""

    def test_header_facts(self) -> None:
        html = render(screened())
        assert "Spring launch &amp; webinar" in html
        assert "<title>Screening report · Spring launch &amp; webinar</title>" in html
        assert "prospects_q1.csv" in html
        assert "12 January 2026, 09:30 UTC" in html
        assert 'datetime="2026-01-12T09:30:00+00:00"' in html

    def test_counts_and_campaign_parameters(self) -> None:
        text = " ".join(walk(render(screened())).text)
        assert "Rows rejected" in text
        assert "Acme Analytics Ltd" in text
        assert "analytics, dashboards" in text
        assert "US-CA" in text

    def test_each_channel_and_country(self) -> None:
        html = render(screened())
        for label in ("Email", "Live calls"):
            assert label in html
        for code in ("email", "call"):
            assert f"<code>{code}</code>" in html
        for country in ("GB", "DE", "FR", "US", "NO"):
            assert country in html
        for name in ("United Kingdom", "Germany", "France", "United States", "Norway", "Unknown country"):
            assert name in html

    def test_top_blocking_reason(self) -> None:
        html = render(screened())
        assert "consent_required" in html
        assert "Consent required" in html

    def test_requirements_explained(self) -> None:
        html = render(screened())
        for code in ("opt_out_link", "sender_identity", "privacy_notice", "postal_address", "caller_id"):
            assert f"<code>{code}</code>" in html
        assert "Include a valid physical postal address" in html

    def test_rule_base_rows_for_countries_in_the_list(self) -> None:
        rules = [
            {"country": "GB", "channel": "call", "level": "opt_out", "citation": "PECR reg. 21"},
            {"country": "JP", "channel": "call", "level": "opt_in", "citation": "Japan: Act on Specified Commerce"},
        ]
        html = render(screened(), rulebase_summary=rules)
        assert "PECR reg. 21" in html
        assert "Japan: Act on Specified Commerce" not in html

    def test_states_it_holds_no_personal_data(self) -> None:
        assert "holds no personal data" in render(screened())


class TestReportSafety:
    """No personal data, no script, no external resource; well-formed and accessible."""

    def test_no_personal_data(self) -> None:
        html = render(screened())
        for value in (*EMAILS, *PHONES, *NAMES, "Zyxwv"):
            assert value not in html
        assert "example-corp" not in html
        assert "7946" not in html
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", html)

    def test_no_script_and_nothing_external(self) -> None:
        html = render(screened())
        assert "<script" not in html.lower()
        assert "http://" not in html
        assert "https://" not in html
        assert "@import" not in html
        for match in re.finditer(r"url\(([^)]*)\)", html):
            assert match.group(1).startswith("#"), match.group(0)
        walker = walk(html)
        for tag, attrs in walker.tags:
            assert tag not in {"script", "link", "img", "iframe", "object", "embed"}
            for attr in ("src", "href", "xlink:href"):
                value = attrs.get(attr)
                assert value is None or value.startswith("#"), (tag, attr, value)

    @pytest.mark.parametrize("frame", [screened(), empty()], ids=["rows", "empty"])
    def test_parses_with_every_element_closed(self, frame: pl.DataFrame) -> None:
        html = render(frame)
        assert html.lstrip().lower().startswith("<!doctype html>")
        walker = walk(html)
        assert walker.errors == []
        assert walker.stack == []

    def test_accessible_tables_and_charts(self) -> None:
        walker = walk(render(screened()))
        ths = [attrs for tag, attrs in walker.tags if tag == "th"]
        assert ths
        assert all(attrs.get("scope") in {"col", "row", "colgroup", "rowgroup"} for attrs in ths)
        svgs = [attrs for tag, attrs in walker.tags if tag == "svg"]
        assert svgs
        ids = [attrs["id"] for _, attrs in walker.tags if attrs.get("id")]
        assert len(ids) == len(set(ids)), "element ids must be unique across the document"
        for attrs in svgs:
            assert attrs.get("role") == "img"
            labelled_by = (attrs.get("aria-labelledby") or "").split()
            assert labelled_by
            assert all(ref in ids for ref in labelled_by)
        assert any(tag == "html" and attrs.get("lang") == "en" for tag, attrs in walker.tags)

    def test_print_styles(self) -> None:
        assert "@media print" in render(screened())

    def test_empty_frame_renders(self) -> None:
        html = render(empty(), rejects=0)
        assert "Spring launch &amp; webinar" in html
        assert "No contacts screened." in html
        assert "No contact is blocked on this channel." in html
