"""The generated privacy notice names the categories of data held and any transfers abroad.

GDPR Art. 14(1)(d) requires a notice to a person whose data was not collected from them to state the
categories of personal data concerned (a prospect cannot guess them), and Art. 14(1)(f) any transfer
to a third country with its safeguard. Two nullable columns on the organisation profile; a missing
value is shown as "not provided" and listed as a gap, never invented.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tenant_profiles", sa.Column("data_categories", sa.Text(), nullable=True))
    op.add_column("tenant_profiles", sa.Column("transfers", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenant_profiles") as batch:
        batch.drop_column("transfers")
        batch.drop_column("data_categories")
