"""Everything the engine needs about a set of contacts, read with one statement.

``StoreState`` (``store.tenant_state``) answers each engine question with its own transaction — right
for the CLI, too slow for an HTTP server that must answer a thousand checks a second. ``lookup_state``
reads the same rows for a known set of contacts up front — exclusion entries, erased-subject hashes,
ledger events and, for live calls, the registers and register listings, all matched by blind index
(``TenantScope.index``: the workspace stores no address in clear, and nothing here is decrypted) — as one ``UNION ALL``
statement (one round trip, one snapshot), and hands them to the engine as an ``InMemoryState``: the
reference implementation ``StoreState`` itself delegates to. So a check answered from a lookup is the
check ``StoreState`` gives (``tests/api/test_api_identical.py`` holds the two together), and an opt-out
committed a moment ago is in the very next lookup: nothing is cached between calls.

The statement is built once per dialect (building SQLAlchemy expressions, and the ORM session's
tenant criteria, per call cost more than the query itself) and run on a plain connection, like the
snapshot's ``COPY`` (``store.snapshot``): so it carries its own tenant filter — ``tenant_id =
:tenant_id`` on every table it reads, each part of the union — and ``tests/api`` checks that every
table in it is filtered and that no other tenant's row comes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Engine,
    Integer,
    Select,
    String,
    any_,
    bindparam,
    cast,
    literal,
    null,
    select,
    union_all,
)

from lawfulreach.domain.extract import contact_keys
from lawfulreach.domain.model import Request
from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.domain.state import InMemoryState, RegisterInfo, parent_domains
from lawfulreach.store.coltypes import UtcDateTime
from lawfulreach.store.db import translated
from lawfulreach.store.ledger_state import LedgerFact, derive
from lawfulreach.store.models import DncNumber, DncRegister, ErasedSubject, LedgerEvent, SuppressionEntry
from lawfulreach.store.scope import TenantScope

#: IN-list size per statement: well under SQLite's and PostgreSQL's bind-parameter limits.
CHUNK = 1_000


@dataclass(frozen=True, slots=True)
class ContactKeys:
    """The normalised match keys of one contact (``domain.normalise``): what every look-up matches on."""

    email: str | None = None
    domain: str | None = None
    phone: str | None = None


def request_keys(request: Request) -> ContactKeys:
    """The keys a request's contact is matched on (the engine's own normalisation)."""
    email, phone, _ = contact_keys(request)
    return ContactKeys(email.address, email.domain, phone.e164)


@dataclass
class Lookup:
    """The rows found for a set of contacts, indexed by key; ``state_for`` hands the engine one
    contact's share as the reference ``InMemoryState`` — exactly the rows ``StoreState`` would read
    for that contact, so each decision sees what a single check sees (and a batch's state stays
    small per contact: ``InMemoryState`` scans its consents, which over a whole batch would be
    quadratic)."""

    secret_key: bytes
    emails: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    #: blind indexes found among the erased (only those of the keys asked about)
    erased: set[str] = field(default_factory=set)
    #: normalised key → its blind index (= the keyed hash erasure keeps)
    hashes: dict[str, str] = field(default_factory=dict)
    #: subject key → its ledger events as (id, fact)
    ledger: dict[str, list[tuple[int, LedgerFact]]] = field(default_factory=dict)
    registers: dict[tuple[str, str], RegisterInfo] = field(default_factory=dict)
    #: E.164 → the register slots that list it
    listed: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    #: per-register maximum ages set in the workspace (upper-case name → days), as ``DncRepo.max_ages``
    register_max_ages: dict[str, int] = field(default_factory=dict)
    _no_listings: dict[tuple[str, str], set[str]] | None = field(default=None, repr=False)

    def state_for(self, contact: ContactKeys) -> InMemoryState:
        """One contact's tenant state (its own exclusion hits, erasure, ledger and listings)."""
        state = InMemoryState(secret_key=self.secret_key)
        if contact.email and contact.email in self.emails:
            state.suppressed_emails.add(contact.email)
        if contact.phone and contact.phone in self.phones:
            state.suppressed_phones.add(contact.phone)
        if contact.domain:
            state.suppressed_domains.update(d for d in parent_domains(contact.domain) if d in self.domains)
        events: list[tuple[int, LedgerFact]] = []
        for key in {k for k in (contact.email, contact.phone) if k}:
            digest = self.hashes.get(key)
            if digest is not None and digest in self.erased:
                state.erased_hashes.add(digest)
            events += self.ledger.get(key, ())
        if events:
            # Replay order of LedgerRepo.facts_for: the order of recording (the event id).
            events.sort(key=lambda item: item[0])
            derive(fact for _, fact in events).into(state)
        if self.registers:
            # Shared, read only: InMemoryState never writes to either while deciding.
            state.dnc = self.registers
            phone = contact.phone
            slots = self.listed.get(phone) if phone else None
            if phone and slots:
                state.dnc_numbers = {slot: ({phone} if slot in slots else set()) for slot in self.registers}
            else:
                state.dnc_numbers = self._unlisted()
        return state

    def _unlisted(self) -> dict[tuple[str, str], set[str]]:
        """Every register with no number listed (one shared map for all the contacts it fits)."""
        if self._no_listings is None:
            self._no_listings = {slot: set() for slot in self.registers}
        return self._no_listings

    def rulebase(self, base: RuleBase) -> RuleBase:
        """``base`` with the workspace's register ages, exactly as ``Workspace.rulebase`` does."""
        return base.with_register_ages(self.register_max_ages)


# Every part of the union has the same ten columns: tag, five texts, a timestamp, three integers.
_TEXT = cast(null(), String())
_TS = cast(null(), UtcDateTime())
_INT = cast(null(), Integer())
_TENANT = bindparam("tenant_id", type_=Integer())


def _in(column: Any, name: str, dialect: str) -> Any:
    """``column IN (…)``: ``= ANY(:array)`` on PostgreSQL (one bind parameter, so one prepared statement
    whatever the list's length), an expanding ``IN`` elsewhere."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY  # not imported for a SQLite workspace

        return column == any_(bindparam(name, type_=ARRAY(String())))
    return column.in_(bindparam(name, expanding=True))


def _parts(with_registers: bool, dialect: str) -> list[Select[*tuple[Any, ...]]]:
    """The union's parts; every part filters on ``tenant_id`` itself, for every table it reads."""
    parts: list[Select[*tuple[Any, ...]]] = [
        # ``kind IN … AND match_key IN …``: point look-ups on the (tenant, kind, match_key) index on both
        # databases (an OR of per-kind conditions made SQLite scan the list — ``SuppressionRepo.hits``).
        select(
            literal("s"), SuppressionEntry.kind, SuppressionEntry.match_key, _TEXT, _TEXT, _TEXT, _TS, _INT, _INT, _INT
        ).where(
            SuppressionEntry.tenant_id == _TENANT,
            SuppressionEntry.kind.in_(("email", "domain", "phone")),
            _in(SuppressionEntry.match_key, "matches", dialect),
        ),
        select(literal("x"), ErasedSubject.key_hash, _TEXT, _TEXT, _TEXT, _TEXT, _TS, _INT, _INT, _INT).where(
            ErasedSubject.tenant_id == _TENANT, _in(ErasedSubject.key_hash, "indexes", dialect)
        ),
        select(
            literal("l"),
            LedgerEvent.subject_index,
            LedgerEvent.event,
            LedgerEvent.channel,
            LedgerEvent.purpose,
            LedgerEvent.method,
            LedgerEvent.occurred_at,
            LedgerEvent.id,
            _INT,
            _INT,
        ).where(LedgerEvent.tenant_id == _TENANT, _in(LedgerEvent.subject_index, "indexes", dialect)),
    ]
    if with_registers:
        parts += [
            select(
                literal("r"),
                DncRegister.country,
                DncRegister.name,
                DncRegister.name_key,
                _TEXT,
                _TEXT,
                DncRegister.as_of,
                DncRegister.id,
                DncRegister.size,
                DncRegister.max_age_days,
            ).where(DncRegister.tenant_id == _TENANT),
            # Joined so each number is a probe on the (register_id, e164) primary key per register.
            select(literal("n"), DncNumber.e164, _TEXT, _TEXT, _TEXT, _TEXT, _TS, DncNumber.register_id, _INT, _INT)
            .join(DncRegister, DncRegister.id == DncNumber.register_id)
            .where(
                DncRegister.tenant_id == _TENANT,
                DncNumber.tenant_id == _TENANT,
                _in(DncNumber.e164, "phones", dialect),
            ),
        ]
    return parts


@lru_cache(maxsize=8)
def statement(with_registers: bool, dialect: str) -> CompoundSelect[*tuple[Any, ...]]:
    """The look-up for one dialect, built once (``tests/api`` checks its tenant filters)."""
    return union_all(*_parts(with_registers, dialect))


@lru_cache(maxsize=256)
def _autocommit(engine: Engine) -> Engine:
    """The engine without transactions: a single SELECT sees one snapshot, BEGIN/COMMIT would only
    add two round trips."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _read(scope: TenantScope, with_registers: bool, params: dict[str, Any]) -> list[Any]:
    stmt = statement(with_registers, scope.dialect)
    with translated(scope.url), _autocommit(scope.engine).connect() as conn:
        return list(conn.execute(stmt, {"tenant_id": scope.tenant_id, **params}).all())


def lookup_state(scope: TenantScope, contacts: Iterable[ContactKeys], *, with_registers: bool = True) -> Lookup:
    """The tenant state for these contacts; ``with_registers=False`` skips the do-not-call tables
    (only live calls consult them)."""
    emails: set[str] = set()
    domains: set[str] = set()
    phones: set[str] = set()
    for c in contacts:
        if c.email:
            emails.add(c.email)
        if c.domain:
            domains.update(parent_domains(c.domain))
        if c.phone:
            phones.add(c.phone)
    subjects = sorted(emails | phones)
    indexes = dict(zip(subjects, scope.indexes(subjects), strict=True))
    rows = _fetch(scope, with_registers, sorted(emails), sorted(domains), sorted(phones), indexes)
    return _assemble(scope, rows, indexes)


def _fetch(
    scope: TenantScope,
    with_registers: bool,
    emails: list[str],
    domains: list[str],
    phones: list[str],
    indexes: dict[str, str],
) -> list[Any]:
    """All rows, one statement per chunk of keys (a single statement for any ordinary request)."""
    longest = max(len(emails), len(domains), len(phones))
    rows: list[Any] = []
    for start in range(0, max(longest, 1), CHUNK):
        e, d, p = (v[start : start + CHUNK] for v in (emails, domains, phones))
        subject_indexes = [indexes[k] for k in e + p]
        params = {"matches": subject_indexes + d, "indexes": subject_indexes, "phones": p}
        # Every chunk repeats the (few) register rows; a register reloaded between two chunks then
        # maps the later chunk's listings to its new id, so no listing is lost.
        rows.extend(_read(scope, with_registers, params))
    return rows


def _assemble(scope: TenantScope, rows: list[Any], indexes: dict[str, str]) -> Lookup:
    found = Lookup(secret_key=scope.key, hashes=indexes)
    back = {index: key for key, index in indexes.items()}  # blind index → the key it was asked for
    sets = {"email": found.emails, "domain": found.domains, "phone": found.phones}
    by_id: dict[int, tuple[str, str]] = {}
    numbers: list[tuple[int, str]] = []
    for tag, a, b, c, d, e, ts, i1, i2, i3 in rows:
        if tag == "s":
            value = b if a == "domain" else back.get(b)
            if value is not None:
                sets[a].add(value)
        elif tag == "x":
            found.erased.add(a)
        elif tag == "l":
            key = back[a]
            found.ledger.setdefault(key, []).append((i1, LedgerFact(key, b, c, d, e, ts)))
        elif tag == "r":
            slot = (a, c)  # (country, upper-case name): the key InMemoryState uses
            by_id[i1] = slot
            found.registers[slot] = RegisterInfo(a, b, ts, i2)
            if i3 is not None:
                found.register_max_ages[c] = int(i3)
        else:
            numbers.append((i1, a))
    for register_id, e164 in numbers:
        if register_id in by_id:
            found.listed.setdefault(e164, set()).add(by_id[register_id])
    return found


__all__ = ["ContactKeys", "Lookup", "lookup_state", "request_keys"]
