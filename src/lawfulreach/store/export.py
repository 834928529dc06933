"""The access / portability export: everything the workspace holds on one person, in one zip.

GDPR Art. 15 (access) and Art. 20 (portability), CCPA's right to know. The zip holds

* ``subject.json`` — every section, machine-readable (what seed 000 promised as "JSON");
* one CSV per section (``contacts.csv``, ``sources.csv``, ``consent_and_opt_outs.csv``,
  ``exclusion_entries.csv``, ``privacy_requests.csv``, ``activity.csv``, and one per module
  registered in ``store.subject_data``);
* ``summary.html`` — a short page for the person: what is held, why, where it came from, how to object.

It is the only place besides ``contacts show`` / ``suppress list`` / ``consent history`` where sealed
data is decrypted, and it reads one subject's rows only. Decisions are stored only when a run was
recorded (``screen --record``, an API check with ``"record": true``); those are exported as the
``evidence`` section (``store.evidence``, registered like any other holder).
"""

from __future__ import annotations

import html
import json
import os
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lawfulreach.csvsafe import dict_rows_text
from lawfulreach.errors import InputError
from lawfulreach.store.contacts import open_contact
from lawfulreach.store.ledger import seal_context as ledger_context
from lawfulreach.store.ledger_state import OPT_OUT_EVENTS
from lawfulreach.store.models import (
    AuditEntry,
    Contact,
    ContactProvenance,
    ErasedSubject,
    LedgerEvent,
    PrivacyRequest,
    SuppressionEntry,
)
from lawfulreach.store.scope import TenantScope
from lawfulreach.store.subject_data import SubjectKeys, holders
from lawfulreach.store.suppression import seal_context as suppression_context

Section = list[dict[str, Any]]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _contacts(session: Session, scope: TenantScope, idx: list[str]) -> tuple[Section, Section]:
    rows = list(
        session.scalars(
            select(Contact).where(or_(Contact.email_index.in_(idx), Contact.phone_index.in_(idx))).order_by(Contact.id)
        )
    )
    contacts: Section = []
    sources: Section = []
    for number, row in enumerate(rows, start=1):
        c = asdict(open_contact(scope, row))
        renamed = {"email_key": "email_normalised", "phone_key": "phone_e164"}
        record = {"record": number} | {renamed.get(k, k): v for k, v in c.items() if k not in ("id", "identity")}
        contacts.append({k: (_iso(v) if isinstance(v, datetime) else v) for k, v in record.items()})
        for origin in session.scalars(
            select(ContactProvenance)
            .where(ContactProvenance.contact_id == row.id)
            .order_by(ContactProvenance.imported_at, ContactProvenance.id)
        ):
            sources.append(
                {
                    "record": number,
                    "source": origin.source,
                    "provider": origin.provider,
                    "file": origin.file_name,
                    "imported_at": _iso(origin.imported_at),
                }
            )
    return contacts, sources


def _ledger(session: Session, scope: TenantScope, idx: list[str]) -> Section:
    out: Section = []
    for row in session.scalars(select(LedgerEvent).where(LedgerEvent.subject_index.in_(idx)).order_by(LedgerEvent.id)):
        sealed = scope.unseal(ledger_context(row.subject_index), row.sealed)
        out.append(
            {
                "subject": sealed.get("subject"),
                "event": row.event,
                "channel": row.channel,
                "purpose": row.purpose,
                "method": row.method,
                "wording": sealed.get("wording"),
                "source": sealed.get("source"),
                "occurred_at": _iso(row.occurred_at),
                "recorded_at": _iso(row.recorded_at),
            }
        )
    return out


#: the ledger section (every consent, withdrawal and opt-out, decrypted), also for ``evidence``
ledger_section = _ledger


def _exclusions(session: Session, scope: TenantScope, idx: list[str]) -> Section:
    out: Section = []
    for row in session.scalars(
        select(SuppressionEntry)
        .where(SuppressionEntry.kind.in_(("email", "phone")), SuppressionEntry.match_key.in_(idx))
        .order_by(SuppressionEntry.created_at, SuppressionEntry.id)
    ):
        sealed = scope.unseal(suppression_context(row.kind, row.match_key), row.sealed)
        out.append(
            {
                "kind": row.kind,
                "value": sealed.get("value"),
                "reason": sealed.get("reason"),
                "source": row.source,
                "added_at": _iso(row.created_at),
            }
        )
    return out


def _requests(session: Session, scope: TenantScope, idx: list[str]) -> Section:
    from lawfulreach.store.dsar import request_context  # dsar builds on this module

    out: Section = []
    for row in session.scalars(
        select(PrivacyRequest).where(PrivacyRequest.subject_index.in_(idx)).order_by(PrivacyRequest.number)
    ):
        sealed = scope.unseal(request_context(row.subject_index, row.number), row.sealed)
        out.append(
            {
                "request": row.number,
                "type": row.request_type,
                "regime": row.regime,
                "status": row.status,
                "received_at": _iso(row.received_at),
                "due_at": _iso(row.legal_due_at),
                "verified_at": _iso(row.verified_at),
                "extended_at": _iso(row.extended_at),
                "extension_reason": sealed.get("extend_reason"),
                "closed_at": _iso(row.closed_at),
                "rejection_reason": sealed.get("reject_reason"),
            }
        )
    return out


def _activity(session: Session, idx: list[str]) -> Section:
    """What was done concerning the person (the audit trail's acts; staff names are not included)."""
    return [
        {"at": _iso(row.at), "act": row.act, "details": json.loads(row.details)}
        for row in session.scalars(select(AuditEntry).where(AuditEntry.subject_ref.in_(idx)).order_by(AuditEntry.seq))
    ]


@dataclass(frozen=True)
class SubjectExport:
    tenant: str
    generated_at: datetime
    subject: dict[str, list[str]]
    erased: bool
    sections: dict[str, Section]

    def as_json(self) -> dict[str, Any]:
        return {
            "format": "lawfulreach-subject-export/1",
            "controller_workspace_tenant": self.tenant,
            "generated_at": self.generated_at.isoformat(),
            "subject": self.subject,
            "erased": self.erased,
            "decisions": "recorded decisions are in the evidence section; others were not stored",
            **self.sections,
        }


def collect(session: Session, scope: TenantScope, who: SubjectKeys) -> SubjectExport:
    idx = sorted(who.indexes)
    contacts, sources = _contacts(session, scope, idx)
    sections: dict[str, Section] = {
        "contacts": contacts,
        "sources": sources,
        "consent_and_opt_outs": _ledger(session, scope, idx),
        "exclusion_entries": _exclusions(session, scope, idx),
        "privacy_requests": _requests(session, scope, idx),
        "activity": _activity(session, idx),
    }
    for holder in holders():
        sections[holder.name] = holder.export(session, scope, who)
    erased = session.scalar(select(ErasedSubject.id).where(ErasedSubject.key_hash.in_(idx)).limit(1)) is not None
    subject = {"emails": sorted(who.emails), "phones": sorted(who.phones)}
    return SubjectExport(scope.tenant, scope.clock(), subject, erased, sections)


#: column headers of the store's own sections, so an empty section still says what it would hold
_COLUMNS = {
    "contacts": ["record", "email_normalised", "phone_e164", "email", "phone", "first_name", "last_name", "name",
                 "company", "job_title", "country", "region", "subscriber_type", "phone_type",
                 "in_public_directory", "created_at", "updated_at"],
    "sources": ["record", "source", "provider", "file", "imported_at"],
    "consent_and_opt_outs": ["subject", "event", "channel", "purpose", "method", "wording", "source",
                             "occurred_at", "recorded_at"],
    "exclusion_entries": ["kind", "value", "reason", "source", "added_at"],
    "privacy_requests": ["request", "type", "regime", "status", "received_at", "due_at", "verified_at",
                         "extended_at", "extension_reason", "closed_at", "rejection_reason"],
    "activity": ["at", "act", "details"],
}  # fmt: skip


def _csv(name: str, rows: Section) -> str:
    columns: list[str] = list(_COLUMNS.get(name, []))
    for row in rows:
        columns += [k for k in row if k not in columns]
    cells = ({k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in row.items()} for row in rows)
    return dict_rows_text(columns or ["(no records)"], cells)


_TITLES = {
    "contacts": "Your contact details",
    "sources": "Where they came from",
    "consent_and_opt_outs": "Your consents, withdrawals and opt-outs",
    "exclusion_entries": "Do-not-contact entries",
    "privacy_requests": "Your privacy requests",
    "activity": "What was done with your data",
    "evidence": "Decisions we recorded about contacting you",
    "send_log": "Messages we sent you (or decided not to)",
}


_ORIGIN = {
    "first_party": "collected by us directly",
    "third_party": "obtained from a business-contact list or data provider",
}


def summary_html(export: SubjectExport, controller: str | None = None) -> str:
    """The short page for the person (escaped throughout: the data is whatever was imported)."""
    e = html.escape
    who = ", ".join(export.subject["emails"] + export.subject["phones"])
    counts = "".join(
        f"<li>{e(_TITLES.get(name, name.replace('_', ' ').capitalize()))}: {len(rows)} record(s)"
        f" — <code>{e(name)}.csv</code></li>"
        for name, rows in export.sections.items()
    )
    origins = (
        "".join(
            f"<li>{e(str(s.get('imported_at') or '')[:10])}: {_ORIGIN.get(str(s.get('source')), 'imported')}"
            f"{' (supplied by ' + e(str(s['provider'])) + ')' if s.get('provider') else ''}</li>"
            for s in export.sections.get("sources", [])
        )
        or "<li>No contact record: we hold no imported details about you.</li>"
    )
    opted = [r for r in export.sections.get("consent_and_opt_outs", []) if r["event"] in OPT_OUT_EVENTS]
    status = (
        "You have objected to (or opted out of) direct marketing; we keep that record so that it is honoured."
        if opted
        else "You have not opted out."
    )
    erased = (
        "<p>You asked us to erase your data. We keep only a one-way keyed code of your address so that "
        "you are never contacted again; it cannot be turned back into your address.</p>"
        if export.erased
        else ""
    )
    contact = f"<p>Write to {e(controller)}.</p>" if controller else "<p>Reply to any message you received from us.</p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The data we hold about you</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5;padding:0 1rem}}
code{{background:#f2f2f2;padding:0 .2rem}}</style></head><body>
<h1>The data we hold about you</h1>
<p>For: <strong>{e(who)}</strong>. Prepared {e(export.generated_at.strftime("%Y-%m-%d %H:%M UTC"))}.</p>
{erased}
<h2>What we hold</h2><ul>{counts}</ul>
<p>The files in this archive hold every record: <code>subject.json</code> (machine-readable, for
moving your data elsewhere) and one CSV file per list. Where we recorded a decision about contacting
you (which rules, which campaign, the outcome and why), it is in <code>evidence.csv</code>; other
checks are not stored but worked out afresh from these records each time.</p>
<h2>Why we hold it</h2>
<p>To decide whether, how and on which channel we may contact you about our business services, and to
respect the choices you made: consents, opt-outs and requests not to be contacted. For business
contacts in the EU and UK this relies on our legitimate interests or, where recorded above, your
consent.</p>
<h2>Where it came from</h2><ul>{origins}</ul>
<h2>Your choices</h2>
<p>{e(status)}</p>
<p>You can object to direct marketing at any time, free of charge, and we will stop; you can also ask
us to correct or erase your data, or complain to your data protection authority.</p>
{contact}
</body></html>
"""


def write_zip(path: Path, export: SubjectExport, controller: str | None = None) -> Path:
    """Write the archive (mode 0600: it is personal data) atomically; the path written."""
    target = path.expanduser()
    temp = target.with_name(f".{target.name}.partial")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("subject.json", json.dumps(export.as_json(), indent=2, ensure_ascii=False) + "\n")
            for name, rows in export.sections.items():
                zf.writestr(f"{name}.csv", _csv(name, rows))
            zf.writestr("summary.html", summary_html(export, controller))
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target


def section_counts(export: SubjectExport) -> Mapping[str, int]:
    return {name: len(rows) for name, rows in export.sections.items()}


__all__ = ["SubjectExport", "collect", "ledger_section", "section_counts", "summary_html", "write_zip"]
