"""Tenant settings: the subscriber-type policy is stored per tenant (issue 12).

Until now the policy for an unknown subscriber type was a command-line flag, so ``check``, ``screen``
and the API could disagree depending on how each was started. A nullable column on ``tenants`` holds
it (null: the default, ``review``); the CLI flag still overrides it for one command.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tenants", sa.Column("subscriber_policy", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("subscriber_policy")
