"""Personal data encrypted at rest, blind indexes, privacy requests and the audit trail (issue 4).

Existing rows are converted in place: every email and phone becomes a blind index (HMAC-SHA-256
under the tenant's index key — the value erasure already kept), and the personal fields are sealed
with AES-GCM under key-ring version 1 (``store.crypto``); then the plaintext columns are dropped.
That needs the workspace key, which ``lawfulreach db upgrade`` hands over; a workspace holding
personal data cannot be upgraded without it (the error says so, and nothing changes).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from lawfulreach.store.coltypes import UtcDateTime
from lawfulreach.store.contacts import seal_context as contact_context
from lawfulreach.store.crypto import KeyRing, TenantCrypto
from lawfulreach.store.errors import SecretKeyError
from lawfulreach.store.keys import tenant_key
from lawfulreach.store.ledger import seal_context as ledger_context
from lawfulreach.store.suppression import seal_context as suppression_context

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHUNK = 5_000
_CONTACT_FIELDS = ("email", "phone", "first_name", "last_name", "name", "company", "job_title")


def _new_tables() -> None:
    op.create_table(
        "key_versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key_check", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("completed_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_key_versions")),
    )
    op.create_table(
        "privacy_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("request_type", sa.String(16), nullable=False),
        sa.Column("regime", sa.String(8), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("subject_kind", sa.String(5), nullable=False),
        sa.Column("subject_index", sa.String(64), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=True),
        sa.Column("key_version", sa.SmallInteger(), nullable=True),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("target_due_at", UtcDateTime(), nullable=False),
        sa.Column("legal_due_at", UtcDateTime(), nullable=False),
        sa.Column("verified_at", UtcDateTime(), nullable=True),
        sa.Column("extended_at", UtcDateTime(), nullable=True),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "request_type IN ('access', 'portability', 'erasure', 'rectification', 'objection', 'ccpa_know', "
            "'ccpa_delete')",
            name=op.f("ck_privacy_requests_request_type"),
        ),
        sa.CheckConstraint(
            "status IN ('received', 'verified', 'extended', 'fulfilled', 'rejected')",
            name=op.f("ck_privacy_requests_status"),
        ),
        sa.CheckConstraint("regime IN ('gdpr', 'uk_gdpr', 'ccpa')", name=op.f("ck_privacy_requests_regime")),
        sa.CheckConstraint("subject_kind IN ('email', 'phone')", name=op.f("ck_privacy_requests_subject_kind")),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_privacy_requests_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_requests")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_privacy_requests_tenant_id_number")),
    )
    op.create_index("ix_privacy_requests_tenant_subject", "privacy_requests", ["tenant_id", "subject_index"])
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("act", sa.String(40), nullable=False),
        sa.Column("subject_ref", sa.String(64), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_audit_entries_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("tenant_id", "seq", name=op.f("uq_audit_entries_tenant_id_seq")),
    )
    op.create_index("ix_audit_entries_tenant_subject", "audit_entries", ["tenant_id", "subject_ref"])
    op.create_table(
        "audit_heads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.Column("mark", sa.String(64), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_audit_heads_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_heads")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_audit_heads_tenant_id")),
    )


# --- converting existing rows ---------------------------------------------------------------------


class _Keys:
    """Per-tenant index keys and sealers, from the ring handed over by ``store.migrate.upgrade``."""

    def __init__(self, conn: sa.Connection) -> None:
        self._tenants = {int(i): str(n) for i, n in conn.execute(sa.text("SELECT id, name FROM tenants"))}
        self._ring: KeyRing | None = context.config.attributes.get("keyring")
        self._crypto: dict[int, tuple[bytes, TenantCrypto]] = {}

    def __call__(self, tenant_id: int) -> tuple[bytes, TenantCrypto]:
        if tenant_id not in self._crypto:
            if self._ring is None:
                raise SecretKeyError(
                    "this workspace holds personal data that revision 0004 encrypts: run `lawfulreach db "
                    "upgrade` with the workspace's key file (LAWFULREACH_KEY_FILE) or LAWFULREACH_SECRET_KEY"
                )
            name = self._tenants[tenant_id]
            self._crypto[tenant_id] = (
                tenant_key(self._ring.index_root, name),
                TenantCrypto.from_ring(self._ring, name, 1),
            )
        return self._crypto[tenant_id]


def _chunks(conn: sa.Connection, sql: str) -> Iterator[list[Any]]:
    last = 0
    while True:
        rows = conn.execute(sa.text(f"{sql} WHERE id > :last ORDER BY id LIMIT {_CHUNK}"), {"last": last}).all()
        if not rows:
            return
        yield list(rows)
        last = rows[-1].id


def _convert(
    conn: sa.Connection, table: str, select_sql: str, assign: str, row_values: Callable[[Any], dict[str, Any]]
) -> None:
    update = sa.text(f"UPDATE {table} SET {assign} WHERE id = :id").bindparams(
        sa.bindparam("sealed", type_=sa.LargeBinary())
    )
    for rows in _chunks(conn, select_sql):
        conn.execute(update, [row_values(r) for r in rows])


def _index(key: bytes, value: str) -> str:
    from lawfulreach.domain.state import keyed_hash

    return keyed_hash(key, value)


def _convert_rows(conn: sa.Connection) -> None:
    keys = _Keys(conn)

    def suppression(r: Any) -> dict[str, Any]:
        index_key, crypto = keys(r.tenant_id)
        match_key = r.value if r.kind == "domain" else _index(index_key, r.value)
        sealed = crypto.seal(suppression_context(r.kind, match_key), {"value": r.value, "reason": r.reason})
        return {"id": r.id, "match_key": match_key, "sealed": sealed}

    _convert(
        conn,
        "suppression_entries",
        "SELECT id, tenant_id, kind, value, reason FROM suppression_entries",
        "match_key = :match_key, sealed = :sealed, key_version = 1",
        suppression,
    )

    def contact(r: Any) -> dict[str, Any]:
        index_key, crypto = keys(r.tenant_id)
        identity = _index(index_key, r.identity)
        fields = {name: getattr(r, name) for name in _CONTACT_FIELDS}
        fields |= {"email_key": r.email_key, "phone_key": r.phone_key}
        return {
            "id": r.id,
            "identity_index": identity,
            "email_index": _index(index_key, r.email_key) if r.email_key else None,
            "phone_index": _index(index_key, r.phone_key) if r.phone_key else None,
            "sealed": crypto.seal(contact_context(identity), fields),
        }

    _convert(
        conn,
        "contacts",
        f"SELECT id, tenant_id, identity, email_key, phone_key, {', '.join(_CONTACT_FIELDS)} FROM contacts",
        "identity_index = :identity_index, email_index = :email_index, phone_index = :phone_index, "
        "sealed = :sealed, key_version = 1",
        contact,
    )

    def event(r: Any) -> dict[str, Any]:
        index_key, crypto = keys(r.tenant_id)
        subject = _index(index_key, r.subject_key)
        fields = {"subject": r.subject_key, "wording": r.wording, "source": r.source}
        return {"id": r.id, "subject_index": subject, "sealed": crypto.seal(ledger_context(subject), fields)}

    _convert(
        conn,
        "ledger_events",
        "SELECT id, tenant_id, subject_key, wording, source FROM ledger_events",
        "subject_index = :subject_index, sealed = :sealed, key_version = 1",
        event,
    )


def upgrade() -> None:
    conn = op.get_bind()
    op.add_column("tenants", sa.Column("dsar_target_hours", sa.Integer(), nullable=True))
    _new_tables()

    op.add_column("suppression_entries", sa.Column("match_key", sa.String(320), nullable=True))
    op.add_column("contacts", sa.Column("identity_index", sa.String(64), nullable=True))
    op.add_column("contacts", sa.Column("email_index", sa.String(64), nullable=True))
    op.add_column("contacts", sa.Column("phone_index", sa.String(64), nullable=True))
    op.add_column("ledger_events", sa.Column("subject_index", sa.String(64), nullable=True))
    for table in ("suppression_entries", "contacts", "ledger_events"):
        op.add_column(table, sa.Column("sealed", sa.LargeBinary(), nullable=True))
        op.add_column(table, sa.Column("key_version", sa.SmallInteger(), nullable=True))

    _convert_rows(conn)

    with op.batch_alter_table("suppression_entries") as batch:
        batch.drop_constraint("uq_suppression_entries_tenant_id_kind_value", type_="unique")
        batch.drop_column("value")
        batch.drop_column("reason")
        batch.alter_column("match_key", existing_type=sa.String(320), nullable=False)
        batch.alter_column("sealed", existing_type=sa.LargeBinary(), nullable=False)
        batch.alter_column("key_version", existing_type=sa.SmallInteger(), nullable=False)
        batch.create_unique_constraint(
            op.f("uq_suppression_entries_tenant_id_kind_match_key"), ["tenant_id", "kind", "match_key"]
        )

    op.drop_index("ix_contacts_tenant_email_key", table_name="contacts")
    op.drop_index("ix_contacts_tenant_phone_key", table_name="contacts")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_constraint("uq_contacts_tenant_id_identity", type_="unique")
        for column in ("identity", "email_key", "phone_key", *_CONTACT_FIELDS):
            batch.drop_column(column)
        batch.alter_column("identity_index", existing_type=sa.String(64), nullable=False)
        batch.alter_column("sealed", existing_type=sa.LargeBinary(), nullable=False)
        batch.alter_column("key_version", existing_type=sa.SmallInteger(), nullable=False)
        batch.create_unique_constraint(op.f("uq_contacts_tenant_id_identity_index"), ["tenant_id", "identity_index"])
    op.create_index("ix_contacts_tenant_email_index", "contacts", ["tenant_id", "email_index"])
    op.create_index("ix_contacts_tenant_phone_index", "contacts", ["tenant_id", "phone_index"])

    op.drop_index("ix_ledger_events_tenant_subject", table_name="ledger_events")
    with op.batch_alter_table("ledger_events") as batch:
        for column in ("subject_key", "wording", "source"):
            batch.drop_column(column)
        batch.alter_column("subject_index", existing_type=sa.String(64), nullable=False)
        batch.alter_column("sealed", existing_type=sa.LargeBinary(), nullable=False)
        batch.alter_column("key_version", existing_type=sa.SmallInteger(), nullable=False)
    op.create_index("ix_ledger_events_tenant_subject", "ledger_events", ["tenant_id", "subject_index"])


def downgrade() -> None:
    """Irreversible by design: the plaintext columns are gone, so there is nothing to go back to."""
    from lawfulreach.errors import StoreError

    raise StoreError(
        "revision 0004 encrypted the workspace's personal data and dropped the plaintext columns; to go "
        "back, restore the backup taken before `lawfulreach db upgrade`"
    )
