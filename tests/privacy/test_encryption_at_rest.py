"""Personal data is encrypted at rest: a copy of the database without its key file yields no
address, name or phone; sealed values cannot be moved between rows; look-ups never decrypt."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select, update

from lawfulreach.domain.vocabulary import Channel
from lawfulreach.store import Subject, Workspace, WorkspaceSettings
from lawfulreach.store.crypto import KeyRing, TenantCrypto
from lawfulreach.store.errors import SealedDataError, SecretKeyError
from lawfulreach.store.models import Contact
from lawfulreach.store.settings import sqlite_path
from privacy_support import EMAIL, LEADS, NAME, PHONE, dump, found, needles, populate

Write = Callable[[str, str], Path]


class TestStolenDatabase:
    """What someone holding the database but not the key file can learn about the person: nothing."""

    def test_dump_without_the_key_reveals_no_personal_data(self, ws: Workspace, write: Write) -> None:
        populate(ws, write("leads.csv", LEADS))
        assert found(dump(ws), needles()) == []

    def test_copied_sqlite_file_without_its_key(self, sqlite_ws: Workspace, write: Write, tmp_path: Path) -> None:
        """The file-copy case is SQLite's; PostgreSQL's is the dump above."""
        ws = sqlite_ws
        populate(ws, write("leads.csv", LEADS))
        ws.close()  # last connection closed: SQLite checkpoints the WAL into the file
        source = sqlite_path(ws.settings.url)
        assert source is not None
        stolen = tmp_path / "stolen" / "copy.sqlite"
        stolen.parent.mkdir()
        shutil.copy(source, stolen)
        assert found(stolen.read_bytes(), needles(hashes=False)) == []
        # and lawfulreach itself will not open it without the key (nor invent a new one)
        thief = WorkspaceSettings(url=f"sqlite:///{stolen}", key_file=stolen.with_suffix(".key"))
        with pytest.raises(SecretKeyError, match="missing"):
            Workspace.open(thief)
        assert not stolen.with_suffix(".key").exists()

    def test_a_wrong_key_cannot_open_it(self, ws: Workspace, write: Write, settings: WorkspaceSettings) -> None:
        populate(ws, write("leads.csv", LEADS))
        other = KeyRing.single(b"\x01" * 32)
        with pytest.raises(SecretKeyError, match="does not belong"):
            Workspace.open(replace(settings, secret_key=other.dump()))


class TestSealedValues:
    def test_the_owner_reads_everything_back(self, ws: Workspace, write: Write) -> None:
        populate(ws, write("leads.csv", LEADS))
        ((contact, origins),) = ws.contacts.find(email=EMAIL)
        assert (contact.name, contact.phone_key, origins[0].provider) == (NAME, PHONE, "DataCo Ltd")
        assert ws.ledger.history(Subject("email", EMAIL))[0].wording == f"I, {NAME}, agree to hear about widgets"
        assert {e.value for e in ws.suppressions.entries()} == {EMAIL, PHONE, "quimby-widgets.example"}

    def test_a_blob_moved_to_another_row_does_not_authenticate(self, ws: Workspace, write: Write) -> None:
        populate(ws, write("leads.csv", LEADS))
        with ws.scope.writing() as session:
            zelda, bob = session.scalars(select(Contact).order_by(Contact.id)).all()
            session.execute(
                update(Contact)
                .where(Contact.id == bob.id)
                .values(sealed=zelda.sealed)
                .execution_options(synchronize_session=False)
            )
        with pytest.raises(SealedDataError, match="copied from another row"):
            ws.contacts.find(email="bob.other@example.org")

    def test_decisions_match_on_blind_indexes_without_decrypting(
        self, ws: Workspace, write: Write, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        populate(ws, write("leads.csv", LEADS))

        def refuse(*_: object) -> None:
            raise AssertionError("a decision decrypted personal data")

        monkeypatch.setattr(TenantCrypto, "open", refuse)
        state = ws.state()
        assert state.suppression_hits(EMAIL, "quimby-widgets.example", PHONE) == (True, True, True)
        assert state.is_opted_out(None, PHONE, Channel.CALL)
        assert state.consent_for(EMAIL, None, Channel.EMAIL, ["marketing"]) is not None
        snap = ws.batch_snapshot()
        assert ws.scope.index(EMAIL) in snap.suppressed_emails.to_list()


def test_large_reimport_is_recognised_without_sealing_again(ws: Workspace, write: Write) -> None:
    """Above 5,000 entries of a kind the already-listed check reads the kind's match keys in one pass."""
    path = write("big.txt", "\n".join(f"user{i}@bulk.example" for i in range(6_001)))
    first = ws.suppressions.import_file(path)
    assert (first.added, first.already_listed) == (6_001, 0)
    again = ws.suppressions.import_file(path)
    assert (again.added, again.already_listed, again.skipped_erased) == (0, 6_001, 0)
    ws.erase([Subject("email", "user7@bulk.example")])
    third = ws.suppressions.import_file(path)
    assert (third.added, third.already_listed, third.skipped_erased) == (0, 6_000, 1)
