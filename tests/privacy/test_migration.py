"""A workspace written before issue 4 (plaintext personal data) upgrades to encrypted storage: every
row converted, plaintext columns gone, decisions unchanged — and not without the key."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from lawfulreach.domain.vocabulary import Channel
from lawfulreach.store import Subject, Workspace, WorkspaceSettings, keys, upgrade_workspace
from lawfulreach.store.errors import SchemaError, SecretKeyError
from lawfulreach.store.migrate import _scripts, head_revision, upgrade
from privacy_support import EMAIL, NAME, PHONE, dump, found, needles

T = "2026-01-01 00:00:00"

pytestmark = pytest.mark.empty_database  # these tests run the migrations themselves, from an old revision


def _before_0004() -> str:
    script = _scripts().get_revision("0004")
    assert script is not None
    assert isinstance(script.down_revision, str)
    return script.down_revision


def _old_workspace(settings: WorkspaceSettings, *, with_key: bool = True) -> None:
    """The schema just before encryption, holding one person the old (plaintext) way."""
    upgrade(settings.url, _before_0004())
    key = os.urandom(32)
    assert settings.key_file is not None
    if with_key:
        settings.key_file.parent.mkdir(parents=True, exist_ok=True)
        settings.key_file.write_text(base64.b64encode(key).decode())
        settings.key_file.chmod(0o600)
    engine = create_engine(settings.url)
    with engine.begin() as conn:
        check = keys.key_check(keys.tenant_key(key, "default"))
        conn.execute(
            text("INSERT INTO tenants (id, name, key_check, created_at) VALUES (1, 'default', :c, :t)"),
            {"c": check, "t": T},
        )
        conn.execute(
            text(
                "INSERT INTO contacts (id, tenant_id, identity, email_key, phone_key, email, phone, first_name, "
                "last_name, name, company, job_title, country, subscriber_type, in_public_directory, created_at, "
                "updated_at) VALUES (1, 1, :e, :e, :p, :raw, '020 7946 0321', 'Zelda', 'Quimbyfarthing', :n, "
                "'Quimby Widgets Ltd', 'Chief Quimby Officer', 'GB', 'corporate', false, :t, :t)"
            ),
            {"e": EMAIL, "p": PHONE, "raw": EMAIL, "n": NAME, "t": T},
        )
        conn.execute(
            text(
                "INSERT INTO contact_provenance (tenant_id, contact_id, source, provider, file_name, imported_at) "
                "VALUES (1, 1, 'third_party', 'DataCo', 'old.csv', :t)"
            ),
            {"t": T},
        )
        for kind, value, reason in (
            ("email", EMAIL, f"{NAME} complained"),
            ("phone", PHONE, None),
            ("domain", "x.org", None),
        ):
            conn.execute(
                text(
                    "INSERT INTO suppression_entries (tenant_id, kind, value, reason, source, created_at) "
                    "VALUES (1, :k, :v, :r, 'manual', :t)"
                ),
                {"k": kind, "v": value, "r": reason, "t": T},
            )
        conn.execute(
            text(
                "INSERT INTO ledger_events (tenant_id, subject_kind, subject_key, event, channel, purpose, method, "
                "wording, source, occurred_at, recorded_at) VALUES (1, 'phone', :p, 'opt_out', 'call', NULL, NULL, "
                ":w, 'phone call', :t, :t)"
            ),
            {"p": PHONE, "w": f"{NAME} said no", "t": T},
        )
    engine.dispose()


def test_plaintext_workspace_upgrades_to_encrypted(settings: WorkspaceSettings) -> None:
    _old_workspace(settings)
    with pytest.raises(SchemaError, match="lawfulreach db upgrade"):
        Workspace.open(settings)
    assert upgrade_workspace(settings) == (_before_0004(), head_revision())
    with Workspace.open(settings) as ws:
        ((contact, origins),) = ws.contacts.find(email=EMAIL)
        assert (contact.name, contact.phone_key, origins[0].provider) == (NAME, PHONE, "DataCo")
        assert {(e.kind, e.value, e.reason) for e in ws.suppressions.entries()} == {
            ("email", EMAIL, f"{NAME} complained"),
            ("phone", PHONE, None),
            ("domain", "x.org", None),
        }
        assert ws.ledger.history(Subject("phone", PHONE))[0].wording == f"{NAME} said no"
        state = ws.state()
        assert state.suppression_hits(EMAIL, "a.x.org", PHONE) == (True, True, True)
        assert state.is_opted_out(None, PHONE, Channel.CALL)
        columns = {c["name"] for c in inspect(ws.engine).get_columns("contacts")}
        assert not columns & {"email", "phone", "name", "email_key", "identity"}
        assert found(dump(ws), needles()) == []
        ws.erase([Subject("email", EMAIL)])
        assert found(dump(ws), needles()) == []


def test_no_upgrade_without_the_key(settings: WorkspaceSettings) -> None:
    _old_workspace(settings, with_key=False)
    with pytest.raises(SecretKeyError, match="encrypts"):
        upgrade_workspace(settings)
    engine = create_engine(settings.url)
    try:
        with engine.connect() as conn:  # nothing changed: still the old revision, still readable
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == _before_0004()
            assert conn.execute(text("SELECT name FROM contacts")).scalar_one() == NAME
    finally:
        engine.dispose()


def test_an_empty_old_workspace_needs_no_key(settings: WorkspaceSettings, tmp_path: Path) -> None:
    upgrade(settings.url, _before_0004())
    assert upgrade_workspace(settings)[1] == head_revision()
