"""The audit trail: every decision-changing act recorded with actor, time and a subject reference
(never plaintext); editing, deleting or swapping entries directly in SQL is detected, naming the
first bad entry."""

from __future__ import annotations

import json
import shutil
import stat
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from lawfulreach.store import Subject, Workspace, WorkspaceSettings
from lawfulreach.store.errors import AuditTamperedError
from lawfulreach.store.suppression import Entry
from lr_testkit import Clock
from privacy_support import EMAIL, LEADS, PHONE, found, needles, populate

Write = Callable[[str, str], Path]


def _acts(ws: Workspace) -> list[str]:
    return [r.act for r in ws.audit_show()]


def _sql(engine: Engine, statement: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(statement), params)


class TestWhatIsRecorded:
    def test_every_decision_changing_act(self, ws: Workspace, write: Write) -> None:
        populate(ws, write("leads.csv", LEADS))
        ws.suppressions.import_file(write("x.txt", "a@x.com\nx.org\n"))
        ws.suppressions.remove("domain", "x.org")
        ws.ledger.withdraw(Subject("email", EMAIL), "email")
        ws.dnc.load("GB", "TPS", write("tps.txt", "020 7946 0999\n"))
        ws.dnc.set_max_age("GB", "TPS", 14)
        ws.requests.reject(1, "could not verify")
        ws.erase([Subject("email", EMAIL)])
        assert _acts(ws) == [
            "contacts.import",
            "suppress.add",
            "suppress.add",
            "suppress.add",
            "ledger.given",
            "ledger.opt_out",
            "request.open",
            "request.verify",
            "suppress.import",
            "suppress.remove",
            "ledger.withdrawn",
            "dnc.load",
            "dnc.max_age",
            "request.reject",
            "erase",
            "erase",
        ]
        assert ws.audit_verify().entries == 16

    def test_actor_time_and_reference_but_never_plaintext(
        self, open_ws: Callable[..., Workspace], settings: WorkspaceSettings, write: Write, clock: Clock
    ) -> None:
        ws = open_ws()
        alice = Workspace.open(replace(settings, actor="alice@agency"), clock=clock)
        try:
            populate(alice, write("leads.csv", LEADS))
            clock.advance(days=2)
            ws.ledger.opt_out(Subject("email", EMAIL))
        finally:
            alice.close()
        records = ws.audit_show()
        assert {r.actor for r in records[:-1]} == {"alice@agency"}
        assert records[-1].actor == ws.scope.actor
        assert records[-1].at == clock.now
        assert records[-1].subject_ref == ws.scope.index(EMAIL)
        with ws.engine.connect() as conn:
            rows = conn.execute(text("SELECT actor, act, subject_ref, details FROM audit_entries")).all()
        assert found(repr(rows).encode(), needles()) == []

    def test_show_filters(self, ws: Workspace, write: Write, clock: Clock) -> None:
        populate(ws, write("leads.csv", LEADS))
        start = clock.now
        clock.advance(days=1)
        ws.ledger.opt_out(Subject("phone", PHONE), "sms")
        mine = ws.audit_show(subject=Subject("email", EMAIL))
        assert [r.act for r in mine] == ["suppress.add", "ledger.given", "request.open", "request.verify"]
        assert [r.act for r in ws.audit_show(subject=Subject("phone", PHONE))] == [
            "suppress.add",
            "ledger.opt_out",
            "ledger.opt_out",
        ]
        assert [r.act for r in ws.audit_show(act="request")] == ["request.open", "request.verify"]
        assert [
            r.details["channel"] for r in ws.audit_show(act="ledger.opt_out", since=start + timedelta(hours=1))
        ] == ["sms"]
        assert len(ws.audit_show(until=start + timedelta(hours=1))) == len(ws.audit_show()) - 1
        assert ws.audit_show(actor="nobody") == []


class TestTamperEvidence:
    """Rows changed behind lawfulreach's back, in SQL, as someone with database access could."""

    @pytest.fixture
    def trail(self, ws: Workspace, write: Write) -> Workspace:
        populate(ws, write("leads.csv", LEADS))  # 8 entries
        assert ws.audit_verify().entries == 8
        return ws

    def _broken_at(self, ws: Workspace) -> AuditTamperedError:
        with pytest.raises(AuditTamperedError) as info:
            ws.audit_verify()
        return info.value

    def test_edited_entry(self, trail: Workspace) -> None:
        _sql(trail.engine, "UPDATE audit_entries SET actor = 'someone-else' WHERE seq = 4")
        error = self._broken_at(trail)
        assert (error.seq, error.checked) == (4, 3)
        assert "entry #4" in str(error)
        assert "does not match its hash" in str(error)

    def test_edited_details(self, trail: Workspace) -> None:
        details = json.dumps({"kind": "email", "source": "manual"}, separators=(",", ":"), sort_keys=True)
        _sql(trail.engine, "UPDATE audit_entries SET details = :d WHERE seq = 2", d=details)
        assert self._broken_at(trail).seq == 2

    def test_deleted_entry(self, trail: Workspace) -> None:
        _sql(trail.engine, "DELETE FROM audit_entries WHERE seq = 5")
        error = self._broken_at(trail)
        assert error.seq == 5
        assert "missing (deleted)" in str(error)

    def test_deleted_and_renumbered(self, trail: Workspace) -> None:
        _sql(trail.engine, "DELETE FROM audit_entries WHERE seq = 5")
        for seq in range(6, 9):
            _sql(trail.engine, "UPDATE audit_entries SET seq = :new WHERE seq = :old", new=seq - 1, old=seq)
        assert self._broken_at(trail).seq == 5

    def test_deleted_newest_entries(self, trail: Workspace) -> None:
        _sql(trail.engine, "DELETE FROM audit_entries WHERE seq >= 7")
        error = self._broken_at(trail)
        assert error.seq == 7
        assert "ended at #8" in str(error)

    def test_swapped_entries(self, trail: Workspace) -> None:
        _sql(trail.engine, "UPDATE audit_entries SET seq = -1 WHERE seq = 3")
        _sql(trail.engine, "UPDATE audit_entries SET seq = 3 WHERE seq = 6")
        _sql(trail.engine, "UPDATE audit_entries SET seq = 6 WHERE seq = -1")
        error = self._broken_at(trail)
        assert error.seq == 3

    def test_swapped_contents(self, trail: Workspace) -> None:
        """Two rows exchange everything but their numbers (as if reordered in place)."""
        cols = "at, actor, act, subject_ref, details, prev_hash, entry_hash"
        with trail.engine.begin() as conn:
            a = conn.execute(text(f"SELECT {cols} FROM audit_entries WHERE seq = 2")).one()
            b = conn.execute(text(f"SELECT {cols} FROM audit_entries WHERE seq = 3")).one()
            for seq, row in ((2, b), (3, a)):
                sets = ", ".join(f"{c} = :{c}" for c in cols.split(", "))
                conn.execute(
                    text(f"UPDATE audit_entries SET {sets} WHERE seq = :seq"), dict(row._mapping) | {"seq": seq}
                )
        assert self._broken_at(trail).seq == 2

    def test_forged_head(self, trail: Workspace) -> None:
        _sql(trail.engine, "DELETE FROM audit_entries WHERE seq = 8")
        with trail.engine.begin() as conn:
            last = conn.execute(text("SELECT entry_hash FROM audit_entries WHERE seq = 7")).scalar_one()
            conn.execute(text("UPDATE audit_heads SET seq = 7, entry_hash = :h"), {"h": last})
        assert "head record was altered" in str(self._broken_at(trail))

    def test_appending_continues_a_sound_chain(self, trail: Workspace) -> None:
        trail.suppressions.add(Entry("domain", "later.example"))
        assert trail.audit_verify().entries == 9


class TestWipeAndRollback:
    """What the database alone cannot show: every entry deleted *with* the head, or an older copy of
    both restored. The anchor beside the key file and the state-versus-trail cross-check catch them."""

    @pytest.fixture
    def trail(self, ws: Workspace, write: Write) -> Workspace:
        populate(ws, write("leads.csv", LEADS))  # 8 entries; exclusions, ledger events, a contact, a request
        report = ws.audit_verify()
        assert (report.entries, report.anchored) == (8, 8)
        return ws

    def _broken(self, ws: Workspace) -> AuditTamperedError:
        with pytest.raises(AuditTamperedError) as info:
            ws.audit_verify()
        return info.value

    def _anchors(self, ws: Workspace) -> Path:
        assert ws.scope.anchor_dir is not None
        return ws.scope.anchor_dir

    def test_wiping_every_entry_and_the_head_is_detected(self, trail: Workspace) -> None:
        _sql(trail.engine, "DELETE FROM audit_entries")
        _sql(trail.engine, "DELETE FROM audit_heads")
        error = self._broken(trail)
        assert (error.seq, error.checked) == (1, 0)
        assert "anchor outside the database says it reached #8" in str(error)

    def test_a_wipe_is_detected_even_without_the_anchor(self, trail: Workspace) -> None:
        _sql(trail.engine, "DELETE FROM audit_entries")
        _sql(trail.engine, "DELETE FROM audit_heads")
        shutil.rmtree(self._anchors(trail))
        assert "holds exclusion entries but the trail records no act" in str(self._broken(trail))

    def test_ledger_events_without_their_entries(self, ws: Workspace) -> None:
        ws.ledger.opt_out(Subject("email", "someone@example.com"))
        _sql(ws.engine, "DELETE FROM audit_entries")
        _sql(ws.engine, "DELETE FROM audit_heads")
        shutil.rmtree(self._anchors(ws))
        assert "holds ledger events but the trail records no act" in str(self._broken(ws))

    def test_rolling_back_entries_and_head_together_is_detected(self, trail: Workspace) -> None:
        with trail.engine.connect() as conn:
            head = conn.execute(text("SELECT seq, entry_hash, mark FROM audit_heads")).one()
        trail.suppressions.add(Entry("domain", "later.example"))
        trail.ledger.opt_out(Subject("email", "someone@example.com"))
        assert trail.audit_verify().anchored == 10
        # an older backup of both tables put back
        _sql(trail.engine, "DELETE FROM audit_entries WHERE seq > 8")
        _sql(
            trail.engine, "UPDATE audit_heads SET seq = :s, entry_hash = :h, mark = :m", s=head[0], h=head[1], m=head[2]
        )
        error = self._broken(trail)
        assert error.seq == 9
        assert "rolled back together with the head" in str(error)
        # later acts are still recorded, but do not move the anchor past the evidence
        trail.suppressions.add(Entry("domain", "after.example"))
        trail.suppressions.add(Entry("domain", "after2.example"))
        trail.suppressions.add(Entry("domain", "after3.example"))
        assert "not the entry the anchor outside the database recorded" in str(self._broken(trail))

    def test_a_forged_anchor_is_refused(self, trail: Workspace) -> None:
        path = self._anchors(trail) / "default.anchor"
        data = json.loads(path.read_text())
        path.write_text(json.dumps(data | {"seq": 3}))
        assert "anchor outside the database is unusable" in str(self._broken(trail))

    def test_anchor_files_are_private_and_created_by_the_first_verify(self, ws: Workspace, write: Write) -> None:
        populate(ws, write("leads.csv", LEADS))
        directory = self._anchors(ws)
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        assert stat.S_IMODE((directory / "default.anchor").stat().st_mode) == 0o600
        shutil.rmtree(directory)  # as for a workspace created before anchors existed
        assert ws.audit_verify().anchored == 8
        assert json.loads((directory / "default.anchor").read_text())["seq"] == 8
