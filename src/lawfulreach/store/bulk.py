"""Bulk inserts that skip rows colliding with a unique key and say how many went in.

Register loads and exclusion-list imports insert up to tens of millions of rows in one transaction.
On PostgreSQL rows are streamed with ``COPY`` into a transaction-local staging table and moved with one
``INSERT … SELECT … ON CONFLICT DO NOTHING`` (ordered by the key, which keeps B-tree inserts local);
row-by-row ``INSERT``s are an order of magnitude slower. On SQLite an ``INSERT OR IGNORE`` executemany
is already fast. Either way the rows are part of the caller's transaction: nothing is visible until
it commits, and a failure leaves nothing behind.

These write through the session's connection, below the tenant guard of ``store.db``, so callers pass
the tenant id among the constant columns.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import LargeBinary, Table
from sqlalchemy.orm import Session

_STAGE_NAMES = itertools.count()


class BulkInsert:
    """Stream rows of ``columns`` into ``table``; ``constants`` fill the remaining columns of every row."""

    def __init__(
        self,
        session: Session,
        table: Table,
        columns: Sequence[str],
        constants: Mapping[str, Any],
        order_by: Sequence[str] = (),
        *,
        table_has_no_conflicts: bool = False,
    ) -> None:
        """``table_has_no_conflicts``: the caller guarantees no existing row shares a key with the new
        ones (a register just emptied), so only duplicates among the new rows need dropping — a plain
        ``SELECT DISTINCT`` insert, about twice as fast as ``ON CONFLICT`` on PostgreSQL."""
        self._conn = session.connection()
        self._table, self._columns, self._constants = table, list(columns), dict(constants)
        self._order_by = list(order_by)
        self._distinct = table_has_no_conflicts
        self._postgres = self._conn.dialect.name == "postgresql"
        self._inserted = 0
        if self._postgres:
            self._stage = f"lr_stage_{next(_STAGE_NAMES)}"
            self._conn.exec_driver_sql(
                f"CREATE TEMPORARY TABLE {self._stage} ON COMMIT DROP AS "
                f"SELECT {', '.join(self._columns)} FROM {table.name} WITH NO DATA"
            )
            self._raw: Any = self._conn.connection.driver_connection
        else:
            names = [*self._constants, *self._columns]
            marks = ", ".join("?" for _ in names)
            self._sqlite_insert = f"INSERT OR IGNORE INTO {table.name} ({', '.join(names)}) VALUES ({marks})"
            # The column types' own conversions (e.g. UTC timestamps), applied as SQLAlchemy would;
            # not for binary columns (sealed values): sqlite3 takes bytes as they are.
            processors = [
                None if isinstance(table.c[n].type, LargeBinary) else table.c[n].type.bind_processor(self._conn.dialect)
                for n in names
            ]
            #: (position, conversion) of the columns that have one; the others pass through untouched
            self._processors = [(i, p) for i, p in enumerate(processors) if p is not None]

    def _process(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        if not self._processors:
            return row
        values = list(row)
        for i, convert in self._processors:
            values[i] = convert(values[i])
        return tuple(values)

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        if self._postgres:
            with (
                self._raw.cursor() as cur,
                cur.copy(f"COPY {self._stage} ({', '.join(self._columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        constants = tuple(self._constants.values())
        batch = [self._process((*constants, *row)) for row in rows]
        if batch:
            result = self._conn.exec_driver_sql(self._sqlite_insert, batch)
            self._inserted += max(int(result.rowcount), 0)

    def finish(self) -> int:
        """Move the staged rows into the table (PostgreSQL); the number of rows actually inserted."""
        if not self._postgres:
            return self._inserted
        names = list(self._constants)
        targets = ", ".join([*names, *self._columns])
        dialect = self._conn.dialect
        params = ", ".join(f"CAST(%({n})s AS {self._table.c[n].type.compile(dialect)})" for n in names)
        order = f" ORDER BY {', '.join(self._order_by)}" if self._order_by else ""
        columns = ", ".join(self._columns)
        if self._distinct:
            source = f"SELECT {params}, {columns} FROM (SELECT DISTINCT {columns} FROM {self._stage}) AS s{order}"
            conflict = ""
        else:
            source = f"SELECT {params}, {columns} FROM {self._stage}{order}"
            conflict = " ON CONFLICT DO NOTHING"
        result = self._conn.exec_driver_sql(
            f"INSERT INTO {self._table.name} ({targets}) {source}{conflict}", dict(self._constants)
        )
        self._conn.exec_driver_sql(f"DROP TABLE {self._stage}")
        return int(result.rowcount)
