"""Prospects with provenance: who was imported, from which source and provider, and when.

Columns are those of the prospect CSV ``screen`` reads, matched case-insensitively (``Email``,
``First Name``, ``company_name``…). Email and phone are normalised exactly as a decision normalises
them (``domain.extract.contact_keys``).

An import never resurrects anyone: it writes no exclusion entries and no ledger events, so an
earlier opt-out or exclusion keeps winning (the report counts those contacts); and a person who was
erased is not stored at all — counted as skipped, never named.

At rest a contact is found by blind indexes of its normalised email and phone; the address, phone,
names, company and job title are sealed (``store.crypto``). Each import is an audit-trail entry
(counts only).

Files are read by the one reader every importer uses (``batch.reader.read_table``: CSV in any common
encoding, ``.xlsx``, Parquet). A row that cannot be stored is a reject (line, column, value, why) and
the rest is imported — importing the good rows of a real export beats refusing all of them; with
``strict=True`` any reject refuses the whole file and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lawfulreach.batch.columns import FLAG_FIELDS, PHONE_FIELDS, PHONE_TYPE_WORDS, resolve_columns
from lawfulreach.batch.flags import flag_error, read_flag
from lawfulreach.batch.phones import choose_phone, explicit_type
from lawfulreach.batch.reader import FileFormat, combine_rejects, empty_rejects, read_table, strict_check
from lawfulreach.domain.extract import cctld_country, contact_keys
from lawfulreach.domain.model import Request
from lawfulreach.domain.normalise import normalise_email, normalise_phone
from lawfulreach.domain.places import normalise_country, normalise_region
from lawfulreach.domain.state import ALL_CHANNELS, parent_domains
from lawfulreach.domain.vocabulary import AddressStatus, Channel, LedgerEventKind, Source
from lawfulreach.errors import ConflictError, InputError
from lawfulreach.schema import ContactIn, describe_validation_error
from lawfulreach.store import audit
from lawfulreach.store.ledger import LedgerRepo
from lawfulreach.store.ledger_state import LedgerFact, derive
from lawfulreach.store.models import Contact, ContactProvenance, ErasedSubject, LedgerEvent, SuppressionEntry
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.subjects import Subject, SubjectKind

#: The contact fields a stored contact keeps (request-level columns such as consent are not contacts).
CONTACT_FIELDS = frozenset(
    {"email", "phone", "first_name", "last_name", "name", "company", "job_title", "country", "region",
     "subscriber_type", "phone_type", "in_public_directory"}
)  # fmt: skip
_BATCH = 1_000
#: The fields kept sealed (with the normalised keys ``email_key`` and ``phone_key``).
SEALED_FIELDS = ("email", "phone", "first_name", "last_name", "name", "company", "job_title")
#: The fields kept as columns: categorical facts a decision reads, no one's identity.
PLAIN_FIELDS = ("country", "region", "subscriber_type", "phone_type", "in_public_directory")


def seal_context(identity_index: str) -> str:
    return f"contacts|{identity_index}"


@dataclass(frozen=True)
class StoredContact:
    """A stored contact, decrypted (what ``contacts show`` and the access export show)."""

    id: int
    identity: str
    email_key: str | None
    phone_key: str | None
    email: str | None
    phone: str | None
    first_name: str | None
    last_name: str | None
    name: str | None
    company: str | None
    job_title: str | None
    country: str | None
    region: str | None
    subscriber_type: str
    phone_type: str | None
    in_public_directory: bool
    created_at: datetime
    updated_at: datetime


def open_contact(scope: TenantScope, row: Contact) -> StoredContact:
    sealed = scope.unseal(seal_context(row.identity_index), row.sealed)
    return StoredContact(
        id=row.id,
        identity=sealed.get("email_key") or sealed.get("phone_key") or "",
        email_key=sealed.get("email_key"),
        phone_key=sealed.get("phone_key"),
        email=sealed.get("email"),
        phone=sealed.get("phone"),
        first_name=sealed.get("first_name"),
        last_name=sealed.get("last_name"),
        name=sealed.get("name"),
        company=sealed.get("company"),
        job_title=sealed.get("job_title"),
        country=row.country,
        region=row.region,
        subscriber_type=row.subscriber_type,
        phone_type=row.phone_type,
        in_public_directory=row.in_public_directory,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def seal_contact(scope: TenantScope, row: Contact, fields: dict[str, Any]) -> None:
    """Seal ``fields`` (the sealed fields and the normalised keys) into ``row``."""
    row.sealed, row.key_version = scope.seal(seal_context(row.identity_index), fields)


@dataclass(frozen=True)
class ContactImportReport:
    rows: int
    added: int
    updated: int
    #: stored, but an exclusion entry or opt-out on record still blocks them
    still_blocked: int
    #: erased people: not stored again (never named)
    skipped_erased: int
    ignored_columns: tuple[str, ...] = ()
    #: rows that could not be stored: line, column, value, error (what the rejects file holds)
    rejects: pl.DataFrame = field(default_factory=empty_rejects)
    format: FileFormat | None = None
    #: opt-outs the list's own do-not-contact columns recorded on the ledger (new ones only)
    opt_outs_recorded: int = 0


class _RowProblemError(InputError):
    """Why one row cannot be stored, and which field (``""``: the row as a whole) and value."""

    def __init__(self, field: str, value: object, message: str) -> None:
        self.field, self.value = field, "" if value is None else str(value)
        super().__init__(message)


@dataclass(frozen=True)
class PreparedContacts:
    """A contact file read and checked, not yet stored (``screen --save`` checks before it writes)."""

    path: Path
    parsed: list[_Parsed]
    ignored: tuple[str, ...]
    rejects: pl.DataFrame
    format: FileFormat


@dataclass
class _Parsed:
    line: int
    email_key: str | None
    phone_key: str | None
    domain: str | None
    values: dict[str, Any] = field(default_factory=dict)
    #: the list's own opt-outs: (subject kind, normalised key, channel or "all", the column that said so)
    opt_outs: list[tuple[SubjectKind, str, str, str]] = field(default_factory=list)

    @property
    def identity(self) -> str:
        return self.email_key or self.phone_key or ""


def map_columns(header: list[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """(header → field, ignored headers), with the same column table as ``screen``
    (``batch.columns``: case-insensitive, HubSpot/Pipedrive/Salesforce names)."""
    resolved = resolve_columns(header)
    mapping = {h: f for h, f in resolved.items() if f in CONTACT_FIELDS or f in PHONE_FIELDS or f in FLAG_FIELDS}
    return mapping, tuple(h for h in header if h not in mapping and h)


def _flags(row: dict[str, str | None], mapping: dict[str, str]) -> list[tuple[str, str]]:
    """(flag field, column) for every do-not-contact column that says "opted out"; an unreadable
    value is a reject (never read as "not opted out")."""
    out = []
    for h, v in row.items():
        field_ = mapping.get(h)
        if field_ in FLAG_FIELDS:
            verdict = read_flag(field_, v)
            if verdict is None:
                raise _RowProblemError(h, v, flag_error(h, field_, v or ""))
            if verdict:
                out.append((field_, h))
    return out


def _phones(data: dict[str, Any]) -> tuple[str | None, list[str]]:
    """(the field a call would use — the number stored, ``batch.phones``; every valid number's key)."""
    country = normalise_country(data.get("country"))
    region = normalise_region(data.get("region"), country)
    default = (country or (region[:2] if region else None)) or cctld_country(normalise_email(data.get("email")).domain)
    facts = {f: normalise_phone(str(data[f]), default) for f in PHONE_FIELDS if data.get(f)}
    chosen = choose_phone(data, Channel.CALL, lambda raw: (normalise_phone(raw, default).status.value, ""))
    return chosen, [x.e164 for x in facts.values() if x.e164]


def _parse_row(line: int, row: dict[str, str | None], mapping: dict[str, str]) -> _Parsed:
    data: dict[str, Any] = {}
    for h, v in row.items():
        text = v.strip() if v else ""
        if h in mapping and text and mapping[h] not in FLAG_FIELDS:
            data[mapping[h]] = text
    flags = _flags(row, mapping)
    chosen, phone_keys = _phones(data)
    given_type = data.get("phone_type")
    if given_type is not None and str(given_type).strip().lower() in PHONE_TYPE_WORDS:
        given_type = PHONE_TYPE_WORDS[str(given_type).strip().lower()]
        data.pop("phone_type")
        if given_type:
            data["phone_type"] = given_type
    numbers = {f: data.pop(f) for f in PHONE_FIELDS if f in data}
    if chosen is not None:
        data["phone"] = numbers[chosen]
        if chosen != "phone":  # the row's phone_type column describes its generic phone only
            data.pop("phone_type", None)
            typed = explicit_type(chosen, str(given_type).strip().lower() if given_type else None)
            if typed:
                data["phone_type"] = typed
    if "in_public_directory" in data:
        raw = data["in_public_directory"]
        flag = raw.lower()
        if flag not in ("true", "false", "yes", "no", "1", "0", "y", "n"):
            raise _RowProblemError("in_public_directory", raw, f"in_public_directory {raw!r} is not yes/no")
        data["in_public_directory"] = flag in ("true", "yes", "1", "y")
    for key in ("subscriber_type", "phone_type"):
        if key in data:
            data[key] = str(data[key]).lower()
    try:
        model = ContactIn.model_validate(data)
    except ValidationError as exc:
        loc = exc.errors()[0].get("loc", ())
        name = str(loc[0]) if loc else ""
        raise _RowProblemError(name, data.get(name), describe_validation_error(exc)) from None
    contact = model.to_domain()
    email, phone, _ = contact_keys(Request(contact=contact, channel=Channel.EMAIL))
    if email.status is AddressStatus.INVALID:
        raise _RowProblemError("email", contact.email, f"not a valid email address: {contact.email!r}")
    if phone.status is AddressStatus.MANGLED:
        raise _RowProblemError(
            "phone",
            contact.phone,
            f"phone {contact.phone!r} was turned into scientific notation by a spreadsheet; export it as text",
        )
    if phone.status is AddressStatus.INVALID:
        raise _RowProblemError("phone", contact.phone, f"not a valid phone number: {contact.phone!r}")
    if email.address is None and phone.e164 is None:
        raise _RowProblemError("", "", "the row has neither an email nor a phone")
    values = {
        "email": contact.email,
        "phone": contact.phone,
        "first_name": model.first_name,
        "last_name": model.last_name,
        "name": contact.name,
        "company": contact.company,
        "job_title": contact.job_title,
        "country": contact.country,
        "region": contact.region,
        "subscriber_type": contact.subscriber_type.value,
        "phone_type": contact.phone_type.value if contact.phone_type else None,
        "in_public_directory": contact.in_public_directory,
    }
    opt_outs: list[tuple[SubjectKind, str, str, str]] = []
    for flag, column in flags:
        channels = FLAG_FIELDS[flag]
        names = [ALL_CHANNELS] if set(channels) == set(Channel) else [c.value for c in channels]
        for name in names:
            if email.address and (name in (ALL_CHANNELS, Channel.EMAIL.value)):
                opt_outs.append(("email", email.address, name, column))
            if name != Channel.EMAIL.value:
                opt_outs += [("phone", key, name, column) for key in phone_keys]
    return _Parsed(line, email.address, phone.e164, email.domain, values, opt_outs)


def parse_file(path: Path, *, sheet: str | None = None) -> PreparedContacts:
    """Every row of the file either parsed or a reject (line, the input column, the value, why)."""
    table = read_table(path, sheet=sheet)
    header = table.frame.columns
    try:
        mapping, ignored = map_columns(header)
    except InputError:
        mapping, ignored = {}, tuple(header)
    if not {"email", *PHONE_FIELDS} & set(mapping.values()):
        raise InputError(f"{path}: no email or phone column (found: {', '.join(header)})")
    column_of = {f: h for h, f in mapping.items()}
    parsed: list[_Parsed] = []
    problems: list[tuple[int, str, str, str]] = []
    rows = table.frame.select(list(mapping)).iter_rows(named=True)
    for line, row in zip(table.lines.to_list(), rows, strict=True):
        try:
            parsed.append(_parse_row(line, row, mapping))
        except _RowProblemError as exc:
            problems.append((line, column_of.get(exc.field, exc.field), exc.value, str(exc)))
    row_rejects = pl.DataFrame(problems, schema=table.rejects.schema, orient="row")
    return PreparedContacts(path, parsed, ignored, combine_rejects(table.rejects, row_rejects), table.format)


def _blocked(session: Session, batch: Iterable[_Parsed], index: dict[str, str]) -> int:
    """How many of these contacts an exclusion entry or an opt-out still blocks (``index``: each
    normalised key's blind index)."""
    items = list(batch)
    keys = {index[k] for p in items for k in (p.email_key, p.phone_key) if k}
    domains = {d for p in items if p.domain for d in parent_domains(p.domain)}
    listed: set[tuple[str, str]] = set()
    # Two queries, each answered from the (tenant, kind, match_key) index; one OR of both scans on SQLite.
    for kinds, values in ((("email", "phone"), keys), (("domain",), domains)):
        if values:
            rows = session.execute(
                select(SuppressionEntry.kind, SuppressionEntry.match_key).where(
                    SuppressionEntry.kind.in_(kinds), SuppressionEntry.match_key.in_(values)
                )
            )
            listed |= {(kind, value) for kind, value in rows}
    facts = [
        LedgerFact(*row)
        for row in session.execute(
            select(
                LedgerEvent.subject_index,
                LedgerEvent.event,
                LedgerEvent.channel,
                LedgerEvent.purpose,
                LedgerEvent.method,
                LedgerEvent.occurred_at,
            )
            .where(LedgerEvent.subject_index.in_(keys))
            .order_by(LedgerEvent.id)
        )
    ]
    opted = derive(facts).opt_outs
    count = 0
    for p in items:
        e, ph = (index[p.email_key] if p.email_key else None), (index[p.phone_key] if p.phone_key else None)
        suppressed = (
            ("email", e) in listed
            or ("phone", ph) in listed
            or any(("domain", d) in listed for d in (parent_domains(p.domain) if p.domain else []))
        )
        if suppressed or any(k in opted for k in (e, ph) if k):
            count += 1
    return count


def _source(source: str) -> Source:
    try:
        return Source(source.strip().lower())
    except ValueError:
        raise InputError(f"unknown source {source!r}; use first_party or third_party") from None


class ContactRepo:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def import_file(
        self,
        path: Path,
        *,
        source: str = "third_party",
        provider: str | None = None,
        strict: bool = False,
        sheet: str | None = None,
    ) -> ContactImportReport:
        """Store the file's readable rows; ``strict``: any reject refuses the whole file."""
        src = _source(source)
        prepared = self.prepare(path, sheet=sheet)
        if strict:
            strict_check(path, prepared.rejects)
        return self.store(prepared, source=src.value, provider=provider)

    def prepare(self, path: Path, *, sheet: str | None = None) -> PreparedContacts:
        """Read and check a file without storing anything (``store`` does that)."""
        return parse_file(path, sheet=sheet)

    def store(self, prepared: PreparedContacts, *, source: str, provider: str | None) -> ContactImportReport:
        """Store a parsed file's rows (rejects stay out), with the file as provenance."""
        src = _source(source)
        path, parsed, ignored = prepared.path, prepared.parsed, prepared.ignored
        unique: dict[str, _Parsed] = {}
        for p in parsed:
            unique[p.identity] = p  # a later row for the same person wins
        items = list(unique.values())
        keys = sorted(
            {k for p in items for k in (p.email_key, p.phone_key) if k} | {o[1] for p in items for o in p.opt_outs}
        )
        index = dict(zip(keys, self._scope.indexes(keys), strict=True))
        now = self._scope.clock()
        added = updated = blocked = erased = recorded = 0
        with self._scope.writing(exclusive=True) as session:
            for start in range(0, len(items), _BATCH):
                batch = items[start : start + _BATCH]
                batch, skipped = self._drop_erased(session, batch, index)
                erased += skipped
                a, u = self._upsert(session, batch, index, src, provider, path.name, now)
                added, updated = added + a, updated + u
                recorded += self._record_opt_outs(session, batch, index, path.name)
                blocked += _blocked(session, batch, index)
            counts = {
                "rows": len(parsed),
                "added": added,
                "updated": updated,
                "skipped_erased": erased,
                "opt_outs_recorded": recorded,
                "rejected": prepared.rejects.height,
            }
            audit.record(session, self._scope, "contacts.import", details=counts | {"source": src.value})
        return ContactImportReport(
            len(parsed),
            added,
            updated,
            blocked,
            erased,
            ignored,
            prepared.rejects,
            prepared.format,
            opt_outs_recorded=recorded,
        )

    def _record_opt_outs(self, session: Session, batch: list[_Parsed], index: dict[str, str], file_name: str) -> int:
        """The list's own opt-outs (spec §6) onto the ledger, with the file and column as their source.
        One already in force (same subject and channel, or ``all``) is not recorded again; erased people
        are never recorded (the ledger refuses them)."""
        wanted = [o for p in batch for o in p.opt_outs]
        if not wanted:
            return 0
        subjects = {index[key] for _, key, _, _ in wanted}
        facts = [
            LedgerFact(*row)
            for row in session.execute(
                select(
                    LedgerEvent.subject_index,
                    LedgerEvent.event,
                    LedgerEvent.channel,
                    LedgerEvent.purpose,
                    LedgerEvent.method,
                    LedgerEvent.occurred_at,
                )
                .where(LedgerEvent.subject_index.in_(subjects))
                .order_by(LedgerEvent.id)  # the order of recording decides (ledger_state)
            )
        ]
        in_force = {k: set(v) for k, v in derive(facts).opt_outs.items()}
        ledger = LedgerRepo(self._scope)
        recorded = 0
        for kind, key, channel, column in wanted:
            have = in_force.setdefault(index[key], set())
            if channel in have or ALL_CHANNELS in have:
                continue
            try:
                ledger.append_in(
                    session,
                    Subject(kind, key),
                    LedgerEventKind.OPT_OUT,
                    channel,
                    source=f"{file_name}, column {column}"[:200],
                )
            except ConflictError:
                continue  # an erased person: nothing is recorded about them
            have.add(channel)
            recorded += 1
        return recorded

    def _drop_erased(self, session: Session, batch: list[_Parsed], index: dict[str, str]) -> tuple[list[_Parsed], int]:
        hashes = {p.identity: {index[k] for k in (p.email_key, p.phone_key) if k} for p in batch}
        wanted = set().union(*hashes.values()) if hashes else set()
        gone = set(session.scalars(select(ErasedSubject.key_hash).where(ErasedSubject.key_hash.in_(wanted))))
        kept = [p for p in batch if not (hashes[p.identity] & gone)]
        return kept, len(batch) - len(kept)

    def _upsert(
        self,
        session: Session,
        batch: list[_Parsed],
        index: dict[str, str],
        source: Source,
        provider: str | None,
        file_name: str,
        now: datetime,
    ) -> tuple[int, int]:
        existing = {
            c.identity_index: c
            for c in session.scalars(
                select(Contact).where(Contact.identity_index.in_([index[p.identity] for p in batch]))
            )
        }
        added = 0
        stored: list[Contact] = []
        for p in batch:
            identity = index[p.identity]
            contact = existing.get(identity)
            if contact is None:
                contact = Contact(tenant_id=self._scope.tenant_id, identity_index=identity, created_at=now)
                session.add(contact)
                existing[identity] = contact
                added += 1
            contact.email_index = index[p.email_key] if p.email_key else None
            contact.phone_index = index[p.phone_key] if p.phone_key else None
            contact.updated_at = now
            for name in PLAIN_FIELDS:
                setattr(contact, name, p.values.get(name))
            sealed = {name: p.values.get(name) for name in SEALED_FIELDS}
            seal_contact(self._scope, contact, sealed | {"email_key": p.email_key, "phone_key": p.phone_key})
            stored.append(contact)
        session.flush()
        session.add_all(
            ContactProvenance(
                tenant_id=self._scope.tenant_id,
                contact_id=c.id,
                source=source.value,
                provider=provider,
                file_name=file_name,
                imported_at=now,
            )
            for c in stored
        )
        session.flush()
        return added, len(batch) - added

    def find(
        self, email: str | None = None, phone: str | None = None
    ) -> list[tuple[StoredContact, list[ContactProvenance]]]:
        """Contacts stored under this normalised email / phone, each with its provenance."""
        conditions = []
        if email:
            conditions.append(Contact.email_index == self._scope.index(email))
        if phone:
            conditions.append(Contact.phone_index == self._scope.index(phone))
        if not conditions:
            return []
        with self._scope.reading() as session:
            contacts = list(session.scalars(select(Contact).where(or_(*conditions)).order_by(Contact.id)))
            out = []
            for c in contacts:
                origins = list(
                    session.scalars(
                        select(ContactProvenance)
                        .where(ContactProvenance.contact_id == c.id)
                        .order_by(ContactProvenance.imported_at, ContactProvenance.id)
                    )
                )
                out.append((open_contact(self._scope, c), origins))
            return out

    def count(self) -> int:
        with self._scope.reading() as session:
            return int(session.scalar(select(func.count()).select_from(Contact)) or 0)
