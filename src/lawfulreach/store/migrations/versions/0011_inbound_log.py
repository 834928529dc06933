"""The inbound log (issue "outreach loop"): each received reply, bounce or complaint, processed once.

``lawfulreach inbox import`` and ``POST /v1/inbound`` record every message they classify — keyed by a
keyed hash of its Message-ID (or of its content when it has none), so importing the same mailbox
twice processes each message once — with its class, what was done, and, for the person it concerns,
their blind index and the address, Message-ID and (for messages left for a person) the subject,
sealed. One row per message and recipient: soft bounces are counted per address from these rows.
Exclusion entries gain the source ``bounce``.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lawfulreach.store.coltypes import UtcDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = "'opt_out', 'privacy_request', 'hard_bounce', 'soft_bounce', 'complaint', 'auto_reply', 'other'"
_SOURCES_BEFORE = "'import', 'opt_out', 'reply', 'complaint', 'manual'"
_SOURCES_AFTER = "'import', 'opt_out', 'reply', 'complaint', 'bounce', 'manual'"


def upgrade() -> None:
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("message_key", sa.String(64), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("request_types", sa.String(40), nullable=True),
        sa.Column("effect", sa.String(100), nullable=False),
        sa.Column("evidence", sa.String(200), nullable=True),
        sa.Column("status", sa.String(20), nullable=True),
        sa.Column("subject_index", sa.String(64), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=True),
        sa.Column("key_version", sa.SmallInteger(), nullable=True),
        sa.Column("received_at", UtcDateTime(), nullable=True),
        sa.Column("processed_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_inbound_messages_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.CheckConstraint(f"kind IN ({_KINDS})", name=op.f("ck_inbound_messages_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint(
            "tenant_id", "message_key", "position", name=op.f("uq_inbound_messages_tenant_id_message_key_position")
        ),
    )
    op.create_index("ix_inbound_messages_tenant_subject", "inbound_messages", ["tenant_id", "subject_index"])
    with op.batch_alter_table("suppression_entries") as batch:
        batch.drop_constraint(op.f("ck_suppression_entries_source"), type_="check")
        batch.create_check_constraint(op.f("ck_suppression_entries_source"), f"source IN ({_SOURCES_AFTER})")


def downgrade() -> None:
    with op.batch_alter_table("suppression_entries") as batch:
        batch.drop_constraint(op.f("ck_suppression_entries_source"), type_="check")
        batch.create_check_constraint(op.f("ck_suppression_entries_source"), f"source IN ({_SOURCES_BEFORE})")
    op.drop_index("ix_inbound_messages_tenant_subject", table_name="inbound_messages")
    op.drop_table("inbound_messages")
