"""Stored campaigns: purpose, sender type, legal entity, products, accepted consent purposes, LIA
status and excluded regions (spec §2), so a check or a screen can name a campaign by id instead of
repeating it — kept as versions, on the audit trail, and archived rather than deleted.

A campaign is validated by the same boundary model as an inline one (``schema.CampaignIn``), so a
stored campaign and the same campaign given inline decide identically. List-valued fields are kept
as JSON text (portable across SQLite and PostgreSQL; never queried into).

Versions
--------
Every create and every change that alters the content is a new version: a row of
``campaign_versions`` (number 1, 2, …, the content as JSON, its fingerprint, when and who) and an
audit-trail entry (``campaign.create`` / ``campaign.update``) carrying the id, number and fingerprint,
written in the same transaction. ``campaigns`` holds the current version (what checks read: one row
per id, no join). A change that leaves the content as it was writes nothing.

A decision names the version by its *fingerprint* (``Decision.campaign_version``, ``cv-<12 hex>``,
``domain.versions``): the batch path stamps it without a query, it can be recomputed from the
content a version keeps (so an edited version row is detected), and two workspaces holding the same
campaign agree on it. The number is for people: ``campaign show ID --version N``, the report's
"version 3 (cv-…)". A campaign put back to earlier content gets a new number with the earlier
fingerprint — the decision still names exactly the facts it used.

Archiving
---------
A campaign is never deleted (decisions and records name its versions): it is *archived*. An archived
campaign stays readable with all its versions, is listed only on request, cannot be changed, its id
is never reused, and it decides nothing new: naming it in a check or a screen is refused
(``Campaign.archived_refusal``), so a retired campaign is not silently reused.

The LIA
-------
A stored campaign's LIA status comes only from its legitimate interests assessment (``store.lia``):
every record this repository returns has it applied (``_out``), whatever ``lia`` was typed into the
campaign — none → missing, failed → failed, not approved / needs review / expired / altered → missing.
The typed value stays in the content (and its fingerprint) as it was written.
"""

from __future__ import annotations

import builtins
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lawfulreach.domain.model import Campaign
from lawfulreach.domain.versions import campaign_fingerprint
from lawfulreach.domain.vocabulary import LiaStatus, Purpose, SenderType
from lawfulreach.errors import ConflictError, InputError, NotFoundError, StoreError
from lawfulreach.store import audit
from lawfulreach.store.coltypes import UtcDateTime
from lawfulreach.store.lia import apply_assessment, apply_assessments, assessment_ref
from lawfulreach.store.models import Base, TenantScoped
from lawfulreach.store.scope import TenantScope

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_FINGERPRINT_RE = re.compile(r"^cv-[0-9a-f]{12}$")


class StoredCampaign(TenantScoped, Base):
    """The current version of each campaign (what checks read)."""

    __tablename__ = "campaigns"
    __table_args__ = (
        UniqueConstraint("tenant_id", "campaign_id"),
        CheckConstraint("purpose IN ('marketing', 'service')", name="purpose"),
        CheckConstraint("sender_type IN ('commercial', 'charity', 'political')", name="sender_type"),
        CheckConstraint("lia IN ('passed', 'failed', 'missing')", name="lia"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(10))
    sender_type: Mapped[str] = mapped_column(String(12))
    legal_entity: Mapped[str | None] = mapped_column(String(200))
    products: Mapped[str] = mapped_column(Text)
    consent_purposes: Mapped[str] = mapped_column(Text)
    lia: Mapped[str] = mapped_column(String(8))
    excluded_regions: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: the current version's number (``campaign_versions.version``)
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class CampaignVersion(TenantScoped, Base):
    """Every version of every campaign, kept for good: the content as JSON, its fingerprint, when and who."""

    __tablename__ = "campaign_versions"
    __table_args__ = (UniqueConstraint("tenant_id", "campaign_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(15))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(100))


@dataclass(frozen=True, slots=True)
class CampaignRecord:
    """A campaign as stored: its current version (``campaign`` carries id, fingerprint, number, archived_at)."""

    id: str
    campaign: Campaign
    created_at: datetime
    updated_at: datetime

    @property
    def version(self) -> int:
        return self.campaign.revision or 1

    @property
    def fingerprint(self) -> str:
        return self.campaign.version or ""

    @property
    def archived_at(self) -> datetime | None:
        return self.campaign.archived_at


@dataclass(frozen=True, slots=True)
class CampaignVersionRecord:
    """One version of a campaign: what it said, its fingerprint, when and by whom it was made."""

    id: str
    version: int
    fingerprint: str
    campaign: Campaign
    created_at: datetime
    actor: str
    #: whether this is the campaign's current version
    current: bool


def check_campaign_id(raw: str) -> str:
    if not _ID_RE.match(raw):
        raise InputError(
            f"campaign id {raw!r} is not valid: 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return raw


def _campaign(row: StoredCampaign) -> Campaign:
    return Campaign(
        name=row.name,
        purpose=Purpose(row.purpose),
        sender_type=SenderType(row.sender_type),
        legal_entity=row.legal_entity,
        products=tuple(json.loads(row.products)),
        consent_purposes=tuple(json.loads(row.consent_purposes)),
        lia=LiaStatus(row.lia),
        excluded_regions=tuple(json.loads(row.excluded_regions)),
    )


def _stored(row: StoredCampaign) -> Campaign:
    """The campaign with its id, fingerprint, version number and archive date, as decisions name it."""
    return replace(_campaign(row).stored_as(row.campaign_id), revision=row.version, archived_at=row.archived_at)


def _record(row: StoredCampaign) -> CampaignRecord:
    return CampaignRecord(row.campaign_id, _stored(row), row.created_at, row.updated_at)


def _fill(row: StoredCampaign, c: Campaign) -> None:
    row.name = c.name
    row.purpose = c.purpose.value
    row.sender_type = c.sender_type.value
    row.legal_entity = c.legal_entity
    row.products = json.dumps(list(c.products))
    row.consent_purposes = json.dumps(list(c.consent_purposes))
    row.lia = c.lia.value
    row.excluded_regions = json.dumps(list(c.excluded_regions))


def _version_record(row: CampaignVersion, current: int) -> CampaignVersionRecord:
    """A stored version read back; its fingerprint is recomputed from its content, so an edited
    version row is an error, never a silently different campaign under an old fingerprint."""
    content = json.loads(row.content)
    campaign = Campaign.from_content(content).stored_as(row.campaign_id)
    if campaign.version != row.fingerprint:
        raise StoreError(
            f"campaign {row.campaign_id!r} version {row.version}: its content does not match its fingerprint "
            f"{row.fingerprint} (the stored version was altered); check the audit trail (`audit verify`)"
        )
    campaign = replace(campaign, revision=row.version)
    return CampaignVersionRecord(
        row.campaign_id, row.version, row.fingerprint, campaign, row.created_at, row.actor, row.version == current
    )


class CampaignRepo:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def _out(self, session: Session, row: StoredCampaign) -> CampaignRecord:
        """The record as every caller sees it: its LIA status from its assessment (``store.lia``), never
        the ``lia`` typed into it."""
        record = _record(row)
        return replace(
            record, campaign=apply_assessment(record.campaign, assessment_ref(self._scope, session, row.campaign_id))
        )

    # --- changes (each one transaction with its version row and its audit entry) -------------------
    def _add_version(self, session: Session, row: StoredCampaign, act: str, now: datetime) -> None:
        campaign = _campaign(row)
        fingerprint = campaign_fingerprint(campaign.content())
        session.add(
            CampaignVersion(
                tenant_id=self._scope.tenant_id,
                campaign_id=row.campaign_id,
                version=row.version,
                content=json.dumps(campaign.content(), sort_keys=True, ensure_ascii=False),
                fingerprint=fingerprint,
                created_at=now,
                actor=self._scope.actor,
            )
        )
        details = {"campaign": row.campaign_id, "version": row.version, "fingerprint": fingerprint}
        audit.record(session, self._scope, act, details=details)

    def create(self, campaign: Campaign, campaign_id: str | None = None) -> CampaignRecord:
        """Store a new campaign as its version 1 (an id is generated when none is given);
        ``ConflictError`` if the id is taken, archived campaigns included (ids are never reused)."""
        cid = check_campaign_id(campaign_id) if campaign_id else f"cmp_{secrets.token_hex(6)}"
        now = self._scope.clock()
        with self._scope.writing(exclusive=True) as session:
            existing = session.scalar(select(StoredCampaign).where(StoredCampaign.campaign_id == cid))
            if existing is not None:
                if existing.archived_at is not None:
                    raise ConflictError(f"campaign {cid!r} exists (archived); an archived campaign's id is not reused")
                raise ConflictError(f"campaign {cid!r} already exists; change it with an update (a new version)")
            row = StoredCampaign(
                tenant_id=self._scope.tenant_id, campaign_id=cid, created_at=now, updated_at=now, version=1
            )
            _fill(row, campaign)
            session.add(row)
            session.flush()
            self._add_version(session, row, "campaign.create", now)
            return self._out(session, row)

    def update(self, campaign_id: str, campaign: Campaign) -> tuple[CampaignRecord, bool]:
        """A new version of an existing campaign; (record, changed). Content equal to the current
        version's writes nothing (``changed`` False). ``NotFoundError`` for an unknown id,
        ``ConflictError`` for an archived campaign (it cannot be changed)."""
        cid = check_campaign_id(campaign_id)
        now = self._scope.clock()
        with self._scope.writing(exclusive=True) as session:
            row = session.scalar(select(StoredCampaign).where(StoredCampaign.campaign_id == cid))
            if row is None:
                raise NotFoundError(f"no campaign {cid!r}")
            return self._update(session, row, campaign, now)

    def _update(
        self, session: Session, row: StoredCampaign, campaign: Campaign, now: datetime
    ) -> tuple[CampaignRecord, bool]:
        if row.archived_at is not None:
            raise ConflictError(
                f"campaign {row.campaign_id!r} is archived and cannot be changed; store a new campaign instead"
            )
        if _campaign(row).content() == campaign.content():
            return self._out(session, row), False
        _fill(row, campaign)
        row.version += 1
        row.updated_at = now
        session.flush()
        self._add_version(session, row, "campaign.update", now)
        return self._out(session, row), True

    def put(self, campaign_id: str, campaign: Campaign) -> tuple[CampaignRecord, bool]:
        """Create (version 1) or change (a new version); (record, created)."""
        cid = check_campaign_id(campaign_id)
        with self._scope.reading() as session:
            exists = session.scalar(select(StoredCampaign.id).where(StoredCampaign.campaign_id == cid)) is not None
        if not exists:
            try:
                return self.create(campaign, cid), True
            except ConflictError:  # created meanwhile by someone else: then this is a change
                pass
        return self.update(cid, campaign)[0], False

    def archive(self, campaign_id: str) -> CampaignRecord:
        """Retire a campaign: kept with its versions, refused for new decisions. ``ConflictError`` if
        it already is archived."""
        cid = check_campaign_id(campaign_id)
        now = self._scope.clock()
        with self._scope.writing(exclusive=True) as session:
            row = session.scalar(select(StoredCampaign).where(StoredCampaign.campaign_id == cid))
            if row is None:
                raise NotFoundError(f"no campaign {cid!r}")
            if row.archived_at is not None:
                raise ConflictError(f"campaign {cid!r} is already archived (on {row.archived_at.date().isoformat()})")
            row.archived_at = now
            session.flush()
            fingerprint = campaign_fingerprint(_campaign(row).content())
            details = {"campaign": cid, "version": row.version, "fingerprint": fingerprint}
            audit.record(session, self._scope, "campaign.archive", details=details)
            return self._out(session, row)

    # --- reads --------------------------------------------------------------------------------------
    def get(self, campaign_id: str) -> CampaignRecord:
        """The campaign's current version, archived or not (``NotFoundError`` if none)."""
        with self._scope.reading() as session:
            row = session.scalar(select(StoredCampaign).where(StoredCampaign.campaign_id == campaign_id))
            if row is None:
                raise NotFoundError(f"no campaign {campaign_id!r}")
            return self._out(session, row)

    def get_many(self, campaign_ids: Iterable[str]) -> dict[str, Campaign]:
        """The campaigns among ``campaign_ids`` that exist (one query). Archived ones are included,
        marked (``archived_at``), so that naming one is refused with the reason, not as unknown."""
        wanted = sorted(set(campaign_ids))
        if not wanted:
            return {}
        with self._scope.reading() as session:
            rows = session.scalars(select(StoredCampaign).where(StoredCampaign.campaign_id.in_(wanted)))
            return apply_assessments(self._scope, session, {r.campaign_id: _stored(r) for r in rows})

    def list(self, *, include_archived: bool = False) -> list[CampaignRecord]:
        """The campaigns by id; archived ones only when asked for."""
        stmt = select(StoredCampaign).order_by(StoredCampaign.campaign_id)
        if not include_archived:
            stmt = stmt.where(StoredCampaign.archived_at.is_(None))
        with self._scope.reading() as session:
            return [self._out(session, r) for r in session.scalars(stmt)]

    def versions(self, campaign_id: str) -> builtins.list[CampaignVersionRecord]:
        """Every version of a campaign, oldest first (``NotFoundError`` for an unknown id)."""
        with self._scope.reading() as session:
            current = session.scalar(select(StoredCampaign.version).where(StoredCampaign.campaign_id == campaign_id))
            if current is None:
                raise NotFoundError(f"no campaign {campaign_id!r}")
            rows = session.scalars(
                select(CampaignVersion)
                .where(CampaignVersion.campaign_id == campaign_id)
                .order_by(CampaignVersion.version)
            )
            return [_version_record(r, current) for r in rows]

    def version(self, campaign_id: str, which: int | str) -> CampaignVersionRecord:
        """One version by number (``3``) or by fingerprint (``cv-…``: the newest version with it)."""
        versions = self.versions(campaign_id)
        if isinstance(which, str) and _FINGERPRINT_RE.match(which):
            found = [v for v in versions if v.fingerprint == which]
        else:
            found = [v for v in versions if v.version == which]
        if not found:
            have = f"versions 1–{len(versions)}" if len(versions) > 1 else "version 1"
            raise NotFoundError(f"campaign {campaign_id!r} has no version {which}; it has {have}")
        return found[-1]


__all__ = [
    "CampaignRecord",
    "CampaignRepo",
    "CampaignVersion",
    "CampaignVersionRecord",
    "StoredCampaign",
    "check_campaign_id",
]
