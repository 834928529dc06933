"""Legitimate interests assessments (issue 14, "prove it"): one row per version, append-only.

Each version keeps its answers and reasons as JSON, its outcome, approver, approval time, review date
and the SHA-256 of its content; the same hash is on the tenant's audit trail (``store.lia``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lawfulreach.store.coltypes import UtcDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lia_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("questionnaire", sa.String(40), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=True),
        sa.Column("approved_at", UtcDateTime(), nullable=True),
        sa.Column("review_months", sa.SmallInteger(), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_lia_assessments_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.CheckConstraint("outcome IN ('passed', 'failed', 'needs_review')", name=op.f("ck_lia_assessments_outcome")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lia_assessments")),
        sa.UniqueConstraint(
            "tenant_id", "assessment_id", "version", name=op.f("uq_lia_assessments_tenant_id_assessment_id_version")
        ),
    )
    op.create_index("ix_lia_assessments_tenant_campaign", "lia_assessments", ["tenant_id", "campaign_id"])


def downgrade() -> None:
    op.drop_index("ix_lia_assessments_tenant_campaign", table_name="lia_assessments")
    op.drop_table("lia_assessments")
