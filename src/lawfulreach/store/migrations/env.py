"""Alembic environment for the workspace schema.

Run programmatically by ``lawfulreach.store.migrate`` (which hands over an open connection in
``config.attributes["connection"]``) or by the ``alembic`` command with ``store/alembic.ini`` and
``LAWFULREACH_DATABASE_URL`` for developers writing new revisions. SQLite needs ``render_as_batch``
(it cannot ALTER most things in place); on PostgreSQL an advisory lock stops two processes from
migrating the same database at once.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, create_engine

from lawfulreach.store.models import all_tables

config = context.config
target_metadata = all_tables()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('lawfulreach-migrations'))")
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = os.environ.get("LAWFULREACH_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set LAWFULREACH_DATABASE_URL to the workspace database to run alembic directly")
    engine = create_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run against a database")
run_migrations_online()
