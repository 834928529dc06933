"""Campaigns as versioned objects (issue 14): every version kept, campaigns archived instead of deleted.

``campaign_versions`` keeps each version's content (JSON) with its fingerprint, time and actor;
``campaigns`` (the current version) gains its version number and ``archived_at``. Campaigns stored
before this revision become their version 1, with the time of their last change and the actor
``migration``; they have no audit entry of their own (the migration holds no tenant key to chain one
with) — their next change, or archiving, is the first entry that names them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lawfulreach.domain.versions import campaign_fingerprint
from lawfulreach.store.coltypes import UtcDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CONTENT = ("name", "purpose", "sender_type", "legal_entity", "products", "consent_purposes", "lia", "excluded_regions")
_LISTS = ("products", "consent_purposes", "excluded_regions")


def upgrade() -> None:
    op.create_table(
        "campaign_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(15), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_campaign_versions_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_versions")),
        sa.UniqueConstraint(
            "tenant_id", "campaign_id", "version", name=op.f("uq_campaign_versions_tenant_id_campaign_id_version")
        ),
    )
    # Plain ADD COLUMNs (SQLite needs no table rebuild for them, which would drop the CHECKs); the
    # default makes every existing campaign its version 1, as the model declares.
    op.add_column("campaigns", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("campaigns", sa.Column("archived_at", UtcDateTime(), nullable=True))
    _backfill()


def _backfill() -> None:
    """Each existing campaign becomes its version 1 (content and fingerprint as ``store.campaigns`` writes them)."""
    bind = op.get_bind()
    campaigns = sa.table(
        "campaigns",
        sa.column("tenant_id", sa.Integer()),
        sa.column("campaign_id", sa.String()),
        sa.column("updated_at", UtcDateTime()),
        *(sa.column(name, sa.Text()) for name in _CONTENT),
    )
    versions = sa.table(
        "campaign_versions",
        sa.column("tenant_id", sa.Integer()),
        sa.column("campaign_id", sa.String()),
        sa.column("version", sa.Integer()),
        sa.column("content", sa.Text()),
        sa.column("fingerprint", sa.String()),
        sa.column("created_at", UtcDateTime()),
        sa.column("actor", sa.String()),
    )
    rows = []
    for row in bind.execute(sa.select(campaigns)).mappings():
        content = {name: json.loads(row[name]) if name in _LISTS else row[name] for name in _CONTENT}
        rows.append(
            {
                "tenant_id": row["tenant_id"],
                "campaign_id": row["campaign_id"],
                "version": 1,
                "content": json.dumps(content, sort_keys=True, ensure_ascii=False),
                "fingerprint": campaign_fingerprint(content),
                "created_at": row["updated_at"],
                "actor": "migration",
            }
        )
    if rows:
        op.bulk_insert(versions, rows)


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("archived_at")
        batch.drop_column("version")
    op.drop_table("campaign_versions")
