"""Countries and regions as people write them: read by one normaliser in ``check`` and ``screen``,
or refused / rejected with the value (spec §6) — never dropped."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawfulreach import Lawfulreach, parse_request
from lawfulreach.batch.reader import read_prospects
from lawfulreach.batch.screening import screen_frame
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.places import normalise_country, normalise_region
from lawfulreach.domain.state import InMemoryState
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import RequestError
from lawfulreach.schema import parse_campaign

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

#: ISO code → the ways lists write it (codes, English, local languages, abbreviations).
COUNTRY_FORMS: dict[str, list[str]] = {
    "DE": ["DE", "de", "DEU", "Germany", "Deutschland", "Allemagne", " germany "],
    "GB": ["GB", "UK", "U.K.", "United Kingdom", "Great Britain", "England", "Scotland", "GBR"],
    "US": ["US", "U.S.", "USA", "U.S.A.", "United States", "United States of America"],
    "NL": ["NL", "Netherlands", "The Netherlands", "Holland", "Nederland", "NLD"],
    "ES": ["ES", "Spain", "España", "Espagne"],
    "BE": ["BE", "Belgium", "Belgique", "België"],
    "AT": ["AT", "Austria", "Österreich"],
    "IE": ["IE", "Ireland", "Republic of Ireland", "Éire"],
    "CA": ["CA", "Canada"],
    "FR": ["FR", "France"],
    "CH": ["CH", "Switzerland", "Schweiz", "Suisse"],
}
#: (country, ISO 3166-2) → the ways lists write the region.
REGION_FORMS: dict[tuple[str, str], list[str]] = {
    ("US", "US-CA"): ["US-CA", "us-ca", "CA", "California", "california"],
    ("US", "US-NY"): ["US-NY", "NY", "New York"],
    ("CA", "CA-ON"): ["CA-ON", "ON", "Ontario"],
    ("CA", "CA-QC"): ["QC", "Quebec", "Québec"],
    ("DE", "DE-BY"): ["DE-BY", "BY", "Bayern", "Bavaria"],
    ("GB", "GB-ENG"): ["GB-ENG", "England"],
}


class TestCountries:
    """Every written form reads as its code; what cannot be read gives None (the callers refuse it)."""

    @pytest.mark.parametrize(("code", "form"), [(c, f) for c, forms in COUNTRY_FORMS.items() for f in forms])
    def test_forms(self, code: str, form: str) -> None:
        assert normalise_country(form) == code

    @pytest.mark.parametrize("value", ["Atlantis", "ZZ", "Europe", "XYZ", "Narnia"])
    def test_unreadable(self, value: str) -> None:
        assert normalise_country(value) is None


class TestRegions:
    @pytest.mark.parametrize(
        ("country", "code", "form"), [(c, code, f) for (c, code), forms in REGION_FORMS.items() for f in forms]
    )
    def test_forms(self, country: str, code: str, form: str) -> None:
        assert normalise_region(form, country) == code

    def test_full_code_needs_no_country(self) -> None:
        assert normalise_region("US-CA") == "US-CA"

    @pytest.mark.parametrize(
        ("value", "country"), [("CA", None), ("California", None), ("Narnia", "GB"), ("US-ZZ", None)]
    )
    def test_unreadable(self, value: str, country: str | None) -> None:
        assert normalise_region(value, country) is None


class TestCheckRefuses:
    """``check`` (the request schema, also behind the API and the imports) refuses what it cannot read."""

    def test_region_name_read_against_country(self) -> None:
        req = parse_request(
            {"contact": {"email": "a@b.com", "country": "U.S.A.", "region": "California"}, "channel": "email"}
        )
        assert (req.contact.country, req.contact.region) == ("US", "US-CA")

    def test_unreadable_region_refused(self) -> None:
        with pytest.raises(RequestError, match="region 'Narnia' is not a subdivision of GB"):
            parse_request({"contact": {"email": "a@b.com", "country": "UK", "region": "Narnia"}, "channel": "email"})

    def test_bare_region_without_country_refused(self) -> None:
        with pytest.raises(RequestError, match="region 'CA' cannot be read without a country"):
            parse_request({"contact": {"email": "a@b.com", "region": "CA"}, "channel": "email"})


class TestScreenRejects:
    """The issue's fail-open defect: ``screen`` dropped such values and allowed excluded regions."""

    def test_unreadable_values_go_to_rejects_with_line_and_column(self, tmp_path: Path) -> None:
        path = tmp_path / "list.csv"
        path.write_text(
            "Email,Country,State/Region\n"
            "a@x.com,United States,California\n"
            "b@x.com,Atlantis,\n"
            "c@x.com,United Kingdom,Narnia\n"
            "d@x.com,,CA\n",
            encoding="utf-8",
        )
        file = read_prospects(path)
        assert file.frame["line"].to_list() == [2]
        errors = dict(zip(file.rejects["line"].to_list(), file.rejects["error"].to_list(), strict=True))
        assert "Country: unknown country 'Atlantis'" in errors[3]
        assert "State/Region: region 'Narnia'" in errors[4]
        assert "State/Region: region 'CA' cannot be read without a country" in errors[5]

    def test_region_names_meet_excluded_regions(self, tmp_path: Path) -> None:
        path = tmp_path / "list.csv"
        path.write_text(
            "Email,Country,State\njo@x.com,United States,California\nal@x.com,U.S.,CA\nmo@x.com,USA,NY\n",
            encoding="utf-8",
        )
        file = read_prospects(path)
        campaign = parse_campaign({"name": "c", "excluded_regions": ["US-CA"]})
        snap = BatchSnapshot.from_memory(InMemoryState())
        result = screen_frame(
            file.frame, [Channel.EMAIL], campaign, Lawfulreach().rulebase, snap, now=NOW, conformed=True
        )
        reasons = result.frame["email_reasons"].to_list()
        assert "region_excluded" in reasons[0]
        assert "region_excluded" in reasons[1]
        assert "region_excluded" not in reasons[2]
        assert "US-CA:CCPA" in result.frame["email_regimes"].to_list()[0]


def _written(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        (country, _code), forms = draw(st.sampled_from(sorted(REGION_FORMS.items())))
        return {"country": draw(st.sampled_from(COUNTRY_FORMS[country])), "region": draw(st.sampled_from(forms))}
    country = draw(st.sampled_from(sorted(COUNTRY_FORMS)))
    return {"country": draw(st.sampled_from(COUNTRY_FORMS[country]))}


contact_places = st.composite(_written)()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            contact_places,
            st.sampled_from(["jane@firma.de", "bob@startup.io", "info@acme.co.uk"]),
            st.sampled_from([None, "+1 212 555 0123", "+49 30 901820"]),
            st.sampled_from(["corporate", "individual"]),
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([Channel.EMAIL, Channel.CALL, Channel.SMS]),
)
def test_check_and_screen_agree_on_written_places(
    tmp_path: Path, rows: list[tuple[dict[str, Any], str, str | None, str]], channel: Channel
) -> None:
    """Spec §4 + §6: whatever accepted way a country or region is written, ``check`` and ``screen``
    give the same decision (a campaign excluding US-CA makes the region count)."""
    campaign_doc = {
        "name": "p",
        "legal_entity": "Northwind Ltd",
        "lia": "passed",
        "excluded_regions": ["US-CA", "DE-BY"],
    }
    path = tmp_path / "places.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Email", "Phone", "Country", "Region", "Subscriber Type"])
        for place, email, phone, sub in rows:
            writer.writerow([email, phone or "", place["country"], place.get("region", ""), sub])
    file = read_prospects(path)
    assert file.rejects.height == 0, file.rejects.to_dicts()
    service = Lawfulreach(clock=lambda: NOW)
    snap = BatchSnapshot.from_memory(InMemoryState())
    result = screen_frame(
        file.frame, [channel], parse_campaign(campaign_doc), service.rulebase, snap, now=NOW, conformed=True
    )
    for i, (place, email, phone, sub) in enumerate(rows):
        contact = {"email": email, "subscriber_type": sub, **place}
        if phone:
            contact["phone"] = phone
        decision = service.check(
            parse_request({"contact": contact, "channel": channel.value, "campaign": campaign_doc})
        )
        row = result.frame.row(i, named=True)
        assert row[f"{channel.value}_outcome"] == decision.outcome.value
        assert row[f"{channel.value}_jurisdiction"] == decision.jurisdiction
        assert row[f"{channel.value}_reasons"] == ";".join(decision.reason_codes)
        assert row[f"{channel.value}_regimes"] == ";".join(decision.regimes)
