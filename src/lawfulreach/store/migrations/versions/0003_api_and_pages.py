"""The HTTP API and the public pages: API keys, stored campaigns, privacy-request intake, the
organisation shown to recipients.

The intake keeps the person as a blind index and seals what they typed, like the tables of issue 4
(no plaintext personal data at rest).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lawfulreach.store.coltypes import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tenant(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"), ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(12), nullable=False),
        sa.Column("name", sa.String(100), nullable=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        *_tenant("api_keys"),
        sa.CheckConstraint("role IN ('admin', 'compliance', 'marketer', 'readonly')", name=op.f("ck_api_keys_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_api_keys_key_id")),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("purpose", sa.String(10), nullable=False),
        sa.Column("sender_type", sa.String(12), nullable=False),
        sa.Column("legal_entity", sa.String(200), nullable=True),
        sa.Column("products", sa.Text(), nullable=False),
        sa.Column("consent_purposes", sa.Text(), nullable=False),
        sa.Column("lia", sa.String(8), nullable=False),
        sa.Column("excluded_regions", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        *_tenant("campaigns"),
        sa.CheckConstraint("purpose IN ('marketing', 'service')", name=op.f("ck_campaigns_purpose")),
        sa.CheckConstraint(
            "sender_type IN ('commercial', 'charity', 'political')", name=op.f("ck_campaigns_sender_type")
        ),
        sa.CheckConstraint("lia IN ('passed', 'failed', 'missing')", name=op.f("ck_campaigns_lia")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("tenant_id", "campaign_id", name=op.f("uq_campaigns_tenant_id_campaign_id")),
    )
    op.create_table(
        "privacy_intake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_type", sa.String(16), nullable=False),
        sa.Column("subject_index", sa.String(64), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("key_version", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("verify_hash", sa.String(64), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("verified_at", UtcDateTime(), nullable=True),
        sa.Column("request_number", sa.Integer(), nullable=True),
        *_tenant("privacy_intake"),
        sa.CheckConstraint(
            "request_type IN ('access', 'portability', 'erasure', 'rectification', 'objection', "
            "'ccpa_know', 'ccpa_delete')",
            name=op.f("ck_privacy_intake_request_type"),
        ),
        sa.CheckConstraint("status IN ('pending', 'verified')", name=op.f("ck_privacy_intake_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_intake")),
        sa.UniqueConstraint("verify_hash", name=op.f("uq_privacy_intake_verify_hash")),
    )
    op.create_index("ix_privacy_intake_tenant_subject", "privacy_intake", ["tenant_id", "subject_index"])
    op.create_table(
        "tenant_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("privacy_notice_url", sa.String(500), nullable=True),
        sa.Column("contact_email", sa.String(320), nullable=True),
        sa.Column("postal_address", sa.Text(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        *_tenant("tenant_profiles"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_profiles")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_tenant_profiles_tenant_id")),
    )


def downgrade() -> None:
    op.drop_table("tenant_profiles")
    op.drop_index("ix_privacy_intake_tenant_subject", table_name="privacy_intake")
    op.drop_table("privacy_intake")
    op.drop_table("campaigns")
    op.drop_table("api_keys")
