"""The batch snapshot holds exactly what single checks see, in the frames ``BatchSnapshot`` defines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import polars as pl

from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.state import ConsentRecord, InMemoryState, RegisterInfo
from lawfulreach.domain.vocabulary import Channel, ConsentStatus
from lawfulreach.store import Subject, Workspace
from lawfulreach.store.suppression import Entry
from lr_testkit import Clock


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


def test_snapshot_equals_the_in_memory_reference(
    ws: Workspace, write: Callable[[str, str], Path], clock: Clock
) -> None:
    ws.suppressions.add(Entry("email", "a@x.com"))
    ws.suppressions.add(Entry("domain", "x.org"))
    ws.suppressions.add(Entry("phone", "+442079460018"))
    ws.erase([Subject("email", "gone@x.com")])
    ws.ledger.opt_out(Subject("email", "b@x.com"), "sms")
    ws.ledger.opt_out(Subject("phone", "+33123456789"))
    ws.ledger.record_consent(Subject("email", "c@x.com"), "email", "marketing", 'form "A", page 2', confirmed=True)
    ws.ledger.record_consent(Subject("email", "d@x.com"), "call", "marketing", "verbal")
    ws.ledger.withdraw(Subject("email", "d@x.com"), "call")
    as_of = clock.now - timedelta(days=3)
    ws.dnc.load("GB", "Tps", write("t.txt", "020 7946 0018\n020 7946 0019\n"), as_of=as_of)

    mem = InMemoryState(secret_key=ws.scope.key)
    mem.suppressed_emails.add("a@x.com")
    mem.suppressed_domains.add("x.org")
    mem.suppressed_phones.add("+442079460018")
    mem.erase("gone@x.com")
    mem.opt_out("b@x.com", "sms")
    mem.opt_out("+33123456789", "all")
    mem.record_consent(
        "c@x.com", ConsentRecord(ConsentStatus.CONFIRMED, Channel.EMAIL, "marketing", 'form "A", page 2')
    )
    mem.record_consent("d@x.com", ConsentRecord(ConsentStatus.WITHDRAWN, Channel.CALL, "marketing", None))
    mem.load_register(RegisterInfo("GB", "Tps", as_of), ["+442079460018", "+442079460019"])
    expected = BatchSnapshot.from_memory(mem)
    expected.dnc_numbers = expected.dnc_numbers.with_columns(pl.col("register").str.to_uppercase())

    got = ws.batch_snapshot()
    assert got.secret_key == expected.secret_key
    for name in ("suppressed_emails", "suppressed_domains", "suppressed_phones", "erased_hashes"):
        assert getattr(got, name).to_list() == getattr(expected, name).to_list(), name
    for name in ("opt_outs", "consents", "dnc_numbers"):
        assert _sorted(getattr(got, name)).equals(_sorted(getattr(expected, name))), name
    assert got.registers == expected.registers


def test_empty_workspace_gives_empty_frames_with_the_right_columns(ws: Workspace) -> None:
    snap = ws.batch_snapshot()
    empty = BatchSnapshot(secret_key=b"")
    for name in ("opt_outs", "consents", "dnc_numbers"):
        assert getattr(snap, name).schema == getattr(empty, name).schema, name
    assert snap.suppressed_emails.dtype == pl.String
