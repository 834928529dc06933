"""The send log (issue "outreach loop"): one row per campaign version and recipient.

``lawfulreach send`` claims a row before a message's ``DATA`` and marks it after the server's answer,
so a crash or a re-run never sends twice; inbound processing finds the recipient of a reply through
the keyed index of our Message-ID (``store.outreach.send_log``). The recipient is a blind index, the
address sealed. Evidence runs gain the kind ``send``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lawfulreach.store.coltypes import UtcDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "send_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("campaign_version", sa.String(64), nullable=False),
        sa.Column("recipient_index", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("message_index", sa.String(64), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("run_ref", sa.String(24), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("key_version", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_send_log_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.CheckConstraint(
            "status IN ('in_flight', 'sent', 'failed', 'deferred', 'refused')", name=op.f("ck_send_log_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_send_log")),
        sa.UniqueConstraint(
            "tenant_id",
            "campaign_id",
            "campaign_version",
            "recipient_index",
            name=op.f("uq_send_log_tenant_id_campaign_id_campaign_version_recipient_index"),
        ),
    )
    op.create_index("ix_send_log_tenant_message", "send_log", ["tenant_id", "message_index"])
    op.create_index("ix_send_log_tenant_recipient", "send_log", ["tenant_id", "recipient_index"])
    op.create_index("ix_send_log_tenant_sent", "send_log", ["tenant_id", "sent_at"])
    with op.batch_alter_table("evidence_runs") as batch:
        batch.drop_constraint(op.f("ck_evidence_runs_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_evidence_runs_kind"), "kind IN ('screen', 'check', 'api', 'send')")


def downgrade() -> None:
    with op.batch_alter_table("evidence_runs") as batch:
        batch.drop_constraint(op.f("ck_evidence_runs_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_evidence_runs_kind"), "kind IN ('screen', 'check', 'api')")
    op.drop_index("ix_send_log_tenant_sent", table_name="send_log")
    op.drop_index("ix_send_log_tenant_recipient", table_name="send_log")
    op.drop_index("ix_send_log_tenant_message", table_name="send_log")
    op.drop_table("send_log")
