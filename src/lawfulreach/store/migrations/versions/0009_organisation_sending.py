"""The organisation profile says where recipients reach us and who sends (issue "outreach loop").

``lawfulreach org set`` keeps, per tenant, the public URL of the unsubscribe and privacy pages and the
address mail is sent from — until now only ``serve`` options, so ``serve`` and ``unsubscribe-headers``
could disagree, and a forgotten option sent mail from a ``.invalid`` address. Two nullable columns.
And the facts the generated privacy notice (GDPR Art. 14, ``/privacy``) needs: the organisation's
country, the data's source, recipients, retention, the DPO's address and the supervisory authority —
nullable too (a missing fact is shown as "not provided").

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOTICE_COLUMNS: list[tuple[str, sa.types.TypeEngine[str]]] = [
    ("country", sa.String(2)),
    ("data_source", sa.Text()),
    ("recipients", sa.Text()),
    ("retention", sa.Text()),
    ("dpo_email", sa.String(320)),
    ("supervisory_authority", sa.String(200)),
    ("supervisory_authority_url", sa.String(500)),
]


def upgrade() -> None:
    op.add_column("tenant_profiles", sa.Column("public_url", sa.String(500), nullable=True))
    op.add_column("tenant_profiles", sa.Column("mail_from", sa.String(320), nullable=True))
    for name, kind in _NOTICE_COLUMNS:
        op.add_column("tenant_profiles", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenant_profiles") as batch:
        for name, _kind in reversed(_NOTICE_COLUMNS):
            batch.drop_column(name)
        batch.drop_column("mail_from")
        batch.drop_column("public_url")
