"""Exclusion lists: emails, domains (covering their subdomains) and E.164 phones.

An import is parsed completely before anything is written. A line that cannot be read is a reject
(line, column, value, why) and every good entry is imported — the good rows of an exclusion list are
always safer imported than not; ``strict=True`` refuses the whole file over any reject instead.
Files come through the one reader every importer uses (``batch.reader``): one entry a line, or a
table (CSV in any common encoding, ``.xlsx``, Parquet) whose columns are recognised as for
``screen`` — a CRM export with ``Email``, ``Phone`` and ``Country`` columns imports as it is.

Entries already listed are left as they are (``ON CONFLICT DO
NOTHING``), so importing the same file twice changes nothing. Entries for people who were erased are
not stored again (they are blocked as ``erased_subject`` anyway, and storing them would undo the erasure).

At rest an email or phone entry is its blind index (``TenantScope.index``) plus the sealed value and
reason; a domain entry keeps the domain as its match key (a company, matched with its parents).
Listing and exporting decrypt; matching never does. Adding, importing and removing are audited.

Listing is a *keyset* walk of the (tenant, kind, match key) index: a page is the next ``limit`` rows
after a cursor (the last row's kind and match key), so it reads and decrypts ``limit`` rows whatever
the list's size — never the whole list sorted in memory (which cost ~10 s a page at 400,000 entries).
Pages therefore come in index order (kind, then match key: the domain itself, or the blind index of an
email or phone, which is stable but not alphabetical).
"""

from __future__ import annotations

import base64
import binascii
import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lawfulreach.csvsafe import write_rows
from lawfulreach.domain.vocabulary import ExclusionSource
from lawfulreach.errors import ConflictError, InputError, NotFoundError
from lawfulreach.store import audit
from lawfulreach.store.bulk import BulkInsert
from lawfulreach.store.db import insert_ignoring_duplicates
from lawfulreach.store.models import SUPPRESSION_KINDS, SUPPRESSION_SOURCES, ErasedSubject, SuppressionEntry
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.subjects import country_code, domain_key, email_key, phone_key

if TYPE_CHECKING:  # the file readers (Polars) are imported by the functions that read files: a
    # decision reads this module's look-ups only (``hits``), and `check` should not pay for Polars
    import polars as pl

    from lawfulreach.batch.reader import FileFormat

_VALUE_COLUMNS = ("email", "domain", "phone", "value")
_PHONE_LIKE = re.compile(r"^\+?[0-9\s\-().\/]{6,}$")
_BATCH = 5_000
_KINDS = tuple(sorted(SUPPRESSION_KINDS))


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page of the list ends: the (kind, match key) of its last row, as an opaque token."""

    kind: str
    match_key: str

    def token(self) -> str:
        raw = json.dumps([self.kind, self.match_key], separators=(",", ":")).encode("utf-8")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def parse(cls, token: str) -> Cursor:
        """The cursor a previous page handed out; ``InputError`` for anything else."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            kind, match_key = json.loads(raw.decode("utf-8"))
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
            raise InputError("cursor is not one a previous page returned") from None
        if kind not in SUPPRESSION_KINDS or not isinstance(match_key, str) or not match_key:
            raise InputError("cursor is not one a previous page returned")
        return cls(kind, match_key)


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    #: where the next page starts; None on the last page
    next: Cursor | None


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str
    value: str
    reason: str | None = None
    source: str = ExclusionSource.MANUAL
    created_at: datetime | None = None


@dataclass(frozen=True)
class ImportReport:
    read: int
    added: int
    already_listed: int
    skipped_erased: int
    #: lines that could not be read: line, column, value, error (what the rejects file holds)
    rejects: pl.DataFrame = field(default_factory=lambda: _empty_rejects())
    format: FileFormat | None = None


def _empty_rejects() -> pl.DataFrame:
    from lawfulreach.batch.reader import empty_rejects

    return empty_rejects()


def recognise(raw: str) -> str:
    """The kind of a bare entry: ``@`` in it → email (a leading ``@`` → domain), phone-like → phone, else domain."""
    text = raw.strip()
    if "@" in text.lstrip("@"):
        return "email"
    if _PHONE_LIKE.match(text) and sum(ch.isdigit() for ch in text) >= 6:
        return "phone"
    return "domain"


#: why an entry may be taken off the list (the console asks; recorded in the audit trail)
REMOVAL_REASONS = (
    "added_by_mistake",
    "duplicate",
    "consent_given",
    "data_corrected",
    "no_longer_needed",
)


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
    column: str
    kind: str
    raw: str
    country: str | None
    reason: str | None
    source: str


#: Column roles of a table; value columns give the entries, the others describe them.
_ROLES = ("email", "domain", "phone", "value", "kind", "reason", "source", "country")


def _roles(header: list[str]) -> dict[str, str]:
    """{input column: role}: the exact names (``Email``, ``Domain``, ``Value``…) and whatever the
    prospect-list column table recognises as an email, phone or country column."""
    from lawfulreach.batch.columns import fold, resolve_columns

    roles: dict[str, str] = {}
    for col in header:
        name = fold(col)
        if name in _ROLES:
            roles[col] = name
    try:
        recognised = resolve_columns(header)
    except InputError:  # no email or phone column: a domain or value list
        recognised = {}
    for col, name in recognised.items():
        if col not in roles and name in ("email", "phone", "country"):
            roles[col] = name
    return roles


def _looks_like_header(text: str) -> bool:
    cells = next(csv.reader([text], delimiter=max((",", ";", "\t"), key=text.count)))
    return any(role in _VALUE_COLUMNS for role in _roles([c.strip() for c in cells]).values())


def _pending_rows(
    path: Path, reason: str | None, source: str, country: str | None, sheet: str | None
) -> tuple[list[_Pending], list[tuple[int, str, str, str]], pl.DataFrame, FileFormat]:
    """Each entry of the file, and the lines that cannot even be read as an entry."""
    from lawfulreach.batch.reader import empty_rejects, read_lines, read_table

    lines, garbled, fmt = read_lines(path) if sheet is None else ([], empty_rejects(), None)
    if fmt is not None and (not lines or not _looks_like_header(lines[0][1])):
        return [_Pending(n, "", recognise(t), t, country, reason, source) for n, t in lines], [], garbled, fmt
    table = read_table(path, sheet=sheet)
    roles = _roles(table.frame.columns)
    if not any(r in _VALUE_COLUMNS for r in roles.values()):
        raise InputError(f"{path}: no email, domain, phone or value column (found: {', '.join(table.frame.columns)})")
    by_role: dict[str, list[str]] = {}
    for col, role in roles.items():
        by_role.setdefault(role, []).append(col)
    pending: list[_Pending] = []
    problems: list[tuple[int, str, str, str]] = []
    frame = table.frame.select(list(roles))
    for line, row in zip(table.lines.to_list(), frame.iter_rows(named=True), strict=True):
        cells = {c: (v or "").strip() for c, v in row.items()}

        def first(role: str, cells: dict[str, str] = cells) -> tuple[str, str]:
            return next(((c, cells[c]) for c in by_role.get(role, []) if cells[c]), ("", ""))

        src_col, src_value = first("source")
        country_col, country_value = first("country")
        kind_col, kind_value = first("kind")
        try:
            row_source = check_source(src_value) if src_value else source
        except InputError as exc:
            problems.append((line, src_col, src_value, str(exc)))
            continue
        try:
            row_country = country_code(country_value) if country_value else country
        except InputError as exc:
            problems.append((line, country_col, country_value, str(exc)))
            continue
        try:
            explicit_kind = check_kind(kind_value) if kind_value else None
        except InputError as exc:
            problems.append((line, kind_col, kind_value, str(exc)))
            continue
        row_reason = first("reason")[1] or reason
        found = False
        for col, role in roles.items():
            cell = cells[col]
            if role in _VALUE_COLUMNS and cell:
                found = True
                kind = role if role != "value" else (explicit_kind or recognise(cell))
                pending.append(_Pending(line, col, kind, cell, row_country, row_reason, row_source))
        if not found:
            problems.append((line, "", "", "no email, domain, phone or value in this row"))
    return pending, problems, table.rejects, table.format


def _why_not(p: _Pending) -> str:
    """The reference normaliser's message for a value the bulk normaliser rejected."""
    try:
        normalise_entry(p.kind, p.raw, p.country)
    except InputError as exc:
        return str(exc)
    return f"not a valid {p.kind}: {p.raw!r}"  # pragma: no cover - bulk and reference agree


@dataclass(frozen=True)
class ParsedList:
    entries: list[tuple[int, Entry]]
    rejects: pl.DataFrame
    format: FileFormat


def parse_file(
    path: Path, *, reason: str | None, source: str, country: str | None, sheet: str | None = None
) -> ParsedList:
    """Every entry of the file, normalised, and every line that could not be read (a reject)."""
    import polars as pl

    from lawfulreach.batch.reader import combine_rejects
    from lawfulreach.store.bulk_keys import bulk_e164, bulk_email_keys

    pending, problems, structural, fmt = _pending_rows(path, reason, check_source(source), country_code(country), sheet)
    parsed: dict[int, tuple[int, Entry]] = {}

    def bad(p: _Pending, message: str) -> None:
        problems.append((p.line, p.column, p.raw, message))

    emails = [i for i, p in enumerate(pending) if p.kind == "email"]
    for i, key in zip(emails, bulk_email_keys([pending[i].raw for i in emails]), strict=True):
        p = pending[i]
        if key is None:
            bad(p, _why_not(p))
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
                bad(p, str(exc))
    for country_, indexes in phones.items():
        for i, key in zip(indexes, bulk_e164([pending[i].raw for i in indexes], country_), strict=True):
            p = pending[i]
            if key is None:
                bad(p, _why_not(p))
            else:
                parsed[i] = (p.line, Entry("phone", key, p.reason, p.source))
    rows = pl.DataFrame(problems, schema=structural.schema, orient="row")
    return ParsedList([parsed[i] for i in sorted(parsed)], combine_rejects(structural, rows), fmt)


def seal_context(kind: str, match_key: str) -> str:
    """What a sealed exclusion entry is bound to (``store.crypto``): its table, kind and match key."""
    return f"suppression|{kind}|{match_key}"


class SuppressionRepo:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def match_keys(self, kind: str, values: list[str]) -> list[str]:
        """What the table stores for these normalised values: blind indexes, or the domains themselves."""
        return list(values) if kind == "domain" else self._scope.indexes(values)

    def add(self, entry: Entry) -> bool:
        """Add one entry; False when it was already listed."""
        report = self.add_many([entry], act="suppress.add")
        if report.skipped_erased:
            raise ConflictError(f"this {entry.kind} belongs to an erased person; nothing is stored about them again")
        return report.added == 1

    def add_in(self, session: Session, entry: Entry) -> bool:
        """Add one email or phone entry inside the caller's exclusive write transaction (inbound
        processing suppresses a bounced address with the bounce's log entry); False when it was
        already listed or the person was erased (nothing is stored about them again)."""
        kind = check_kind(entry.kind)
        key = self.match_keys(kind, [entry.value])[0]
        if kind != "domain" and session.scalar(select(ErasedSubject.id).where(ErasedSubject.key_hash == key)):
            return False
        listed = session.scalar(
            select(SuppressionEntry.id).where(SuppressionEntry.kind == kind, SuppressionEntry.match_key == key)
        )
        if listed is not None:
            return False
        sealed, version = self._scope.seal(seal_context(kind, key), {"value": entry.value, "reason": entry.reason})
        added = insert_ignoring_duplicates(
            session,
            SuppressionEntry,
            [
                {
                    "tenant_id": self._scope.tenant_id,
                    "kind": kind,
                    "match_key": key,
                    "sealed": sealed,
                    "key_version": version,
                    "source": check_source(entry.source),
                    "created_at": entry.created_at or self._scope.clock(),
                }
            ],
        )
        if added:
            ref = None if kind == "domain" else key
            details = {"kind": kind, "source": entry.source}
            audit.record(session, self._scope, "suppress.add", subject_ref=ref, details=details)
        return added == 1

    def add_many(self, entries: Iterable[Entry], *, act: str = "suppress.import") -> ImportReport:
        """All entries in one transaction; duplicates and already-listed entries are skipped."""
        unique: dict[tuple[str, str], Entry] = {}
        for e in entries:
            unique.setdefault((e.kind, e.value), e)
        by_kind: dict[str, list[Entry]] = defaultdict(list)
        for e in unique.values():
            by_kind[e.kind].append(e)
        keyed = [
            (e, key)
            for kind, group in sorted(by_kind.items())
            for e, key in zip(group, self.match_keys(kind, [e.value for e in group]), strict=True)
        ]
        now = self._scope.clock()
        with self._scope.writing(exclusive=True) as session:
            erased = set(session.scalars(select(ErasedSubject.key_hash)))
            listed = self._listed(session, keyed)
            rows = []
            already = 0
            for e, key in keyed:
                if e.kind != "domain" and key in erased:
                    continue
                if (e.kind, key) in listed:  # left as it is; not worth sealing again
                    already += 1
                    continue
                sealed, version = self._scope.seal(seal_context(e.kind, key), {"value": e.value, "reason": e.reason})
                rows.append((e.kind, key, sealed, version, e.source, e.created_at or now))
            inserter = BulkInsert(
                session,
                SuppressionEntry.__table__,  # type: ignore[arg-type]
                ["kind", "match_key", "sealed", "key_version", "source", "created_at"],
                {"tenant_id": self._scope.tenant_id},
                order_by=["kind", "match_key"],
            )
            rows.sort(key=lambda r: (r[0], r[1]))  # index order keeps the B-tree inserts local
            for start in range(0, len(rows), _BATCH):
                inserter.add(rows[start : start + _BATCH])
            added = inserter.finish()
            skipped = len(unique) - len(rows) - already
            if act == "suppress.add" and added:
                ((e, key),) = keyed
                ref = None if e.kind == "domain" else key
                detail = {"kind": e.kind, "source": e.source} | ({"domain": e.value} if e.kind == "domain" else {})
                audit.record(session, self._scope, act, subject_ref=ref, details=detail)
            elif act != "suppress.add":
                counts = {"read": len(unique), "added": added, "skipped_erased": skipped}
                audit.record(session, self._scope, act, details=counts)
        listed_now = already + len(rows) - added  # a concurrent import may have added some meanwhile
        return ImportReport(read=len(unique), added=added, already_listed=listed_now, skipped_erased=skipped)

    @staticmethod
    def _listed(session: Session, keyed: list[tuple[Entry, str]]) -> set[tuple[str, str]]:
        """Which (kind, match key) pairs are already on the list. A large import reads the kinds'
        match keys in one pass (cheaper than thousands of look-ups); a small one looks each up."""
        by_kind: dict[str, list[str]] = defaultdict(list)
        for e, key in keyed:
            by_kind[e.kind].append(key)
        found: set[tuple[str, str]] = set()
        for kind, keys in by_kind.items():
            if len(keys) > _BATCH:
                wanted = set(keys)
                rows = session.scalars(select(SuppressionEntry.match_key).where(SuppressionEntry.kind == kind))
                found.update((kind, k) for k in rows if k in wanted)
                continue
            rows = session.scalars(
                select(SuppressionEntry.match_key).where(
                    SuppressionEntry.kind == kind, SuppressionEntry.match_key.in_(keys)
                )
            )
            found.update((kind, k) for k in rows)
        return found

    def import_file(
        self,
        path: Path,
        *,
        reason: str | None = None,
        source: str = ExclusionSource.IMPORT,
        country: str | None = None,
        strict: bool = False,
        sheet: str | None = None,
    ) -> ImportReport:
        """Import the readable entries; ``strict``: any reject refuses the whole file."""
        from lawfulreach.batch.reader import strict_check

        parsed = parse_file(path, reason=reason, source=source, country=country, sheet=sheet)
        if strict:
            strict_check(path, parsed.rejects)
        report = self.add_many([entry for _, entry in parsed.entries])
        return replace(report, rejects=parsed.rejects, format=parsed.format)

    def find(self, kind: str, value: str) -> Entry | None:
        """The entry for one normalised value (a point look-up by blind index, or by domain), decrypted."""
        (key,) = self.match_keys(check_kind(kind), [value])
        with self._scope.reading() as session:
            row = session.scalar(
                select(SuppressionEntry).where(SuppressionEntry.kind == kind, SuppressionEntry.match_key == key)
            )
            return self._open(row) if row is not None else None

    def remove(self, kind: str, value: str, reason: str | None = None) -> None:
        """Take one entry off the list. ``reason`` (one of ``REMOVAL_REASONS``) goes into the audit
        entry: a closed vocabulary, because the trail never holds free text a person typed."""
        if reason is not None and reason not in REMOVAL_REASONS:
            raise InputError(f"unknown removal reason {reason!r}; use one of {', '.join(REMOVAL_REASONS)}")
        (key,) = self.match_keys(kind, [value])
        with self._scope.writing(exclusive=True) as session:
            result = session.execute(
                delete(SuppressionEntry).where(SuppressionEntry.kind == kind, SuppressionEntry.match_key == key)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                raise NotFoundError(f"{value!r} is not on the {kind} exclusion list")
            ref = None if kind == "domain" else key
            detail = {"kind": kind} | ({"domain": value} if kind == "domain" else {})
            detail |= {"reason": reason} if reason else {}
            audit.record(session, self._scope, "suppress.remove", subject_ref=ref, details=detail)

    def entries(self, kind: str | None = None) -> list[Entry]:
        """The whole list, decrypted, sorted by kind and value: for small lists and tests; listing and
        exporting walk ``page`` instead."""
        stmt = select(SuppressionEntry)
        if kind:
            stmt = stmt.where(SuppressionEntry.kind == check_kind(kind))
        with self._scope.reading() as session:
            rows = list(session.scalars(stmt))
        return sorted((self._open(r) for r in rows), key=lambda e: (e.kind, e.value))

    def page(self, kind: str | None = None, after: Cursor | None = None, limit: int = 100) -> Page:
        """The next ``limit`` entries after ``after`` in index order (kind, match key).

        One index range read per kind touched (``kind = ? AND match_key > ? ORDER BY match_key LIMIT
        n``; at most three kinds), so a page costs the same at ten entries or ten million; only the
        rows of the page are decrypted.
        """
        kinds = (check_kind(kind),) if kind else _KINDS
        rows: list[SuppressionEntry] = []
        with self._scope.reading() as session:
            for k in kinds:
                if after is not None and k < after.kind:
                    continue
                stmt = select(SuppressionEntry).where(SuppressionEntry.kind == k)
                if after is not None and k == after.kind:
                    stmt = stmt.where(SuppressionEntry.match_key > after.match_key)
                stmt = stmt.order_by(SuppressionEntry.match_key).limit(limit + 1 - len(rows))
                rows.extend(session.scalars(stmt))
                if len(rows) > limit:
                    break
        more = len(rows) > limit
        rows = rows[:limit]
        out = [self._open(r) for r in rows]
        last = rows[-1] if rows and more else None
        return Page(out, Cursor(last.kind, last.match_key) if last is not None else None)

    def iter_entries(self, kind: str | None = None, batch: int = 1_000) -> Iterator[Entry]:
        """Every entry in index order, a page at a time (memory bounded by ``batch``)."""
        after: Cursor | None = None
        while True:
            page = self.page(kind, after, batch)
            yield from page.entries
            if page.next is None:
                return
            after = page.next

    def _open(self, r: SuppressionEntry) -> Entry:
        fields = self._scope.unseal(seal_context(r.kind, r.match_key), r.sealed)
        return Entry(r.kind, fields["value"], fields.get("reason"), r.source, r.created_at)

    def export(self, path: Path, kind: str | None = None) -> int:
        """A CSV that ``import_file`` reads back unchanged (kind, value, reason, source, created_at)."""
        rows = (
            [e.kind, e.value, e.reason or "", e.source, e.created_at.isoformat() if e.created_at else ""]
            for e in self.iter_entries(kind)
        )
        # 0600 and formula cells neutralised (``csvsafe``); ``import_file`` reads them back unchanged
        return write_rows(path, ["kind", "value", "reason", "source", "created_at"], rows)

    def hits(self, email: str | None, domains: list[str], phone: str | None) -> set[tuple[str, str]]:
        """The (kind, value) entries matching these normalised keys.

        One ``kind IN (…) AND match_key IN (…)`` query, which both databases answer with point
        look-ups on the (tenant, kind, match_key) index; an OR of per-kind conditions made SQLite scan
        the tenant's whole list. Emails and phones are looked up by blind index, never decrypted.
        """
        wanted = {(k, self.match_keys(k, [v])[0]): (k, v) for k, v in (("email", email), ("phone", phone)) if v}
        wanted |= {("domain", d): ("domain", d) for d in domains}
        if not wanted:
            return set()
        kinds = sorted({k for k, _ in wanted})
        keys = sorted({m for _, m in wanted})
        with self._scope.reading() as session:
            rows = session.execute(
                select(SuppressionEntry.kind, SuppressionEntry.match_key).where(
                    SuppressionEntry.kind.in_(kinds), SuppressionEntry.match_key.in_(keys)
                )
            )
            return {wanted[(k, m)] for k, m in rows if (k, m) in wanted}
