"""Initial workspace: tenants, exclusion lists, contacts with provenance, the ledger, erased subjects.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lawfulreach.store.coltypes import UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key_check", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("name", name=op.f("uq_tenants_name")),
    )
    op.create_table(
        "suppression_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("value", sa.String(320), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('email', 'domain', 'phone')", name=op.f("ck_suppression_entries_kind")),
        sa.CheckConstraint(
            "source IN ('import', 'opt_out', 'reply', 'complaint', 'manual')",
            name=op.f("ck_suppression_entries_source"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_suppression_entries_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppression_entries")),
        sa.UniqueConstraint("tenant_id", "kind", "value", name=op.f("uq_suppression_entries_tenant_id_kind_value")),
    )
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(320), nullable=False),
        sa.Column("email_key", sa.String(320), nullable=True),
        sa.Column("phone_key", sa.String(20), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("phone", sa.String(64), nullable=True),
        sa.Column("first_name", sa.String(200), nullable=True),
        sa.Column("last_name", sa.String(200), nullable=True),
        sa.Column("name", sa.String(400), nullable=True),
        sa.Column("company", sa.String(400), nullable=True),
        sa.Column("job_title", sa.String(400), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("region", sa.String(10), nullable=True),
        sa.Column("subscriber_type", sa.String(20), nullable=False),
        sa.Column("phone_type", sa.String(10), nullable=True),
        sa.Column("in_public_directory", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_contacts_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("tenant_id", "identity", name=op.f("uq_contacts_tenant_id_identity")),
    )
    op.create_index("ix_contacts_tenant_email_key", "contacts", ["tenant_id", "email_key"])
    op.create_index("ix_contacts_tenant_phone_key", "contacts", ["tenant_id", "phone_key"])
    op.create_table(
        "contact_provenance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("provider", sa.String(200), nullable=True),
        sa.Column("file_name", sa.String(400), nullable=True),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("source IN ('first_party', 'third_party')", name=op.f("ck_contact_provenance_source")),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_provenance_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_contact_provenance_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_provenance")),
    )
    op.create_index("ix_contact_provenance_tenant_contact", "contact_provenance", ["tenant_id", "contact_id"])
    op.create_table(
        "ledger_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(5), nullable=False),
        sa.Column("subject_key", sa.String(320), nullable=False),
        sa.Column("event", sa.String(12), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("purpose", sa.String(100), nullable=True),
        sa.Column("method", sa.String(100), nullable=True),
        sa.Column("wording", sa.Text(), nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("subject_kind IN ('email', 'phone')", name=op.f("ck_ledger_events_subject_kind")),
        sa.CheckConstraint(
            "event IN ('given', 'confirmed', 'withdrawn', 'opt_out', 'objection')", name=op.f("ck_ledger_events_event")
        ),
        sa.CheckConstraint(
            "channel IN ('email', 'sms', 'call', 'automated_call', 'post', 'all')",
            name=op.f("ck_ledger_events_channel"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_ledger_events_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_events")),
    )
    op.create_index("ix_ledger_events_tenant_subject", "ledger_events", ["tenant_id", "subject_key"])
    op.create_table(
        "erased_subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(5), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("erased_at", UtcDateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('email', 'phone')", name=op.f("ck_erased_subjects_kind")),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_erased_subjects_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erased_subjects")),
        sa.UniqueConstraint("tenant_id", "key_hash", name=op.f("uq_erased_subjects_tenant_id_key_hash")),
    )


def downgrade() -> None:
    op.drop_table("erased_subjects")
    op.drop_index("ix_ledger_events_tenant_subject", table_name="ledger_events")
    op.drop_table("ledger_events")
    op.drop_index("ix_contact_provenance_tenant_contact", table_name="contact_provenance")
    op.drop_table("contact_provenance")
    op.drop_index("ix_contacts_tenant_phone_key", table_name="contacts")
    op.drop_index("ix_contacts_tenant_email_key", table_name="contacts")
    op.drop_table("contacts")
    op.drop_table("suppression_entries")
    op.drop_table("tenants")
