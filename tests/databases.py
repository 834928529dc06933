"""One empty database per test, on either backend: shared by the store, privacy and API suites.

SQLite gets a file in the test's directory; PostgreSQL a fresh schema (selected with ``search_path``)
that is dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def pg_schema_url(base: str, schema: str) -> str:
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def fresh_database(backend: str, pg_base: str, directory: Path, prefix: str = "lr_test") -> Iterator[str]:
    """Yield a URL to an empty database on ``backend``; clean up after."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'workspace.sqlite'}"
        return
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield pg_schema_url(pg_base, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
