"""The stateful examples of issue 3, end to end: workspace state → service → decision, on every backend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from lawfulreach.domain.model import Decision
from lawfulreach.rules import default_rulebase
from lawfulreach.schema import parse_request
from lawfulreach.service import Lawfulreach
from lawfulreach.store import Subject, Workspace
from lawfulreach.store.suppression import Entry
from lr_testkit import Clock

CORPORATE_GB = {"country": "GB", "company": "Northwind Ltd", "name": "Jane Doe"}


def service(ws: Workspace, clock: Clock) -> Lawfulreach:
    return Lawfulreach(rulebase=ws.rulebase(default_rulebase()), state=ws.state(), clock=clock)


def decide(svc: Lawfulreach, channel: str = "email", **contact: Any) -> Decision:
    request: dict[str, Any] = {"contact": contact, "channel": channel, "campaign": {"lia": "passed"}}
    return svc.check(parse_request(request))


class TestExclusionMatching:
    """Domain entries cover subdomains; email matching ignores case and +tags; phones match in any format."""

    def test_domain_covers_subdomains(self, ws: Workspace, clock: Clock) -> None:
        ws.suppressions.add(Entry("domain", "example.com"))
        svc = service(ws, clock)
        assert "suppressed_domain" in decide(svc, email="jane@example.com", **CORPORATE_GB).reason_codes
        assert "suppressed_domain" in decide(svc, email="jane@mail.eu.example.com", **CORPORATE_GB).reason_codes
        other = decide(svc, email="jane@notexample.com", **CORPORATE_GB)
        assert other.outcome.value == "allowed"

    def test_plus_tag_and_case_are_ignored(self, ws: Workspace, clock: Clock) -> None:
        ws.suppressions.add(Entry("email", "jane.doe@foo.com"))
        svc = service(ws, clock)
        for written in ("JANE.DOE+promo@Foo.COM", " jane.doe@foo.com ", "Jane.Doe+a+b@foo.com"):
            assert decide(svc, email=written, **CORPORATE_GB).reason_codes[0] == "suppressed_email", written

    def test_opt_out_recorded_with_tag_matches_plain_address(self, ws: Workspace, clock: Clock) -> None:
        ws.ledger.opt_out(Subject("email", "jane@foo.com"))
        assert "opted_out" in decide(service(ws, clock), email="Jane+x@FOO.com", **CORPORATE_GB).reason_codes

    @pytest.mark.parametrize("written", ["+44 20 7946 0018", "+442079460018", "0044 (20) 7946-0018", "020 7946 0018"])
    def test_phone_formats_match(self, ws: Workspace, clock: Clock, written: str) -> None:
        ws.suppressions.add(Entry("phone", "+442079460018"))
        decision = decide(service(ws, clock), "call", phone=written, **CORPORATE_GB)
        assert "suppressed_phone" in decision.reason_codes

    def test_national_register_number_matches_international_request(
        self, ws: Workspace, clock: Clock, write: Callable[[str, str], Path]
    ) -> None:
        ws.dnc.load("GB", "TPS", write("tps.txt", "020 7946 0018\n07400 123456\n"))
        ws.dnc.load("GB", "CTPS", write("ctps.txt", "+44 20 7946 0999\n"))
        svc = service(ws, clock)
        listed = decide(svc, "call", phone="+44 7400 123456", **CORPORATE_GB)
        assert "dnc_registered" in listed.reason_codes
        clean = decide(svc, "call", phone="+44 20 7946 0001", **CORPORATE_GB)
        assert clean.outcome.value == "allowed", clean.reason_codes


class TestOptOuts:
    """An opt-out for one channel blocks that channel; ``all`` (the default) blocks every channel."""

    def test_per_channel(self, ws: Workspace, clock: Clock) -> None:
        ws.ledger.opt_out(Subject("email", "jane@foo.com"), "email")
        svc = service(ws, clock)
        contact = {"email": "jane@foo.com", "phone": "+44 20 7946 0018", **CORPORATE_GB}
        assert "opted_out" in decide(svc, "email", **contact).reason_codes
        assert "opted_out" not in decide(svc, "post", **contact).reason_codes

    def test_all_channels(self, ws: Workspace, clock: Clock) -> None:
        ws.ledger.opt_out(Subject("phone", "+442079460018"))
        svc = service(ws, clock)
        contact = {"email": "jane@foo.com", "phone": "020 7946 0018", **CORPORATE_GB}
        for channel in ("email", "sms", "call", "post"):
            assert "opted_out" in decide(svc, channel, **contact).reason_codes, channel

    def test_takes_effect_for_the_very_next_decision(self, ws: Workspace, clock: Clock) -> None:
        svc = service(ws, clock)
        assert decide(svc, email="jane@foo.com", **CORPORATE_GB).outcome.value == "allowed"
        ws.ledger.opt_out(Subject("email", "jane@foo.com"))
        assert decide(svc, email="jane@foo.com", **CORPORATE_GB).outcome.value == "blocked"

    def test_inline_consent_cannot_override_a_stored_opt_out(self, ws: Workspace, clock: Clock) -> None:
        ws.ledger.opt_out(Subject("email", "jane@foo.com"))
        request = {
            "contact": {"email": "jane@foo.com", **CORPORATE_GB},
            "channel": "email",
            "consent": {"status": "confirmed", "channel": "email", "method": "web_form"},
        }
        assert "opted_out" in service(ws, clock).check(parse_request(request)).reason_codes


class TestErasure:
    """Erase, then re-import: the person is not stored again and stays blocked as ``erased_subject``."""

    def test_erase_then_reimport_is_blocked(
        self, ws: Workspace, clock: Clock, write: Callable[[str, str], Path], settings: Any
    ) -> None:
        csv = write("leads.csv", "Email,First Name,Company,Phone,Country\njane@foo.com,Jane,Foo Ltd,020 7946 0018,GB\n")
        assert ws.contacts.import_file(csv).added == 1
        ws.ledger.record_consent(Subject("email", "jane@foo.com"), "email", "marketing", "web_form")
        ws.suppressions.add(Entry("phone", "+442079460018"))
        report = ws.erase([Subject("email", "jane@foo.com")])
        assert (report.contacts, report.ledger_events, report.exclusion_entries) == (1, 1, 1)
        assert report.hashes_kept == 2  # the email, and the phone found on the contact

        again = ws.contacts.import_file(csv)
        assert (again.added, again.skipped_erased) == (0, 1)
        svc = service(ws, clock)
        for channel, contact in (("email", {"email": "Jane+x@foo.com"}), ("call", {"phone": "+44 20 7946 0018"})):
            decision = decide(svc, channel, **contact, **CORPORATE_GB)
            assert decision.reason_codes[0] == "erased_subject", channel
        # Nothing in any table names her any more.
        with ws.engine.connect() as conn:
            for table in ("contacts", "contact_provenance", "ledger_events", "suppression_entries", "erased_subjects"):
                dump = repr(conn.execute(text(f"SELECT * FROM {table}")).all())
                assert "jane" not in dump.lower(), table
                assert "7946" not in dump, table


class TestDoubleOptInGermany:
    """Germany needs double opt-in: a ledger ``given`` is not enough, a ``confirmed`` is."""

    def test_confirmed_consent_from_the_ledger_allows(self, ws: Workspace, clock: Clock) -> None:
        svc = service(ws, clock)
        contact = {"email": "max@firma.de", "name": "Max Muster", "company": "Firma GmbH", "country": "DE"}
        assert "consent_required" in decide(svc, **contact).reason_codes
        who = Subject("email", "max@firma.de")
        ws.ledger.record_consent(who, "email", "marketing", "web_form")
        assert "double_opt_in_required" in decide(svc, **contact).reason_codes
        clock.advance(minutes=5)
        ws.ledger.record_consent(who, "email", "marketing", "double_opt_in_email", confirmed=True)
        decision = decide(svc, **contact)
        assert decision.outcome.value == "allowed", decision.reason_codes
        assert decision.basis is not None
        assert decision.basis.value == "consent"

    def test_pre_ticked_confirmation_never_counts(self, ws: Workspace, clock: Clock) -> None:
        ws.ledger.record_consent(Subject("email", "max@firma.de"), "email", "marketing", "pre_ticked", confirmed=True)
        contact = {"email": "max@firma.de", "name": "Max Muster", "company": "Firma GmbH", "country": "DE"}
        assert decide(service(ws, clock), **contact).outcome.value == "blocked"
