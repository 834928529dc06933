"""Exclusion lists: add, import (all or nothing, idempotent), list, remove, export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lawfulreach.errors import ConflictError, InputError, InvalidRowsError, NotFoundError
from lawfulreach.store import Subject, Workspace
from lawfulreach.store.suppression import Entry, recognise

Write = Callable[[str, str], Path]


def values(ws: Workspace) -> list[tuple[str, str]]:
    return [(e.kind, e.value) for e in ws.suppressions.entries()]


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("jane@foo.com", "email"),
        ("@foo.com", "domain"),
        ("*.foo.co.uk", "domain"),
        ("foo.com", "domain"),
        ("+44 20 7946 0018", "phone"),
        ("(020) 7946-0018", "phone"),
        ("123.com", "domain"),
    ],
)
def test_entries_are_recognised(raw: str, kind: str) -> None:
    assert recognise(raw) == kind


class TestImport:
    def test_line_file_with_mixed_kinds(self, ws: Workspace, write: Write) -> None:
        path = write("list.txt", "# our list\nJane+x@Foo.com\n\n@Example.com\n020 7946 0018\n+49 30 1234567\n")
        report = ws.suppressions.import_file(path, country="GB")
        assert (report.read, report.added, report.already_listed) == (4, 4, 0)
        assert values(ws) == [
            ("domain", "example.com"),
            ("email", "jane@foo.com"),
            ("phone", "+442079460018"),
            ("phone", "+49301234567"),
        ]
        assert {e.source for e in ws.suppressions.entries()} == {"import"}

    def test_csv_columns_reason_source_and_country(self, ws: Workspace, write: Write) -> None:
        path = write(
            "list.csv",
            "Email,Domain,Phone,Country,Reason,Source\n"
            "a@x.com,,,,bounced,complaint\n"
            ",y.org,,,,\n"
            ",,0470 12 34 56,BE,called,reply\n",
        )
        ws.suppressions.import_file(path, reason="default reason")
        got = {(e.kind, e.value, e.reason, e.source) for e in ws.suppressions.entries()}
        assert got == {
            ("email", "a@x.com", "bounced", "complaint"),
            ("domain", "y.org", "default reason", "import"),
            ("phone", "+32470123456", "called", "reply"),
        }

    def test_value_column_with_semicolons(self, ws: Workspace, write: Write) -> None:
        ws.suppressions.import_file(write("v.csv", "value;reason\nfoo.com;x\nbar@foo.com;y\n"))
        assert values(ws) == [("domain", "foo.com"), ("email", "bar@foo.com")]

    def test_strict_bad_lines_import_nothing_and_are_all_listed(self, ws: Workspace, write: Write) -> None:
        # All-or-nothing is now the --strict option (issue 11); the default imports the good lines.
        ws.suppressions.add(Entry("domain", "keep.com"))
        path = write("bad.txt", "ok@foo.com\nnot an email@\nfoo.com\n020 7946 0018\nsales@\n")
        with pytest.raises(InvalidRowsError) as info:
            ws.suppressions.import_file(path, strict=True)
        message = str(info.value)
        assert "\n" not in message
        assert "3 invalid lines, nothing imported (--strict)" in message
        assert [line for line, _ in info.value.problems] == [2, 4, 5]
        assert "line 4: not a valid phone number: '020 7946 0018'; national numbers need --country" in message
        assert values(ws) == [("domain", "keep.com")]

    def test_reimport_is_idempotent(self, ws: Workspace, write: Write) -> None:
        path = write("l.txt", "a@x.com\nx.com\na@x.com\n")
        first = ws.suppressions.import_file(path)
        second = ws.suppressions.import_file(path)
        assert (first.read, first.added) == (2, 2)
        assert (second.added, second.already_listed) == (0, 2)
        assert len(values(ws)) == 2

    def test_bad_lines_are_rejects_and_the_rest_is_imported(self, ws: Workspace, write: Write) -> None:
        path = write("bad.txt", "ok@foo.com\nnot an email@\nfoo.com\n020 7946 0018\nsales@\n")
        report = ws.suppressions.import_file(path)
        assert report.added == 2
        assert values(ws) == [("domain", "foo.com"), ("email", "ok@foo.com")]
        assert report.rejects["line"].to_list() == [2, 4, 5]
        assert report.rejects["value"].to_list() == ["not an email@", "020 7946 0018", "sales@"]
        assert "national numbers need --country" in report.rejects["error"][1]

    def test_unknown_source_in_a_row(self, ws: Workspace, write: Write) -> None:
        with pytest.raises(InvalidRowsError, match="line 2: unknown source 'friend'"):
            ws.suppressions.import_file(write("s.csv", "email,source\na@x.com,friend\n"), strict=True)
        report = ws.suppressions.import_file(write("s.csv", "email,source\na@x.com,friend\nb@x.com,reply\n"))
        assert report.rejects.select("line", "column", "value").rows() == [(2, "source", "friend")]
        assert values(ws) == [("email", "b@x.com")]

    def test_csv_row_with_too_many_fields(self, ws: Workspace, write: Write) -> None:
        path = write("s.csv", "email,reason\na@x.com,r\nb@x.com,r,extra\n")
        with pytest.raises(InvalidRowsError, match="line 3: expected 2 fields, found 3"):
            ws.suppressions.import_file(path, strict=True)
        report = ws.suppressions.import_file(path)
        assert report.rejects.select("line", "value").rows() == [(3, "b@x.com,r,extra")]
        assert values(ws) == [("email", "a@x.com")]

    def test_unreadable_and_windows_1252_files(self, ws: Workspace, tmp_path: Path) -> None:
        with pytest.raises(InputError, match="cannot read"):
            ws.suppressions.import_file(tmp_path / "missing.csv")
        cp1252 = tmp_path / "cp1252.txt"
        cp1252.write_bytes(b"a@x.com\nm\xfcller@x.com\n")  # not UTF-8: read as Windows-1252
        report = ws.suppressions.import_file(cp1252)
        assert report.format is not None
        assert report.format.encoding == "Windows-1252"
        assert report.added == 2

    def test_crm_export_header_and_country_column(self, ws: Workspace, write: Write) -> None:
        """A CRM export: the header is a header (not "not a valid domain"), its Country column reads
        the national phones, and no --country is needed."""
        path = write(
            "export.csv",
            "Email Address,Company,Country,Phone Number\n"
            "jane@foo.com,Foo Ltd,GB,020 7946 0018\n"
            ",Bar SA,BE,0470 12 34 56\n",
        )
        report = ws.suppressions.import_file(path)
        assert report.rejects.height == 0
        assert values(ws) == [("email", "jane@foo.com"), ("phone", "+32470123456"), ("phone", "+442079460018")]

    def test_erased_people_are_not_listed_again(self, ws: Workspace, write: Write) -> None:
        ws.erase([Subject("email", "gone@x.com")])
        report = ws.suppressions.import_file(write("l.txt", "Gone+1@x.com\nstay@x.com\n"))
        assert (report.added, report.skipped_erased) == (1, 1)
        assert values(ws) == [("email", "stay@x.com")]
        with pytest.raises(ConflictError, match="erased person"):
            ws.suppressions.add(Entry("email", "gone@x.com"))


class TestManage:
    def test_add_list_remove(self, ws: Workspace) -> None:
        assert ws.suppressions.add(Entry("domain", "x.com", "asked", "reply"))
        assert not ws.suppressions.add(Entry("domain", "x.com"))
        (entry,) = ws.suppressions.entries("domain")
        assert (entry.reason, entry.source, entry.created_at is not None) == ("asked", "reply", True)
        assert ws.suppressions.entries("email") == []
        ws.suppressions.remove("domain", "x.com")
        with pytest.raises(NotFoundError, match=r"'x\.com' is not on the domain exclusion list"):
            ws.suppressions.remove("domain", "x.com")

    def test_export_then_import_round_trips(
        self, ws: Workspace, open_ws: Callable[..., Workspace], tmp_path: Path
    ) -> None:
        from lawfulreach.store import add_tenant

        ws.suppressions.add(Entry("email", "a@x.com", "r, with comma", "complaint"))
        ws.suppressions.add(Entry("phone", "+442079460018"))
        ws.suppressions.add(Entry("domain", "x.com"))
        out = tmp_path / "export.csv"
        assert ws.suppressions.export(out) == 3
        add_tenant(ws.settings, "copy")
        copy = open_ws("copy")
        copy.suppressions.import_file(out)
        strip = [(e.kind, e.value, e.reason, e.source) for e in ws.suppressions.entries()]
        assert [(e.kind, e.value, e.reason, e.source) for e in copy.suppressions.entries()] == strip
