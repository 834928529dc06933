"""Erasure leaves no personal data anywhere in the database — plaintext or unkeyed hash — on both
databases; a failure half-way leaves the person fully present, never half-erased."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from lawfulreach.domain.state import keyed_hash
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.store import Subject, Workspace, subject_data
from lawfulreach.store.models import Contact
from privacy_support import EMAIL, LEADS, OTHER_EMAIL, PHONE, dump, found, needles, populate, raw_files

Write = Callable[[str, str], Path]


class TestErasureLeavesNothing:
    """After ``erase`` the only trace of the person is the keyed hash (and audit references to it)."""

    def test_dump_holds_no_personal_data_after_erasure(self, ws: Workspace, write: Write) -> None:
        populate(ws, write("leads.csv", LEADS))
        report = ws.erase([Subject("email", EMAIL)])
        assert (report.contacts, report.hashes_kept) == (1, 2)  # the phone came with the contact
        assert report.ledger_events == 2
        assert report.exclusion_entries == 2
        assert report.requests_scrubbed == 1

        text = dump(ws)
        assert found(text, needles()) == []
        # what is left is keyed: the erased hashes, which also name the person in the audit trail
        assert keyed_hash(ws.scope.key, EMAIL).encode() in text
        assert keyed_hash(ws.scope.key, PHONE).encode() in text
        # and the other person, and the company's domain entry, are untouched
        assert ws.contacts.find(email=OTHER_EMAIL)
        assert [(e.kind, e.value) for e in ws.suppressions.entries()] == [("domain", "quimby-widgets.example")]
        state = ws.state()
        assert state.is_erased(EMAIL, None)
        assert state.is_erased(None, PHONE)
        ws.audit_verify()

    def test_erasure_through_a_privacy_request(self, ws: Workspace, write: Write) -> None:
        populate(ws, write("leads.csv", LEADS))
        request = ws.requests.open("erasure", Subject("phone", PHONE))
        ws.requests.verify(request.number)
        done = ws.requests.fulfil(request.number)
        assert done.erasure is not None
        assert done.erasure.contacts == 1
        assert done.request.status == "fulfilled"
        assert done.request.subject is None
        assert found(dump(ws), needles()) == []
        assert [(r.number, r.status, r.subject) for r in ws.requests.list(include_closed=True)] == [
            (1, "verified", None),  # the earlier access request: kept, stripped of the person
            (2, "fulfilled", None),
        ]

    def test_sqlite_file_keeps_no_copy_of_deleted_cells(self, sqlite_ws: Workspace, write: Write) -> None:
        """``secure_delete`` and the WAL truncation: the encrypted blobs themselves are gone from the
        file's free pages, not merely unlinked. (PostgreSQL keeps dead tuples until VACUUM:
        docs/security.md.)"""
        ws = sqlite_ws

        @event.listens_for(ws.engine, "connect")
        def _insecure(dbapi_connection: Any, _record: Any) -> None:  # as builds without SECURE_DELETE are
            dbapi_connection.execute("PRAGMA secure_delete = OFF")

        ws.engine.dispose()
        populate(ws, write("leads.csv", LEADS))
        with ws.scope.reading() as session:
            found_blob = session.scalar(select(Contact.sealed).where(Contact.email_index == ws.scope.index(EMAIL)))
        blob = bytes(found_blob or b"")
        assert len(blob) > 48
        ws.engine.dispose()  # checkpoint: the blob is now in the main file
        assert blob[16:48] in raw_files(ws)
        ws.erase([Subject("email", EMAIL)])
        ws.engine.dispose()
        data = raw_files(ws)
        assert blob[16:48] not in data
        assert found(data, needles(hashes=False)) == []


class _Exploding:
    """A registered holder that fails after the erasure has deleted everything else."""

    name = "exploding"

    def export(self, session: Any, scope: Any, subject: Any) -> list[dict[str, Any]]:
        return []

    def erase(self, session: Any, scope: Any, subject: Any) -> int:
        raise RuntimeError("disk on fire half-way through the erasure")


class TestErasureIsAtomic:
    """A crash during erasure leaves the person either fully present or fully erased, never half."""

    def test_failure_half_way_leaves_everything(self, ws: Workspace, write: Write) -> None:
        populate(ws, write("leads.csv", LEADS))
        before = dump(ws)
        subject_data.register(_Exploding())
        try:
            with pytest.raises(RuntimeError, match="half-way"):
                ws.erase([Subject("email", EMAIL)])
        finally:
            subject_data._HOLDERS.pop("exploding")
        state = ws.state()
        assert not state.is_erased(EMAIL, None)
        assert not state.is_erased(None, PHONE)
        assert ws.contacts.find(email=EMAIL)
        assert len(ws.ledger.history(Subject("email", EMAIL))) == 1
        assert state.suppression_hits(EMAIL, None, PHONE) == (True, False, True)
        assert state.is_opted_out(None, PHONE, Channel.CALL)
        assert ws.requests.get(1).subject == EMAIL
        assert [a.act for a in ws.audit_show(act="erase")] == []
        ws.audit_verify()
        # the same rows as before the attempt (sealed blobs byte for byte; SQLite's pragma aside)
        assert sorted(line for line in dump(ws).splitlines() if b"INSERT" in line) == sorted(
            line for line in before.splitlines() if b"INSERT" in line
        )

    def test_retry_after_the_failure_erases_fully(self, ws: Workspace, write: Write) -> None:
        populate(ws, write("leads.csv", LEADS))
        subject_data.register(_Exploding())
        try:
            with pytest.raises(RuntimeError):
                ws.erase([Subject("email", EMAIL)])
        finally:
            subject_data._HOLDERS.pop("exploding")
        ws.erase([Subject("email", EMAIL)])
        assert found(dump(ws), needles()) == []
