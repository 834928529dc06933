"""The API's tables: their migration matches their models, old workspaces upgrade to them, and they
are tenant-scoped like every other table."""

from __future__ import annotations

import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select

from api_support import Api
from lawfulreach.store import WorkspaceSettings, upgrade_workspace
from lawfulreach.store.api_keys import ApiKey
from lawfulreach.store.campaigns import CampaignVersion, StoredCampaign
from lawfulreach.store.intake import PrivacyIntake
from lawfulreach.store.migrate import head_revision, upgrade
from lawfulreach.store.models import Base
from lawfulreach.store.profiles import TenantProfile

MINE = {m.__tablename__ for m in (ApiKey, StoredCampaign, CampaignVersion, PrivacyIntake, TenantProfile)}


def test_the_migration_creates_exactly_the_models(api: Api) -> None:
    def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in MINE

    with api.backend.base.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include}), Base.metadata
        )
    assert diff == []
    assert set(inspect(api.backend.base.engine).get_table_names()) >= MINE


def test_a_store_only_workspace_upgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    upgrade(url, "0002")
    engine = create_engine(url)
    assert not MINE & set(inspect(engine).get_table_names())
    engine.dispose()
    settings = WorkspaceSettings(url=url, key_file=tmp_path / "old.key")
    assert upgrade_workspace(settings) == ("0002", head_revision())
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) >= MINE
    engine.dispose()


def test_the_lookup_filters_every_table_it_reads_by_tenant() -> None:
    """``store.lookup`` runs outside the tenant-guarded session (for speed), so it must carry the
    tenant condition itself: once per table occurrence, in every part of the union, on both dialects."""
    from sqlalchemy.dialects import postgresql, sqlite

    from lawfulreach.store.lookup import statement

    dialects = (
        ("postgresql", postgresql.dialect()),  # type: ignore[no-untyped-call]  # SQLAlchemy's dialects are untyped
        ("sqlite", sqlite.dialect()),
    )
    for name, dialect in dialects:
        for registers in (False, True):
            sql = str(statement(registers, name).compile(dialect=dialect))
            for part in sql.split("UNION ALL"):
                tables = re.findall(r"(?:FROM|JOIN) (\w+)", part)
                assert tables, part
                for table in tables:
                    assert f"{table}.tenant_id = " in part, (name, table, part)


def test_the_intake_is_erased_and_exported_with_the_person(api: Api) -> None:
    """What the form keeps about a person goes when they are erased and is in their access export
    (``store.subject_data``), and it is never stored in clear."""
    from lawfulreach.store import Subject
    from lawfulreach.store.erasure import subject_keys
    from lawfulreach.store.export import collect
    from lawfulreach.store.intake import PrivacyIntake

    email = "Jana.Novak@Firma.de"
    handle = api.backend.tenant_named("default")
    verified = handle.submit_privacy_request("access", email, "Jana Novak", "all of it")
    handle.verify_privacy_request(verified.token)
    handle.submit_privacy_request("erasure", email, None, "and then delete it")  # still pending
    ws = api.workspace()
    with ws.scope.reading() as session:
        rows = list(session.scalars(select(PrivacyIntake)))
        assert len(rows) == 2
        assert all(b"jana" not in r.sealed.lower() and "jana" not in r.subject_index for r in rows)
        who = subject_keys(session, ws.scope, [Subject("email", "jana.novak@firma.de")])
        section = collect(session, ws.scope, who).sections["privacy_intake"]
    assert sorted((r["request_type"], r["details"], r["request_number"]) for r in section) == [
        ("access", "all of it", 1),
        ("erasure", "and then delete it", None),
    ]
    report = ws.erase([Subject("email", "jana.novak@firma.de")])
    assert report.other_records == 2
    with ws.scope.reading() as session:
        assert session.scalar(select(func.count()).select_from(PrivacyIntake)) == 0
