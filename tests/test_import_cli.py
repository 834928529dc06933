"""Importing commands as a user runs them: the same reader, the same rejects rule, ``--strict``.

Real processes (``python -m lawfulreach``), real files: ``screen`` (with ``--save``), ``contacts
import``, ``suppress import`` and ``columns``.
"""

from __future__ import annotations

import stat
from pathlib import Path

import polars as pl
import pytest

from test_cli import CAMPAIGN, env_for, run


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A clean directory with its own workspace (as in ``test_cli``)."""
    (tmp_path / "campaign.toml").write_text(CAMPAIGN)
    return tmp_path


EXPORT = (
    "Record ID,First Name,Email,Phone Number,Lifecycle Stage,Country/Region,Subscriber Type\n"
    "101,José,jane.doe@firma.de,+49 30 901820,lead,DE,corporate\n"
    "102,Bob,bob@acme.co.uk,020 7946 0018,customer,GB,martian\n"
    "103,Broken,row\n"
    "104,Ann,ann@shop.fr,,lead,FR,\n"
)


def screen(workdir: Path, src: Path, *extra: str) -> tuple[int, str, str]:
    res = run(
        "screen", str(src), "--campaign", str(workdir / "campaign.toml"), *extra, cwd=workdir, env=env_for(workdir)
    )
    return res.returncode, res.stdout, res.stderr


class TestScreen:
    def test_passthrough_rejects_and_summary(self, workdir: Path) -> None:
        src = workdir / "export.csv"
        src.write_text(EXPORT, encoding="cp1252")
        code, out, err = screen(workdir, src, "--out", str(workdir / "o.csv"))
        assert code == 0, err
        result = pl.read_csv(workdir / "o.csv", infer_schema=False)
        header = EXPORT.splitlines()[0].split(",")
        assert result.columns[: len(header)] == header  # every input column, in order, as named
        assert result.columns[len(header)] == "line"
        assert result["Record ID"].to_list() == ["101", "104"]
        assert result["Lifecycle Stage"].to_list() == ["lead", "lead"]
        rejects_path = workdir / "export-rejects.csv"  # beside the results
        assert stat.S_IMODE(rejects_path.stat().st_mode) == 0o600
        rejects = pl.read_csv(rejects_path, infer_schema=False)
        assert rejects.select("line", "column", "value").fill_null("").rows() == [
            ("3", "Subscriber Type", "martian"),
            ("4", "", "103,Broken,row"),
        ]
        lines = out.splitlines()
        assert lines[0] == "Read export.csv: CSV, Windows-1252, comma-separated"
        assert lines[1].startswith("Columns used: 'First Name' → first_name, 'Email' → email")
        assert lines[2] == "Columns not used: 'Record ID', 'Lifecycle Stage'"
        assert "2 rows could not be read" in out

    def test_strict_refuses_the_file_and_writes_nothing(self, workdir: Path) -> None:
        src = workdir / "export.csv"
        src.write_text(EXPORT, encoding="utf-8")
        code, _, err = screen(workdir, src, "--strict", "--out", str(workdir / "o.csv"))
        assert code == 1
        assert "2 invalid lines, nothing imported (--strict)" in err
        assert "line 3: subscriber_type martian is not one of" in err
        assert "Traceback" not in err
        assert not (workdir / "o.csv").exists()

    def test_out_equal_to_the_input_is_refused(self, workdir: Path) -> None:
        src = workdir / "list.csv"
        src.write_text("email\na@b.de\n")
        before = src.read_bytes()
        code, _, err = screen(workdir, src, "--out", str(workdir / "." / "list.csv"))
        assert code == 1
        assert "--out" in err
        assert "is the input file itself" in err
        assert src.read_bytes() == before

    def test_crlf_with_bare_cr_in_a_quoted_cell(self, workdir: Path) -> None:
        src = workdir / "crlf.csv"
        src.write_bytes(b'email,company\r\na@b.de,"X\rY"\r\nb@b.de,"two\r\nlines"\r\nc@d.fr,Z\r\n')
        code, _, err = screen(workdir, src, "--out", str(workdir / "o.csv"))
        assert code == 0, err
        out = pl.read_csv(workdir / "o.csv", infer_schema=False)
        assert out["email"].to_list() == ["a@b.de", "b@b.de", "c@d.fr"]

    def test_xlsx_with_sheet(self, workdir: Path) -> None:
        import xlsxwriter

        book = xlsxwriter.Workbook(str(workdir / "l.xlsx"))
        book.add_worksheet("Notes").write(0, 0, "nothing here")
        sheet = book.add_worksheet("Leads")
        for r, row in enumerate([["Email", "Owner"], ["a@b.de", "Kim"]]):
            for c, v in enumerate(row):
                sheet.write(r, c, v)
        book.close()
        code, out, err = screen(workdir, workdir / "l.xlsx", "--sheet", "Leads", "--out", str(workdir / "o.csv"))
        assert code == 0, err
        assert "Excel workbook, sheet 'Leads'" in out
        assert pl.read_csv(workdir / "o.csv", infer_schema=False)["Owner"].to_list() == ["Kim"]

    def test_save_checks_before_writing_and_stores_the_good_rows(self, workdir: Path) -> None:
        src = workdir / "list.csv"
        src.write_text("email,phone,country\njane@firma.de,,DE\nbroken@,,DE\nbob@acme.co.uk,12,GB\n")
        code, out, err = screen(workdir, src, "--save", "--strict", "--out", str(workdir / "o.csv"))
        assert code == 1
        assert "nothing imported (--strict)" in err
        assert not (workdir / "o.csv").exists()  # refused before any result was written
        code, out, err = screen(workdir, src, "--save", "--out", str(workdir / "o.csv"))
        assert code == 0, err
        assert "1 contacts added" in out
        rejects = pl.read_csv(workdir / "list-rejects.csv", infer_schema=False)
        assert rejects.select("line", "column", "value").fill_null("").rows() == [
            ("3", "email", "broken@"),
            ("4", "phone", "12"),
        ]
        assert all(e.startswith("not saved: ") for e in rejects["error"].to_list())


class TestImports:
    def test_contacts_import_rejects_and_strict(self, workdir: Path) -> None:
        env = env_for(workdir)
        src = workdir / "export.csv"
        src.write_text(EXPORT, encoding="utf-8")
        strict = run("contacts", "import", str(src), "--strict", cwd=workdir, env=env)
        assert strict.returncode == 1
        assert "nothing imported (--strict)" in strict.stderr
        res = run("contacts", "import", str(src), cwd=workdir, env=env)
        assert res.returncode == 0, res.stderr
        assert "Read export.csv: CSV, UTF-8, comma-separated" in res.stdout
        assert "2 rows — 2 added" in res.stdout
        path = workdir / "lawfulreach-out" / "export-contacts-rejects.csv"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        rejects = pl.read_csv(path, infer_schema=False)
        assert rejects.select("line", "column", "value").fill_null("").rows() == [
            ("3", "Subscriber Type", "martian"),
            ("4", "", "103,Broken,row"),
        ]

    def test_suppress_import_of_a_crm_export(self, workdir: Path) -> None:
        env = env_for(workdir)
        src = workdir / "unsubscribed.csv"
        src.write_text(
            "Email,Company,Country\njane@firma.de,Firma GmbH,DE\nnot-an-email,X,GB\nbob@acme.co.uk,Acme,GB\n"
        )
        res = run("suppress", "import", str(src), cwd=workdir, env=env)
        assert res.returncode == 0, res.stderr
        assert "2 entries — 2 added" in res.stdout
        assert "not a valid domain" not in res.stdout + res.stderr
        rejects = pl.read_csv(workdir / "lawfulreach-out" / "unsubscribed-suppress-rejects.csv", infer_schema=False)
        assert rejects.select("line", "column", "value").fill_null("").rows() == [("3", "Email", "not-an-email")]
        phones = workdir / "phones.csv"
        phones.write_text("Phone,Country\n020 7946 0018,GB\n0470 12 34 56,BE\n")
        res = run("suppress", "import", str(phones), cwd=workdir, env=env)
        assert res.returncode == 0, res.stderr
        assert "2 entries — 2 added" in res.stdout
        strict = run("suppress", "import", "--strict", str(src), cwd=workdir, env=env)
        assert strict.returncode == 1
        assert "line 3" in strict.stderr

    def test_columns_command(self, workdir: Path) -> None:
        src = workdir / "export.csv"
        src.write_bytes(b"\xef\xbb\xbfRecord ID;Work Mail;Owner\n1;a@b.de;Kim\n")
        res = run("columns", str(src), "--map", "Work Mail=email", cwd=workdir, env=env_for(workdir))
        assert res.returncode == 0, res.stderr
        assert res.stdout.splitlines() == [
            "Read export.csv: CSV, UTF-8 with BOM, semicolon-separated",
            "Columns used: 'Work Mail' → email",
            "Columns not used: 'Record ID', 'Owner'",
            "Rows: 1 readable, 0 would be rejected",
        ]
        dup = workdir / "dup.csv"
        dup.write_text("Email,Email\na,b\n")
        res = run("columns", str(dup), cwd=workdir, env=env_for(workdir))
        assert res.returncode == 1
        assert "'Email'" in res.stderr
