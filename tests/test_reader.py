"""Reading prospect files: every row is either in the frame or in the rejects, with its line number."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawfulreach.batch.reader import read_prospects
from lawfulreach.errors import CsvError, InputError


def write(tmp_path: Path, text: str | bytes, name: str = "p.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


class TestStructure:
    """Field counts are checked per physical line; quoted separators do not count."""

    def test_good_file_keeps_line_numbers(self, tmp_path: Path) -> None:
        f = read_prospects(write(tmp_path, "email,company\na@b.de,X GmbH\nc@d.fr,Y SAS\n"))
        assert f.frame["line"].to_list() == [2, 3]
        assert f.rejects.height == 0

    def test_short_and_long_rows_are_rejected_with_their_lines(self, tmp_path: Path) -> None:
        f = read_prospects(
            write(tmp_path, "email,company,country\na@b.de,X,DE\nshort,row\nx@y.fr,Y,FR,extra\nz@z.de,Z,DE\n")
        )
        assert f.frame["line"].to_list() == [2, 5]
        assert f.rejects["line"].to_list() == [3, 4]
        assert "expected 3 fields, found 2" in f.rejects["error"][0]
        assert f.rejects["value"][1] == "x@y.fr,Y,FR,extra"  # the whole line: no single column is at fault
        assert f.rejects["column"][1] == ""

    def test_quoted_separators_and_escaped_quotes(self, tmp_path: Path) -> None:
        text = 'email,company,country\na@b.de,"Smith, Jones & Partners",GB\nb@c.de,"The ""Best"" GmbH",DE\n'
        f = read_prospects(write(tmp_path, text))
        assert f.rejects.height == 0
        assert f.frame["company"].to_list() == ["Smith, Jones & Partners", 'The "Best" GmbH']

    def test_quoted_field_spanning_lines(self, tmp_path: Path) -> None:
        text = 'email,company\na@b.de,"Two\nlines Ltd"\nbad\nc@d.fr,Y\n'
        f = read_prospects(write(tmp_path, text))
        assert f.frame["company"].to_list() == ["Two\nlines Ltd", "Y"]
        assert f.frame["line"].to_list() == [2, 5]
        assert f.rejects["line"].to_list() == [4]

    def test_blank_lines_are_not_rows(self, tmp_path: Path) -> None:
        f = read_prospects(write(tmp_path, "email\na@b.de\n\n   \nc@d.fr\n"))
        assert f.frame["line"].to_list() == [2, 5]
        assert f.rejects.height == 0

    def test_crlf_semicolons_bom_and_latin1(self, tmp_path: Path) -> None:
        text = "\ufeffEmail;Company;Country\r\njose@empresa.es;Peñas S.L.;ES\r\n"
        f = read_prospects(write(tmp_path, text.encode("latin-1", errors="ignore").replace(b"?", b"")))
        assert f.frame["company"].to_list() == ["Peñas S.L."]
        f2 = read_prospects(write(tmp_path, text, name="u.csv"))
        assert f2.frame["email"].to_list() == ["jose@empresa.es"]
        assert f2.frame["country"].to_list() == ["ES"]


class TestValues:
    """Closed-vocabulary columns are checked; bad values are rejects, not guesses."""

    def test_unknown_subscriber_type_and_bad_date(self, tmp_path: Path) -> None:
        text = (
            "email,subscriber_type,last_interaction\na@b.de,corporate,2026-01-02\nb@c.de,banana,\nc@d.de,,2026/01/02\n"
        )
        f = read_prospects(write(tmp_path, text))
        assert f.frame["line"].to_list() == [2]
        assert f.rejects["line"].to_list() == [3, 4]
        assert "subscriber_type banana is not one of" in f.rejects["error"][0]
        assert "last_interaction 2026/01/02 is not a date" in f.rejects["error"][1]

    def test_presets_and_explicit_mapping(self, tmp_path: Path) -> None:
        hub = (
            "First Name,Last Name,Email,Phone Number,Company Name,Country/Region\n"
            "Ann,Lee,ann@x.de,+49 30 901820,X GmbH,Germany\n"
        )
        f = read_prospects(write(tmp_path, hub))
        assert f.frame.select("first_name", "email", "phone", "company", "country").row(0) == (
            "Ann",
            "ann@x.de",
            "+49 30 901820",
            "X GmbH",
            "Germany",
        )
        f2 = read_prospects(write(tmp_path, "Work Mail,Org\na@b.de,X\n", "m.csv"), explicit={"work_mail": "email"})
        assert f2.frame["email"].to_list() == ["a@b.de"]

    def test_no_address_column_is_a_clear_error(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match="no email or phone column"):
            read_prospects(write(tmp_path, "name,company\nAnn,X\n"))

    def test_empty_file(self, tmp_path: Path) -> None:
        with pytest.raises(CsvError):
            read_prospects(write(tmp_path, ""))
