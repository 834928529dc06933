"""Opening a workspace reads its revision without Alembic, so the constant it compares with must be
the scripts' head; and the list of modules that declare tables must be complete, or Alembic's
autogenerate and the model-versus-migration comparison would miss a table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

import lawfulreach.store
from lawfulreach.store import Workspace
from lawfulreach.store.errors import SchemaError
from lawfulreach.store.migrate import HEAD_REVISION, SchemaState, current_revision, schema_state, scripts_head
from lawfulreach.store.models import TABLE_MODULES, all_tables

STORE = Path(lawfulreach.store.__file__).parent


def test_the_head_constant_is_the_scripts_head() -> None:
    assert scripts_head() == HEAD_REVISION


def test_every_module_declaring_a_table_is_listed() -> None:
    declaring = set()
    for path in STORE.rglob("*.py"):
        if "migrations" in path.parts or path.name == "models.py":
            continue
        if re.search(r"^class \w+\((?:\w+, )*Base\):", path.read_text(encoding="utf-8"), re.MULTILINE):
            module = ".".join(path.relative_to(STORE.parent.parent).with_suffix("").parts)
            declaring.add(module)
    assert declaring == set(TABLE_MODULES)


def test_the_whole_schema_agrees_with_the_migrations(ws: Workspace) -> None:
    """Every table of every module, not only those a test imported."""
    with ws.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), all_tables())
    assert diff == []


def test_the_revision_is_read_as_alembic_reads_it(ws: Workspace) -> None:
    with ws.engine.connect() as conn:
        assert current_revision(ws.engine) == MigrationContext.configure(conn).get_current_revision()
    assert schema_state(ws.engine) == (SchemaState.CURRENT, HEAD_REVISION)


def test_a_workspace_recording_two_revisions_is_refused(ws: Workspace) -> None:
    with ws.engine.begin() as conn:
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0001')"))
    with pytest.raises(SchemaError, match="several schema revisions"):
        current_revision(ws.engine)
