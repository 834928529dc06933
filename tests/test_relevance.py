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

names = st.lists(st.sampled_from(["TPS", "CTPS", "DNCM"]), max_size=2, unique=True).map(tuple)
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
    """A tenant rule that lets a soft opt-in suffice for calls brings the relationship facts back."""
    from lawfulreach.domain.relevance import irrelevant
    from lawfulreach.rules import load_rulebase

    override = tmp_path / "calls.csv"
    override.write_text("country,channel,level,citation\nGB,call,opt_in_soft,test\n")
    assert "relationship" in irrelevant(Channel.CALL, default_rulebase())
    assert "relationship" not in irrelevant(Channel.CALL, load_rulebase([override]))
