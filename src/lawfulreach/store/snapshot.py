"""A tenant's whole state as frames, for the batch ``screen``: a handful of bulk SELECTs, no per-row queries.

Large tables (exclusion entries, erased hashes, register numbers) are streamed out of PostgreSQL with
``COPY … TO STDOUT`` straight into Polars; on SQLite a plain SELECT is fast enough. Every SELECT is
built with the ORM models and the tenant criteria of ``store.db`` (for COPY the criteria are compiled
into the SQL text), so the snapshot cannot contain another tenant's rows. The ledger is replayed by the
same ``ledger_state.derive`` single checks use.

Nothing is decrypted: exclusion entries, ledger subjects and erased hashes are read as the blind
indexes the tables store (``BatchSnapshot`` documents the contract), so the batch path matches each
contact by hashing its normalised email and phone with ``BatchSnapshot.secret_key``.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, with_loader_criteria

from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.store.dnc import DncRepo
from lawfulreach.store.ledger_state import LedgerFact, derive
from lawfulreach.store.models import DncNumber, DncRegister, ErasedSubject, LedgerEvent, SuppressionEntry, TenantScoped
from lawfulreach.store.scope import TenantScope

_STR = pl.String


def _frame(
    scope: TenantScope, session: Session, stmt: Select[*tuple[Any, ...]], schema: dict[str, Any]
) -> pl.DataFrame:
    """The rows of ``stmt`` (with the tenant criteria compiled in) read through the driver directly:
    ``COPY … TO STDOUT`` on PostgreSQL, a plain cursor on SQLite — the ORM's per-row objects would
    cost more than the query for millions of rows."""
    tenant_id = scope.tenant_id
    scoped = stmt.options(
        with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)
    )
    sql = str(scoped.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
    raw: Any = session.connection().connection.driver_connection
    if scope.dialect != "postgresql":
        rows = raw.execute(sql).fetchall()
        return pl.DataFrame(rows, schema=schema, orient="row")
    buf = io.BytesIO()
    with raw.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        for block in copy:
            buf.write(block)
    if not buf.getbuffer().nbytes:
        return pl.DataFrame(schema=schema)
    buf.seek(0)
    return pl.read_csv(buf, has_header=False, new_columns=list(schema), schema=schema)


def _numbers(scope: TenantScope, session: Session) -> pl.DataFrame:
    """Register numbers, one narrow query per register (country and name added as constants)."""
    schema = {"country": _STR, "register": _STR, "e164": _STR}
    registers = session.execute(select(DncRegister.id, DncRegister.country, DncRegister.name_key)).all()
    parts = [
        _frame(scope, session, select(DncNumber.e164).where(DncNumber.register_id == reg_id), {"e164": _STR}).select(
            pl.lit(country, _STR).alias("country"), pl.lit(name, _STR).alias("register"), "e164"
        )
        for reg_id, country, name in registers
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _values(scope: TenantScope, session: Session, kind: str) -> pl.Series:
    """Match keys of one kind: blind indexes (email, phone) or domains."""
    stmt = select(SuppressionEntry.match_key).where(SuppressionEntry.kind == kind).order_by(SuppressionEntry.match_key)
    return _frame(scope, session, stmt, {"value": _STR}).to_series()


def build_snapshot(scope: TenantScope) -> BatchSnapshot:
    with scope.reading(consistent=True) as session:
        emails = _values(scope, session, "email")
        domains = _values(scope, session, "domain")
        phones = _values(scope, session, "phone")
        erased = _frame(
            scope, session, select(ErasedSubject.key_hash).order_by(ErasedSubject.key_hash), {"key_hash": _STR}
        ).to_series()
        events = session.execute(
            select(
                LedgerEvent.subject_index,
                LedgerEvent.event,
                LedgerEvent.channel,
                LedgerEvent.purpose,
                LedgerEvent.method,
                LedgerEvent.occurred_at,
            ).order_by(LedgerEvent.id)
        )
        ledger = derive(LedgerFact(*row) for row in events)
        numbers = _numbers(scope, session)
    opt_outs = pl.DataFrame(
        [(key, ch) for key, chans in ledger.opt_outs.items() for ch in sorted(chans)],
        schema={"key": _STR, "channel": _STR},
        orient="row",
    )
    consents = pl.DataFrame(
        [(key, ch, purpose, rec.status.value, rec.method) for (key, ch, purpose), rec in ledger.consents.items()],
        schema={"key": _STR, "channel": _STR, "purpose": _STR, "status": _STR, "method": _STR},
        orient="row",
    )
    return BatchSnapshot(
        secret_key=scope.key,
        suppressed_emails=emails.rename(""),
        suppressed_domains=domains.rename(""),
        suppressed_phones=phones.rename(""),
        erased_hashes=erased.rename(""),
        opt_outs=opt_outs,
        consents=consents,
        registers=DncRepo(scope).registers(),
        dnc_numbers=numbers,
    )
