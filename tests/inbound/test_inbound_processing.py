"""Inbound processing end to end on a real workspace (both databases): each class's effect, recorded
in the same transaction as the message, once; matching through the send log; erasure and the dump.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from lawfulreach.commands.inbound import process_message
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import MessageError
from lawfulreach.store import Subject, Workspace, WorkspaceSettings, rotation
from lawfulreach.store.outreach.inbound_log import InboundRow
from lr_testkit import Clock
from privacy_support import dump

CORPUS = Path(__file__).parent.parent / "fixtures" / "inbound"
PERSON = "Anna.Berg+news@Prospect.example"
ANNA = "anna.berg@prospect.example"


def reply(body: str, *, sender: str = PERSON, subject: str = "Re: Invoices", mid: str = "r1", extra: str = "") -> bytes:
    return (
        f"From: Anna Berg <{sender}>\r\nTo: Sam <sam@seller.example>\r\nSubject: {subject}\r\n"
        f"Message-ID: <{mid}@prospect.example>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n{extra}"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n\r\nOn Fri, 20 Nov 2026, Sam <sam@seller.example> wrote:\r\n> Hello Anna\r\n"
        "> To unsubscribe click https://seller.example/u/xyz\r\n"
    ).encode()


def dsn(recipient: str, status: str, action: str = "failed", mid: str = "b1") -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.prospect.example>\r\nTo: sam@seller.example\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <{mid}@mx.prospect.example>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.prospect.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: {status}\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: sam@seller.example\r\n"
        f"To: {recipient}\r\nMessage-ID: <sent-1@seller.example>\r\nSubject: Invoices\r\n\r\n--B--\r\n"
    ).encode()


def arf(recipient: str | None, mid: str = "c1") -> bytes:
    rcpt = f"Original-Rcpt-To: {recipient}\r\n" if recipient else ""
    return (
        "From: feedback@arf.provider.example\r\nTo: abuse@seller.example\r\nSubject: FW: Invoices\r\n"
        f"Message-ID: <{mid}@arf.provider.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=feedback-report; boundary="F"\r\n\r\n'
        "--F\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report.\r\n"
        "--F\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: X/1.0\r\n"
        f"Version: 1\r\n{rcpt}\r\n"
        "--F\r\nContent-Type: message/rfc822\r\n\r\nFrom: sam@seller.example\r\nTo: redacted@provider.example\r\n"
        "Message-ID: <sent-9@seller.example>\r\nSubject: Invoices\r\n\r\nHello\r\n--F--\r\n"
    ).encode()


class TestEffects:
    """What each class does to the workspace."""

    def test_an_opt_out_reply_opts_out_every_channel_with_the_message_id_as_source(self, ws: Workspace) -> None:
        result = process_message(ws, reply("Please take me off your list."))
        assert result.classification.kind.value == "opt_out"
        assert result.recipients == (ANNA,)
        state = ws.state()
        for channel in Channel:
            assert state.is_opted_out(ANNA, None, channel)
        (event,) = ws.ledger.history(Subject("email", ANNA))
        assert (event.event, event.channel, event.method) == ("opt_out", "all", "reply")
        assert event.source is not None
        assert "r1@prospect.example" in event.source
        assert [r.act for r in ws.audit_show(act="inbound")] == ["inbound.process"]

    def test_the_same_message_twice_is_processed_once(self, ws: Workspace) -> None:
        first = process_message(ws, reply("unsubscribe"))
        second = process_message(ws, reply("unsubscribe"))
        assert not first.duplicate
        assert second.duplicate
        assert len(ws.ledger.history(Subject("email", ANNA))) == 1

    def test_a_message_without_message_id_is_keyed_by_its_content(self, ws: Workspace) -> None:
        raw = b"From: anna@prospect.example\r\nSubject: stop\r\n\r\nSTOP\r\n"
        assert not process_message(ws, raw).duplicate
        assert process_message(ws, raw).duplicate
        assert not process_message(ws, raw.replace(b"STOP", b"stop please")).duplicate

    def test_a_privacy_request_is_opened_unverified_with_its_deadlines(self, ws: Workspace) -> None:
        result = process_message(ws, reply("What data do you hold on me? Then delete my data."))
        assert set(result.classification.request_types) == {"access", "erasure"}
        requests = ws.requests.list()
        assert sorted(r.request_type for r in requests) == ["access", "erasure"]
        assert all(r.subject == ANNA and r.status == "received" and r.verified_at is None for r in requests)
        assert all(r.legal_due_at > r.received_at for r in requests)
        assert ws.state().is_opted_out(ANNA, None, Channel.CALL)  # an erasure request also opts out

    def test_a_rectification_request_is_opened_without_an_opt_out(self, ws: Workspace) -> None:
        result = process_message(ws, reply("You have my name wrong, it is Anna. Please correct your records."))
        assert result.classification.request_types == ("rectification",)
        assert [(r.request_type, r.status) for r in ws.requests.list()] == [("rectification", "received")]
        assert not ws.state().is_opted_out(ANNA, None, Channel.EMAIL)

    def test_a_hard_bounce_excludes_the_address(self, ws: Workspace) -> None:
        result = process_message(ws, dsn("Gone@Prospect.example", "5.1.1"))
        assert result.classification.kind.value == "hard_bounce"
        (entry,) = ws.suppressions.entries()
        assert (entry.value, entry.reason, entry.source) == ("gone@prospect.example", "hard bounce", "bounce")

    def test_soft_bounces_exclude_the_address_at_the_limit(self, ws: Workspace) -> None:
        for n in range(1, 3):
            process_message(ws, dsn("full@prospect.example", "4.2.2", "delayed", mid=f"s{n}"), soft_bounce_limit=3)
            assert ws.suppressions.entries() == []
        result = process_message(ws, dsn("full@prospect.example", "4.2.2", "delayed", mid="s3"), soft_bounce_limit=3)
        assert result.recorded is not None
        assert result.recorded.soft_counts == {"full@prospect.example": 3}
        (entry,) = ws.suppressions.entries()
        assert entry.reason == "3 soft bounces"
        assert ws.inbound.soft_bounces("full@prospect.example") == 3

    def test_a_complaint_opts_out_the_original_recipient(self, ws: Workspace) -> None:
        result = process_message(ws, arf("Anna.Berg@prospect.example"))
        assert result.classification.kind.value == "complaint"
        assert ws.state().is_opted_out(ANNA, None, Channel.SMS)
        (event,) = ws.ledger.history(Subject("email", ANNA))
        assert event.method == "complaint"

    def test_an_automatic_reply_is_counted_and_keeps_nothing_about_anyone(self, ws: Workspace) -> None:
        raw = reply(
            "I am out of the office.", subject="Automatic reply: Invoices", extra="Auto-Submitted: auto-replied\r\n"
        )
        result = process_message(ws, raw)
        assert result.classification.kind.value == "auto_reply"
        assert ws.inbound.counts() == {"auto_reply": 1}
        with ws.scope.reading() as session:
            (row,) = session.scalars(select(InboundRow))
            assert (row.subject_index, row.sealed, row.effect) == (None, None, "ignored")
        assert ws.ledger.history(Subject("email", ANNA)) == []

    def test_anything_else_is_left_for_a_person_without_its_body(self, ws: Workspace) -> None:
        process_message(ws, reply("Sounds good - call me Thursday about the quarterly numbers."))
        (record,) = ws.inbound.records(kind="other")
        assert (record.address, record.subject, record.effect) == (ANNA, "Re: Invoices", "for review")
        assert b"quarterly" not in dump(ws)

    def test_a_dry_run_records_nothing(self, ws: Workspace) -> None:
        result = process_message(ws, reply("unsubscribe"), dry_run=True)
        assert result.classification.opt_out
        assert result.recorded is None
        assert ws.ledger.history(Subject("email", ANNA)) == []
        assert ws.inbound.counts() == {}

    def test_bytes_that_are_no_message_are_refused_and_change_nothing(self, ws: Workspace) -> None:
        with pytest.raises(MessageError, match="not an email message"):
            process_message(ws, b"just some words\nand more\n")
        assert ws.inbound.counts() == {}


class TestAtRest:
    def test_the_log_holds_no_address_subject_or_message_id_in_the_clear(self, ws: Workspace) -> None:
        process_message(ws, reply("Please remove Anna Berg from your list."))
        process_message(ws, reply("Who is this?", subject="Question from Anna Berg", mid="r2"))
        process_message(ws, dsn("gone.person@prospect.example", "5.1.1"))
        text = dump(ws).lower()
        for needle in (b"anna", b"berg", b"gone.person", b"prospect.example", b"question from"):
            assert needle not in text, needle


class TestMatching:
    """Whom a message concerns: the send log first, the sender (or the report) otherwise."""

    def test_a_reply_from_another_address_opts_out_the_recipient_and_the_sender(self, ws: Workspace) -> None:
        ws.send_log.record_sent("cmp", "v1", ANNA, "<sent-1@seller.example>")
        raw = reply(
            "Remove us please.", sender="colleague@prospect.example", extra="In-Reply-To: <sent-1@seller.example>\r\n"
        )
        result = process_message(ws, raw)
        assert result.matched_by == "send log"
        assert set(result.recipients) == {ANNA, "colleague@prospect.example"}
        assert ws.state().is_opted_out(ANNA, None, Channel.EMAIL)
        assert ws.state().is_opted_out("colleague@prospect.example", None, Channel.EMAIL)

    def test_a_redacted_complaint_finds_the_recipient_through_the_returned_message_id(self, ws: Workspace) -> None:
        ws.send_log.record_sent("cmp", "v1", ANNA, "<sent-9@seller.example>")
        result = process_message(ws, arf(None))
        assert ANNA in result.recipients
        assert ws.state().is_opted_out(ANNA, None, Channel.EMAIL)


class TestErasure:
    def test_erasure_strips_the_log_and_a_re_import_stays_a_no_op(self, ws: Workspace) -> None:
        process_message(ws, reply("unsubscribe"))
        process_message(ws, reply("Who are you?", subject="Question from Anna Berg", mid="r2"))
        report = ws.erase([Subject("email", ANNA)])
        assert report.other_records == 2
        text = dump(ws).lower()
        assert b"anna" not in text
        assert b"prospect.example" not in text
        assert process_message(ws, reply("unsubscribe")).duplicate  # no one is stored again
        assert ws.inbound.records(kind="other")[0].address is None


class TestKeyRotation:
    def test_the_log_moves_to_the_new_key_and_stays_readable(
        self, ws: Workspace, settings: WorkspaceSettings, clock: Clock
    ) -> None:
        process_message(ws, reply("Sounds good, call me.", subject="Re: Invoices"))
        report = rotation.rotate(settings, clock=clock)
        assert report.completed
        assert report.rows["inbound_messages"] == 1
        with Workspace.open(settings, clock=clock) as fresh:
            (record,) = fresh.inbound.records(kind="other")
            assert (record.address, record.subject) == (ANNA, "Re: Invoices")


class TestCorpusImport:
    """The labelled corpus's sisimai DSNs and ARF reports, recorded (not only classified)."""

    def test_real_bounces_and_complaints_take_effect(self, ws: Workspace) -> None:
        for name in ("rfc3464-26.eml", "arf-01.eml"):
            process_message(ws, (CORPUS / "sisimai" / name).read_bytes(), name)
        counts = ws.inbound.counts()
        assert counts == {"hard_bounce": 1, "complaint": 1}
        assert [e.source for e in ws.suppressions.entries()] == ["bounce"]
