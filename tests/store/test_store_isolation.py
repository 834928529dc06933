"""Tenants share a database but never each other's state: no query path reads across tenants."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import MetaData, func, inspect, select, text

from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import StoreError
from lawfulreach.rules import default_rulebase
from lawfulreach.store import Subject, Workspace, add_tenant
from lawfulreach.store.db import tenant_sessions
from lawfulreach.store.models import TENANT_SCOPED_MODELS, SuppressionEntry
from lawfulreach.store.suppression import Entry

EMAIL, PHONE = "jane@foo.com", "+442079460018"


@pytest.fixture
def two(open_ws: Callable[..., Workspace], write: Callable[[str, str], Path]) -> tuple[Workspace, Workspace]:
    """Tenant ``acme`` holds one of everything; tenant ``globex`` holds nothing."""
    acme_base = open_ws()
    add_tenant(acme_base.settings, "acme")
    add_tenant(acme_base.settings, "globex")
    acme, globex = open_ws("acme"), open_ws("globex")
    acme.suppressions.add(Entry("email", EMAIL))
    acme.suppressions.add(Entry("domain", "example.com"))
    acme.suppressions.add(Entry("phone", PHONE))
    acme.ledger.opt_out(Subject("email", EMAIL))
    acme.ledger.record_consent(Subject("phone", PHONE), "call", "marketing", "verbal")
    acme.contacts.import_file(write("c.csv", "email,company\nbob@bar.com,Bar Ltd\n"))
    acme.erase([Subject("email", "gone@foo.com")])
    acme.dnc.load("GB", "TPS", write("tps.txt", "020 7946 0018\n"))
    return acme, globex


def test_every_table_is_tenant_scoped(ws: Workspace) -> None:
    meta = MetaData()
    meta.reflect(ws.engine)
    for table in meta.sorted_tables:
        # key versions are workspace-wide; so are console accounts (one person, several tenants: their
        # memberships and sessions carry the tenant)
        if table.name in ("tenants", "alembic_version", "key_versions", "console_users"):
            continue
        column = table.c.get("tenant_id")
        assert column is not None, table.name
        assert not column.nullable, table.name
        if table.name != "dnc_numbers":  # bulk table: no per-row FK checks (models.DncNumber says why)
            assert any(fk.column.table.name == "tenants" for fk in column.foreign_keys), table.name
    assert {m.__tablename__ for m in TENANT_SCOPED_MODELS} <= set(inspect(ws.engine).get_table_names())


def test_engine_state_sees_only_its_tenant(two: tuple[Workspace, Workspace]) -> None:
    acme, globex = two
    for ws, expected in ((acme, True), (globex, False)):
        state = ws.state()
        assert state.suppression_hits(EMAIL, "mail.example.com", PHONE) == (expected, expected, expected)
        assert state.is_opted_out(EMAIL, None, Channel.EMAIL) is expected
        assert (state.consent_for(None, PHONE, Channel.CALL, ["marketing"]) is not None) is expected
        assert state.is_erased("gone@foo.com", None) is expected
        assert bool(state.registers("GB")) is expected
        assert bool(state.dnc_listed("GB", PHONE)) is expected


def test_repositories_and_snapshot_see_only_their_tenant(two: tuple[Workspace, Workspace]) -> None:
    acme, globex = two
    assert len(acme.suppressions.entries()) == 3
    assert globex.suppressions.entries() == []
    assert acme.ledger.history(Subject("email", EMAIL))
    assert not globex.ledger.history(Subject("email", EMAIL))
    assert acme.contacts.count() == 1
    assert globex.contacts.count() == 0
    assert acme.dnc.max_ages() == {} == globex.dnc.max_ages()
    # The required registers, none loaded for this tenant (spec §6 names the US and Canadian ones).
    assert {(s.country, s.name): s.loaded for s in globex.dnc.status(default_rulebase().overlays)} == {
        ("CA", "DNCL"): False,
        ("GB", "TPS"): False,
        ("GB", "CTPS"): False,
        ("US", "National DNC"): False,
    }
    snap = globex.batch_snapshot()
    for series in (snap.suppressed_emails, snap.suppressed_domains, snap.suppressed_phones, snap.erased_hashes):
        assert series.len() == 0
    assert snap.opt_outs.height == snap.consents.height == snap.dnc_numbers.height == 0
    assert snap.registers == []
    full = acme.batch_snapshot()
    assert full.suppressed_emails.to_list() == [acme.scope.index(EMAIL)]  # blind indexes (issue 4)
    assert full.dnc_numbers.height == 1


def test_erasure_in_one_tenant_leaves_the_other(two: tuple[Workspace, Workspace]) -> None:
    acme, globex = two
    globex.suppressions.add(Entry("email", EMAIL))
    acme.erase([Subject("email", EMAIL)])
    assert [e.value for e in globex.suppressions.entries()] == [EMAIL]
    assert not globex.state().is_erased(EMAIL, None)


def test_a_tenant_session_cannot_read_other_rows_even_when_asked(two: tuple[Workspace, Workspace]) -> None:
    acme, globex = two
    read, _ = tenant_sessions(globex.engine, globex.scope.tenant_id)
    with read() as session:
        for model in TENANT_SCOPED_MODELS:
            assert session.scalar(select(func.count()).select_from(model)) == 0, model
        # Even an explicit filter on the other tenant's id finds nothing.
        other = select(SuppressionEntry).where(SuppressionEntry.tenant_id == acme.scope.tenant_id)
        assert session.scalars(other).all() == []
        with pytest.raises(StoreError, match="not tenant-scoped"):
            session.execute(select(SuppressionEntry.__table__))
        with pytest.raises(StoreError, match="not tenant-scoped"):
            session.execute(text("SELECT * FROM suppression_entries"))
