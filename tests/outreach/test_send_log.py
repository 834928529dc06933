"""The send log: one row per campaign version and recipient; claims never hand out a second send,
and a reply's Message-IDs lead back to the recipient (what inbound processing reads)."""

from __future__ import annotations

from lawfulreach.store import Subject, Workspace

C, V = "cmp-1", "cv-aaaa"


def test_a_sent_message_is_found_by_its_message_id(ws: Workspace) -> None:
    log = ws.send_log
    assert log.record_sent(C, V, "Jane@Foo.com", "<abc.1@mail.example>")
    found = log.recipient_for_message_ids(["<zzz@elsewhere>", "<other@x> <abc.1@mail.example>"])
    assert found is not None
    assert (found.email, found.campaign_id, found.campaign_version, found.message_id, found.status) == (
        "jane@foo.com",
        C,
        V,
        "abc.1@mail.example",
        "sent",
    )
    assert log.recipient_for_message_ids(["<nobody@x>"]) is None
    assert log.recipient_for_message_ids([]) is None
    assert log.recipient_for_message_ids(["abc.1@mail.example"]) == found


def test_a_recipient_is_never_claimed_twice_for_a_version(ws: Workspace) -> None:
    log = ws.send_log
    first = log.claim(C, V, "jane@foo.com", "m1@x")
    assert first.granted
    assert first.previous is None
    again = log.claim(C, V, "jane@foo.com", "m2@x")
    assert not again.granted
    assert again.previous == "in_flight"
    assert again.message_id == "m1@x"
    retry = log.claim(C, V, "jane@foo.com", "m3@x", retry_uncertain=True)
    assert retry.granted
    assert retry.message_id == "m1@x"
    log.mark(C, V, "jane@foo.com", "sent")
    assert not log.claim(C, V, "jane@foo.com", "m4@x", retry_uncertain=True, retry_failed=True).granted
    assert log.claim(C, "cv-bbbb", "jane@foo.com", "m5@x").granted  # another version is another send
    entry = log.entry(C, V, "jane@foo.com")
    assert entry is not None
    assert (entry.status, entry.attempts, entry.message_id) == ("sent", 2, "m1@x")


def test_deferred_and_refused_are_retried_failed_only_when_asked(ws: Workspace) -> None:
    log = ws.send_log
    log.claim(C, V, "a@foo.com", "a@x")
    log.mark(C, V, "a@foo.com", "deferred", detail="451 try later")
    assert log.claim(C, V, "a@foo.com", "a2@x").granted
    log.claim(C, V, "b@foo.com", "b@x")
    log.mark(C, V, "b@foo.com", "failed", detail="550 no such user <b@foo.com>")
    assert not log.claim(C, V, "b@foo.com", "b2@x").granted
    assert log.claim(C, V, "b@foo.com", "b2@x", retry_failed=True).granted
    assert log.record_refused(C, V, "c@foo.com", ["opted_out"])
    refused = log.entry(C, V, "c@foo.com")
    assert refused is not None
    assert refused.reasons == ("opted_out",)
    assert refused.message_id is None
    assert log.claim(C, V, "c@foo.com", "c@x").granted
    assert not log.record_refused(C, V, "c@foo.com", ["opted_out"])  # in flight: what happened stays known
    assert log.counts(C, V) == {"in_flight": 3}


def test_erasure_removes_the_persons_rows_and_the_export_lists_them(ws: Workspace) -> None:
    ws.send_log.record_sent(C, V, "jane@foo.com", "m1@x")
    ws.send_log.record_sent(C, V, "bob@foo.com", "m2@x")
    ws.erase([Subject("email", "jane@foo.com")])
    assert ws.send_log.entry(C, V, "jane@foo.com") is None
    assert ws.send_log.recipient_for_message_ids(["m1@x"]) is None
    assert ws.send_log.recipient_for_message_ids(["m2@x"]) is not None


def test_nothing_readable_in_the_row(ws: Workspace) -> None:
    from sqlalchemy import text

    ws.send_log.record_sent(C, V, "zelda.quimby@quimby.example", "unique-msgid-123@mail.example")
    with ws.engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM send_log")).mappings().one()
    flat = repr(dict(row)).lower()
    assert "zelda" not in flat
    assert "unique-msgid-123" not in flat


def test_the_access_export_lists_the_persons_messages(ws: Workspace) -> None:
    from lawfulreach.store.erasure import subject_keys
    from lawfulreach.store.export import collect

    ws.send_log.record_sent(C, V, "jane@foo.com", "<m1@x>")
    ws.send_log.record_sent(C, V, "bob@foo.com", "<m2@x>")
    with ws.scope.reading() as session:
        export = collect(session, ws.scope, subject_keys(session, ws.scope, [Subject("email", "jane@foo.com")]))
    (row,) = export.sections["send_log"]
    assert (row["email"], row["status"], row["message_id"], row["campaign"]) == (
        "jane@foo.com",
        "sent",
        "m1@x",
        {"id": C, "version": V},
    )


def test_what_the_tenant_sent_in_the_last_hour(ws: Workspace) -> None:
    from datetime import timedelta

    ws.send_log.record_sent(C, V, "jane@foo.com", "m1@x")
    ws.send_log.record_sent("other", V, "bob@foo.com", "m2@x")
    ws.send_log.record_refused(C, V, "ann@foo.com", ["opted_out"])
    now = ws.scope.clock()
    assert len(ws.send_log.sent_since(now - timedelta(hours=1))) == 2
    assert ws.send_log.sent_since(now + timedelta(seconds=1)) == []
