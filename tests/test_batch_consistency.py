"""The batch path and single checks must give identical decisions for the same facts (spec §4).

Hypothesis draws contacts, campaigns and tenant state from pools that hit every rule (role and
personal addresses, ccTLDs, national and international phone numbers, legal forms, consent, soft
opt-in relationships, suppressions, opt-outs, erasures, do-not-call registers), then compares, row by
row and channel by channel, the whole decision (outcome, jurisdiction, regimes, basis, requirements,
reasons with messages and citations).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawfulreach.batch.columns import FIELDS
from lawfulreach.batch.rows import request_from_row
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.model import Campaign
from lawfulreach.domain.normalise import normalise_email, normalise_phone
from lawfulreach.domain.state import ConsentRecord, InMemoryState, RegisterInfo
from lawfulreach.domain.vocabulary import (
    Channel,
    ConsentStatus,
    LiaStatus,
    Purpose,
    SenderType,
    SubscriberPolicy,
)
from lawfulreach.rules import default_rulebase
from lawfulreach.service import Lawfulreach

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

EMAILS = [
    "jane.doe@firma.de",
    "Info@firma.de",
    "sales@shop.co.uk",
    "john+news@acme.co.uk",
    "JOHN@ACME.CO.UK",
    "marie@societe.fr",
    "contact@societe.fr",
    "bob@startup.io",
    "hello@startup.com",
    "ana@empresa.es",
    "piet@bedrijf.nl",
    "info@bedrijf.be",
    "ola@firma.no",
    "info@firma.no",
    "jan@firma.cz",
    "x@y",
    "not-an-email",
    "anna@foretag.se",
    "pat@corp.ca",
    "kim@corp.us",
    "sam@dept.gov.uk",
    "lee@a.b.acme.co.uk",
    "ceo@gmbh-beispiel.at",
    "info.de@global.com",
    "mary@domain.ie",
    None,
]
PHONES = [
    "+44 20 7946 0018",
    "020 7946 0018",
    "07700 900123",
    "+44 7700 900123",
    "+49 30 901820",
    "030 901820",
    "+49 1512 3456789",
    "+33 1 42 68 53 00",
    "01 42 68 53 00",
    "+353 1 234 5678",
    "+353 85 123 4567",
    "+420 601 123 456",
    "+47 22 00 00 00",
    "+1 212 555 0123",
    "+1 416 555 0199",
    "(201) 555-0123",
    "+1 506 234 5678",
    "+32 2 123 45 67",
    "0032 2 123 45 67",
    "12345",
    "+31 20 123 4567",
    None,
]
COMPANIES = [
    "Firma GmbH",
    "Acme Ltd",
    "Société SAS",
    "Startup",
    "Smith & Partners",
    "Jane Design",
    None,
    "Corp Inc.",
]
COUNTRIES = [None, None, "DE", "GB", "UK", "FR", "US", "CA", "IE", "CZ", "NO", "BE", "Germany", "ZZ"]
REGIONS = [None, None, "US-CA", "US-NY"]


def _key(raw: str | None, country: str | None = None) -> str | None:
    if raw is None:
        return None
    e = normalise_email(raw).address
    return e or normalise_phone(raw, country).e164


rows = st.fixed_dictionaries(
    {
        "email": st.sampled_from(EMAILS),
        "phone": st.sampled_from(PHONES),
        "name": st.sampled_from([None, "Jane Doe", ""]),
        "first_name": st.sampled_from([None, "Ann"]),
        "last_name": st.sampled_from([None, "Lee"]),
        "company": st.sampled_from(COMPANIES),
        "country": st.sampled_from(COUNTRIES),
        "region": st.sampled_from(REGIONS),
        "subscriber_type": st.sampled_from(
            [None, None, "corporate", "sole_trader", "partnership", "individual", "government"]
        ),
        "phone_type": st.sampled_from([None, None, "mobile", "landline"]),
        "in_public_directory": st.sampled_from([None, "true", "false"]),
        "source": st.sampled_from([None, "first_party", "third_party"]),
        "relationship_kind": st.sampled_from([None, "customer", "negotiation", "none"]),
        "relationship_legal_entity": st.sampled_from([None, "Northwind Ltd", "Other Ltd"]),
        "relationship_products": st.sampled_from([None, "software", "software;training", "cars"]),
        "opt_out_offered": st.sampled_from([None, "true", "false"]),
        "last_interaction": st.sampled_from(
            # Around every relationship window: 3, 6, 18 and 24 months (spec §3, §6).
            [None, *((NOW.date() - timedelta(days=d)).isoformat() for d in (10, 80, 100, 150, 200, 500, 600, 800))]
        ),
        "consent_status": st.sampled_from([None, "given", "confirmed", "withdrawn", "none"]),
        "consent_channel": st.sampled_from([None, "email", "call", "automated_call", "sms"]),
        "consent_purpose": st.sampled_from([None, "marketing", "newsletter"]),
        "consent_method": st.sampled_from([None, "web_form", "pre_ticked", "Pre-Ticked"]),
    }
)

campaigns = st.builds(
    Campaign,
    name=st.just("prop"),
    purpose=st.sampled_from(list(Purpose)),
    sender_type=st.sampled_from(list(SenderType)),
    legal_entity=st.sampled_from([None, "Northwind Ltd", "northwind  ltd"]),
    products=st.sampled_from([(), ("Software",), ("cars", "boats")]),
    consent_purposes=st.sampled_from([("marketing",), ("marketing", "newsletter")]),
    lia=st.sampled_from(list(LiaStatus)),
    excluded_regions=st.sampled_from([(), ("EU",), ("US-CA",), ("GB", "EEA"), ("GDPR",), ("FR",)]),
)


@st.composite
def states(draw: st.DrawFn) -> InMemoryState:
    state = InMemoryState(secret_key=b"k" * 32)
    keys = [k for k in (_key(e) for e in EMAILS) if k] + [k for k in (_key(p, "GB") for p in PHONES) if k]
    for k in draw(st.lists(st.sampled_from(keys), max_size=3)):
        if "@" in k:
            state.suppressed_emails.add(k)
        else:
            state.suppressed_phones.add(k)
    for d in draw(st.lists(st.sampled_from(["acme.co.uk", "co.uk", "firma.de", "b.acme.co.uk"]), max_size=2)):
        state.suppressed_domains.add(d)
    for k in draw(st.lists(st.sampled_from(keys), max_size=2)):
        state.erase(k)
    for k in draw(st.lists(st.sampled_from(keys), max_size=3)):
        state.opt_out(k, draw(st.sampled_from(["all", "email", "call", "sms"])))
    for k in draw(st.lists(st.sampled_from(keys), max_size=4)):
        state.record_consent(
            k,
            ConsentRecord(
                draw(st.sampled_from([ConsentStatus.GIVEN, ConsentStatus.CONFIRMED, ConsentStatus.WITHDRAWN])),
                draw(st.sampled_from(list(Channel))),
                draw(st.sampled_from(["marketing", "newsletter"])),
                draw(st.sampled_from([None, "web_form", "pre_ticked"])),
            ),
        )
    for country, name in draw(
        st.lists(
            st.sampled_from(
                [
                    ("GB", "TPS"),
                    ("GB", "CTPS"),
                    ("IE", "NDD"),
                    ("BE", "DNCM"),
                    ("US", "NDNC"),
                    ("US", "National DNC"),
                    ("CA", "DNCL"),
                ]
            ),
            max_size=5,
            unique=True,
        )
    ):
        age = draw(st.sampled_from([1, 10, 40]))
        listed = draw(st.lists(st.sampled_from([p for p in PHONES if p]), max_size=4))
        state.load_register(
            RegisterInfo(country, name, NOW - timedelta(days=age)),
            [e for e in (normalise_phone(p, country).e164 for p in listed) if e],
        )
    return state


class TestBatchAgreesWithSingleChecks:
    """Every row × channel decided on the batch path as ``lawfulreach screen`` runs it
    (``Lawfulreach.screen``) equals ``Lawfulreach.check`` on that row, record fields included."""

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        batch=st.lists(rows, min_size=1, max_size=25),
        campaign=campaigns,
        state=states(),
        policy=st.sampled_from(list(SubscriberPolicy)),
    )
    def test_identical_decisions(
        self,
        batch: list[dict[str, str | None]],
        campaign: Campaign,
        state: InMemoryState,
        policy: SubscriberPolicy,
    ) -> None:
        rb = default_rulebase()
        frame = pl.DataFrame(batch, schema=dict.fromkeys(FIELDS, pl.String))
        channels = list(Channel)
        service = Lawfulreach(rulebase=rb, state=state, subscriber_policy=policy, clock=lambda: NOW)
        result = service.screen(frame, channels, campaign, BatchSnapshot.from_memory(state))
        for ch in channels:
            for i, row in enumerate(batch):
                single = service.check(request_from_row(row, ch, campaign))
                batched = result.decision(ch, i)
                assert batched.to_dict() == single.to_dict(), f"row {i} {ch.value}: {row}"
                assert batched == single, f"row {i} {ch.value}: record fields differ"

    def test_rules_run_once_per_distinct_tuple(self) -> None:
        """A thousand identical rows collapse to one fact tuple and one decision per channel."""
        row = {"email": "jane.doe@firma.de", "company": "Firma GmbH", "country": "DE"}
        frame = pl.DataFrame([row] * 1000)
        campaign = Campaign(lia=LiaStatus.PASSED)
        results = (
            Lawfulreach(rulebase=default_rulebase(), clock=lambda: NOW)
            .screen(frame, [Channel.EMAIL], campaign, BatchSnapshot.from_memory(InMemoryState()))
            .results
        )
        assert len(results[Channel.EMAIL].decisions) == 1
        assert results[Channel.EMAIL].decisions[0].reason_codes == ("consent_required",)


def test_relationship_dates_are_relative_to_the_run_clock() -> None:
    """CASL windows are measured from the clock passed in, not from today's date."""
    row = {
        "email": "pat@corp.ca",
        "country": "CA",
        "relationship_kind": "customer",
        "relationship_legal_entity": "Northwind Ltd",
        "last_interaction": date(2025, 1, 1).isoformat(),
    }
    campaign = Campaign(legal_entity="Northwind Ltd")
    rb = default_rulebase()
    snap = BatchSnapshot.from_memory(InMemoryState())
    service = Lawfulreach(rulebase=rb)
    early = service.screen(pl.DataFrame([row]), [Channel.EMAIL], campaign, snap, now=datetime(2026, 11, 25, tzinfo=UTC))
    late = service.screen(pl.DataFrame([row]), [Channel.EMAIL], campaign, snap, now=datetime(2027, 6, 1, tzinfo=UTC))
    assert early.frame["email_outcome"][0] == "allowed"
    assert late.frame["email_outcome"][0] == "blocked"


NA_PHONES = ["+1 212 555 0123", "(212) 555-0100", "+1 416 555 0199", "416 555 0100", "+1 506 234 5678", None]

na_rows = st.fixed_dictionaries(
    {
        "phone": st.sampled_from(NA_PHONES),
        "email": st.sampled_from([None, "pat@corp.ca", "kim@corp.us"]),
        "company": st.sampled_from([None, "Lee Studio", "Corp Inc.", "Smith & Partners"]),
        "country": st.sampled_from([None, "US", "CA"]),
        "subscriber_type": st.sampled_from(
            [None, "corporate", "government", "sole_trader", "partnership", "individual", "unknown"]
        ),
        "relationship_kind": st.sampled_from([None, "customer", "customer", "negotiation", "negotiation", "none"]),
        "relationship_legal_entity": st.sampled_from([None, "Northwind Ltd", "Northwind Ltd", "Other Inc"]),
        # Inside and outside 3, 6, 18 and 24 months (spec §6 windows, CASL for texts).
        "last_interaction": st.sampled_from(
            [None, *((NOW.date() - timedelta(days=d)).isoformat() for d in (30, 85, 95, 175, 190, 540, 560, 800))]
        ),
        "consent_status": st.sampled_from([None, "given", "withdrawn"]),
        "consent_channel": st.sampled_from([None, "sms", "call", "automated_call", "email"]),
    }
)


@st.composite
def na_states(draw: st.DrawFn) -> InMemoryState:
    """US National DNC and Canada's DNCL missing, fresh or stale, listing some of the numbers."""
    state = InMemoryState(secret_key=b"k" * 32)
    for country, name in draw(st.lists(st.sampled_from([("US", "National DNC"), ("CA", "DNCL")]), unique=True)):
        listed = draw(st.lists(st.sampled_from([p for p in NA_PHONES if p]), max_size=3))
        state.load_register(
            RegisterInfo(country, name, NOW - timedelta(days=draw(st.sampled_from([2, 45])))),
            [e for e in (normalise_phone(p, country).e164 for p in listed) if e],
        )
    return state


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batch=st.lists(na_rows, min_size=1, max_size=20),
    state=na_states(),
    policy=st.sampled_from(list(SubscriberPolicy)),
)
def test_north_american_rules_agree_in_batch_and_single_checks(
    batch: list[dict[str, str | None]], state: InMemoryState, policy: SubscriberPolicy
) -> None:
    """Spec §6 (texts, registers by subscriber type, relationship windows, automated-call consent):
    the batch path gives every row the single check's whole decision."""
    rb = default_rulebase()
    campaign = Campaign(name="na", legal_entity="Northwind Ltd", products=("crm",), lia=LiaStatus.PASSED)
    frame = pl.DataFrame(batch, schema=dict.fromkeys(FIELDS, pl.String))
    channels = [Channel.SMS, Channel.CALL, Channel.AUTOMATED_CALL]
    service = Lawfulreach(rulebase=rb, state=state, subscriber_policy=policy, clock=lambda: NOW)
    result = service.screen(frame, channels, campaign, BatchSnapshot.from_memory(state))
    for ch in channels:
        for i, row in enumerate(batch):
            single = service.check(request_from_row(row, ch, campaign))
            assert result.decision(ch, i).to_dict() == single.to_dict(), f"row {i} {ch.value}: {row}"
            assert result.decision(ch, i) == single, f"row {i} {ch.value}: record fields differ"
