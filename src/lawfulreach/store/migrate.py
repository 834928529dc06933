"""Schema migrations through Alembic's command API (the CLI's ``db upgrade`` is a thin layer over it).

A workspace is *empty* (no tables: migrated automatically on first use), *current*, *outdated*
(created by an older lawfulreach: ``lawfulreach db upgrade`` after a backup), or *newer* / *foreign*
(refused: a newer lawfulreach wrote it, or it is not a lawfulreach database).

Alembic is imported only to migrate or to tell an outdated workspace from a newer one: every command
opens a workspace, and importing Alembic and reading its scripts cost ~0.2 s a process, more than one
``check`` decides in. Opening a current workspace reads its revision with one query and compares it
with ``HEAD_REVISION`` (a test keeps the constant equal to the scripts' head).
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, inspect, text

from lawfulreach.store.db import make_engine, writer
from lawfulreach.store.errors import SchemaError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory


#: the newest revision in ``migrations/versions`` (tests/store/test_store_workspace.py checks it against
#: Alembic's own reading of the scripts): what a current workspace is at
HEAD_REVISION = "0013"

#: the table Alembic records a database's revision in (``alembic.runtime.migration``'s default)
_VERSION_TABLE = "alembic_version"


class SchemaState(StrEnum):
    EMPTY = "empty"
    CURRENT = "current"
    OUTDATED = "outdated"
    NEWER = "newer"
    FOREIGN = "foreign"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "lawfulreach.store:migrations")
    return config


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    return HEAD_REVISION


def scripts_head() -> str | None:
    """The head as Alembic reads it from the scripts (what ``HEAD_REVISION`` must equal)."""
    return _scripts().get_current_head()


def known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The revision the database records, None when it has no version table (or an empty one).

    Read as Alembic's ``MigrationContext.get_current_revision`` does (one row of ``alembic_version``
    in the connection's default schema), without importing Alembic."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(_VERSION_TABLE):
            return None
        rows = list(conn.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}")).scalars())
    if len(rows) > 1:
        raise SchemaError(f"the workspace records several schema revisions ({', '.join(sorted(rows))})")
    return rows[0] if rows else None


def schema_state(engine: Engine) -> tuple[SchemaState, str | None]:
    current = current_revision(engine)
    if current is None:
        tables = set(inspect(engine).get_table_names())
        return (SchemaState.EMPTY if not tables else SchemaState.FOREIGN), None
    if current == head_revision():
        return SchemaState.CURRENT, current
    if current in known_revisions():
        return SchemaState.OUTDATED, current
    return SchemaState.NEWER, current


def upgrade(url: str, revision: str = "head", *, keyring: Any = None) -> tuple[str | None, str | None]:
    """Migrate the database at ``url`` to ``revision``; returns (before, after).

    ``keyring`` (a ``store.crypto.KeyRing``) is handed to revisions that transform data under the
    workspace key (``config.attributes["keyring"]``); revisions fail with a clear message when they
    need it and it is missing. Runs on its own engine with SQLite foreign keys off: a batch-mode table rebuild drops and
    re-creates tables, which with foreign keys on would cascade-delete the rows that refer to them.
    """
    from alembic import command

    engine = make_engine(url, foreign_keys=False)
    try:
        before = current_revision(engine)
        config = _config()
        with writer(engine).begin() as conn:
            config.attributes["connection"] = conn
            config.attributes["keyring"] = keyring
            command.upgrade(config, revision)
        return before, current_revision(engine)
    finally:
        engine.dispose()
