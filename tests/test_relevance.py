"""The relevance table is true: resetting a fact the engine does not read never changes a decision."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lawfulreach.domain.engine import decide
from lawfulreach.domain.facts import Facts
from lawfulreach.domain.relevance import canonical
from lawfulreach.domain.vocabulary import (
    AddressKind,
    AddressStatus,
    Channel,
    ConsentStatus,
    LiaStatus,
    PhoneType,
    Purpose,
    RelationshipKind,
    SenderType,
    Source,
    SubscriberPolicy,
    SubscriberType,
)
from lawfulreach.rules import default_rulebase

names = st.lists(st.sampled_from(["TPS", "CTPS", "DNCM", "National DNC", "DNCL"]), max_size=2, unique=True).map(tuple)
facts = st.builds(
    Facts,
    channel=st.sampled_from(list(Channel)),
    purpose=st.sampled_from(list(Purpose)),
    sender_type=st.sampled_from(list(SenderType)),
    source=st.sampled_from(list(Source)),
    jurisdiction=st.sampled_from([None, "GB", "DE", "IE", "CZ", "CA", "US", "NO", "BE", "FR", "JP"]),
    region=st.sampled_from([None, "US-CA"]),
    email_status=st.sampled_from(list(AddressStatus)),
    phone_status=st.sampled_from(list(AddressStatus)),
    address_kind=st.sampled_from([None, *AddressKind]),
    has_name=st.booleans(),
    subscriber_type=st.sampled_from(list(SubscriberType)),
    phone_type=st.sampled_from(list(PhoneType)),
    in_public_directory=st.booleans(),
    consent_status=st.sampled_from(list(ConsentStatus)),
    consent_channel_ok=st.booleans(),
    consent_purpose_ok=st.booleans(),
    consent_pre_ticked=st.booleans(),
    relationship=st.sampled_from(list(RelationshipKind)),
    same_legal_entity=st.booleans(),
    products_overlap=st.booleans(),
    opt_out_offered=st.booleans(),
    relationship_recent=st.booleans(),
    has_last_interaction=st.booleans(),
    lia=st.sampled_from(list(LiaStatus)),
    excluded_regions=st.sampled_from([(), ("EU",), ("US-CA",)]),
    erased=st.booleans(),
    suppressed_email=st.booleans(),
    suppressed_domain=st.booleans(),
    suppressed_phone=st.booleans(),
    opted_out=st.booleans(),
    dnc_listed=names,
    dnc_missing=names,
    dnc_stale=names,
    subscriber_policy=st.sampled_from(list(SubscriberPolicy)),
)


@settings(max_examples=3000, deadline=None)
@given(facts)
def test_irrelevant_facts_do_not_change_the_decision(f: Facts) -> None:
    rb = default_rulebase()
    assert decide(canonical(f, rb), rb) == decide(f, rb)


def test_relationship_matters_for_calls_once_a_call_rule_allows_a_soft_opt_in(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A tenant rule that lets a soft opt-in suffice for calls brings the relationship facts back
    everywhere; without one, calls read the relationship only where an established business
    relationship exempts them from the register (spec §6: the US and Canada)."""
    from lawfulreach.domain.relevance import irrelevant, only_in
    from lawfulreach.rules import load_rulebase

    override = tmp_path / "calls.csv"
    override.write_text("country,channel,level,citation\nGB,call,opt_in_soft,test\n")
    shipped = default_rulebase()
    assert "products_overlap" in irrelevant(Channel.CALL, shipped)
    assert only_in(Channel.CALL, shipped)["relationship"] == {"US", "CA"}
    assert only_in(Channel.CALL, shipped)["relationship_recent"] == {"US", "CA"}
    assert only_in(Channel.AUTOMATED_CALL, shipped)["relationship"] == frozenset()
    tenant = load_rulebase([override])
    assert "products_overlap" not in irrelevant(Channel.CALL, tenant)
    assert "relationship" not in irrelevant(Channel.CALL, tenant)
    assert "relationship" not in only_in(Channel.CALL, tenant)


def test_relationship_window_is_read_only_where_one_applies() -> None:
    """CASL's implied consent for Canadian emails and texts; nowhere else for email."""
    from lawfulreach.domain.relevance import only_in

    rb = default_rulebase()
    assert only_in(Channel.EMAIL, rb)["relationship_recent"] == {"CA"}
    assert only_in(Channel.SMS, rb)["relationship_recent"] == {"CA"}
