"""The ``BatchSnapshot`` contract since issue 4: person keys are blind indexes, hashed with the one
``keyed_hash`` function the store uses, so the batch path and single checks agree."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from lawfulreach.batch.rows import request_from_row
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.model import Campaign
from lawfulreach.domain.state import ConsentRecord, InMemoryState, KeyedHasher, keyed_hash
from lawfulreach.domain.vocabulary import Channel, ConsentStatus, LiaStatus
from lawfulreach.rules import default_rulebase
from lawfulreach.service import Lawfulreach
from lawfulreach.store import Subject, Workspace
from lawfulreach.store.suppression import Entry
from lr_testkit import Clock


@given(key=st.binary(min_size=0, max_size=100), values=st.lists(st.text(max_size=40), max_size=5))
def test_the_fast_hasher_is_hmac_sha256(key: bytes, values: list[str]) -> None:
    expected = [hmac.new(key, v.encode(), hashlib.sha256).hexdigest() for v in values]
    hasher = KeyedHasher(key)
    assert hasher.many(values) == expected == [keyed_hash(key, v) for v in values] == [hasher(v) for v in values]


def test_from_memory_hashes_person_keys_and_keeps_domains_and_numbers() -> None:
    key = b"k" * 32
    state = InMemoryState(secret_key=key, suppressed_emails={"a@x.com"}, suppressed_domains={"x.org"})
    state.suppressed_phones.add("+442079460018")
    state.opt_out("b@x.com", "sms")
    state.record_consent("+33123456789", ConsentRecord(ConsentStatus.GIVEN, Channel.CALL, "marketing", "verbal"))
    state.erase("gone@x.com")
    snap = BatchSnapshot.from_memory(state)
    h = KeyedHasher(key)
    assert snap.suppressed_emails.to_list() == [h("a@x.com")]
    assert snap.suppressed_phones.to_list() == [h("+442079460018")]
    assert snap.suppressed_domains.to_list() == ["x.org"]
    assert snap.erased_hashes.to_list() == [h("gone@x.com")]
    assert snap.opt_outs.rows() == [(h("b@x.com"), "sms")]
    assert snap.consents["key"].to_list() == [h("+33123456789")]
    assert snap.index_of(["a@x.com", "gone@x.com"]) == [h("a@x.com"), h("gone@x.com")]
    assert snap.needs_index()
    assert not BatchSnapshot.from_memory(InMemoryState(suppressed_domains={"x.org"})).needs_index()


def test_the_stored_snapshot_uses_the_stores_blind_indexes(ws: Workspace) -> None:
    ws.suppressions.add(Entry("email", "a@x.com"))
    ws.ledger.opt_out(Subject("phone", "+442079460018"))
    snap = ws.batch_snapshot()
    assert snap.secret_key == ws.scope.key
    assert snap.suppressed_emails.to_list() == snap.index_of(["a@x.com"]) == [ws.scope.index("a@x.com")]
    assert snap.opt_outs["key"].to_list() == [ws.scope.index("+442079460018")]


def test_stored_state_screens_as_single_checks_decide(ws: Workspace, clock: Clock) -> None:
    """The batch path over a stored workspace and single checks through ``Workspace.state()`` agree
    on every contact that exclusions, opt-outs, consents and erasures concern."""
    ws.suppressions.add(Entry("email", "listed@firma.de"))
    ws.suppressions.add(Entry("phone", "+442079460018"))
    ws.ledger.opt_out(Subject("email", "out@firma.de"))
    ws.ledger.record_consent(Subject("email", "yes@firma.de"), "email", "marketing", "web_form", confirmed=True)
    ws.erase([Subject("email", "gone@firma.de")])
    rows = [
        {"email": e, "phone": p, "company": "Firma GmbH", "country": c}
        for e, p, c in (
            ("Listed+x@Firma.de", None, "DE"),
            ("out@firma.de", None, "DE"),
            ("yes@firma.de", None, "DE"),
            ("gone@firma.de", None, "DE"),
            ("other@firma.de", "020 7946 0018", "GB"),
            ("free@firma.de", None, "DE"),
        )
    ]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(("email", "phone", "company", "country"), pl.String))
    campaign = Campaign(lia=LiaStatus.PASSED)
    rb = default_rulebase()
    now = clock()
    channels = [Channel.EMAIL, Channel.CALL]
    service = Lawfulreach(rulebase=rb, state=ws.state(), clock=lambda: now)
    result = service.screen(frame, channels, campaign, ws.batch_snapshot())
    for ch in channels:
        for i, row in enumerate(rows):
            single = service.check(request_from_row(row, ch, campaign))
            batched = result.decision(ch, i)
            assert batched.to_dict() == single.to_dict(), f"row {i} {ch.value}: {row}"
            assert batched == single, f"row {i} {ch.value}: record fields differ"
