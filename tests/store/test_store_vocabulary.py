"""The store's vocabularies (``domain.vocabulary``) are exactly what the database accepts.

The enums are declared once; the migrations keep their CHECK constraints as literal SQL (a
migration is history and must not change when an enum grows — a new value needs a new migration).
These tests hold the two together on every selected backend: the constraint of the migrated
database lists exactly the enum's values, the store records every one of them, and stores nothing
else.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from lawfulreach.domain.vocabulary import ExclusionSource, LedgerEventKind, PrivacyRequestType
from lawfulreach.store import Subject, Workspace
from lawfulreach.store.intake import IntakeRepo
from lawfulreach.store.suppression import Entry

#: (table, column, the constraint's name in the migrations, the vocabulary it must list)
CONSTRAINED: list[tuple[str, str, str, type[StrEnum]]] = [
    ("ledger_events", "event", "ck_ledger_events_event", LedgerEventKind),
    ("privacy_requests", "request_type", "ck_privacy_requests_request_type", PrivacyRequestType),
    ("privacy_intake", "request_type", "ck_privacy_intake_request_type", PrivacyRequestType),
    ("suppression_entries", "source", "ck_suppression_entries_source", ExclusionSource),
]
IDS = [f"{table}.{column}" for table, column, _, _ in CONSTRAINED]


class TestTheMigratedSchemaListsEachVocabulary:
    """The CHECK constraint the migrations created accepts exactly the enum's values."""

    @pytest.mark.parametrize(("table", "column", "name", "vocabulary"), CONSTRAINED, ids=IDS)
    def test_check_constraint_lists_exactly_the_enum(
        self, ws: Workspace, table: str, column: str, name: str, vocabulary: type[StrEnum]
    ) -> None:
        checks = {str(c["name"]): str(c["sqltext"]) for c in inspect(ws.engine).get_check_constraints(table)}
        assert name in checks, f"{table} has no constraint {name}: {sorted(checks)}"
        sql = checks[name]
        assert column in sql
        # SQLite keeps the SQL as written; PostgreSQL rewrites it (= ANY (ARRAY['a'::character varying, …]))
        assert re.findall(r"'([^']*)'", sql) == [v.value for v in vocabulary]


class TestTheStoreRecordsEveryValue:
    """Every value of each vocabulary goes through the store's own write path and reads back."""

    def test_every_ledger_event_kind(self, ws: Workspace) -> None:
        who = Subject("email", "ada@example.com")
        for kind in LedgerEventKind:
            with ws.scope.writing(exclusive=True) as session:
                ws.ledger.append_in(session, who, kind, "email", purpose="marketing", method="web_form")
        assert [e.event for e in ws.ledger.history(who)] == list(LedgerEventKind)

    def test_every_privacy_request_type(self, ws: Workspace) -> None:
        opened = [ws.requests.open(t, Subject("email", f"{t.value}@example.com")) for t in PrivacyRequestType]
        assert [r.request_type for r in opened] == list(PrivacyRequestType)

    def test_every_privacy_request_type_through_the_form(self, ws: Workspace) -> None:
        intake = IntakeRepo(ws.scope)
        for t in PrivacyRequestType:
            submitted = intake.submit(
                t, f"{t.value}@example.com", name=None, details=None, valid_for=timedelta(hours=1)
            )
            assert submitted.record.request_type == t

    def test_every_exclusion_source(self, ws: Workspace) -> None:
        for i, source in enumerate(ExclusionSource):
            assert ws.suppressions.add(Entry("email", f"p{i}@example.com", source=source))
        assert sorted(e.source for e in ws.suppressions.entries()) == sorted(ExclusionSource)


class TestNothingElseIsStored:
    """A value outside the vocabulary is refused by the database itself, not only by the store's checks."""

    @pytest.fixture
    def populated(self, ws: Workspace) -> Workspace:
        """One row in each constrained table, written by the store."""
        who = Subject("email", "ada@example.com")
        ws.ledger.opt_out(who, "email")
        ws.requests.open(PrivacyRequestType.ACCESS, who)
        IntakeRepo(ws.scope).submit(
            PrivacyRequestType.ERASURE, "ada@example.com", name=None, details=None, valid_for=timedelta(hours=1)
        )
        ws.suppressions.add(Entry("email", "ada@example.com"))
        return ws

    @pytest.mark.parametrize(("table", "column", "name", "vocabulary"), CONSTRAINED, ids=IDS)
    def test_the_database_refuses_another_value(
        self, populated: Workspace, table: str, column: str, name: str, vocabulary: type[StrEnum]
    ) -> None:
        update = text(f"UPDATE {table} SET {column} = :value")
        with populated.engine.begin() as connection:  # the row is otherwise valid: a listed value is taken
            assert connection.execute(update, {"value": list(vocabulary)[-1].value}).rowcount == 1
        with (
            pytest.raises(IntegrityError, match=re.escape(name) + "|CHECK|check"),
            populated.engine.begin() as connection,
        ):
            connection.execute(update, {"value": "not_a_value"})
