"""Privacy requests as a tracked workflow: deadlines from the regime and the tenant's target (frozen
clock), the verification gate, extensions, rejections, and what fulfilling each type does."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import ConflictError, InputError
from lawfulreach.store import Subject, Workspace
from lawfulreach.store.dsar import UnverifiedRequestError, add_months, legal_deadline
from lr_testkit import Clock
from privacy_support import EMAIL, LEADS, NAME, PHONE, populate

Write = Callable[[str, str], Path]
JANE = Subject("email", "jane@example.com")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class TestDeadlines:
    """GDPR/UK GDPR: one calendar month (+2 on extension); CCPA 45 days (+45); target 72 hours."""

    @pytest.mark.parametrize(
        ("received", "months", "due"),
        [
            ("2026-01-15 09:00", 1, "2026-02-15 09:00"),
            ("2026-01-31 09:00", 1, "2026-02-28 09:00"),  # no 31 February: the month's last day
            ("2028-01-31 09:00", 1, "2028-02-29 09:00"),
            ("2026-01-31 09:00", 3, "2026-04-30 09:00"),
            ("2026-11-30 09:00", 3, "2027-02-28 09:00"),
            ("2026-12-15 09:00", 1, "2027-01-15 09:00"),
        ],
    )
    def test_calendar_months(self, received: str, months: int, due: str) -> None:
        assert add_months(at(received), months) == at(due)

    def test_regimes(self) -> None:
        received = at("2026-03-31 10:00")
        assert legal_deadline("gdpr", received) == at("2026-04-30 10:00")
        assert legal_deadline("uk_gdpr", received, extended=True) == at("2026-06-30 10:00")
        assert legal_deadline("ccpa", received) == at("2026-05-15 10:00")
        assert legal_deadline("ccpa", received, extended=True) == at("2026-06-29 10:00")

    def test_a_request_gets_both_dates(self, ws: Workspace, clock: Clock) -> None:
        r = ws.requests.open("access", JANE, received_at=clock.now - timedelta(days=1))
        assert (r.status, r.regime) == ("received", "gdpr")
        assert r.target_due_at == clock.now + timedelta(hours=48)
        assert r.legal_due_at == add_months(clock.now - timedelta(days=1), 1)
        assert r.due_at == r.target_due_at
        gb = ws.requests.open("portability", Subject("phone", "+442079460018"), country="GB")
        ccpa = ws.requests.open("ccpa_know", JANE)
        assert (gb.regime, ccpa.regime, ccpa.legal_due_at) == ("uk_gdpr", "ccpa", clock.now + timedelta(days=45))

    def test_the_tenants_own_target(self, ws: Workspace, clock: Clock) -> None:
        assert ws.requests.target_hours() == 72
        ws.requests.set_target_hours(24)
        assert ws.requests.open("access", JANE).target_due_at == clock.now + timedelta(hours=24)
        with pytest.raises(InputError):
            ws.requests.set_target_hours(0)

    def test_bad_requests(self, ws: Workspace, clock: Clock) -> None:
        with pytest.raises(InputError, match="unknown request type 'delete'"):
            ws.requests.open("delete", JANE)
        with pytest.raises(InputError, match="cannot be handled under gdpr"):
            ws.requests.open("ccpa_delete", JANE, regime="gdpr")
        with pytest.raises(InputError, match="future"):
            ws.requests.open("access", JANE, received_at=clock.now + timedelta(days=1))


class TestAtRisk:
    def test_overdue_and_due_within(self, ws: Workspace, clock: Clock) -> None:
        late = ws.requests.open("access", JANE, received_at=clock.now - timedelta(hours=80))
        soon = ws.requests.open("erasure", JANE, received_at=clock.now - timedelta(hours=60))
        later = ws.requests.open("portability", JANE)
        assert [r.number for r in ws.requests.list(overdue=True)] == [late.number]
        assert [r.number for r in ws.requests.list(due_within=timedelta(hours=24))] == [late.number, soon.number]
        assert [r.number for r in ws.requests.list()] == [late.number, soon.number, later.number]
        clock.advance(days=40)
        past = ws.requests.list(overdue=True)
        assert all(r.past_legal_deadline(clock.now) for r in past)
        assert len(past) == 3

    def test_closed_requests_are_not_at_risk(self, ws: Workspace, clock: Clock) -> None:
        r = ws.requests.open("access", JANE, received_at=clock.now - timedelta(days=5))
        ws.requests.reject(r.number, "manifestly unfounded")
        assert ws.requests.list(overdue=True) == []
        assert [x.status for x in ws.requests.list(include_closed=True)] == ["rejected"]


class TestStates:
    def test_fulfilling_an_unverified_request_fails_clearly(self, ws: Workspace, write: Write) -> None:
        populate(ws, write("leads.csv", LEADS))
        r = ws.requests.open("erasure", Subject("email", EMAIL))
        with pytest.raises(UnverifiedRequestError, match=rf"request {r.number}: .*not been verified.*dsar verify"):
            ws.requests.fulfil(r.number)
        assert ws.contacts.find(email=EMAIL)  # nothing was erased
        assert ws.requests.get(r.number).status == "received"

    def test_extension_once_with_a_reason_within_the_period(self, ws: Workspace, clock: Clock) -> None:
        r = ws.requests.open("access", JANE)
        with pytest.raises(InputError, match="reason"):
            ws.requests.extend(r.number, "  ")
        clock.advance(days=10)
        extended = ws.requests.extend(r.number, "thousands of records across three systems")
        assert (extended.status, extended.extend_reason) == ("extended", "thousands of records across three systems")
        assert extended.legal_due_at == add_months(r.received_at, 3)
        assert extended.due_at == extended.legal_due_at  # the 72-hour target no longer applies
        with pytest.raises(ConflictError, match="extended once"):
            ws.requests.extend(r.number, "again")
        verified = ws.requests.verify(r.number)
        assert (verified.status, verified.verified_at) == ("extended", clock.now)
        late = ws.requests.open("access", JANE)
        clock.advance(days=40)
        with pytest.raises(ConflictError, match="within the original period"):
            ws.requests.extend(late.number, "too late")

    def test_rejection_needs_a_reason_and_closes(self, ws: Workspace) -> None:
        r = ws.requests.open("erasure", JANE)
        rejected = ws.requests.reject(r.number, "identity could not be verified")
        assert (rejected.status, rejected.reject_reason) == ("rejected", "identity could not be verified")
        for act in (ws.requests.verify, lambda n: ws.requests.fulfil(n)):
            with pytest.raises(ConflictError, match="already rejected"):
                act(r.number)

    def test_objection_takes_effect_on_receipt(self, ws: Workspace) -> None:
        r = ws.requests.open("objection", Subject("phone", PHONE))
        assert all(ws.state().is_opted_out(None, PHONE, ch) for ch in Channel)
        with pytest.raises(UnverifiedRequestError):
            ws.requests.fulfil(r.number)
        ws.requests.verify(r.number)
        assert ws.requests.fulfil(r.number).request.status == "fulfilled"

    def test_rectification(self, ws: Workspace, write: Write) -> None:
        populate(ws, write("leads.csv", LEADS))
        r = ws.requests.open("rectification", Subject("phone", PHONE))
        ws.requests.verify(r.number)
        with pytest.raises(InputError, match="cannot correct email"):
            ws.requests.fulfil(r.number, corrections={"email": "x@y.z"})
        done = ws.requests.fulfil(r.number, corrections={"last_name": "Quimby-Smith", "job_title": "CEO"})
        assert done.corrected == 1
        ((contact, _),) = ws.contacts.find(email=EMAIL)
        assert (contact.last_name, contact.job_title, contact.first_name) == ("Quimby-Smith", "CEO", "Zelda")
        assert [a.act for a in ws.audit_show(act="contacts")][-1] == "contacts.rectify"


class TestAccessExport:
    """The export of a sample subject, opened and read back."""

    def test_the_zip_holds_everything_and_a_readable_summary(self, ws: Workspace, write: Write, tmp_path: Path) -> None:
        populate(ws, write("leads.csv", LEADS))
        out = tmp_path / "zelda.zip"
        done = ws.requests.fulfil(1, out=out, controller="Agency Ltd, privacy@agency.example")
        assert done.export_path == out
        assert out.stat().st_mode & 0o077 == 0
        with zipfile.ZipFile(out) as zf:
            names = set(zf.namelist())
            data = json.loads(zf.read("subject.json"))
            contacts = list(csv.DictReader(io.StringIO(zf.read("contacts.csv").decode())))
            ledger = list(csv.DictReader(io.StringIO(zf.read("consent_and_opt_outs.csv").decode())))
            page = zf.read("summary.html").decode()
        assert {"subject.json", "summary.html", "contacts.csv", "sources.csv", "exclusion_entries.csv"} <= names
        assert data["subject"] == {"emails": [EMAIL], "phones": [PHONE]}
        assert [c["name"] for c in contacts] == [NAME]
        assert data["sources"][0]["provider"] == "DataCo Ltd"
        assert {(e["event"], e["channel"]) for e in ledger} == {("given", "email"), ("opt_out", "call")}
        assert {e["value"] for e in data["exclusion_entries"]} == {EMAIL, PHONE}
        assert [r["type"] for r in data["privacy_requests"]] == ["access"]
        assert all("actor" not in a for a in data["activity"])
        for heading in ("What we hold", "Why we hold it", "Where it came from", "Your choices"):
            assert heading in page
        assert "DataCo Ltd" in page
        assert "privacy@agency.example" in page
        assert "object to direct marketing" in page

    def test_imported_text_is_escaped_on_the_page(self, ws: Workspace, write: Write, tmp_path: Path) -> None:
        ws.contacts.import_file(write("x.csv", "email,name\njo@x.com,<script>alert(1)</script>\n"), provider="<b>P</b>")
        r = ws.requests.open("access", Subject("email", "jo@x.com"))
        ws.requests.verify(r.number)
        ws.requests.fulfil(r.number, out=tmp_path / "jo.zip")
        with zipfile.ZipFile(tmp_path / "jo.zip") as zf:
            page = zf.read("summary.html").decode()
        assert "<b>P</b>" not in page
        assert "&lt;b&gt;P&lt;/b&gt;" in page
