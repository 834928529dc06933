"""Files as users have them: every encoding, dialect and format read right, or refused by name.

Each test writes the bytes a real tool writes (Excel's "Unicode Text", a Windows export, a workbook)
and checks the values come out as the user typed them — never mojibake, never binary in a message.
"""

from __future__ import annotations

import codecs
import stat
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from lawfulreach.batch.output import passthrough
from lawfulreach.batch.reader import read_prospects, read_table, write_rejects
from lawfulreach.errors import CsvError, InputError

ROWS = "Email,Name,Company\nsean@firm.ie,Seán O’Brien,Café – Ltd\nana@empresa.es,Ana Peña,Señor € SL\n"
EXPECTED = [("sean@firm.ie", "Seán O’Brien", "Café – Ltd"), ("ana@empresa.es", "Ana Peña", "Señor € SL")]


def write(tmp_path: Path, data: bytes, name: str = "p.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def values(path: Path, **kwargs: str) -> list[tuple[str | None, ...]]:
    return read_table(path, **kwargs).frame.select("Email", "Name", "Company").rows()


class TestEncodings:
    """Decided per file by validation, and said in the summary."""

    def test_utf8_with_and_without_bom(self, tmp_path: Path) -> None:
        plain = write(tmp_path, ROWS.encode("utf-8"))
        bom = write(tmp_path, codecs.BOM_UTF8 + ROWS.encode("utf-8"), "bom.csv")
        assert values(plain) == values(bom) == EXPECTED
        assert read_table(bom).format.describe() == "CSV, UTF-8 with BOM, comma-separated"
        assert read_table(bom).frame.columns[0] == "Email"  # no BOM glued to the first header

    def test_windows_1252_is_not_latin_1(self, tmp_path: Path) -> None:
        path = write(tmp_path, ROWS.encode("cp1252"))
        assert values(path) == EXPECTED  # ’ – € are cp1252 bytes 0x92 0x96 0x80, not C1 controls
        assert read_table(path).format.encoding == "Windows-1252"

    @pytest.mark.parametrize(("bom", "codec"), [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
    def test_utf16_with_bom(self, tmp_path: Path, bom: bytes, codec: str) -> None:
        path = write(tmp_path, bom + ROWS.encode(codec))
        assert values(path) == EXPECTED

    def test_excel_unicode_text(self, tmp_path: Path) -> None:
        """Excel's "Unicode Text": UTF-16LE with BOM, tab-separated, CRLF."""
        text = ROWS.replace(",", "\t").replace("\n", "\r\n")
        path = write(tmp_path, codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "export.txt")
        assert values(path) == EXPECTED
        assert read_table(path).format.describe() == "CSV, UTF-16LE with BOM, tab-separated"

    def test_utf8_file_with_one_cp1252_row_is_not_mojibake(self, tmp_path: Path) -> None:
        data = ROWS.encode("utf-8") + "zoe@x.fr,Zoë Dupré,Crème SA\n".encode("cp1252")
        table = read_table(write(tmp_path, data))
        assert table.frame.select("Email", "Name", "Company").rows() == [
            *EXPECTED,
            ("zoe@x.fr", "Zoë Dupré", "Crème SA"),
        ]
        assert table.format.cp1252_lines == (4,)
        assert "line 4 read as Windows-1252" in table.format.describe()
        assert not table.frame.select(pl.any_horizontal(pl.all().str.contains("[\u0080-\u009f]"))).to_series().any()

    def test_garbled_cells_are_rejects_not_values(self, tmp_path: Path) -> None:
        """A file already garbled upstream (Latin-1 read of cp1252, saved as UTF-8) holds C1 controls."""
        data = "email,name\nok@x.ie,Ann\nsean@x.ie,O\u0092Brien\n".encode()
        f = read_prospects(write(tmp_path, data))
        assert f.frame["email"].to_list() == ["ok@x.ie"]
        assert f.rejects.select("line", "column", "value").rows() == [(3, "name", "O\u0092Brien")]

    def test_utf16_without_bom_and_binary_are_refused_without_binary(self, tmp_path: Path) -> None:
        path = write(tmp_path, ROWS.encode("utf-16-le"))
        with pytest.raises(CsvError, match="not a text file") as info:
            read_table(path)
        assert "\x00" not in str(info.value)
        assert str(info.value).isprintable()

    def test_bytes_neither_utf8_nor_cp1252(self, tmp_path: Path) -> None:
        with pytest.raises(CsvError, match=r"line 2: byte 0x81 is neither UTF-8 nor Windows-1252"):
            read_table(write(tmp_path, b"email\nx\x81@y.de\n"))


class TestDialects:
    def test_semicolon_pipe_and_tab(self, tmp_path: Path) -> None:
        for sep in (";", "|", "\t"):
            path = write(tmp_path, ROWS.replace(",", sep).encode(), f"s{ord(sep)}.csv")
            assert values(path) == EXPECTED
            assert read_table(path).format.separator == sep

    def test_crlf_file_with_a_bare_cr_in_a_quoted_cell(self, tmp_path: Path) -> None:
        """Used to crash ``screen`` with a ShapeError (the csv path re-split the cell on the CR)."""
        data = b'email,company\r\na@b.de,"X\rY"\r\nb@b.de,"two\r\nlines"\r\nbad\r\nc@d.fr,Z\r\n'
        f = read_prospects(write(tmp_path, data))
        assert f.frame.select("email", "company", "line").rows() == [
            ("a@b.de", "X\rY", 2),
            ("b@b.de", "two\r\nlines", 3),
            ("c@d.fr", "Z", 6),
        ]
        assert f.rejects["line"].to_list() == [5]
        assert f.raw.height == f.frame.height

    def test_unterminated_quote_is_an_error_with_its_line(self, tmp_path: Path) -> None:
        with pytest.raises(CsvError, match="line 3"):
            read_table(write(tmp_path, b'email,company\na@b.de,"X\nc@d.fr,Z\n'))

    def test_duplicate_header_names_are_an_error_naming_them(self, tmp_path: Path) -> None:
        with pytest.raises(CsvError, match="'Email'") as info:
            read_table(write(tmp_path, b"Email,Phone,Email\na,b,c\n"))
        assert "more than once" in str(info.value)


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


class TestWorkbooksAndParquet:
    def test_xlsx_first_sheet_and_named_sheet(self, tmp_path: Path) -> None:
        rows: list[list[object]] = [["Email", "Name", "Company"], *[list[object](r) for r in EXPECTED]]
        other: list[list[object]] = [["Email", "Name", "Company"], ["z@z.de", "Zed", None]]
        path = _workbook(tmp_path / "list.xlsx", {"Contacts": rows, "Other": other})
        assert values(path) == EXPECTED
        assert read_table(path).format.describe() == "Excel workbook, sheet 'Contacts'"
        assert values(path, sheet="Other") == [("z@z.de", "Zed", None)]
        with pytest.raises(CsvError, match="no sheet 'Nope'; the workbook has 'Contacts', 'Other'"):
            read_table(path, sheet="Nope")

    def test_xlsx_named_csv_is_still_a_workbook_and_rows_keep_sheet_numbers(self, tmp_path: Path) -> None:
        rows: list[list[object]] = [["Email", "Subscriber Type"], ["a@b.de", "corporate"], [], ["c@d.de", "banana"]]
        path = _workbook(tmp_path / "renamed.csv", {"S": rows})
        f = read_prospects(path)
        assert f.frame.select("email", "line").rows() == [("a@b.de", 2)]
        assert f.rejects.select("line", "column", "value").rows() == [(4, "Subscriber Type", "banana")]

    def test_xlsx_duplicate_headers(self, tmp_path: Path) -> None:
        path = _workbook(tmp_path / "d.xlsx", {"S": [["Email", "Email"], ["a", "b"]]})
        with pytest.raises(CsvError, match="'Email'"):
            read_table(path)

    def test_sheet_option_on_a_text_file(self, tmp_path: Path) -> None:
        with pytest.raises(InputError, match="--sheet is for Excel workbooks"):
            read_table(write(tmp_path, ROWS.encode()), sheet="Contacts")

    def test_parquet(self, tmp_path: Path) -> None:
        path = tmp_path / "l.parquet"
        pl.DataFrame(EXPECTED, schema=["Email", "Name", "Company"], orient="row").with_columns(
            pl.lit(7).alias("Score")
        ).write_parquet(path)
        table = read_table(path)
        assert values(path) == EXPECTED
        assert table.frame["Score"].to_list() == ["7", "7"]
        assert table.format.describe() == "Parquet"


class TestOutput:
    def test_every_input_column_passes_through_in_order(self, tmp_path: Path) -> None:
        data = b"Record ID,Email,Lifecycle Stage,Owner\n17,a@b.de,lead,Kim\n18,bad,customer,Lee\n19,c@d.fr,lead,\n"
        f = read_prospects(write(tmp_path, data))
        added = pl.DataFrame({"line": f.frame["line"], "email_outcome": ["allowed"] * f.frame.height})
        out, renamed = passthrough(f.raw, added)
        assert out.columns == ["Record ID", "Email", "Lifecycle Stage", "Owner", "line", "email_outcome"]
        assert out.select("Record ID", "Lifecycle Stage", "Owner").rows() == [
            ("17", "lead", "Kim"),
            ("18", "customer", "Lee"),
            ("19", "lead", None),
        ]
        assert renamed == {}

    def test_added_columns_never_shadow_input_columns(self, tmp_path: Path) -> None:
        raw = pl.DataFrame({"email": ["a@b.de"], "email_outcome": ["old"], "email_outcome_2": ["older"]})
        added = pl.DataFrame({"line": [2], "email_outcome": ["blocked"]})
        out, renamed = passthrough(raw, added)
        assert renamed == {"email_outcome": "email_outcome_3"}
        assert out.row(0, named=True) == {
            "email": "a@b.de",
            "email_outcome": "old",
            "email_outcome_2": "older",
            "line": 2,
            "email_outcome_3": "blocked",
        }

    def test_rejects_file_is_owner_only(self, tmp_path: Path) -> None:
        f = read_prospects(write(tmp_path, b"email,subscriber_type\na@b.de,martian\n"))
        target = tmp_path / "out" / "rejects.csv"
        write_rejects(f.rejects, target)
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert pl.read_csv(target, infer_schema=False).rows() == [
            ("2", "subscriber_type", "martian", f.rejects["error"][0])
        ]
