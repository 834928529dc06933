"""Contacts with provenance: imports never resurrect opted-out, excluded or erased people."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lawfulreach.errors import InputError, InvalidRowsError
from lawfulreach.store import Subject, Workspace
from lawfulreach.store.suppression import Entry
from lr_testkit import Clock

Write = Callable[[str, str], Path]
LEADS = (
    "E-Mail,First Name,Last Name,Company Name,Job Title,Phone,Country,Subscriber_Type,Notes\n"
    "Jane+news@Foo.com,Jane,Doe,Foo Ltd,CTO,020 7946 0018,GB,corporate,met at fair\n"
    "bob@bar.de,Bob,,Bar GmbH,,,DE,,\n"
    ",,,,,+33 1 23 45 67 89,FR,,\n"
)


def test_import_records_contacts_and_provenance(ws: Workspace, write: Write, clock: Clock) -> None:
    report = ws.contacts.import_file(write("leads.csv", LEADS), source="third_party", provider="DataCo")
    assert (report.rows, report.added, report.updated, report.still_blocked, report.skipped_erased) == (3, 3, 0, 0, 0)
    assert report.ignored_columns == ("Notes",)  # the header as the file spells it
    ((contact, origins),) = ws.contacts.find(email="jane@foo.com")
    assert (contact.email, contact.phone_key, contact.name, contact.company) == (
        "Jane+news@Foo.com",
        "+442079460018",
        "Jane Doe",
        "Foo Ltd",
    )
    assert [(o.source, o.provider, o.file_name, o.imported_at) for o in origins] == [
        ("third_party", "DataCo", "leads.csv", clock.now)
    ]
    assert ws.contacts.find(phone="+33123456789")[0][0].identity == "+33123456789"


def test_reimport_updates_and_adds_provenance(ws: Workspace, write: Write, clock: Clock) -> None:
    path = write("leads.csv", LEADS)
    ws.contacts.import_file(path, provider="DataCo")
    clock.advance(days=1)
    again = ws.contacts.import_file(path, source="first_party")
    assert (again.added, again.updated) == (0, 3)
    ((_, origins),) = ws.contacts.find(email="jane@foo.com")
    assert [o.source for o in origins] == ["third_party", "first_party"]
    assert ws.contacts.count() == 3


def test_opted_out_and_excluded_people_stay_blocked(ws: Workspace, write: Write) -> None:
    ws.ledger.opt_out(Subject("email", "jane@foo.com"))
    ws.suppressions.add(Entry("domain", "bar.de"))
    report = ws.contacts.import_file(write("leads.csv", LEADS))
    assert (report.added, report.still_blocked) == (3, 2)
    state = ws.state()
    from lawfulreach.domain.vocabulary import Channel

    assert state.is_opted_out("jane@foo.com", None, Channel.EMAIL)
    assert state.suppression_hits("bob@bar.de", "bar.de", None)[1]


def test_erased_people_are_skipped_without_being_named(ws: Workspace, write: Write) -> None:
    ws.erase([Subject("phone", "+33123456789")])
    report = ws.contacts.import_file(write("leads.csv", LEADS))
    assert (report.added, report.skipped_erased) == (2, 1)
    assert ws.contacts.find(phone="+33123456789") == []


def test_strict_bad_rows_import_nothing(ws: Workspace, write: Write) -> None:
    """All-or-nothing is now the --strict option (issue 11); see the next test for the default."""
    path = write(
        "leads.csv",
        "email,phone,country,subscriber_type\n"
        "ok@x.com,,GB,\n"
        "broken@,,GB,\n"
        "a@x.com,12,GB,\n"
        "b@x.com,,Atlantis,\n"
        "c@x.com,,GB,martian\n"
        ",,GB,\n",
    )
    with pytest.raises(InvalidRowsError) as info:
        ws.contacts.import_file(path, strict=True)
    assert [line for line, _ in info.value.problems] == [3, 4, 5, 6, 7]
    assert "line 3: not a valid email address: 'broken@'" in str(info.value)
    assert "unknown country 'Atlantis'" in str(info.value)
    assert ws.contacts.count() == 0


def test_bad_rows_are_rejects_and_the_rest_is_stored(ws: Workspace, write: Write) -> None:
    path = write(
        "leads.csv",
        "Email,Phone,Country,Subscriber Type\n"
        "ok@x.com,,GB,\n"
        "broken@,,GB,\n"
        "a@x.com,12,GB,\n"
        "b@x.com,,Atlantis,\n"
        "c@x.com,,GB,martian\n"
        ",,GB,\n"
        "d@x.com,,DE,corporate\n",
    )
    report = ws.contacts.import_file(path)
    assert (report.rows, report.added) == (2, 2)
    assert ws.contacts.count() == 2
    assert report.rejects.select("line", "column", "value").rows() == [
        (3, "Email", "broken@"),
        (4, "Phone", "12"),
        (5, "Country", "Atlantis"),
        (6, "Subscriber Type", "martian"),
        (7, "", ""),
    ]


def test_a_file_without_email_or_phone_column(ws: Workspace, write: Write) -> None:
    with pytest.raises(InputError, match="no email or phone column"):
        ws.contacts.import_file(write("x.csv", "name,company\nJane,Foo\n"))
    with pytest.raises(InputError, match="unknown source"):
        ws.contacts.import_file(write("y.csv", "email\na@x.com\n"), source="bought")
