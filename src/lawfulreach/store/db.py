"""Engines and sessions: SQLite in WAL mode with a busy timeout, PostgreSQL via psycopg 3, and the
tenant guard.

* SQLite: WAL lets readers run while one process writes; ``busy_timeout`` makes a second writer wait
  instead of failing; write transactions start with ``BEGIN IMMEDIATE`` so two writers queue on the
  lock rather than deadlocking when both upgrade a read to a write (pysqlite's own BEGIN handling is
  switched off for that, per the SQLAlchemy documentation).
* The tenant guard: a ``TenantSession`` adds ``tenant_id = <its tenant>`` to every ORM SELECT, UPDATE
  and DELETE on a ``TenantScoped`` model (``with_loader_criteria``) and refuses non-ORM queries, so
  there is no query path that can read across tenants.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria
from sqlalchemy.pool import ConnectionPoolEntry

from lawfulreach.errors import ConflictError, StoreError
from lawfulreach.store.errors import UnreachableError
from lawfulreach.store.models import Base, TenantScoped
from lawfulreach.store.settings import redacted, sqlite_path

SQLITE_BUSY_TIMEOUT_MS = 30_000
_WRITE = "lawfulreach_write"


def make_engine(url: str, *, foreign_keys: bool = True) -> Engine:
    """An engine for the workspace URL (a new SQLite file is created mode 0600, its directory 0700)."""
    path = sqlite_path(url)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():  # personal data: readable by its owner only (SQLite copies the mode to -wal/-shm)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    engine = create_engine(url, pool_pre_ping=path is None)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, foreign_keys)
    return engine


def _configure_sqlite(engine: Engine, foreign_keys: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


def writer(engine: Engine) -> Engine:
    """The same engine, marked so SQLite transactions take the write lock up front."""
    return engine.execution_options(**{_WRITE: True})


class TenantSession(Session):
    """A session that can only see one tenant's rows (``info["tenant_id"]``)."""


@event.listens_for(TenantSession, "do_orm_execute")
def _tenant_guard(state: ORMExecuteState) -> None:
    if not state.is_orm_statement:  # Core tables and text() would bypass the criteria below
        raise StoreError("refused a query that is not tenant-scoped (use the ORM models)")
    if not (state.is_select or state.is_update or state.is_delete):
        return
    tenant_id = state.session.info["tenant_id"]
    state.statement = state.statement.options(
        with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)
    )


def tenant_sessions(engine: Engine, tenant_id: int) -> tuple[sessionmaker[TenantSession], sessionmaker[TenantSession]]:
    """(reading, writing) session factories bound to one tenant."""
    info = {"tenant_id": tenant_id}
    read = sessionmaker(engine, class_=TenantSession, info=info, expire_on_commit=False)
    write = sessionmaker(writer(engine), class_=TenantSession, info=info, expire_on_commit=False)
    return read, write


@contextmanager
def translated(url: str) -> Iterator[None]:
    """Database driver errors as one-line ``StoreError``s naming the (password-free) database."""
    try:
        yield
    except exc.IntegrityError as err:
        raise ConflictError(f"the workspace refused the change: {_first_line(err.orig)}") from err
    except exc.OperationalError as err:
        raise UnreachableError(f"workspace database {redacted(url)}: {_first_line(err.orig)}") from err
    except exc.DBAPIError as err:
        raise StoreError(f"workspace database {redacted(url)}: {_first_line(err.orig)}") from err


def _first_line(error: BaseException | None) -> str:
    text = str(error or "").strip()
    return text.splitlines()[0] if text else type(error).__name__


def insert_ignoring_duplicates(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows, skipping those that collide with a unique key; the number actually inserted.

    ``ON CONFLICT DO NOTHING`` on both databases, so a re-import is idempotent and a concurrent import
    of the same entries cannot fail the transaction.
    """
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    # the dialect modules are imported here, by the one that is used: PostgreSQL's costs a SQLite
    # workspace ~30 ms a process otherwise (``lawfulreach check``'s start-up)
    pk = model.__mapper__.primary_key[0]
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        stmt = postgresql.insert(model).on_conflict_do_nothing().returning(pk)
    else:
        from sqlalchemy.dialects import sqlite

        stmt = sqlite.insert(model).on_conflict_do_nothing().returning(pk)
    return len(session.execute(stmt, list(rows)).all())


__all__ = [
    "TenantSession",
    "insert_ignoring_duplicates",
    "make_engine",
    "tenant_sessions",
    "translated",
    "writer",
]
