"""Erasure: everything naming the person goes; keyed hashes stay; nothing is stored about them again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lawfulreach.domain.state import keyed_hash
from lawfulreach.errors import ConflictError, InputError
from lawfulreach.store import Subject, Workspace
from lawfulreach.store.suppression import Entry


def test_erasing_by_phone_also_erases_the_linked_email(ws: Workspace, write: Callable[[str, str], Path]) -> None:
    ws.contacts.import_file(write("c.csv", "email,phone,country\njane@foo.com,020 7946 0018,GB\n"))
    ws.ledger.opt_out(Subject("email", "jane@foo.com"), "sms")
    report = ws.erase([Subject("phone", "+442079460018")])
    assert (report.contacts, report.ledger_events, report.hashes_kept) == (1, 1, 2)
    assert ws.state().is_erased("jane@foo.com", None)
    assert ws.ledger.history(Subject("email", "jane@foo.com")) == []


def test_domain_entries_are_kept(ws: Workspace) -> None:
    ws.suppressions.add(Entry("domain", "foo.com"))
    ws.suppressions.add(Entry("email", "jane@foo.com"))
    assert ws.erase([Subject("email", "jane@foo.com")]).exclusion_entries == 1
    assert [(e.kind, e.value) for e in ws.suppressions.entries()] == [("domain", "foo.com")]


def test_hashes_are_hmac_under_the_tenant_key_and_erasure_is_idempotent(ws: Workspace) -> None:
    ws.erase([Subject("email", "jane@foo.com")])
    ws.erase([Subject("email", "jane@foo.com")])
    snap = ws.batch_snapshot()
    assert snap.erased_hashes.to_list() == [keyed_hash(ws.scope.key, "jane@foo.com")]


def test_nothing_is_recorded_about_an_erased_person(ws: Workspace) -> None:
    ws.erase([Subject("email", "jane@foo.com")])
    with pytest.raises(ConflictError, match="erased person"):
        ws.ledger.record_consent(Subject("email", "jane@foo.com"), "email", "marketing", "web_form")
    with pytest.raises(ConflictError):
        ws.ledger.opt_out(Subject("email", "jane@foo.com"))


def test_nobody_to_erase(ws: Workspace) -> None:
    with pytest.raises(InputError):
        ws.erase([])
