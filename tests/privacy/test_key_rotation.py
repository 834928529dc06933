"""``keys rotate``: every sealed row re-encrypted under a new key, online, resumable and idempotent;
the blind-index key (and with it the erased-subject hashes) never rotates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lawfulreach.store import Subject, Workspace, WorkspaceSettings, rotation
from lawfulreach.store.crypto import KeyRing, read_ring, write_ring
from lawfulreach.store.errors import KeyRingError, SecretKeyError
from lr_testkit import Clock
from privacy_support import EMAIL, LEADS, NAME, PHONE, dump, found, needles, populate

Write = Callable[[str, str], Path]


def _versions(ws: Workspace) -> dict[int, int]:
    counts: dict[int, int] = {}
    with ws.engine.connect() as conn:
        for model in rotation.ROTATED_MODELS:  # the store's sealed tables and the send log
            col = model.key_version
            for version, n in conn.execute(select(col, func.count()).where(col.is_not(None)).group_by(col)):
                if version is not None:
                    counts[version] = counts.get(version, 0) + n
    return counts


@pytest.fixture
def stocked(ws: Workspace, write: Write) -> Workspace:
    populate(ws, write("leads.csv", LEADS))
    ws.erase([Subject("email", "gone@example.com")])
    return ws


class TestRotation:
    def test_every_sealed_table_rotates(self) -> None:
        """A table added with sealed data and no place in the rotation would keep the old key forever."""
        from lawfulreach.store.models import all_tables

        sealed = {t.name for t in all_tables().tables.values() if "key_version" in t.c}
        assert sealed == {m.__tablename__ for m in rotation.ROTATED_MODELS}

    def test_privacy_requests_from_the_public_pages_rotate(
        self, ws: Workspace, settings: WorkspaceSettings, clock: Clock
    ) -> None:
        from lawfulreach.store.intake import IntakeRepo

        submitted = IntakeRepo(ws.scope).submit(
            "erasure", "ada@example.com", name="Ada Lovelace", details="all of it", valid_for=timedelta(hours=1)
        )
        report = rotation.rotate(settings, clock=clock)
        assert report.completed
        assert report.rows["privacy_intake"] == 1
        assert set(_versions(ws)) == {2}
        with Workspace.open(settings, clock=clock) as fresh:
            record = IntakeRepo(fresh.scope).verify(submitted.token)
            assert record is not None
            assert (record.email, record.name, record.details) == ("ada@example.com", "Ada Lovelace", "all of it")

    def test_everything_moves_to_the_new_key_and_stays_readable(
        self, stocked: Workspace, settings: WorkspaceSettings, clock: Clock
    ) -> None:
        before = _versions(stocked)
        assert set(before) == {1}
        report = rotation.rotate(settings, clock=clock, batch=2)
        assert (report.version, report.started, report.completed) == (2, True, True)
        assert sum(report.rows.values()) == before[1]
        assert _versions(stocked) == {2: before[1]}
        assert settings.key_file is not None
        ring = read_ring(settings.key_file)
        assert ring is not None
        assert sorted(ring.versions) == [1, 2]
        # the workspace opened before the rotation re-reads the key file when it meets version 2
        ((contact, _),) = stocked.contacts.find(email=EMAIL)
        assert contact.name == NAME
        with Workspace.open(settings, clock=clock) as fresh:
            assert fresh.scope.sealer.current == 2
            assert {e.value for e in fresh.suppressions.entries()} == {EMAIL, PHONE, "quimby-widgets.example"}
            assert fresh.state().is_erased("gone@example.com", None)  # hashes did not rotate
            fresh.audit_verify()
        assert found(dump(stocked), needles()) == []
        status = rotation.status(settings)
        assert [(s.version, s.rows, s.completed_at is not None) for s in status] == [
            (1, 0, False),
            (2, before[1], True),
        ]

    def test_running_it_again_starts_the_next_rotation(self, stocked: Workspace, settings: WorkspaceSettings) -> None:
        rotation.rotate(settings)
        assert rotation.rotate(settings).version == 3
        assert set(_versions(stocked)) == {3}
        # each rotation is on the record when it starts, before any row is touched, and when it is done
        assert [(a.details["version"], a.details["phase"]) for a in stocked.audit_show(act="keys")] == [
            (2, "started"),
            (2, "re-encrypted"),
            (3, "started"),
            (3, "re-encrypted"),
        ]

    def test_an_interrupted_rotation_resumes(
        self, stocked: Workspace, settings: WorkspaceSettings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls = {"n": 0}
        real = rotation._context

        def crash_after_three(row: Any) -> str:
            calls["n"] += 1
            if calls["n"] > 3:
                raise RuntimeError("power cut")
            return real(row)

        monkeypatch.setattr(rotation, "_context", crash_after_three)
        with pytest.raises(RuntimeError):
            rotation.rotate(settings, batch=3)
        monkeypatch.setattr(rotation, "_context", real)
        # the interrupted rotation is on the audit trail although it never completed
        assert [a.details for a in stocked.audit_show(act="keys.rotate")] == [{"version": 2, "phase": "started"}]
        half = _versions(stocked)
        assert half.get(2) == 3
        assert half.get(1)
        with Workspace.open(settings) as during:  # old and new keys both readable meanwhile
            assert during.contacts.find(email=EMAIL)[0][0].name == NAME
        report = rotation.rotate(settings)
        assert (report.version, report.started, report.completed) == (2, False, True)
        phases = [a.details["phase"] for a in stocked.audit_show(act="keys.rotate")]
        assert phases == ["started", "resumed", "re-encrypted"]
        stocked.audit_verify()
        assert set(_versions(stocked)) == {2}

    def test_a_key_written_but_not_registered_is_adopted(self, stocked: Workspace, settings: WorkspaceSettings) -> None:
        assert settings.key_file is not None
        ring = read_ring(settings.key_file)
        assert ring is not None
        write_ring(settings.key_file, ring.with_new_version())  # the crash came right after this
        report = rotation.rotate(settings)
        assert (report.version, report.started) == (2, True)
        ring_after = read_ring(settings.key_file)
        assert ring_after is not None
        assert sorted(ring_after.versions) == [1, 2]


class TestKeyRingSafety:
    def test_losing_the_new_key_is_refused_not_ignored(self, stocked: Workspace, settings: WorkspaceSettings) -> None:
        assert settings.key_file is not None
        old = read_ring(settings.key_file)
        assert old is not None
        rotation.rotate(settings)
        write_ring(settings.key_file, old)  # an outdated backup of the key file restored
        with pytest.raises(KeyRingError, match="lacks version 2"):
            Workspace.open(settings)

    def test_a_foreign_version_is_refused(self, stocked: Workspace, settings: WorkspaceSettings) -> None:
        assert settings.key_file is not None
        rotation.rotate(settings)
        ring = read_ring(settings.key_file)
        assert ring is not None
        forged = KeyRing({1: ring.versions[1], 2: b"\x02" * 32}, settings.key_file)
        write_ring(settings.key_file, forged)
        with pytest.raises(SecretKeyError, match="version 2 in the key ring does not belong"):
            Workspace.open(settings)

    def test_a_ring_from_the_environment_cannot_grow(self, stocked: Workspace, settings: WorkspaceSettings) -> None:
        assert settings.key_file is not None
        text = settings.key_file.read_text()
        from_env = replace(settings, secret_key=text, key_file=None)
        with Workspace.open(from_env) as ws:  # the ring text works from the environment too
            assert ws.contacts.find(email=EMAIL)
        with pytest.raises(SecretKeyError, match="LAWFULREACH_SECRET_KEY"):
            rotation.rotate(from_env)

    def test_ring_text_round_trips(self) -> None:
        ring = KeyRing.single(b"\x07" * 32).with_new_version()
        again = KeyRing.parse(ring.dump(), "test")
        assert again.versions == ring.versions
        with pytest.raises(SecretKeyError, match="has no version 1"):
            KeyRing.parse("2:" + ring.dump().splitlines()[-1].split(":", 1)[1], "test")
