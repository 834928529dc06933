"""Acceptance tests: the rules that sit on top of the per-country table (spec §1–§3, §5).

Subscriber types, soft opt-in, consent validity, the GDPR overlay, the US and Canada regimes, service
messages, region exclusion, post, calls and do-not-call registers, tenant state (suppression, opt-outs,
erasure) and the invariants every decision keeps. Expected outcomes come from
``shared/spec/decisions.md`` and the seeds, never from the engine's data files.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawfulreach import Decision, Lawfulreach, parse_request
from lawfulreach.domain.normalise import normalise_email_key, normalise_phone_key
from lawfulreach.domain.state import ConsentRecord, InMemoryState, RegisterInfo
from lawfulreach.domain.vocabulary import Channel, ConsentStatus, SubscriberPolicy

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TODAY = NOW.date()

#: Spec §1 closed vocabularies.
BLOCKING = frozenset(
    {
        "erased_subject",
        "suppressed_email",
        "suppressed_domain",
        "suppressed_phone",
        "opted_out",
        "consent_required",
        "double_opt_in_required",
        "dnc_registered",
        "region_excluded",
        "lia_missing",
        "lia_failed",
        "invalid_email",
        "invalid_phone",
    }
)
REVIEW = frozenset(
    {
        "jurisdiction_unknown",
        "no_rule_for_jurisdiction",
        "subscriber_type_unknown",
        "dnc_register_missing",
        "dnc_register_stale",
    }
)
REQUIREMENTS = frozenset(
    {
        "opt_out_link",
        "sender_identity",
        "privacy_notice",
        "postal_address",
        "ad_disclosure",
        "caller_id",
        "contact_details",
        "no_promotional_content",
    }
)
BASES = frozenset({"consent", "legitimate_interests", "not_personal_data", "service_message"})
EU27 = frozenset(
    {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"}
    | {"IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
)
EEA = EU27 | {"IS", "LI", "NO"}
GDPR_AREA = EEA | {"GB"}

SENDER = "Northwind Software Ltd"
GB_PHONE = "+441212345678"  # a valid UK landline (0121 234 5678)
GB_PHONE_NATIONAL = "0121 234 5678"
GB_MOBILE = "+447400123456"
EMAIL = "jane.doe@acme.co.uk"
SOFT = {"kind": "customer", "legal_entity": SENDER, "products": ["crm"], "opt_out_offered": True}


# --- helpers ----------------------------------------------------------------------------------------


def campaign(**extra: Any) -> dict[str, Any]:
    return {"legal_entity": SENDER, "products": ["crm", "analytics"], "lia": "passed", **extra}


def consent(channel: str = "email", status: str = "given", **extra: Any) -> dict[str, Any]:
    return {"status": status, "channel": channel, "purpose": "marketing", "method": "web_form", **extra}


def request(
    channel: str = "email",
    *,
    contact: Mapping[str, Any] | None = None,
    source: str = "third_party",
    consent_: Mapping[str, Any] | None = None,
    relationship: Mapping[str, Any] | None = None,
    campaign_: Mapping[str, Any] | None = None,
    **contact_fields: Any,
) -> dict[str, Any]:
    """A GB request for a named person at a limited company, LIA passed; override anything."""
    c: dict[str, Any] = {
        "email": EMAIL,
        "phone": GB_PHONE,
        "name": "Jane Doe",
        "company": "Acme Ltd",
        "country": "GB",
    }
    c.update(contact or {})
    c.update(contact_fields)
    c = {k: v for k, v in c.items() if v is not None}
    req: dict[str, Any] = {
        "contact": c,
        "channel": channel,
        "source": source,
        "campaign": dict(campaign_) if campaign_ is not None else campaign(),
    }
    if consent_ is not None:
        req["consent"] = dict(consent_)
    if relationship is not None:
        req["relationship"] = dict(relationship)
    return req


def gb_registers(
    state: InMemoryState | None = None,
    *,
    tps_age: int = 1,
    ctps_age: int = 1,
    tps: tuple[str, ...] = (),
    ctps: tuple[str, ...] = (),
    names: tuple[str, str] = ("TPS", "CTPS"),
) -> InMemoryState:
    state = state or InMemoryState()
    state.load_register(RegisterInfo("GB", names[0], as_of=NOW - timedelta(days=tps_age)), tps)
    state.load_register(RegisterInfo("GB", names[1], as_of=NOW - timedelta(days=ctps_age)), ctps)
    return state


def decide(
    req: Mapping[str, Any],
    state: InMemoryState | None = None,
    policy: SubscriberPolicy = SubscriberPolicy.REVIEW,
) -> Decision:
    app = Lawfulreach(state=state or InMemoryState(), clock=lambda: NOW, subscriber_policy=policy)
    return app.check(parse_request(dict(req)))


def codes(d: Decision) -> set[str]:
    return set(d.reason_codes)


def reqs(d: Decision) -> set[str]:
    return {r.value for r in d.requirements}


def basis(d: Decision) -> str | None:
    return d.basis.value if d.basis else None


def assert_allowed(d: Decision, *required: str) -> None:
    assert d.outcome.value == "allowed", d.to_dict()
    missing = set(required) - reqs(d)
    assert not missing, f"requirements {sorted(missing)} missing from {d.to_dict()}"


def assert_blocked(d: Decision, *required_codes: str) -> None:
    assert d.outcome.value == "blocked", d.to_dict()
    missing = set(required_codes) - codes(d)
    assert not missing, f"reasons {sorted(missing)} missing from {d.to_dict()}"
    assert d.basis is None
    assert d.requirements == ()


def assert_review(d: Decision, *required_codes: str) -> None:
    assert d.outcome.value == "review", d.to_dict()
    missing = set(required_codes) - codes(d)
    assert not missing, f"reasons {sorted(missing)} missing from {d.to_dict()}"
    assert d.requirements == ()


def months_ago(months: int) -> str:
    y, m = divmod(TODAY.year * 12 + TODAY.month - 1 - months, 12)
    return date(y, m + 1, min(TODAY.day, 28)).isoformat()


# --- subscriber types -------------------------------------------------------------------------------


class TestUkSubscriberTypes:
    """PECR/ICO: only corporate subscribers may be emailed without consent (spec §3, §5)."""

    def test_limited_company_contact_may_be_emailed_on_opt_out_basis(self) -> None:
        d = decide(request())
        assert_allowed(d, "opt_out_link", "sender_identity", "privacy_notice")
        assert d.jurisdiction == "GB"
        assert basis(d) == "legitimate_interests"
        assert any("GDPR" in r for r in d.regimes), d.regimes

    @pytest.mark.parametrize("company", ["Acme Ltd", "Acme Limited", "Acme PLC", "Acme LLP"])
    def test_corporate_legal_forms_are_emailable_without_consent(self, company: str) -> None:
        assert_allowed(decide(request(company=company)), "opt_out_link")

    @pytest.mark.parametrize("subscriber_type", ["corporate", "government"])
    def test_corporate_and_government_bodies_are_corporate_subscribers(self, subscriber_type: str) -> None:
        assert_allowed(decide(request(company=None, subscriber_type=subscriber_type)), "opt_out_link")

    @pytest.mark.parametrize("subscriber_type", ["sole_trader", "partnership", "individual"])
    def test_non_corporate_subscriber_needs_consent(self, subscriber_type: str) -> None:
        d = decide(request(company="Jane Doe Consulting", subscriber_type=subscriber_type))
        assert_blocked(d, "consent_required")

    def test_given_sole_trader_type_wins_over_a_legal_form_in_the_company_name(self) -> None:
        assert_blocked(decide(request(company="Acme Ltd", subscriber_type="sole_trader")), "consent_required")

    def test_sole_trader_with_soft_opt_in_is_allowed_on_legitimate_interests(self) -> None:
        d = decide(request(subscriber_type="sole_trader", relationship=SOFT))
        assert_allowed(d, "opt_out_link", "sender_identity", "privacy_notice")
        assert basis(d) == "legitimate_interests"

    def test_sole_trader_with_soft_opt_in_still_needs_a_passed_lia(self) -> None:
        d = decide(request(subscriber_type="sole_trader", relationship=SOFT, campaign_=campaign(lia="missing")))
        assert_blocked(d, "lia_missing")

    def test_sole_trader_with_consent_is_allowed_on_consent(self) -> None:
        d = decide(request(subscriber_type="sole_trader", consent_=consent()))
        assert_allowed(d, "sender_identity")
        assert basis(d) == "consent"

    def test_sms_to_a_sole_trader_needs_consent_too(self) -> None:
        d = decide(request("sms", phone=GB_MOBILE, subscriber_type="sole_trader"))
        assert_blocked(d, "consent_required")


class TestUnknownSubscriberType:
    """Spec §3: where the outcome depends on an unknown subscriber type, the tenant policy decides."""

    def test_unknown_subscriber_whose_outcome_depends_on_it_is_reviewed(self) -> None:
        d = decide(request(company=None))
        assert_review(d, "subscriber_type_unknown")
        assert d.basis is None

    def test_company_without_a_legal_form_leaves_it_unknown(self) -> None:
        assert_review(decide(request(company="Acme")), "subscriber_type_unknown")

    def test_explicit_unknown_is_the_same_as_omitted_and_the_legal_form_decides(self) -> None:
        d = decide(request(company="Acme Ltd", subscriber_type="unknown"))
        assert_allowed(d, "opt_out_link")
        assert "subscriber_type_unknown" not in codes(d)

    def test_explicit_unknown_without_company_is_reviewed(self) -> None:
        assert_review(decide(request(company=None, subscriber_type="unknown")), "subscriber_type_unknown")

    def test_an_address_alone_never_decides_it_even_a_generic_one(self) -> None:
        d = decide(request(company=None, email="info@acme.co.uk", name=None))
        assert_review(d, "subscriber_type_unknown")

    def test_policy_assume_corporate_allows(self) -> None:
        d = decide(request(company=None), policy=SubscriberPolicy.ASSUME_CORPORATE)
        assert_allowed(d, "opt_out_link")
        assert "subscriber_type_unknown" not in codes(d)

    def test_policy_assume_individual_blocks_without_consent(self) -> None:
        d = decide(request(company=None), policy=SubscriberPolicy.ASSUME_INDIVIDUAL)
        assert_blocked(d, "consent_required")
        assert "subscriber_type_unknown" not in codes(d)

    def test_policy_assume_individual_allows_soft_opt_in(self) -> None:
        d = decide(request(company=None, relationship=SOFT), policy=SubscriberPolicy.ASSUME_INDIVIDUAL)
        assert_allowed(d, "opt_out_link")

    def test_no_review_when_the_outcome_does_not_depend_on_it_italy_opt_in(self) -> None:
        d = decide(request(company=None, country="IT", email="mario.rossi@acme.it"))
        assert_blocked(d, "consent_required")
        assert "subscriber_type_unknown" not in codes(d)

    def test_no_review_when_the_outcome_does_not_depend_on_it_consent_given(self) -> None:
        d = decide(request(company=None, consent_=consent()))
        assert_allowed(d)
        assert "subscriber_type_unknown" not in codes(d)

    def test_no_review_when_allowed_either_way_via_soft_opt_in(self) -> None:
        d = decide(request(company=None, relationship=SOFT))
        assert_allowed(d, "opt_out_link", "sender_identity", "privacy_notice")
        assert basis(d) == "legitimate_interests"
        assert "subscriber_type_unknown" not in codes(d)

    def test_no_review_when_allowed_either_way_generic_address_with_soft_opt_in(self) -> None:
        d = decide(request(company=None, email="info@acme.co.uk", name=None, relationship=SOFT))
        assert_allowed(d, "opt_out_link")
        assert basis(d) == "not_personal_data"

    def test_blocked_either_way_does_not_claim_the_outcome_depends_on_it(self) -> None:
        d = decide(request(company=None, campaign_=campaign(lia="missing")))
        assert_blocked(d)
        assert "subscriber_type_unknown" not in codes(d)

    def test_blocked_either_way_is_blocked(self) -> None:
        d = decide(request(company=None, campaign_=campaign(lia="missing")))
        assert d.outcome.value == "blocked", d.to_dict()
        assert codes(d) & {"lia_missing", "consent_required"}

    def test_no_review_outside_the_gdpr_area_us(self) -> None:
        d = decide(request(company=None, country="US", email="jane@acme.com", phone=None))
        assert_allowed(d, "opt_out_link")
        assert "subscriber_type_unknown" not in codes(d)


# --- Germany, soft opt-in, consent ------------------------------------------------------------------


def de_request(source: str = "first_party", **kw: Any) -> dict[str, Any]:
    return request(source=source, country="DE", email="jana.schmidt@acme.de", phone=None, company="Acme GmbH", **kw)


class TestGermanDoubleOptIn:
    """Germany: double opt-in (confirmed) consent; 1st party also accepts the soft opt-in (spec §5)."""

    @pytest.mark.parametrize("source", ["first_party", "third_party"])
    def test_given_but_unconfirmed_consent_needs_double_opt_in(self, source: str) -> None:
        d = decide(de_request(source, consent_=consent(status="given")))
        assert_blocked(d, "double_opt_in_required")
        assert "consent_required" not in codes(d)

    @pytest.mark.parametrize("source", ["first_party", "third_party"])
    def test_confirmed_consent_is_allowed_on_consent(self, source: str) -> None:
        d = decide(de_request(source, consent_=consent(status="confirmed")))
        assert_allowed(d, "opt_out_link", "sender_identity", "privacy_notice")
        assert basis(d) == "consent"
        assert "double_opt_in_confirmed" in codes(d)
        assert "GDPR" in d.regimes

    @pytest.mark.parametrize("source", ["first_party", "third_party"])
    def test_no_consent_at_all_is_consent_required(self, source: str) -> None:
        assert_blocked(decide(de_request(source)), "consent_required")

    def test_confirmed_consent_from_the_ledger_is_allowed(self) -> None:
        state = InMemoryState()
        state.record_consent(
            normalise_email_key("jana.schmidt@acme.de"),
            ConsentRecord(ConsentStatus.CONFIRMED, Channel.EMAIL, "marketing", "double_opt_in_email"),
        )
        assert_allowed(decide(de_request(), state), "opt_out_link")

    def test_given_consent_from_the_ledger_needs_double_opt_in(self) -> None:
        state = InMemoryState()
        state.record_consent(
            normalise_email_key("jana.schmidt@acme.de"),
            ConsentRecord(ConsentStatus.GIVEN, Channel.EMAIL, "marketing", "web_form"),
        )
        assert_blocked(decide(de_request(), state), "double_opt_in_required")

    def test_first_party_soft_opt_in_is_allowed(self) -> None:
        assert_allowed(decide(de_request("first_party", relationship=SOFT)), "opt_out_link")

    def test_third_party_soft_opt_in_is_not_enough(self) -> None:
        assert decide(de_request("third_party", relationship=SOFT)).outcome.value == "blocked"

    def test_confirmed_but_pre_ticked_consent_is_no_consent(self) -> None:
        d = decide(de_request(consent_=consent(status="confirmed", method="pre_ticked")))
        assert_blocked(d, "consent_required")


def soft_request(**relationship: Any) -> dict[str, Any]:
    """A GB sole trader: at least opt-in + soft opt-in (spec §3)."""
    rel = {**SOFT, **relationship}
    rel = {k: v for k, v in rel.items() if v is not None}
    return request(subscriber_type="sole_trader", relationship=rel)


class TestSoftOptIn:
    """All five conditions (seeds 002/003, spec §3); never charities/political senders; never calls."""

    def test_all_five_conditions_allow_and_require_an_opt_out_in_every_message(self) -> None:
        d = decide(soft_request())
        assert_allowed(d, "opt_out_link", "sender_identity")
        assert "soft_opt_in" in codes(d)

    def test_negotiation_counts_as_well_as_a_sale(self) -> None:
        assert_allowed(decide(soft_request(kind="negotiation")), "opt_out_link")

    def test_condition_1_broken_details_not_collected_in_a_sale_or_negotiation(self) -> None:
        assert_blocked(decide(soft_request(kind="none")), "consent_required")

    def test_condition_1_broken_no_relationship_at_all(self) -> None:
        assert_blocked(decide(request(subscriber_type="sole_trader")), "consent_required")

    def test_condition_2_broken_different_legal_entity(self) -> None:
        assert_blocked(decide(soft_request(legal_entity="Northwind Holdings Ltd")), "consent_required")

    def test_condition_2_broken_relationship_legal_entity_unknown(self) -> None:
        assert_blocked(decide(soft_request(legal_entity=None)), "consent_required")

    def test_condition_2_broken_campaign_legal_entity_unknown(self) -> None:
        req = soft_request()
        req["campaign"] = {k: v for k, v in req["campaign"].items() if k != "legal_entity"}
        assert_blocked(decide(req), "consent_required")

    def test_condition_3_broken_no_similar_products(self) -> None:
        assert_blocked(decide(soft_request(products=["payroll"])), "consent_required")

    def test_condition_3_broken_no_products_recorded(self) -> None:
        assert_blocked(decide(soft_request(products=[])), "consent_required")

    def test_condition_4_broken_no_opt_out_offered_at_collection(self) -> None:
        assert_blocked(decide(soft_request(opt_out_offered=False)), "consent_required")

    def test_condition_4_broken_opt_out_offered_omitted_means_not_offered(self) -> None:
        assert_blocked(decide(soft_request(opt_out_offered=None)), "consent_required")

    def test_condition_5_opt_out_in_every_message_is_a_requirement(self) -> None:
        assert "opt_out_link" in reqs(decide(soft_request()))

    def test_no_time_limit_on_the_soft_opt_in(self) -> None:
        assert_allowed(decide(soft_request(last_interaction="2012-01-01")), "opt_out_link")

    @pytest.mark.parametrize("sender_type", ["charity", "political"])
    def test_never_for_charity_or_political_senders(self, sender_type: str) -> None:
        req = soft_request()
        req["campaign"]["sender_type"] = sender_type
        assert_blocked(decide(req), "consent_required")

    def test_sms_follows_email(self) -> None:
        req = soft_request()
        req["channel"] = "sms"
        req["contact"]["phone"] = GB_MOBILE
        assert_allowed(decide(req), "opt_out_link")

    def test_soft_opt_in_cell_for_a_corporate_subscriber_spain_first_party(self) -> None:
        base = request(source="first_party", country="ES", email="ana@acme.es", phone=None, company="Acme SL")
        assert_blocked(decide(base), "consent_required")
        assert_allowed(decide({**base, "relationship": SOFT}), "opt_out_link")

    def test_never_for_live_calls(self) -> None:
        req = request("call", country="IT", phone="+390212345678", email=None, company="Acme Srl", relationship=SOFT)
        assert_blocked(decide(req), "consent_required")

    def test_never_for_automated_calls(self) -> None:
        assert_blocked(decide(request("automated_call", relationship=SOFT)), "consent_required")


def it_request(channel: str = "email", **kw: Any) -> dict[str, Any]:
    """Italy: prior opt-in for every channel (seed 003)."""
    return request(channel, country="IT", email="mario.rossi@acme.it", phone="+390212345678", company="Acme SpA", **kw)


class TestConsentValidity:
    """Spec §3 "Valid consent": status, channel, purpose, never pre-ticked; withdrawal is an opt-out."""

    def test_valid_consent_allows(self) -> None:
        d = decide(it_request(consent_=consent()))
        assert_allowed(d, "sender_identity", "privacy_notice")
        assert basis(d) == "consent"

    def test_pre_ticked_box_is_never_consent(self) -> None:
        assert_blocked(decide(it_request(consent_=consent(method="pre_ticked"))), "consent_required")

    def test_pre_ticked_box_from_the_ledger_is_never_consent(self) -> None:
        state = InMemoryState()
        state.record_consent(
            normalise_email_key("mario.rossi@acme.it"),
            ConsentRecord(ConsentStatus.GIVEN, Channel.EMAIL, "marketing", "pre_ticked"),
        )
        assert_blocked(decide(it_request(), state), "consent_required")

    def test_pre_ticked_consent_in_an_opt_out_cell_is_not_relied_on(self) -> None:
        d = decide(request(consent_=consent(method="pre_ticked"), campaign_=campaign(lia="missing")))
        assert_blocked(d, "lia_missing")

    def test_email_consent_does_not_cover_calls(self) -> None:
        assert_blocked(decide(it_request("call", consent_=consent("email"))), "consent_required")

    def test_call_consent_does_not_cover_email(self) -> None:
        assert_blocked(decide(it_request(consent_=consent("call"))), "consent_required")

    def test_call_consent_covers_live_calls(self) -> None:
        assert_allowed(decide(it_request("call", consent_=consent("call"))), "sender_identity", "caller_id")

    def test_call_consent_does_not_cover_automated_calls(self) -> None:
        assert_blocked(decide(it_request("automated_call", consent_=consent("call"))), "consent_required")

    def test_automated_call_consent_covers_automated_calls(self) -> None:
        d = decide(it_request("automated_call", consent_=consent("automated_call")))
        assert_allowed(d, "caller_id", "sender_identity", "contact_details")

    def test_consent_without_a_channel_does_not_cover_automated_calls(self) -> None:
        general = {"status": "given", "purpose": "marketing", "method": "web_form"}
        assert_blocked(decide(it_request("automated_call", consent_=general)), "consent_required")

    def test_ledger_call_consent_does_not_cover_automated_calls(self) -> None:
        state = InMemoryState()
        key = normalise_phone_key("+390212345678")
        state.record_consent(key, ConsentRecord(ConsentStatus.GIVEN, Channel.CALL, "marketing", "phone_script"))
        assert_allowed(decide(it_request("call"), state))
        assert_blocked(decide(it_request("automated_call"), state), "consent_required")

    def test_consent_for_a_purpose_the_campaign_does_not_accept(self) -> None:
        d = decide(it_request(consent_=consent(purpose="prize_draw")))
        assert_blocked(d, "consent_required")

    def test_consent_for_a_purpose_the_campaign_accepts(self) -> None:
        d = decide(
            it_request(
                consent_=consent(purpose="newsletter"),
                campaign_=campaign(consent_purposes=["marketing", "newsletter"]),
            )
        )
        assert_allowed(d)

    def test_consent_purposes_default_to_marketing(self) -> None:
        req = it_request(consent_=consent(purpose="marketing"))
        assert "consent_purposes" not in req["campaign"]
        assert_allowed(decide(req))

    def test_withdrawn_consent_is_an_opt_out_in_an_opt_out_cell(self) -> None:
        assert_blocked(decide(request(consent_=consent(status="withdrawn"))), "opted_out")

    def test_withdrawn_consent_is_an_opt_out_and_no_consent_in_an_opt_in_cell(self) -> None:
        assert_blocked(decide(it_request(consent_=consent(status="withdrawn"))), "opted_out", "consent_required")

    def test_withdrawn_consent_in_the_ledger_is_an_opt_out(self) -> None:
        state = InMemoryState()
        state.record_consent(
            normalise_email_key(EMAIL), ConsentRecord(ConsentStatus.WITHDRAWN, Channel.EMAIL, "marketing")
        )
        assert_blocked(decide(request(), state), "opted_out")

    def test_withdrawn_call_consent_does_not_opt_out_of_email(self) -> None:
        d = decide(request(consent_=consent("call", status="withdrawn")))
        assert "opted_out" not in codes(d)
        assert_allowed(d)

    def test_inline_consent_does_not_override_a_withdrawal_in_the_ledger(self) -> None:
        state = InMemoryState()
        state.record_consent(
            normalise_email_key("mario.rossi@acme.it"),
            ConsentRecord(ConsentStatus.WITHDRAWN, Channel.EMAIL, "marketing"),
        )
        assert_blocked(decide(it_request(consent_=consent()), state), "opted_out")

    def test_ledger_withdrawal_is_an_opt_out_even_beside_another_purposes_consent(self) -> None:
        state = InMemoryState()
        key = normalise_email_key("mario.rossi@acme.it")
        state.record_consent(key, ConsentRecord(ConsentStatus.WITHDRAWN, Channel.EMAIL, "marketing"))
        state.record_consent(
            key, ConsentRecord(ConsentStatus.CONFIRMED, Channel.EMAIL, "newsletter", "double_opt_in_email")
        )
        req = it_request(campaign_=campaign(consent_purposes=["marketing", "newsletter"]))
        assert_blocked(decide(req, state), "opted_out")

    def test_inline_consent_does_not_override_a_ledger_opt_out(self) -> None:
        state = InMemoryState()
        state.opt_out(normalise_email_key("mario.rossi@acme.it"), "email")
        assert_blocked(decide(it_request(consent_=consent()), state), "opted_out")

    def test_inline_withdrawal_wins_over_ledger_consent(self) -> None:
        state = InMemoryState()
        state.record_consent(
            normalise_email_key("mario.rossi@acme.it"),
            ConsentRecord(ConsentStatus.CONFIRMED, Channel.EMAIL, "marketing", "double_opt_in_email"),
        )
        assert_blocked(decide(it_request(consent_=consent(status="withdrawn")), state), "opted_out")

    def test_inline_consent_wins_over_ledger_consent(self) -> None:
        state = InMemoryState()
        state.record_consent(
            normalise_email_key("jana.schmidt@acme.de"),
            ConsentRecord(ConsentStatus.CONFIRMED, Channel.EMAIL, "marketing", "double_opt_in_email"),
        )
        d = decide(de_request(consent_=consent(status="given")), state)
        assert_blocked(d, "double_opt_in_required")

    def test_ledger_consent_is_used_when_the_request_has_none(self) -> None:
        state = InMemoryState()
        state.record_consent(
            normalise_email_key("Mario.Rossi+promo@ACME.it"),
            ConsentRecord(ConsentStatus.GIVEN, Channel.EMAIL, "marketing", "web_form"),
        )
        assert_allowed(decide(it_request(), state))


# --- GDPR overlay -----------------------------------------------------------------------------------


class TestLegitimateInterestsAssessment:
    """Spec §3 "GDPR overlay": legitimate interests needs the campaign's LIA passed."""

    def test_lia_passed_allows_on_legitimate_interests_with_privacy_notice(self) -> None:
        d = decide(request())
        assert_allowed(d, "privacy_notice")
        assert basis(d) == "legitimate_interests"
        assert "lia_passed" in codes(d)

    def test_lia_missing_blocks(self) -> None:
        assert_blocked(decide(request(campaign_=campaign(lia="missing"))), "lia_missing")

    def test_lia_omitted_is_missing(self) -> None:
        camp = campaign()
        del camp["lia"]
        assert_blocked(decide(request(campaign_=camp)), "lia_missing")

    def test_lia_failed_blocks(self) -> None:
        d = decide(request(campaign_=campaign(lia="failed")))
        assert_blocked(d, "lia_failed")
        assert "lia_missing" not in codes(d)

    @pytest.mark.parametrize("country", ["FR", "SE", "FI", "NL"])
    def test_lia_failed_blocks_in_other_gdpr_countries(self, country: str) -> None:
        req = request(country=country, email="jane.doe@acme-corp.com", phone=None, campaign_=campaign(lia="failed"))
        if country == "NL":
            req["relationship"] = SOFT
            req["source"] = "first_party"
        assert_blocked(decide(req), "lia_failed")

    def test_valid_consent_needs_no_lia(self) -> None:
        d = decide(request(consent_=consent(), campaign_=campaign(lia="missing")))
        assert_allowed(d, "privacy_notice")
        assert basis(d) == "consent"

    def test_live_calls_in_the_gdpr_area_need_a_passed_lia_too(self) -> None:
        d = decide(request("call", campaign_=campaign(lia="missing")), gb_registers())
        assert_blocked(d, "lia_missing")

    def test_no_lia_needed_outside_the_gdpr_area(self) -> None:
        d = decide(request(country="US", email="jane@acme.com", phone=None, campaign_=campaign(lia="missing")))
        assert_allowed(d)
        assert "privacy_notice" not in reqs(d)


class TestGenericAddresses:
    """Seed 003 glossary / spec §3: a role address without a name is not personal data."""

    @pytest.mark.parametrize("local", ["info", "sales", "contact", "hello", "enquiries", "office", "support"])
    def test_generic_address_without_name_is_not_personal_data_and_needs_no_lia(self, local: str) -> None:
        d = decide(request(email=f"{local}@acme.co.uk", name=None, campaign_=campaign(lia="missing")))
        assert_allowed(d, "opt_out_link", "sender_identity")
        assert basis(d) == "not_personal_data"
        assert "not_personal_data" in codes(d)
        assert "lia_missing" not in codes(d)

    def test_generic_address_without_name_needs_no_privacy_notice(self) -> None:
        d = decide(request(email="info@acme.co.uk", name=None))
        assert "privacy_notice" not in reqs(d)

    def test_generic_address_with_a_name_is_personal_data(self) -> None:
        d = decide(request(email="info@acme.co.uk", name="Jane Doe", campaign_=campaign(lia="missing")))
        assert_blocked(d, "lia_missing")

    def test_personal_address_without_a_name_is_still_personal_data(self) -> None:
        d = decide(request(email="jane.doe@acme.co.uk", name=None, campaign_=campaign(lia="missing")))
        assert_blocked(d, "lia_missing")


# --- United States and Canada -----------------------------------------------------------------------


def us_request(**kw: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"country": "US", "email": "jane@acme.com", "phone": None, "company": "Acme Inc"}
    fields.update(kw)
    return request(**fields)


class TestUnitedStates:
    """CAN-SPAM (opt-out) and the CCPA notice for California (spec §3, §5)."""

    def test_can_spam_email_requirements(self) -> None:
        d = decide(us_request())
        assert_allowed(d)
        assert d.jurisdiction == "US"
        assert reqs(d) == {"opt_out_link", "sender_identity", "postal_address", "ad_disclosure"}

    def test_consent_drops_the_ad_disclosure(self) -> None:
        d = decide(us_request(consent_=consent()))
        assert_allowed(d)
        assert reqs(d) == {"opt_out_link", "sender_identity", "postal_address"}

    def test_no_gdpr_in_the_us(self) -> None:
        d = decide(us_request(campaign_=campaign(lia="missing")))
        assert_allowed(d)
        assert not any("GDPR" in r for r in d.regimes)

    def test_individual_subscriber_in_the_us_is_opt_out(self) -> None:
        assert_allowed(decide(us_request(subscriber_type="sole_trader")), "opt_out_link")

    def test_california_adds_privacy_notice_and_ccpa_regime(self) -> None:
        d = decide(us_request(region="US-CA"))
        assert_allowed(d, "opt_out_link", "sender_identity", "postal_address", "ad_disclosure", "privacy_notice")
        assert d.jurisdiction == "US"
        assert "US-CA:CCPA" in d.regimes

    def test_california_region_alone_gives_jurisdiction_us(self) -> None:
        d = decide(us_request(country=None, region="US-CA", email="jane@acme.com"))
        assert d.jurisdiction == "US"
        assert "US-CA:CCPA" in d.regimes
        assert_allowed(d, "privacy_notice")

    def test_other_states_get_no_ccpa(self) -> None:
        d = decide(us_request(region="US-NY"))
        assert_allowed(d)
        assert "US-CA:CCPA" not in d.regimes
        assert "privacy_notice" not in reqs(d)

    def test_live_call_is_opt_out_without_a_register_check(self) -> None:
        d = decide(us_request(channel="call", phone="+12015550123"))
        assert_allowed(d)
        assert reqs(d) == {"sender_identity", "caller_id"}

    def test_automated_call_needs_prior_opt_in(self) -> None:
        d = decide(us_request(channel="automated_call", phone="+12015550123"))
        assert_blocked(d, "consent_required")


def ca_request(relationship: Mapping[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"country": "CA", "email": "jane@acme.ca", "phone": None, "company": "Acme Inc"}
    fields.update(kw)
    return request(relationship=relationship, campaign_=campaign(lia="missing"), **fields)


def ebr(kind: str, months: int | None, legal_entity: str | None = SENDER) -> dict[str, Any]:
    rel: dict[str, Any] = {"kind": kind, "products": ["crm"]}
    if legal_entity:
        rel["legal_entity"] = legal_entity
    if months is not None:
        rel["last_interaction"] = months_ago(months)
    return rel


class TestCanadaCasl:
    """CASL: express or implied consent (existing business relationship), sender id, address, unsubscribe."""

    CASL = frozenset({"postal_address", "opt_out_link", "sender_identity"})

    def test_no_consent_no_relationship_is_blocked(self) -> None:
        assert_blocked(decide(ca_request()), "consent_required")

    def test_express_consent_is_allowed_with_casl_requirements(self) -> None:
        d = decide(ca_request(consent_=consent()))
        assert_allowed(d)
        assert reqs(d) == self.CASL

    def test_customer_within_24_months_is_implied_consent(self) -> None:
        d = decide(ca_request(ebr("customer", 23)))
        assert_allowed(d)
        assert reqs(d) == self.CASL
        assert "implied_consent" in codes(d)

    def test_customer_beyond_24_months_is_no_consent(self) -> None:
        assert_blocked(decide(ca_request(ebr("customer", 25))), "consent_required")

    def test_negotiation_within_6_months_is_implied_consent(self) -> None:
        assert_allowed(decide(ca_request(ebr("negotiation", 5))))

    def test_negotiation_beyond_6_months_is_no_consent(self) -> None:
        assert_blocked(decide(ca_request(ebr("negotiation", 7))), "consent_required")

    def test_negotiation_does_not_get_the_customer_window(self) -> None:
        assert_blocked(decide(ca_request(ebr("negotiation", 12))), "consent_required")

    def test_implied_consent_needs_the_same_legal_entity(self) -> None:
        assert_blocked(decide(ca_request(ebr("customer", 3, "Someone Else Inc"))), "consent_required")

    def test_implied_consent_needs_a_legal_entity(self) -> None:
        assert_blocked(decide(ca_request(ebr("customer", 3, None))), "consent_required")

    def test_implied_consent_needs_a_last_interaction(self) -> None:
        assert_blocked(decide(ca_request(ebr("customer", None))), "consent_required")

    def test_no_relationship_kind_is_no_implied_consent(self) -> None:
        assert_blocked(decide(ca_request(ebr("none", 1))), "consent_required")

    def test_soft_opt_in_is_not_a_casl_exemption(self) -> None:
        assert_blocked(decide(ca_request(SOFT, source="first_party")), "consent_required")

    def test_implied_consent_covers_sms_as_well(self) -> None:
        d = decide(ca_request(ebr("customer", 2), channel="sms", phone="+15062345678"))
        assert_allowed(d, "opt_out_link", "sender_identity", "postal_address")

    def test_no_gdpr_lia_in_canada(self) -> None:
        d = decide(ca_request(consent_=consent()))
        assert "lia_missing" not in codes(d)
        assert "privacy_notice" not in reqs(d)


# --- service messages -------------------------------------------------------------------------------


def service(req: dict[str, Any]) -> dict[str, Any]:
    req["campaign"] = {"purpose": "service"}
    return req


class TestServiceMessages:
    """Spec §3/§5: service messages are not marketing; only erasure, bad addresses, region exclusion block."""

    def _assert_service_allowed(self, d: Decision) -> None:
        assert_allowed(d, "sender_identity", "no_promotional_content")
        assert basis(d) == "service_message"
        assert reqs(d) - {"privacy_notice"} == {"sender_identity", "no_promotional_content"}

    def test_service_email_needs_no_consent_and_no_lia(self) -> None:
        self._assert_service_allowed(decide(service(it_request())))

    def test_service_email_to_unknown_subscriber_is_not_reviewed(self) -> None:
        self._assert_service_allowed(decide(service(request(company=None))))

    def test_service_email_in_germany_needs_no_double_opt_in(self) -> None:
        self._assert_service_allowed(decide(service(de_request())))

    def test_service_email_in_canada_needs_no_casl_consent(self) -> None:
        self._assert_service_allowed(decide(service(ca_request())))

    def test_suppressed_email_does_not_block_a_service_message(self) -> None:
        state = InMemoryState()
        state.suppressed_emails.add(normalise_email_key(EMAIL))
        d = decide(service(request()), state)
        self._assert_service_allowed(d)
        assert "suppressed_email" not in codes(d)

    def test_suppressed_domain_does_not_block_a_service_message(self) -> None:
        state = InMemoryState()
        state.suppressed_domains.add("acme.co.uk")
        d = decide(service(request()), state)
        self._assert_service_allowed(d)
        assert "suppressed_domain" not in codes(d)

    def test_suppressed_phone_does_not_block_a_service_sms(self) -> None:
        state = InMemoryState()
        state.suppressed_phones.add(GB_MOBILE)
        d = decide(service(request("sms", phone=GB_MOBILE)), state)
        self._assert_service_allowed(d)
        assert "suppressed_phone" not in codes(d)

    @pytest.mark.parametrize("channel", ["all", "email"])
    def test_opt_out_does_not_block_a_service_message(self, channel: str) -> None:
        state = InMemoryState()
        state.opt_out(normalise_email_key(EMAIL), channel)
        d = decide(service(request()), state)
        self._assert_service_allowed(d)
        assert "opted_out" not in codes(d)

    def test_withdrawn_consent_does_not_block_a_service_message(self) -> None:
        d = decide(service(request(consent_=consent(status="withdrawn"))))
        self._assert_service_allowed(d)
        assert "opted_out" not in codes(d)

    def test_dnc_listing_does_not_block_a_service_call(self) -> None:
        d = decide(service(request("call")), gb_registers(tps=(GB_PHONE,)))
        self._assert_service_allowed(d)
        assert "dnc_registered" not in codes(d)

    def test_service_call_needs_no_dnc_register(self) -> None:
        d = decide(service(request("call")))
        self._assert_service_allowed(d)

    def test_erased_subject_blocks_a_service_message(self) -> None:
        state = InMemoryState()
        state.erase(normalise_email_key(EMAIL))
        assert_blocked(decide(service(request()), state), "erased_subject")

    @pytest.mark.parametrize("email", ["not-an-address", "jane@", "@acme.co.uk"])
    def test_invalid_email_blocks_a_service_message(self, email: str) -> None:
        assert_blocked(decide(service(request(email=email))), "invalid_email")

    def test_missing_email_blocks_a_service_email(self) -> None:
        assert_blocked(decide(service(request(email=None))), "invalid_email")

    def test_invalid_phone_blocks_a_service_sms(self) -> None:
        assert_blocked(decide(service(request("sms", phone="12"))), "invalid_phone")

    def test_region_exclusion_blocks_a_service_message(self) -> None:
        req = service(request())
        req["campaign"]["excluded_regions"] = ["GB"]
        assert_blocked(decide(req), "region_excluded")


# --- region exclusion -------------------------------------------------------------------------------


def allowed_email(country: str, **kw: Any) -> dict[str, Any]:
    """An email request that is allowed in any table country: confirmed consent, corporate, LIA passed."""
    return request(
        country=country,
        email="jane.doe@acme-corp.com",
        phone=None,
        subscriber_type="corporate",
        consent_=consent(status="confirmed"),
        **kw,
    )


def excluding(req: dict[str, Any], *regions: str) -> dict[str, Any]:
    req["campaign"]["excluded_regions"] = list(regions)
    return req


class TestRegionExclusion:
    """Spec §3: ``excluded_regions`` holds countries, subdivisions (US-CA) or the groups EU, EEA, GDPR."""

    @pytest.mark.parametrize("country", ["DE", "GB", "US", "CA", "NO"])
    def test_baseline_is_allowed(self, country: str) -> None:
        assert_allowed(decide(allowed_email(country)))

    def test_by_country(self) -> None:
        assert_blocked(decide(excluding(allowed_email("DE"), "DE")), "region_excluded")

    def test_other_country_not_excluded(self) -> None:
        assert_allowed(decide(excluding(allowed_email("DE"), "FR")))

    @pytest.mark.parametrize("written", ["GB", "UK", "gb"])
    def test_gb_however_written(self, written: str) -> None:
        assert_blocked(decide(excluding(allowed_email("UK"), written)), "region_excluded")

    def test_by_subdivision_us_ca(self) -> None:
        assert_blocked(decide(excluding(allowed_email("US", region="US-CA"), "US-CA")), "region_excluded")

    def test_subdivision_does_not_exclude_another_state(self) -> None:
        assert_allowed(decide(excluding(allowed_email("US", region="US-NY"), "US-CA")))

    def test_subdivision_does_not_exclude_a_us_contact_without_region(self) -> None:
        assert_allowed(decide(excluding(allowed_email("US"), "US-CA")))

    def test_country_excludes_its_subdivisions(self) -> None:
        assert_blocked(decide(excluding(allowed_email("US", region="US-CA"), "US")), "region_excluded")

    @pytest.mark.parametrize(
        ("group", "country", "excluded"),
        [
            ("EU", "DE", True),
            ("EU", "IE", True),
            ("EU", "GB", False),
            ("EU", "NO", False),
            ("EU", "US", False),
            ("EEA", "NO", True),
            ("EEA", "FR", True),
            ("EEA", "GB", False),
            ("EEA", "CA", False),
            ("GDPR", "GB", True),
            ("GDPR", "NO", True),
            ("GDPR", "PL", True),
            ("GDPR", "US", False),
            ("GDPR", "CA", False),
            ("eu", "AT", True),
        ],
    )
    def test_by_group(self, group: str, country: str, excluded: bool) -> None:
        d = decide(excluding(allowed_email(country), group))
        if excluded:
            assert_blocked(d, "region_excluded")
        else:
            assert_allowed(d)

    @pytest.mark.parametrize("group", ["EEA", "GDPR"])
    def test_groups_cover_iceland_and_liechtenstein(self, group: str) -> None:
        for country in ("IS", "LI"):
            d = decide(excluding(allowed_email(country), group))
            assert_blocked(d, "region_excluded")

    def test_region_exclusion_applies_to_calls(self) -> None:
        d = decide(excluding(request("call"), "GDPR"), gb_registers())
        assert_blocked(d, "region_excluded")

    def test_region_exclusion_applies_to_post(self) -> None:
        assert_blocked(decide(excluding(request("post"), "GB")), "region_excluded")


# --- post -------------------------------------------------------------------------------------------


class TestPost:
    """ICO (seed 002) / spec §3: no consent needed for post; GDPR overlay and opt-outs still apply."""

    @pytest.mark.parametrize("subscriber_type", ["sole_trader", "individual", "corporate"])
    def test_post_needs_no_consent_in_the_uk(self, subscriber_type: str) -> None:
        d = decide(request("post", subscriber_type=subscriber_type))
        assert_allowed(d, "privacy_notice")
        assert basis(d) == "legitimate_interests"

    @pytest.mark.parametrize("country", ["IT", "DE", "PL", "NO", "CA"])
    def test_post_needs_no_consent_even_where_email_needs_opt_in(self, country: str) -> None:
        d = decide(request("post", country=country, email="jane.doe@acme-corp.com", phone=None))
        assert_allowed(d)
        assert "consent_required" not in codes(d)

    def test_post_in_the_us_is_allowed(self) -> None:
        assert_allowed(decide(us_request(channel="post", campaign_=campaign(lia="missing"))))

    def test_post_with_valid_post_consent_relies_on_consent_and_needs_no_lia(self) -> None:
        d = decide(request("post", consent_=consent("post"), campaign_=campaign(lia="missing")))
        assert_allowed(d, "privacy_notice")
        assert basis(d) == "consent"

    def test_gdpr_overlay_still_applies_lia_missing(self) -> None:
        assert_blocked(decide(request("post", campaign_=campaign(lia="missing"))), "lia_missing")

    def test_gdpr_overlay_still_applies_lia_failed(self) -> None:
        assert_blocked(decide(request("post", campaign_=campaign(lia="failed"))), "lia_failed")

    @pytest.mark.parametrize("channel", ["all", "post"])
    def test_opt_out_blocks_post(self, channel: str) -> None:
        state = InMemoryState()
        state.opt_out(normalise_email_key(EMAIL), channel)
        assert_blocked(decide(request("post"), state), "opted_out")

    def test_email_only_opt_out_does_not_block_post(self) -> None:
        state = InMemoryState()
        state.opt_out(normalise_email_key(EMAIL), "email")
        assert_allowed(decide(request("post"), state))

    def test_erased_subject_blocks_post(self) -> None:
        state = InMemoryState()
        state.erase(normalise_email_key(EMAIL))
        assert_blocked(decide(request("post"), state), "erased_subject")


# --- calls ------------------------------------------------------------------------------------------


class TestCallRequirements:
    """Live calls: sender_identity + caller_id; automated calls: caller_id, sender_identity, contact_details."""

    def test_live_call_requirements_in_the_uk(self) -> None:
        d = decide(request("call"), gb_registers())
        assert_allowed(d, "sender_identity", "caller_id", "privacy_notice")

    def test_live_call_requirements_outside_the_gdpr_area(self) -> None:
        d = decide(us_request(channel="call", phone="+12015550123"))
        assert reqs(d) == {"sender_identity", "caller_id"}

    def test_automated_call_requirements_in_the_uk(self) -> None:
        d = decide(request("automated_call", consent_=consent("automated_call")))
        assert_allowed(d, "caller_id", "sender_identity", "contact_details", "privacy_notice")

    def test_automated_call_requirements_outside_the_gdpr_area(self) -> None:
        # Spec §6: Canadian automated calls need automated-call consent (the seed's opt-out cell corrected).
        d = decide(ca_request(channel="automated_call", phone="+15062345678", consent_=consent("automated_call")))
        assert_allowed(d)
        assert reqs(d) == {"caller_id", "sender_identity", "contact_details"}

    def test_automated_call_without_consent_is_blocked_in_the_uk(self) -> None:
        assert_blocked(decide(request("automated_call")), "consent_required")

    def test_live_call_to_a_contact_without_a_phone_is_invalid_phone(self) -> None:
        assert_blocked(decide(request("call", phone=None), gb_registers()), "invalid_phone")

    def test_live_call_to_a_malformed_phone_is_invalid_phone(self) -> None:
        assert_blocked(decide(request("call", phone="+44 12"), gb_registers()), "invalid_phone")

    def test_live_call_prior_objection_is_opted_out(self) -> None:
        state = gb_registers()
        state.opt_out(GB_PHONE, "call")
        assert_blocked(decide(request("call"), state), "opted_out")


class TestDoNotCallRegisters:
    """Spec §3/§5: GB needs TPS and CTPS loaded and fresh (28 days); listings block; call consent overrides."""

    def test_no_register_loaded_is_reviewed(self) -> None:
        assert_review(decide(request("call")), "dnc_register_missing")

    @pytest.mark.parametrize("only", ["TPS", "CTPS"])
    def test_one_of_the_two_gb_registers_missing_is_reviewed(self, only: str) -> None:
        state = InMemoryState()
        state.load_register(RegisterInfo("GB", only, as_of=NOW - timedelta(days=1)), [])
        assert_review(decide(request("call"), state), "dnc_register_missing")

    def test_both_registers_fresh_and_number_not_listed_is_allowed(self) -> None:
        d = decide(request("call"), gb_registers(tps_age=27, ctps_age=27))
        assert_allowed(d, "sender_identity", "caller_id")
        assert not codes(d) & {"dnc_register_missing", "dnc_register_stale", "dnc_registered"}

    def test_register_names_compare_case_insensitively(self) -> None:
        assert_allowed(decide(request("call"), gb_registers(names=("tps", "Ctps"))))

    def test_a_register_of_another_country_does_not_count(self) -> None:
        state = InMemoryState()
        state.load_register(RegisterInfo("FR", "Bloctel", as_of=NOW - timedelta(days=1)), [])
        assert_review(decide(request("call"), state), "dnc_register_missing")

    @pytest.mark.parametrize(("tps_age", "ctps_age"), [(29, 1), (1, 29), (40, 40)])
    def test_a_register_older_than_28_days_is_stale(self, tps_age: int, ctps_age: int) -> None:
        d = decide(request("call"), gb_registers(tps_age=tps_age, ctps_age=ctps_age))
        assert_review(d, "dnc_register_stale")

    @pytest.mark.parametrize("register", ["tps", "ctps"])
    def test_listed_number_is_blocked(self, register: str) -> None:
        listed: dict[str, Any] = {register: (GB_PHONE,)}
        d = decide(request("call"), gb_registers(**listed))
        assert_blocked(d, "dnc_registered")

    def test_listed_on_a_stale_register_blocks_and_lists_the_stale_reason(self) -> None:
        d = decide(request("call"), gb_registers(tps_age=60, tps=(GB_PHONE,)))
        assert_blocked(d, "dnc_registered", "dnc_register_stale")

    def test_valid_call_consent_overrides_the_listing(self) -> None:
        d = decide(request("call", consent_=consent("call")), gb_registers(ctps=(GB_PHONE,)))
        assert_allowed(d, "sender_identity", "caller_id")
        assert "dnc_registered" not in codes(d)
        assert basis(d) == "consent"

    def test_call_consent_in_the_ledger_overrides_the_listing(self) -> None:
        state = gb_registers(ctps=(GB_PHONE,))
        state.record_consent(GB_PHONE, ConsentRecord(ConsentStatus.GIVEN, Channel.CALL, "marketing", "phone"))
        assert_allowed(decide(request("call"), state))

    @pytest.mark.parametrize(
        "bad_consent",
        [consent("email"), consent("call", method="pre_ticked"), consent("call", status="withdrawn")],
        ids=["email-consent", "pre-ticked", "withdrawn"],
    )
    def test_consent_that_is_not_valid_for_calls_does_not_override(self, bad_consent: dict[str, Any]) -> None:
        d = decide(request("call", consent_=bad_consent), gb_registers(ctps=(GB_PHONE,)))
        assert_blocked(d, "dnc_registered")

    def test_register_numbers_in_national_format_match(self) -> None:
        state = gb_registers(tps=(normalise_phone_key(GB_PHONE_NATIONAL, "GB"),))
        d = decide(request("call", phone=GB_PHONE_NATIONAL), state)
        assert_blocked(d, "dnc_registered")

    def test_belgian_dncm_fresh_within_5_days(self) -> None:
        state = InMemoryState()
        state.load_register(RegisterInfo("BE", "DNCM", as_of=NOW - timedelta(days=4)), [])
        d = decide(request("call", country="BE", phone="+3212345678", email=None, company="Acme SA"), state)
        assert_allowed(d, "sender_identity", "caller_id")

    def test_belgian_dncm_stale_after_5_days(self) -> None:
        state = InMemoryState()
        state.load_register(RegisterInfo("BE", "DNCM", as_of=NOW - timedelta(days=6)), [])
        d = decide(request("call", country="BE", phone="+3212345678", email=None, company="Acme SA"), state)
        assert_review(d, "dnc_register_stale")

    def test_registers_are_for_live_calls_only_not_automated_calls(self) -> None:
        state = InMemoryState()
        d = decide(request("automated_call", consent_=consent("automated_call")), state)
        assert_allowed(d)
        assert not codes(d) & {"dnc_register_missing", "dnc_register_stale", "dnc_registered"}

    @pytest.mark.parametrize("channel", ["email", "sms", "post"])
    def test_registers_are_for_live_calls_only_not_other_channels(self, channel: str) -> None:
        d = decide(request(channel, phone=GB_MOBILE, subscriber_type="corporate"), gb_registers(tps=(GB_MOBILE,)))
        assert not codes(d) & {"dnc_register_missing", "dnc_register_stale", "dnc_registered"}
        assert_allowed(d)


# --- tenant state -----------------------------------------------------------------------------------


class TestSuppression:
    """Spec §1: exclusion lists by email (case and +tag ignored), domain (with subdomains), phone."""

    @pytest.mark.parametrize(
        "contact_email", ["jane.doe@acme.co.uk", "Jane.Doe@ACME.co.uk", "jane.doe+news@acme.co.uk"]
    )
    def test_email_match_ignores_case_and_tags(self, contact_email: str) -> None:
        state = InMemoryState()
        state.suppressed_emails.add(normalise_email_key("JANE.DOE+promo@Acme.Co.Uk"))
        assert_blocked(decide(request(email=contact_email), state), "suppressed_email")

    def test_another_address_at_the_same_domain_is_not_suppressed_by_an_email_entry(self) -> None:
        state = InMemoryState()
        state.suppressed_emails.add(normalise_email_key(EMAIL))
        d = decide(request(email="john.smith@acme.co.uk"), state)
        assert "suppressed_email" not in codes(d)
        assert_allowed(d)

    @pytest.mark.parametrize("contact_email", ["jane@acme.co.uk", "jane@mail.acme.co.uk", "j@eu.mail.acme.co.uk"])
    def test_domain_entry_covers_the_domain_and_its_subdomains(self, contact_email: str) -> None:
        state = InMemoryState()
        state.suppressed_domains.add("acme.co.uk")
        assert_blocked(decide(request(email=contact_email), state), "suppressed_domain")

    @pytest.mark.parametrize("contact_email", ["jane@notacme.co.uk", "jane@acme.co.uk.example.com", "jane@acme.com"])
    def test_domain_entry_does_not_cover_lookalike_domains(self, contact_email: str) -> None:
        state = InMemoryState()
        state.suppressed_domains.add("acme.co.uk")
        d = decide(request(email=contact_email), state)
        assert "suppressed_domain" not in codes(d)

    @pytest.mark.parametrize("channel", ["call", "sms"])
    def test_phone_entry_matches_a_national_format_number(self, channel: str) -> None:
        state = gb_registers()
        state.suppressed_phones.add(GB_PHONE)
        d = decide(request(channel, phone=GB_PHONE_NATIONAL), state)
        assert_blocked(d, "suppressed_phone")

    def test_national_phone_read_with_the_country_from_the_email_cctld(self) -> None:
        state = gb_registers()
        state.suppressed_phones.add(GB_PHONE)
        d = decide(request("call", country=None, phone=GB_PHONE_NATIONAL), state)
        assert d.jurisdiction == "GB"
        assert_blocked(d, "suppressed_phone")

    def test_consent_in_the_request_cannot_override_suppression(self) -> None:
        state = InMemoryState()
        state.suppressed_emails.add(normalise_email_key(EMAIL))
        assert_blocked(decide(request(consent_=consent(status="confirmed")), state), "suppressed_email")


class TestOptOuts:
    """Spec §1/§5: an opt-out for a channel or for ``all`` (an objection covers every channel)."""

    @pytest.mark.parametrize("channel", ["email", "sms", "call", "automated_call", "post"])
    def test_opt_out_of_all_by_email_blocks_every_channel(self, channel: str) -> None:
        state = gb_registers()
        state.opt_out(normalise_email_key(EMAIL), "all")
        d = decide(request(channel, phone=GB_MOBILE, consent_=consent(channel)), state)
        assert_blocked(d, "opted_out")

    def test_opt_out_defaults_to_all(self) -> None:
        state = gb_registers()
        state.opt_out(normalise_email_key(EMAIL))
        assert_blocked(decide(request("call"), state), "opted_out")

    def test_opt_out_of_email_blocks_email_only(self) -> None:
        state = gb_registers()
        state.opt_out(normalise_email_key(EMAIL), "email")
        assert_blocked(decide(request(), state), "opted_out")
        d = decide(request("call"), state)
        assert "opted_out" not in codes(d)
        assert_allowed(d)

    def test_opt_out_by_phone_blocks_requests_with_that_phone(self) -> None:
        state = InMemoryState()
        state.opt_out(GB_MOBILE, "sms")
        assert_blocked(decide(request("sms", phone=GB_MOBILE), state), "opted_out")
        assert "opted_out" not in codes(decide(request("email", phone=GB_MOBILE), state))

    def test_opt_out_matches_whatever_the_case_and_tag_of_the_request(self) -> None:
        state = InMemoryState()
        state.opt_out(normalise_email_key(EMAIL), "all")
        assert_blocked(decide(request(email="JANE.Doe+offers@acme.co.uk"), state), "opted_out")


class TestErasure:
    """Spec §1: erased subjects (keyed hash of email or phone) are never contacted again."""

    def test_erased_email_blocks_email(self) -> None:
        state = InMemoryState()
        state.erase(normalise_email_key(EMAIL))
        assert_blocked(decide(request(consent_=consent(status="confirmed")), state), "erased_subject")

    def test_erased_phone_blocks_calls(self) -> None:
        state = gb_registers()
        state.erase(GB_PHONE)
        assert_blocked(decide(request("call", consent_=consent("call")), state), "erased_subject")

    def test_erased_email_blocks_a_call_to_the_same_contact(self) -> None:
        state = gb_registers()
        state.erase(normalise_email_key(EMAIL))
        assert_blocked(decide(request("call"), state), "erased_subject")

    def test_erasure_matches_case_and_tag_variants(self) -> None:
        state = InMemoryState()
        state.erase(normalise_email_key(EMAIL))
        assert_blocked(decide(request(email="Jane.Doe+x@ACME.co.uk"), state), "erased_subject")


class TestAllReasonsAreListed:
    """Spec §1: ALL blocking and review reasons that apply are listed, not just the first."""

    def test_every_blocking_reason_at_once(self) -> None:
        state = InMemoryState()
        key = normalise_email_key("mario.rossi@acme.it")
        state.erase(key)
        state.suppressed_emails.add(key)
        state.suppressed_domains.add("acme.it")
        state.opt_out(key, "all")
        req = excluding(it_request(), "EU")
        d = decide(req, state)
        assert_blocked(
            d,
            "erased_subject",
            "suppressed_email",
            "suppressed_domain",
            "opted_out",
            "region_excluded",
            "consent_required",
        )

    def test_suppression_and_lia_missing_together(self) -> None:
        state = InMemoryState()
        state.suppressed_domains.add("acme.co.uk")
        d = decide(request(campaign_=campaign(lia="missing")), state)
        assert_blocked(d, "suppressed_domain", "lia_missing")

    def test_invalid_phone_and_region_exclusion_together(self) -> None:
        d = decide(excluding(request("call", phone="123"), "GB"), gb_registers())
        assert_blocked(d, "invalid_phone", "region_excluded")

    def test_a_block_also_lists_the_review_reasons(self) -> None:
        state = InMemoryState()
        state.suppressed_phones.add(GB_PHONE)
        d = decide(request("call"), state)
        assert_blocked(d, "suppressed_phone", "dnc_register_missing")

    def test_missing_and_stale_registers_together(self) -> None:
        state = InMemoryState()
        state.load_register(RegisterInfo("GB", "TPS", as_of=NOW - timedelta(days=90)), [])
        assert_review(decide(request("call"), state), "dnc_register_missing", "dnc_register_stale")


# --- invariants -------------------------------------------------------------------------------------


def assert_invariants(d: Decision, req: Mapping[str, Any] | None = None) -> None:
    """The contract of spec §1 that every decision keeps."""
    out = d.to_dict()
    assert list(out) == ["outcome", "jurisdiction", "regimes", "basis", "requirements", "reasons"]
    assert d.reasons, f"reasons must never be empty: {out}"
    for r in d.reasons:
        assert r.message.strip(), f"reason {r.code} has no message"
        assert r.citation.strip(), f"reason {r.code} has no citation"
    cs = [r.code.value for r in d.reasons]
    assert len(cs) == len(set(cs)), f"duplicate reason codes: {cs}"
    blocking = set(cs) & BLOCKING
    review = set(cs) & REVIEW
    if blocking:
        assert d.outcome.value == "blocked", out
    elif review:
        assert d.outcome.value == "review", out
    else:
        assert d.outcome.value == "allowed", out
    if d.outcome.value != "allowed":
        assert d.requirements == (), f"requirements only on allowed: {out}"
    else:
        assert set(cs) - BLOCKING - REVIEW, "an allowed decision lists the rule that allowed it"
    if d.outcome.value == "blocked":
        assert d.basis is None, out
    assert reqs(d) <= REQUIREMENTS
    if d.basis is not None:
        assert d.basis.value in BASES
    assert d.jurisdiction is None or (len(d.jurisdiction) == 2 and d.jurisdiction.isupper())
    if req is None or d.outcome.value != "allowed":
        return
    channel = req["channel"]
    purpose = (req.get("campaign") or {}).get("purpose", "marketing")
    if purpose == "service":
        assert {"sender_identity", "no_promotional_content"} <= reqs(d), out
        assert basis(d) == "service_message"
        return
    if channel == "call":
        assert {"sender_identity", "caller_id"} <= reqs(d), out
    elif channel == "automated_call":
        assert {"caller_id", "sender_identity", "contact_details"} <= reqs(d), out
    elif channel in ("email", "sms"):
        assert "sender_identity" in reqs(d), out
    if d.jurisdiction in GDPR_AREA and basis(d) in ("consent", "legitimate_interests"):
        assert "privacy_notice" in reqs(d), out
    if d.jurisdiction in GDPR_AREA and basis(d) == "legitimate_interests":
        assert (req.get("campaign") or {}).get("lia") == "passed", out


class TestDecisionInvariants:
    """Spec §1 invariants, on hand-picked decisions and on random requests (Hypothesis)."""

    @pytest.mark.parametrize(
        "req",
        [
            request(),
            request(company=None),
            request(campaign_=campaign(lia="missing")),
            request("call"),
            request("post"),
            it_request(),
            service(request()),
            request(country=None, email="jane@acme.com", phone=None),
            request(country="CH", email="jane@acme.ch", phone=None),
        ],
        ids=[
            "allowed",
            "review-subscriber",
            "blocked-lia",
            "review-dnc",
            "post",
            "blocked-consent",
            "service",
            "jurisdiction-unknown",
            "no-rule",
        ],
    )
    def test_hand_picked_decisions_keep_the_contract(self, req: dict[str, Any]) -> None:
        assert_invariants(decide(req), req)

    def test_jurisdiction_unknown_is_a_review(self) -> None:
        d = decide(request(country=None, email="jane@acme.com", phone=None))
        assert_review(d, "jurisdiction_unknown")
        assert d.jurisdiction is None

    def test_country_outside_the_rule_base_is_reviewed(self) -> None:
        d = decide(request(country="CH", email="jane@acme.ch", phone=None))
        assert_review(d, "no_rule_for_jurisdiction")
        assert d.jurisdiction == "CH"

    def test_same_request_gives_the_same_decision(self) -> None:
        req = request(company=None, relationship=SOFT)
        assert decide(req).to_dict() == decide(req).to_dict()

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def test_random_requests_keep_the_contract(self, data: st.DataObject) -> None:
        req, state, policy, flags = data.draw(_scenarios())
        d = decide(req, state, policy)
        assert_invariants(d, req)
        assert decide(req, state, policy).to_dict() == d.to_dict(), "decisions must be deterministic"
        purpose = req["campaign"].get("purpose", "marketing")
        if flags["erased"]:
            assert_blocked(d, "erased_subject")
        if flags["opted_out_all"] and purpose == "marketing":
            assert_blocked(d, "opted_out")
        if d.jurisdiction is not None and d.jurisdiction in _excluded_countries(req["campaign"]):
            assert_blocked(d, "region_excluded")


# --- Hypothesis strategies --------------------------------------------------------------------------

_COUNTRIES = [
    "AT",
    "BE",
    "BG",
    "CA",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "NO",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
    "GB",
    "US",
    "CH",
    "IS",
    "UK",
]
_EMAILS = [
    "jane.doe@acme.de",
    "info@acme.fr",
    "sales@acme.co.uk",
    "Jane.Doe+x@acme.co.uk",
    "jan@acme.com",
    "hello@acme.io",
    "not-an-email",
    "office@firma.pl",
    "m.rossi@acme.it",
    "support@acme.ca",
]
_PHONES = [
    "+441212345678",
    "+447400123456",
    "+4930123456",
    "+4915123456789",
    "+353850123456",
    "+3532212345",
    "+12015550123",
    "+33123456789",
    "+420212345678",
    "+4721234567",
    "0121 234 5678",
    "12345",
]
_COMPANIES = ["Acme Ltd", "Acme GmbH", "Acme", "Jane Doe Consulting", "Acme Sp. z o.o.", "Acme Inc"]


def _excluded_countries(campaign_: Mapping[str, Any]) -> set[str]:
    groups = {"EU": EU27, "EEA": EEA, "GDPR": GDPR_AREA}
    out: set[str] = set()
    for r in campaign_.get("excluded_regions", []):
        r = r.upper()
        out |= set(groups.get(r, {r} if len(r) == 2 else set()))
    return out


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def _scenarios(draw: st.DrawFn) -> tuple[dict[str, Any], InMemoryState, SubscriberPolicy, dict[str, bool]]:
    contact = {
        "email": draw(_optional(st.sampled_from(_EMAILS))),
        "phone": draw(_optional(st.sampled_from(_PHONES))),
        "name": draw(_optional(st.sampled_from(["Jane Doe", "Mario Rossi"]))),
        "company": draw(_optional(st.sampled_from(_COMPANIES))),
        "country": draw(_optional(st.sampled_from(_COUNTRIES))),
        "region": draw(_optional(st.sampled_from(["US-CA", "US-NY"]))),
        "subscriber_type": draw(
            st.sampled_from(["corporate", "government", "sole_trader", "partnership", "individual", "unknown"])
        ),
        "phone_type": draw(_optional(st.sampled_from(["mobile", "landline", "unknown"]))),
        "in_public_directory": draw(st.booleans()),
    }
    channels = ["email", "sms", "call", "automated_call", "post"]
    req: dict[str, Any] = {
        "contact": {k: v for k, v in contact.items() if v is not None},
        "channel": draw(st.sampled_from(channels)),
        "source": draw(st.sampled_from(["first_party", "third_party"])),
        "campaign": {
            "purpose": draw(st.sampled_from(["marketing", "marketing", "service"])),
            "sender_type": draw(st.sampled_from(["commercial", "charity", "political"])),
            "legal_entity": draw(_optional(st.sampled_from([SENDER, "Other Ltd"]))),
            "products": draw(st.lists(st.sampled_from(["crm", "payroll"]), max_size=2)),
            "consent_purposes": draw(st.sampled_from([["marketing"], ["marketing", "newsletter"]])),
            "lia": draw(st.sampled_from(["passed", "failed", "missing"])),
            "excluded_regions": draw(
                st.lists(st.sampled_from(["EU", "EEA", "GDPR", "GB", "US-CA", "DE", "US"]), max_size=2)
            ),
        },
    }
    if draw(st.booleans()):
        req["consent"] = {
            "status": draw(st.sampled_from(["none", "given", "confirmed", "withdrawn"])),
            "channel": draw(st.sampled_from(channels)),
            "purpose": draw(st.sampled_from(["marketing", "newsletter", "prize_draw"])),
            "method": draw(st.sampled_from(["web_form", "pre_ticked", "double_opt_in_email"])),
        }
    if draw(st.booleans()):
        rel: dict[str, Any] = {
            "kind": draw(st.sampled_from(["customer", "negotiation", "none"])),
            "legal_entity": draw(_optional(st.sampled_from([SENDER, "Other Ltd"]))),
            "products": draw(st.lists(st.sampled_from(["crm", "payroll"]), max_size=2)),
            "opt_out_offered": draw(st.booleans()),
        }
        months = draw(_optional(st.integers(min_value=0, max_value=40)))
        if months is not None:
            rel["last_interaction"] = months_ago(months)
        req["relationship"] = rel

    state = InMemoryState()
    flags = {"erased": False, "opted_out_all": False}
    email = contact["email"]
    email_key = None
    if email:
        try:
            email_key = normalise_email_key(email)
        except ValueError:
            email_key = None
    if email_key and draw(st.booleans()):
        what = draw(st.sampled_from(["suppress", "suppress_domain", "opt_out_all", "opt_out_channel", "erase"]))
        if what == "suppress":
            state.suppressed_emails.add(email_key)
        elif what == "suppress_domain":
            state.suppressed_domains.add(email_key.split("@", 1)[1])
        elif what == "opt_out_all":
            state.opt_out(email_key, "all")
            flags["opted_out_all"] = True
        elif what == "opt_out_channel":
            state.opt_out(email_key, req["channel"])
        else:
            state.erase(email_key)
            flags["erased"] = True
    if draw(st.booleans()):
        age = draw(st.integers(min_value=0, max_value=60))
        for name in draw(st.sampled_from([("TPS",), ("TPS", "CTPS"), ("CTPS",)])):
            state.load_register(RegisterInfo("GB", name, as_of=NOW - timedelta(days=age)), ["+441212345678"])
    policy = draw(st.sampled_from(list(SubscriberPolicy)))
    return req, state, policy, flags
