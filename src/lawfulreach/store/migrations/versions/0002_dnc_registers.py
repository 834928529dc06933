"""Do-not-call registers and their numbers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lawfulreach.store.coltypes import UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dnc_registers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(100), nullable=False),
        sa.Column("as_of", UtcDateTime(), nullable=False),
        sa.Column("loaded_at", UtcDateTime(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("max_age_days", sa.Integer(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_dnc_registers_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dnc_registers")),
        sa.UniqueConstraint(
            "tenant_id", "country", "name_key", name=op.f("uq_dnc_registers_tenant_id_country_name_key")
        ),
    )
    op.create_table(
        "dnc_numbers",
        sa.Column("register_id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(16), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("register_id", "e164", name=op.f("pk_dnc_numbers")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("dnc_numbers")
    op.drop_table("dnc_registers")
