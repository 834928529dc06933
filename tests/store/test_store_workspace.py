"""Creating, opening and migrating workspaces; the secret key; tenants."""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from lawfulreach.store import Subject, Workspace, WorkspaceSettings, add_tenant, tenant_names, upgrade_workspace
from lawfulreach.store.errors import SchemaError, SecretKeyError, UnknownTenantError
from lawfulreach.store.migrate import head_revision, upgrade
from lawfulreach.store.models import TENANT_SCOPED_MODELS, Base
from lawfulreach.store.settings import normalise_url, redacted
from lawfulreach.store.suppression import Entry


class TestSettings:
    """Where a workspace lives when nothing is configured, and how URLs are read."""

    def test_default_is_an_sqlite_file_under_lawfulreach_home(self, tmp_path: Path) -> None:
        s = WorkspaceSettings.resolve(environ={"LAWFULREACH_HOME": str(tmp_path)})
        assert s.url == f"sqlite:///{tmp_path / 'workspace.sqlite'}"
        assert s.key_file == tmp_path / "workspace.key"
        assert s.tenant == "default"

    def test_environment(self, tmp_path: Path) -> None:
        env = {
            "LAWFULREACH_DATABASE_URL": "postgresql://u:secret@db.example:5433/lr",
            "LAWFULREACH_TENANT": "acme",
            "LAWFULREACH_KEY_FILE": str(tmp_path / "k"),
            "LAWFULREACH_HOME": str(tmp_path),
        }
        s = WorkspaceSettings.resolve(environ=env)
        assert s.url.startswith("postgresql+psycopg://u:secret@db.example:5433/lr")
        assert "secret" not in s.redacted_url
        assert (s.tenant, s.key_file) == ("acme", tmp_path / "k")

    def test_postgres_key_file_defaults_under_home(self, tmp_path: Path) -> None:
        s = WorkspaceSettings.resolve("postgresql://db.example/lr", environ={"LAWFULREACH_HOME": str(tmp_path)})
        assert s.key_file == tmp_path / "keys" / "postgresql-db.example-lr.key"

    def test_bare_path_is_sqlite(self, tmp_path: Path) -> None:
        assert normalise_url(str(tmp_path / "x.sqlite")) == f"sqlite:///{tmp_path / 'x.sqlite'}"

    def test_bad_inputs(self) -> None:
        from lawfulreach.errors import ConfigError, InputError

        with pytest.raises(ConfigError, match="unsupported database 'mysql'"):
            normalise_url("mysql://x/y")
        with pytest.raises(InputError, match="tenant name"):
            WorkspaceSettings.resolve("sqlite:///x", "no spaces", environ={})
        assert redacted("postgresql+psycopg://u:pw@h/d") == "postgresql+psycopg://u:***@h/d"


class TestCreation:
    def test_first_use_creates_schema_key_and_default_tenant(self, settings: WorkspaceSettings, ws: Workspace) -> None:
        assert settings.key_file is not None
        mode = stat.S_IMODE(settings.key_file.stat().st_mode)
        assert mode == 0o600
        assert len(base64.b64decode(settings.key_file.read_text())) == 32
        assert tenant_names(settings) == ["default"]
        with ws.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()

    def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(self, tmp_path: Path) -> None:
        with Workspace.open(WorkspaceSettings.resolve(environ={"LAWFULREACH_HOME": str(tmp_path)})) as ws:
            with ws.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert stat.S_IMODE((tmp_path / "workspace.sqlite").stat().st_mode) == 0o600

    def test_unreachable_database_is_one_line(self, tmp_path: Path) -> None:
        from lawfulreach.store.errors import UnreachableError

        settings = WorkspaceSettings.resolve(
            "postgresql://nobody@127.0.0.1:1/none", environ={"LAWFULREACH_HOME": str(tmp_path)}
        )
        with pytest.raises(UnreachableError) as info:
            Workspace.open(settings)
        assert "127.0.0.1:1/none" in str(info.value)
        assert "\n" not in str(info.value)

    def test_reopening_keeps_the_data(self, open_ws: Callable[..., Workspace]) -> None:
        open_ws().suppressions.add(Entry("domain", "example.com"))
        assert [e.value for e in open_ws().suppressions.entries()] == ["example.com"]

    def test_models_and_migrations_agree(self, ws: Workspace) -> None:
        """The migrations create exactly the tables of this issue's models (models other modules add to
        ``Base`` bring their own revisions and are not compared here)."""
        mine = {m.__tablename__ for m in TENANT_SCOPED_MODELS} | {"tenants", "key_versions"}

        def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
            table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
            return table in mine

        opts = {"compare_type": True, "include_object": include}
        with ws.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
        assert diff == []


class TestSecretKey:
    """The key is outside the database; losing or swapping it is an error, never a silent new key."""

    def test_missing_key_file_on_an_existing_workspace(self, settings: WorkspaceSettings, ws: Workspace) -> None:
        assert settings.key_file is not None
        settings.key_file.unlink()
        with pytest.raises(SecretKeyError, match=r"missing .* restore it from your backup"):
            Workspace.open(settings)
        assert not settings.key_file.exists()  # and no new key was made up

    def test_a_different_key_is_refused(self, settings: WorkspaceSettings, ws: Workspace) -> None:
        other = replace(settings, secret_key=os.urandom(32).hex())
        with pytest.raises(SecretKeyError, match="does not belong"):
            Workspace.open(other)

    def test_key_from_the_environment(self, db_url: str, tmp_path: Path) -> None:
        key = os.urandom(32)
        hex_settings = WorkspaceSettings(url=db_url, key_file=tmp_path / "unused.key", secret_key=key.hex())
        Workspace.open(hex_settings).close()
        assert not (tmp_path / "unused.key").exists()
        b64 = replace(hex_settings, secret_key=base64.urlsafe_b64encode(key).decode())
        Workspace.open(b64).close()
        with pytest.raises(SecretKeyError, match="LAWFULREACH_SECRET_KEY is not a secret key"):
            Workspace.open(replace(hex_settings, secret_key="too-short"))

    def test_key_file_readable_by_others_is_refused(self, settings: WorkspaceSettings, ws: Workspace) -> None:
        assert settings.key_file is not None
        settings.key_file.chmod(0o644)
        with pytest.raises(SecretKeyError, match="chmod 600"):
            Workspace.open(settings)

    def test_erasure_hash_is_keyed_per_tenant(self, ws: Workspace, open_ws: Callable[..., Workspace]) -> None:
        from lawfulreach.domain.state import keyed_hash

        add_tenant(ws.settings, "acme")
        acme = open_ws("acme")
        assert ws.scope.hash("jane@foo.com") == keyed_hash(ws.scope.key, "jane@foo.com")
        assert ws.scope.hash("jane@foo.com") != acme.scope.hash("jane@foo.com")
        assert ws.batch_snapshot().secret_key == ws.scope.key


class TestTenants:
    def test_unknown_tenant_is_an_error_not_an_empty_state(self, settings: WorkspaceSettings, ws: Workspace) -> None:
        with pytest.raises(UnknownTenantError, match="tenant 'acme' does not exist"):
            Workspace.open(replace(settings, tenant="acme"))

    def test_add_and_list(self, settings: WorkspaceSettings, ws: Workspace) -> None:
        from lawfulreach.errors import ConflictError

        add_tenant(settings, "acme")
        with pytest.raises(ConflictError):
            add_tenant(settings, "acme")
        assert tenant_names(settings) == ["acme", "default"]


@pytest.mark.empty_database
class TestMigrations:
    """A workspace made by an older version upgrades cleanly, keeping its data."""

    def test_older_revision_upgrades(self, settings: WorkspaceSettings, tmp_path: Path) -> None:
        upgrade(settings.url, "0001")
        engine = create_engine(settings.url)
        with engine.begin() as conn:
            assert "dnc_registers" not in inspect(conn).get_table_names()
            from lawfulreach.store import keys

            key = os.urandom(32)
            assert settings.key_file is not None
            settings.key_file.parent.mkdir(parents=True, exist_ok=True)
            settings.key_file.write_text(base64.b64encode(key).decode())
            settings.key_file.chmod(0o600)
            check = keys.key_check(keys.tenant_key(key, "default"))
            conn.execute(
                text("INSERT INTO tenants (id, name, key_check, created_at) VALUES (1, 'default', :c, :t)"),
                {"c": check, "t": "2026-01-01 00:00:00"},
            )
            conn.execute(
                text(
                    "INSERT INTO suppression_entries (tenant_id, kind, value, source, created_at) "
                    "VALUES (1, 'domain', 'old.example', 'import', :t)"
                ),
                {"t": "2026-01-01 00:00:00"},
            )
        engine.dispose()

        with pytest.raises(SchemaError, match=r"revision 0001.*lawfulreach db upgrade"):
            Workspace.open(settings)
        assert upgrade_workspace(settings) == ("0001", head_revision())
        with Workspace.open(settings) as ws:
            assert [e.value for e in ws.suppressions.entries()] == ["old.example"]
            ws.ledger.opt_out(Subject("email", "jane@foo.com"))
            assert ws.dnc.registers() == []

    def test_upgrade_is_idempotent(self, settings: WorkspaceSettings) -> None:
        assert upgrade_workspace(settings) == (None, head_revision())
        assert upgrade_workspace(settings) == (head_revision(), head_revision())

    def test_foreign_database_is_refused(self, settings: WorkspaceSettings) -> None:
        engine = create_engine(settings.url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE something_else (id INTEGER)"))
        engine.dispose()
        with pytest.raises(SchemaError, match="not a lawfulreach workspace"):
            Workspace.open(settings)
