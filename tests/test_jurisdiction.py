"""Acceptance tests: the facts the engine infers from a contact (spec §3 and §5).

Jurisdiction (explicit country, then phone or email ccTLD depending on the channel), legal-form
inference of corporate subscribers, and role-address detection — all observed through decisions made
by the public API.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from lawfulreach import Decision, Lawfulreach, parse_request

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

FR_PHONE = "+33123456789"
DE_PHONE = "+4930123456"
GB_PHONE = "+441212345678"
PHONE_CHANNELS = ("sms", "call", "automated_call")
ADDRESS_CHANNELS = ("email", "post")
ALL_CHANNELS = (*ADDRESS_CHANNELS, *PHONE_CHANNELS)


def decide(req: Mapping[str, Any]) -> Decision:
    return Lawfulreach(clock=lambda: NOW).check(parse_request(dict(req)))


def request(channel: str = "email", campaign: Mapping[str, Any] | None = None, **contact: Any) -> dict[str, Any]:
    return {
        "contact": {k: v for k, v in contact.items() if v is not None},
        "channel": channel,
        "campaign": dict(campaign) if campaign is not None else {"lia": "passed"},
    }


def codes(d: Decision) -> set[str]:
    return set(d.reason_codes)


class TestJurisdictionOrder:
    """Spec §3/§5: explicit country; phone before ccTLD for sms/call/automated_call; ccTLD first otherwise."""

    @pytest.mark.parametrize("channel", ALL_CHANNELS)
    def test_explicit_country_wins_over_phone_and_email(self, channel: str) -> None:
        d = decide(request(channel, country="FR", email="jana@acme.de", phone=DE_PHONE))
        assert d.jurisdiction == "FR"

    @pytest.mark.parametrize("channel", PHONE_CHANNELS)
    def test_phone_channels_take_the_phone_country_before_the_cctld(self, channel: str) -> None:
        d = decide(request(channel, email="jana@acme.de", phone=FR_PHONE))
        assert d.jurisdiction == "FR"

    @pytest.mark.parametrize("channel", ADDRESS_CHANNELS)
    def test_email_and_post_take_the_cctld_before_the_phone_country(self, channel: str) -> None:
        d = decide(request(channel, email="jana@acme.de", phone=FR_PHONE))
        assert d.jurisdiction == "DE"

    @pytest.mark.parametrize("channel", ADDRESS_CHANNELS)
    def test_email_and_post_fall_back_to_the_phone_country_for_a_generic_tld(self, channel: str) -> None:
        d = decide(request(channel, email="jana@acme.com", phone=FR_PHONE))
        assert d.jurisdiction == "FR"

    @pytest.mark.parametrize("channel", PHONE_CHANNELS)
    def test_phone_channels_fall_back_to_the_cctld_without_a_phone(self, channel: str) -> None:
        d = decide(request(channel, email="jana@acme.de"))
        assert d.jurisdiction == "DE"
        assert d.outcome.value == "blocked"
        assert "invalid_phone" in codes(d)

    @pytest.mark.parametrize(
        ("email", "country"),
        [
            ("jane@acme.co.uk", "GB"),
            ("jane@acme.uk", "GB"),
            ("jane@acme.org.uk", "GB"),
            ("jane@mail.acme.co.uk", "GB"),
            ("jana@acme.de", "DE"),
            ("jean@acme.fr", "FR"),
            ("mario@acme.it", "IT"),
            ("jan@acme.pl", "PL"),
            ("sean@acme.ie", "IE"),
            ("ola@acme.no", "NO"),
            ("jan@acme.cz", "CZ"),
            ("jean@acme.ca", "CA"),
            ("ana@ACME.ES", "ES"),
        ],
    )
    def test_cctld_gives_the_country(self, email: str, country: str) -> None:
        assert decide(request(email=email)).jurisdiction == country

    @pytest.mark.parametrize("email", ["jane@acme.com", "jane@acme.org", "jane@acme.net", "jane@acme.info"])
    @pytest.mark.parametrize("channel", ADDRESS_CHANNELS)
    def test_generic_tld_gives_nothing_and_is_reviewed(self, email: str, channel: str) -> None:
        d = decide(request(channel, email=email, company="Acme Ltd"))
        assert d.jurisdiction is None
        assert d.outcome.value == "review", d.to_dict()
        assert "jurisdiction_unknown" in codes(d)
        assert d.requirements == ()
        assert d.basis is None

    @pytest.mark.parametrize(
        ("phone", "country"),
        [(GB_PHONE, "GB"), (DE_PHONE, "DE"), (FR_PHONE, "FR"), ("+353850123456", "IE"), ("+12015550123", "US")],
    )
    def test_phone_number_gives_the_country(self, phone: str, country: str) -> None:
        assert decide(request("call", phone=phone)).jurisdiction == country

    def test_region_us_ca_gives_jurisdiction_us_and_the_ccpa_regime(self) -> None:
        d = decide(request(email="jane@acme.com", region="US-CA", company="Acme Inc"))
        assert d.jurisdiction == "US"
        assert "US-CA:CCPA" in d.regimes
        assert "US-CA" not in (d.jurisdiction or "")

    def test_region_and_country_together(self) -> None:
        d = decide(request(email="jane@acme.com", country="US", region="us-ca", company="Acme Inc"))
        assert d.jurisdiction == "US"
        assert "US-CA:CCPA" in d.regimes

    @pytest.mark.parametrize("written", ["UK", "uk", "GB", "gb", " GB "])
    def test_country_given_as_uk_is_gb(self, written: str) -> None:
        d = decide(request(email="jane@acme.com", country=written, company="Acme Ltd"))
        assert d.jurisdiction == "GB"
        assert d.outcome.value == "allowed", d.to_dict()

    def test_country_decides_the_rule_not_the_cctld(self) -> None:
        # A .co.uk address of a contact in Italy follows Italy's opt-in rule.
        d = decide(request(email="mario.rossi@acme.co.uk", country="IT", company="Acme Ltd"))
        assert d.jurisdiction == "IT"
        assert d.outcome.value == "blocked"
        assert "consent_required" in codes(d)


class TestGdprArea:
    """Spec §3: GDPR area = EU-27 + IS, LI, NO (GDPR) + GB (UK GDPR)."""

    @pytest.mark.parametrize("country", ["DE", "FR", "IE", "PL", "SE", "IS", "LI", "NO"])
    def test_eu_and_eea_countries_are_under_the_gdpr(self, country: str) -> None:
        d = decide(request(email="jane@acme.com", country=country, company="Acme Ltd"))
        assert "GDPR" in d.regimes, d.regimes

    def test_the_uk_is_under_the_uk_gdpr(self) -> None:
        d = decide(request(email="jane@acme.co.uk", company="Acme Ltd"))
        assert any("GDPR" in r for r in d.regimes), d.regimes
        assert "privacy_notice" in {r.value for r in d.requirements}

    @pytest.mark.parametrize("country", ["US", "CA", "CH"])
    def test_other_countries_are_not_under_the_gdpr(self, country: str) -> None:
        d = decide(request(email="jane@acme.com", country=country, company="Acme Inc"))
        assert not any("GDPR" in r for r in d.regimes), d.regimes


class TestLegalFormInference:
    """Spec §3: a company name ending in a legal form makes the subscriber corporate."""

    @pytest.mark.parametrize(
        "company",
        [
            "Acme Ltd",
            "Acme Ltd.",
            "ACME LIMITED",
            "Acme PLC",
            "Acme LLP",
            "Acme GmbH",
            "Acme AG",
            "Acme SA",
            "Acme S.A.",
            "Acme SAS",
            "Acme SARL",
            "Acme BV",
            "Acme B.V.",
            "Acme NV",
            "Acme AB",
            "Acme Oy",
            "Acme ApS",
            "Acme AS",
            "Acme SpA",
            "Acme S.p.A.",
            "Acme Srl",
            "Acme S.r.l.",
            "Acme Sp. z o.o.",
            "Acme Inc",
            "Acme, Inc.",
            "Acme LLC",
            "Acme Corp",
            "Acme Corp.",
        ],
    )
    def test_legal_form_makes_a_corporate_subscriber(self, company: str) -> None:
        d = decide(request(email="jane.doe@acme.co.uk", name="Jane Doe", company=company))
        assert d.outcome.value == "allowed", d.to_dict()
        assert "subscriber_type_unknown" not in codes(d)
        assert "opt_out_link" in {r.value for r in d.requirements}

    @pytest.mark.parametrize("company", [None, "Acme", "Acme Consulting", "Jane Doe Design"])
    def test_no_legal_form_leaves_the_subscriber_unknown(self, company: str | None) -> None:
        d = decide(request(email="jane.doe@acme.co.uk", name="Jane Doe", company=company))
        assert d.outcome.value == "review", d.to_dict()
        assert "subscriber_type_unknown" in codes(d)

    def test_legal_form_decides_even_when_subscriber_type_is_explicitly_unknown(self) -> None:
        d = decide(request(email="jana@acme.de", company="Acme GmbH", subscriber_type="unknown"))
        # Germany needs consent for any subscriber, but the type is known: no review.
        assert "subscriber_type_unknown" not in codes(d)

    def test_explicit_subscriber_type_wins_over_the_legal_form(self) -> None:
        d = decide(request(email="jane.doe@acme.co.uk", company="Acme Ltd", subscriber_type="individual"))
        assert d.outcome.value == "blocked"
        assert "consent_required" in codes(d)


class TestRoleAddressDetection:
    """Spec §3: a role local part (info, sales, …) is a generic address; a generic address without a name
    is not personal data — so no LIA is needed and the decision's basis is ``not_personal_data``."""

    @pytest.mark.parametrize(
        "local",
        [
            "info",
            "sales",
            "contact",
            "hello",
            "enquiries",
            "office",
            "admin",
            "support",
            "marketing",
            "accounts",
            "INFO",
            "Sales",
            "info+news",
        ],
    )
    def test_role_address_is_generic(self, local: str) -> None:
        d = decide(request(email=f"{local}@acme.co.uk", company="Acme Ltd", campaign={"lia": "missing"}))
        assert d.outcome.value == "allowed", d.to_dict()
        assert d.basis is not None
        assert d.basis.value == "not_personal_data"

    @pytest.mark.parametrize("local", ["jane.doe", "j.smith", "jsmith", "mario", "anna-maria", "mark", "salesforce.jo"])
    def test_named_address_is_personal(self, local: str) -> None:
        d = decide(request(email=f"{local}@acme.co.uk", company="Acme Ltd", campaign={"lia": "missing"}))
        assert d.outcome.value == "blocked", d.to_dict()
        assert "lia_missing" in codes(d)

    @pytest.mark.parametrize(("local", "allowed"), [("info", True), ("sales", True), ("jane.doe", False)])
    def test_belgian_first_party_split_follows_the_address_kind(self, local: str, allowed: bool) -> None:
        req = request(email=f"{local}@acme.be", company="Acme SA")
        req["source"] = "first_party"
        d = decide(req)
        if allowed:
            assert d.outcome.value == "allowed", d.to_dict()
        else:
            assert d.outcome.value == "blocked", d.to_dict()
            assert "consent_required" in codes(d)
