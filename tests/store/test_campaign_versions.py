"""Stored campaigns as versioned objects (issue 14): every create and change is a numbered version
with a content fingerprint, on the audit trail; archived campaigns stay readable and decide nothing
new; ``--campaign`` resolves a file or a stored id. Real SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from lawfulreach.commands.campaigns import (
    CheckCampaigns,
    create_campaign,
    parse_version,
    resolve_campaign,
    show_campaign,
    update_campaign,
)
from lawfulreach.domain.model import Campaign
from lawfulreach.domain.vocabulary import LiaStatus, Purpose
from lawfulreach.errors import CampaignError, ConflictError, InputError, NotFoundError, RequestError, StoreError
from lawfulreach.schema import parse_campaign, parse_request
from lawfulreach.store import Workspace
from lawfulreach.store.migrate import head_revision, upgrade
from lawfulreach.store.workspace import add_tenant
from lr_testkit import Clock
from store.test_commands import WorkspaceSession

V1 = parse_campaign({"name": "Q4 launch", "legal_entity": "Northwind Ltd", "products": ["software"], "lia": "passed"})
V2 = replace(V1, products=("software", "support"))

CAMPAIGN_TOML = """
name = "Q4 launch"
legal_entity = "Northwind Ltd"
products = ["software"]
lia = "passed"
"""


class TestVersions:
    """Create → change → read back: numbers 1..n, fingerprints of the content, nothing for no change."""

    def test_create_update_and_read_every_version(self, ws: Workspace, clock: Clock) -> None:
        made = ws.campaigns.create(V1, "q4")
        assert (made.version, made.fingerprint) == (1, V1.stored_as("q4").version)
        clock.advance(hours=1)
        changed, did = ws.campaigns.update("q4", V2)
        assert did
        assert changed.version == 2
        assert changed.fingerprint != made.fingerprint
        same, did = ws.campaigns.update("q4", V2)
        assert not did
        assert same.version == 2
        versions = ws.campaigns.versions("q4")
        assert [(v.version, v.fingerprint, v.current) for v in versions] == [
            (1, made.fingerprint, False),
            (2, changed.fingerprint, True),
        ]
        assert versions[0].campaign.products == ("software",)
        assert versions[1].created_at > versions[0].created_at
        assert ws.campaigns.version("q4", 1).campaign.content() == V1.content()
        assert ws.campaigns.version("q4", changed.fingerprint).version == 2
        current = ws.campaigns.get("q4").campaign
        assert (current.id, current.version, current.revision) == ("q4", changed.fingerprint, 2)
        with pytest.raises(NotFoundError, match="has no version 3; it has versions 1–2"):
            ws.campaigns.version("q4", 3)

    def test_the_fingerprint_is_the_content_not_the_record(self, ws: Workspace) -> None:
        """Same content → same fingerprint under any id, in any workspace; putting earlier content back
        makes a new number with the earlier fingerprint."""
        a = ws.campaigns.create(V1, "a")
        b = ws.campaigns.create(V1, "b")
        assert a.fingerprint == b.fingerprint == "cv-" + a.fingerprint[3:]
        assert len(a.fingerprint) == 15
        ws.campaigns.update("a", V2)
        back, _ = ws.campaigns.update("a", V1)
        assert (back.version, back.fingerprint) == (3, a.fingerprint)
        assert V1.stored_as("zzz").version == a.fingerprint  # computed without the store

    def test_put_creates_then_versions(self, ws: Workspace) -> None:
        record, created = ws.campaigns.put("p1", V1)
        assert created
        assert record.version == 1
        record, created = ws.campaigns.put("p1", V2)
        assert not created
        assert record.version == 2

    def test_every_change_is_on_the_audit_trail_and_the_chain_verifies(self, ws: Workspace) -> None:
        made = ws.campaigns.create(V1, "q4")
        changed, _ = ws.campaigns.update("q4", V2)
        ws.campaigns.update("q4", V2)  # unchanged: no entry
        ws.campaigns.archive("q4")
        entries = ws.audit_show(act="campaign")
        assert [(e.act, e.details) for e in entries] == [
            ("campaign.create", {"campaign": "q4", "version": 1, "fingerprint": made.fingerprint}),
            ("campaign.update", {"campaign": "q4", "version": 2, "fingerprint": changed.fingerprint}),
            ("campaign.archive", {"campaign": "q4", "version": 2, "fingerprint": changed.fingerprint}),
        ]
        assert all(e.actor == ws.scope.actor for e in entries)
        text_of_trail = json.dumps([e.details for e in entries])
        assert "Northwind" not in text_of_trail
        assert "Q4 launch" not in text_of_trail
        assert ws.audit_verify().entries == 3

    def test_an_altered_version_row_is_detected(self, ws: Workspace) -> None:
        ws.campaigns.create(V1, "q4")
        forged = json.dumps({**V1.content(), "lia": "passed", "excluded_regions": ["US"]}, sort_keys=True)
        with ws.engine.begin() as conn:
            conn.execute(text("UPDATE campaign_versions SET content = :c"), {"c": forged})
        with pytest.raises(StoreError, match="does not match its fingerprint"):
            ws.campaigns.versions("q4")

    def test_bad_ids_and_unknown_campaigns(self, ws: Workspace) -> None:
        with pytest.raises(InputError, match="is not valid"):
            ws.campaigns.create(V1, "no spaces")
        with pytest.raises(NotFoundError, match="no campaign 'nope'"):
            ws.campaigns.update("nope", V1)
        with pytest.raises(NotFoundError):
            ws.campaigns.versions("nope")
        ws.campaigns.create(V1, "q4")
        with pytest.raises(ConflictError, match="already exists"):
            ws.campaigns.create(V2, "q4")

    def test_versions_belong_to_their_tenant(self, open_ws: Callable[..., Workspace]) -> None:
        base = open_ws()
        add_tenant(base.settings, "alpha")
        add_tenant(base.settings, "beta")
        alpha, beta = open_ws("alpha"), open_ws("beta")
        alpha.campaigns.create(V1, "shared-name")
        with pytest.raises(NotFoundError):
            beta.campaigns.versions("shared-name")
        beta.campaigns.create(V2, "shared-name")  # the same id is free in another tenant
        assert [v.campaign.products for v in alpha.campaigns.versions("shared-name")] == [("software",)]


class TestArchive:
    """Archived: kept and readable, listed on request, unchangeable, its id never reused, and refused
    for new decisions — a retired campaign is never silently reused."""

    def test_archived_campaigns_are_kept_but_refused(self, ws: Workspace) -> None:
        ws.campaigns.create(V1, "old")
        ws.campaigns.update("old", V2)
        ws.campaigns.create(V1, "new")
        archived = ws.campaigns.archive("old")
        assert archived.archived_at is not None
        assert [r.id for r in ws.campaigns.list()] == ["new"]
        assert [r.id for r in ws.campaigns.list(include_archived=True)] == ["new", "old"]
        assert [v.version for v in ws.campaigns.versions("old")] == [1, 2]  # past versions stay readable
        with pytest.raises(ConflictError, match="archived and cannot be changed"):
            ws.campaigns.update("old", V1)
        with pytest.raises(ConflictError, match="not reused"):
            ws.campaigns.create(V1, "old")
        with pytest.raises(ConflictError, match="already archived"):
            ws.campaigns.archive("old")
        stored = ws.campaigns.get_many(["old", "new"])
        with pytest.raises(RequestError, match=r"'old' was archived on .* cannot be used for new checks"):
            parse_request({"contact": {"email": "a@b.co.uk"}, "channel": "email", "campaign": "old"}, stored)
        ok = parse_request({"contact": {"email": "a@b.co.uk"}, "channel": "email", "campaign": "new"}, stored)
        assert ok.campaign.id == "new"


class TestResolve:
    """``--campaign``: a file (read strictly) or a stored id (with its version); never a default."""

    def test_a_file_and_a_stored_id(self, ws: Workspace, write: Callable[[str, str], Path]) -> None:
        session = WorkspaceSession(ws)
        path = write("q4.toml", CAMPAIGN_TOML)
        from_file, doc = resolve_campaign(str(path), session)
        assert from_file.id is None
        assert from_file.version is None
        assert doc["lia"] == "passed"
        ws.campaigns.create(from_file, "q4")
        stored, _ = resolve_campaign("q4", session)
        assert (stored.id, stored.revision) == ("q4", 1)
        # the same facts, but a stored campaign's LIA comes only from its assessment (none yet: missing)
        assert stored.content() == {**from_file.content(), "lia": "missing"}
        assert stored.lia_assessment is None
        assert stored.version == from_file.stored_as("q4").version

    def test_errors_are_one_readable_line(
        self, ws: Workspace, write: Callable[[str, str], Path], tmp_path: Path
    ) -> None:
        session = WorkspaceSession(ws)
        cases = {
            "nope": "no such file and no stored campaign with that id",
            "has space": "no such file, and not a campaign id",
            str(tmp_path / "missing.toml"): "cannot read campaign file",
            str(write("typo.toml", 'lai = "passed"\n')): "unknown key lai at line 1; did you mean lia?",
            str(write("empty.toml", "")): "the campaign file is empty",
        }
        for reference, message in cases.items():
            with pytest.raises(CampaignError, match=message) as info:
                resolve_campaign(reference, session)
            assert "\n" not in str(info.value)
        ws.campaigns.create(V1, "gone")
        ws.campaigns.archive("gone")
        with pytest.raises(CampaignError, match="'gone' was archived"):
            resolve_campaign("gone", session)

    def test_a_file_without_toml_suffix_that_exists_is_a_file(
        self, ws: Workspace, write: Callable[[str, str], Path]
    ) -> None:
        path = write("campaign.conf", CAMPAIGN_TOML)
        campaign, _ = resolve_campaign(str(path), WorkspaceSession(ws))
        assert campaign.id is None
        assert campaign.name == "Q4 launch"


class TestCommands:
    def test_create_update_show_from_files(self, ws: Workspace, write: Callable[[str, str], Path]) -> None:
        session = WorkspaceSession(ws)
        first = create_campaign(session, write("c.toml", CAMPAIGN_TOML), "q4")
        assert first.version == 1
        with pytest.raises(CampaignError, match="the file's id 'other' differs"):
            update_campaign(session, "q4", write("o.toml", 'id = "other"\n' + CAMPAIGN_TOML))
        record, changed = update_campaign(session, "q4", write("c2.toml", CAMPAIGN_TOML + 'purpose = "service"\n'))
        assert changed
        assert record.campaign.purpose is Purpose.SERVICE
        view = show_campaign(session, "q4", "1")
        assert view.shown.version == 1
        assert view.shown.campaign.purpose is Purpose.MARKETING
        assert [v.version for v in view.versions] == [1, 2]
        assert show_campaign(session, "q4").shown.version == 2
        with_id = create_campaign(session, write("named.toml", 'id = "from-file"\n' + CAMPAIGN_TOML))
        assert with_id.id == "from-file"

    def test_parse_version(self) -> None:
        assert parse_version("3") == 3
        assert parse_version("v2") == 2
        assert parse_version("cv-0123456789ab") == "cv-0123456789ab"
        for bad in ("0", "x", "cv-12", "-1"):
            with pytest.raises(InputError, match="--version"):
                parse_version(bad)

    def test_check_campaigns_default_and_named(self, ws: Workspace) -> None:
        ws.campaigns.create(V1, "q4")
        ws.campaigns.create(replace(V1, lia=LiaStatus.FAILED), "other")
        lookup = CheckCampaigns(WorkspaceSession(ws), "q4")
        bare = lookup.request({"contact": {"email": "a@b.co.uk"}, "channel": "email"})
        named = lookup.request({"contact": {"email": "a@b.co.uk"}, "channel": "email", "campaign": "other"})
        inline = lookup.request({"contact": {"email": "a@b.co.uk"}, "channel": "email", "campaign": {"lia": "failed"}})
        assert (bare.campaign.id, named.campaign.id, inline.campaign.id) == ("q4", "other", None)
        assert inline.campaign.lia is LiaStatus.FAILED
        with pytest.raises(RequestError, match="unknown campaign id 'zz'"):
            lookup.request({"contact": {"email": "a@b.co.uk"}, "channel": "email", "campaign": "zz"})


def test_an_older_workspace_gets_its_campaigns_as_version_1(tmp_path: Path, empty_db_url: str) -> None:
    """Migration 0006 on a workspace with campaigns: each becomes version 1 with the fingerprint the
    store computes, and keeps deciding the same."""
    upgrade(empty_db_url, "0005")
    engine = create_engine(empty_db_url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO tenants (id, name, key_check, created_at) VALUES (1, 't', 'x', :at)"),
            {"at": "2026-11-01 10:00:00"},
        )
        conn.execute(
            text(
                "INSERT INTO campaigns (tenant_id, campaign_id, name, purpose, sender_type, legal_entity, products,"
                " consent_purposes, lia, excluded_regions, created_at, updated_at) VALUES (1, 'old', 'Q4 launch',"
                " 'marketing', 'commercial', 'Northwind Ltd', '[\"software\"]', '[\"marketing\"]', 'passed', '[]',"
                " :at, :at)"
            ),
            {"at": "2026-11-01 10:00:00"},
        )
    engine.dispose()
    upgrade(empty_db_url, "head")
    engine = create_engine(empty_db_url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT version, fingerprint, actor, content FROM campaign_versions")).one()
        current = conn.execute(text("SELECT version, archived_at FROM campaigns")).one()
    engine.dispose()
    assert head_revision() >= "0006"
    assert (row.version, row.actor, tuple(current)) == (1, "migration", (1, None))
    assert row.fingerprint == V1.stored_as("old").version
    assert Campaign.from_content(json.loads(row.content)) == V1
