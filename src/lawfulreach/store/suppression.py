"""Exclusion lists: emails, domains (covering their subdomains) and E.164 phones.

An import is parsed completely before anything is written: one bad line and nothing is imported, and
the error lists every bad line. Entries already listed are left as they are (``ON CONFLICT DO
NOTHING``), so importing the same file twice changes nothing. Entries for people who were erased are
not stored again (they are blocked as ``erased_subject`` anyway, and storing them would undo the erasure).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select

from lawfulreach.errors import ConflictError, InputError, NotFoundError
from lawfulreach.store.bulk import BulkInsert
from lawfulreach.store.bulk_keys import bulk_e164, bulk_email_keys
from lawfulreach.store.errors import InvalidRowsError
from lawfulreach.store.files import iter_lines, read_table, sniff_header
from lawfulreach.store.models import SUPPRESSION_KINDS, SUPPRESSION_SOURCES, ErasedSubject, SuppressionEntry
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.subjects import country_code, domain_key, email_key, phone_key

_VALUE_COLUMNS = ("email", "domain", "phone", "value")
_PHONE_LIKE = re.compile(r"^\+?[0-9\s\-().\/]{6,}$")
_BATCH = 5_000


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str
    value: str
    reason: str | None = None
    source: str = "manual"
    created_at: datetime | None = None


@dataclass(frozen=True)
class ImportReport:
    read: int
    added: int
    already_listed: int
    skipped_erased: int


def recognise(raw: str) -> str:
    """The kind of a bare entry: ``@`` in it → email (a leading ``@`` → domain), phone-like → phone, else domain."""
    text = raw.strip()
    if "@" in text.lstrip("@"):
        return "email"
    if _PHONE_LIKE.match(text) and sum(ch.isdigit() for ch in text) >= 6:
        return "phone"
    return "domain"


def check_source(source: str) -> str:
    value = source.strip().lower()
    if value not in SUPPRESSION_SOURCES:
        raise InputError(f"unknown source {source!r}; use one of {', '.join(SUPPRESSION_SOURCES)}")
    return value


def check_kind(kind: str) -> str:
    value = kind.strip().lower()
    if value not in SUPPRESSION_KINDS:
        raise InputError(f"unknown kind {kind!r}; use email, domain or phone")
    return value


def normalise_entry(kind: str, raw: str, country: str | None = None) -> str:
    if kind == "email":
        return email_key(raw)
    if kind == "domain":
        return domain_key(raw)
    return phone_key(raw, country)


@dataclass
class _Pending:
    line: int
    kind: str
    raw: str
    country: str | None
    reason: str | None
    source: str


def _pending_rows(
    path: Path, reason: str | None, source: str, country: str | None
) -> Iterator[_Pending | tuple[int, str]]:
    """Each entry of the file, or (line, problem) for lines that cannot even be read as an entry."""
    if not sniff_header(path, _VALUE_COLUMNS):
        for line, text in iter_lines(path):
            yield _Pending(line, recognise(text), text, country, reason, source)
        return
    table = read_table(path)
    for line, row in table.rows:
        try:
            row_source = check_source(row["source"]) if row.get("source") else source
            row_country = country_code(row["country"]) if row.get("country") else country
            explicit_kind = check_kind(row["kind"]) if row.get("kind") else None
        except InputError as exc:
            yield line, str(exc)
            continue
        row_reason = row.get("reason") or reason
        found = False
        for column in _VALUE_COLUMNS:
            cell = row.get(column, "")
            if cell:
                found = True
                kind = column if column != "value" else (explicit_kind or recognise(cell))
                yield _Pending(line, kind, cell, row_country, row_reason, row_source)
        if not found:
            yield line, "no email, domain, phone or value in this row"


def _why_not(p: _Pending) -> str:
    """The reference normaliser's message for a value the bulk normaliser rejected."""
    try:
        normalise_entry(p.kind, p.raw, p.country)
    except InputError as exc:
        return str(exc)
    return f"not a valid {p.kind}: {p.raw!r}"  # pragma: no cover - bulk and reference agree


def parse_file(path: Path, *, reason: str | None, source: str, country: str | None) -> list[tuple[int, Entry]]:
    """Every entry of the file, normalised; ``InvalidRowsError`` listing all bad lines otherwise."""
    problems: list[tuple[int, str]] = []
    pending: list[_Pending] = []
    for item in _pending_rows(path, reason, check_source(source), country_code(country)):
        if isinstance(item, tuple):
            problems.append(item)
        else:
            pending.append(item)
    parsed: dict[int, tuple[int, Entry]] = {}
    emails = [i for i, p in enumerate(pending) if p.kind == "email"]
    for i, key in zip(emails, bulk_email_keys([pending[i].raw for i in emails]), strict=True):
        p = pending[i]
        if key is None:
            problems.append((p.line, _why_not(p)))
        else:
            parsed[i] = (p.line, Entry("email", key, p.reason, p.source))
    phones: dict[str | None, list[int]] = defaultdict(list)
    for i, p in enumerate(pending):
        if p.kind == "phone":
            phones[p.country].append(i)
        elif p.kind == "domain":
            try:
                parsed[i] = (p.line, Entry("domain", domain_key(p.raw), p.reason, p.source))
            except InputError as exc:
                problems.append((p.line, str(exc)))
    for country, indexes in phones.items():
        for i, key in zip(indexes, bulk_e164([pending[i].raw for i in indexes], country), strict=True):
            p = pending[i]
            if key is None:
                problems.append((p.line, _why_not(p)))
            else:
                parsed[i] = (p.line, Entry("phone", key, p.reason, p.source))
    if problems:
        raise InvalidRowsError(str(path), sorted(problems))
    return [parsed[i] for i in sorted(parsed)]


class SuppressionRepo:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def add(self, entry: Entry) -> bool:
        """Add one entry; False when it was already listed."""
        report = self.add_many([entry])
        if report.skipped_erased:
            raise ConflictError(f"this {entry.kind} belongs to an erased person; nothing is stored about them again")
        return report.added == 1

    def add_many(self, entries: Iterable[Entry]) -> ImportReport:
        """All entries in one transaction; duplicates and already-listed entries are skipped."""
        unique: dict[tuple[str, str], Entry] = {}
        for e in entries:
            unique.setdefault((e.kind, e.value), e)
        now = self._scope.clock()
        with self._scope.writing(exclusive=True) as session:
            erased = set(session.scalars(select(ErasedSubject.key_hash)))
            rows = []
            for e in unique.values():
                if e.kind != "domain" and erased and self._scope.hash(e.value) in erased:
                    continue
                rows.append((e.kind, e.value, e.reason, e.source, e.created_at or now))
            inserter = BulkInsert(
                session,
                SuppressionEntry.__table__,  # type: ignore[arg-type]
                ["kind", "value", "reason", "source", "created_at"],
                {"tenant_id": self._scope.tenant_id},
                order_by=["kind", "value"],
            )
            for start in range(0, len(rows), _BATCH):
                inserter.add(rows[start : start + _BATCH])
            added = inserter.finish()
        skipped = len(unique) - len(rows)
        return ImportReport(read=len(unique), added=added, already_listed=len(rows) - added, skipped_erased=skipped)

    def import_file(
        self, path: Path, *, reason: str | None = None, source: str = "import", country: str | None = None
    ) -> ImportReport:
        entries = [entry for _, entry in parse_file(path, reason=reason, source=source, country=country)]
        return self.add_many(entries)

    def remove(self, kind: str, value: str) -> None:
        with self._scope.writing() as session:
            result = session.execute(
                delete(SuppressionEntry).where(SuppressionEntry.kind == kind, SuppressionEntry.value == value)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                raise NotFoundError(f"{value!r} is not on the {kind} exclusion list")

    def entries(self, kind: str | None = None) -> list[Entry]:
        stmt = select(SuppressionEntry).order_by(SuppressionEntry.kind, SuppressionEntry.value)
        if kind:
            stmt = stmt.where(SuppressionEntry.kind == check_kind(kind))
        with self._scope.reading() as session:
            return [Entry(r.kind, r.value, r.reason, r.source, r.created_at) for r in session.scalars(stmt)]

    def export(self, path: Path, kind: str | None = None) -> int:
        """A CSV that ``import_file`` reads back unchanged (kind, value, reason, source, created_at)."""
        entries = self.entries(kind)
        try:
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["kind", "value", "reason", "source", "created_at"])
                for e in entries:
                    created = e.created_at.isoformat() if e.created_at else ""
                    writer.writerow([e.kind, e.value, e.reason or "", e.source, created])
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
        return len(entries)

    def hits(self, email: str | None, domains: list[str], phone: str | None) -> set[tuple[str, str]]:
        """The (kind, value) entries matching these keys.

        One ``kind IN (…) AND value IN (…)`` query, which both databases answer with point look-ups on
        the (tenant, kind, value) index; an OR of per-kind conditions made SQLite scan the tenant's
        whole list. The exact pairs are picked out here.
        """
        wanted = {("email", email)} if email else set()
        wanted |= {("domain", d) for d in domains}
        if phone:
            wanted.add(("phone", phone))
        if not wanted:
            return set()
        kinds = sorted({k for k, _ in wanted})
        values = sorted({v for _, v in wanted})
        with self._scope.reading() as session:
            rows = session.execute(
                select(SuppressionEntry.kind, SuppressionEntry.value).where(
                    SuppressionEntry.kind.in_(kinds), SuppressionEntry.value.in_(values)
                )
            )
            return {(k, v) for k, v in rows} & wanted
