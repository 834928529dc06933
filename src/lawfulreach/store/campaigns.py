"""Stored campaigns: purpose, sender type, legal entity, products, accepted consent purposes, LIA
status and excluded regions (spec §2), so a check can name a campaign by id instead of repeating it.

A campaign is validated by the same boundary model as an inline one (``schema.CampaignIn``), so a
stored campaign and the same campaign given inline decide identically. List-valued fields are kept
as JSON text (portable across SQLite and PostgreSQL; never queried into).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from lawfulreach.domain.model import Campaign
from lawfulreach.domain.vocabulary import LiaStatus, Purpose, SenderType
from lawfulreach.errors import ConflictError, InputError, NotFoundError
from lawfulreach.store.coltypes import UtcDateTime
from lawfulreach.store.lia import apply_assessment, apply_assessments, assessment_ref
from lawfulreach.store.models import Base, TenantScoped
from lawfulreach.store.scope import TenantScope

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class StoredCampaign(TenantScoped, Base):
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


@dataclass(frozen=True, slots=True)
class CampaignRecord:
    id: str
    campaign: Campaign
    created_at: datetime
    updated_at: datetime


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
    """The campaign with its id and version, as decisions name it."""
    return _campaign(row).stored_as(row.campaign_id)


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


class CampaignRepo:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def create(self, campaign: Campaign, campaign_id: str | None = None) -> CampaignRecord:
        """Store a new campaign (an id is generated when none is given); ``ConflictError`` if taken."""
        cid = check_campaign_id(campaign_id) if campaign_id else f"cmp_{secrets.token_hex(6)}"
        now = self._scope.clock()
        with self._scope.writing() as session:
            if session.scalar(select(StoredCampaign.id).where(StoredCampaign.campaign_id == cid)) is not None:
                raise ConflictError(f"campaign {cid!r} already exists; replace it with PUT")
            row = StoredCampaign(tenant_id=self._scope.tenant_id, campaign_id=cid, created_at=now, updated_at=now)
            _fill(row, campaign)
            session.add(row)
            session.flush()
            return _record(row)

    def put(self, campaign_id: str, campaign: Campaign) -> tuple[CampaignRecord, bool]:
        """Create or replace; (record, created)."""
        cid = check_campaign_id(campaign_id)
        now = self._scope.clock()
        with self._scope.writing() as session:
            row = session.scalar(select(StoredCampaign).where(StoredCampaign.campaign_id == cid))
            created = row is None
            if row is None:
                row = StoredCampaign(tenant_id=self._scope.tenant_id, campaign_id=cid, created_at=now)
                session.add(row)
            row.updated_at = now
            _fill(row, campaign)
            session.flush()
            return _record(row), created

    def get(self, campaign_id: str) -> CampaignRecord:
        with self._scope.reading() as session:
            row = session.scalar(select(StoredCampaign).where(StoredCampaign.campaign_id == campaign_id))
            if row is None:
                raise NotFoundError(f"no campaign {campaign_id!r}")
            record = _record(row)
            return replace(
                record, campaign=apply_assessment(record.campaign, assessment_ref(self._scope, session, campaign_id))
            )

    def get_many(self, campaign_ids: Iterable[str]) -> dict[str, Campaign]:
        """The campaigns among ``campaign_ids`` that exist (one query)."""
        wanted = sorted(set(campaign_ids))
        if not wanted:
            return {}
        with self._scope.reading() as session:
            rows = session.scalars(select(StoredCampaign).where(StoredCampaign.campaign_id.in_(wanted)))
            return apply_assessments(self._scope, session, {r.campaign_id: _stored(r) for r in rows})

    def list(self) -> list[CampaignRecord]:
        with self._scope.reading() as session:
            return [_record(r) for r in session.scalars(select(StoredCampaign).order_by(StoredCampaign.campaign_id))]

    def delete(self, campaign_id: str) -> None:
        with self._scope.writing() as session:
            result = session.execute(delete(StoredCampaign).where(StoredCampaign.campaign_id == campaign_id))
            if not getattr(result, "rowcount", 0):
                raise NotFoundError(f"no campaign {campaign_id!r}")


__all__ = ["CampaignRecord", "CampaignRepo", "StoredCampaign", "check_campaign_id"]
