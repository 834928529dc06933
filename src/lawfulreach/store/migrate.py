"""Schema migrations through Alembic's command API (the CLI's ``db upgrade`` is a thin layer over it).

A workspace is *empty* (no tables: migrated automatically on first use), *current*, *outdated*
(created by an older lawfulreach: ``lawfulreach db upgrade`` after a backup), or *newer* / *foreign*
(refused: a newer lawfulreach wrote it, or it is not a lawfulreach database).

Alembic is imported by the functions that use it, not by this module: ``lawfulreach --help`` and the
commands that never open a workspace (``columns``, ``rules show``, ``sample``) then skip its ~0.1 s import.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, inspect

from lawfulreach.store.db import make_engine, writer

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory


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
    head = _scripts().get_current_head()
    assert head is not None, "the migration scripts have no head"
    return head


def known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


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
