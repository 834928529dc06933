"""Register files as their publishers distribute them, and loads that fail closed (issue 11).

Layouts: UK TPS/CTPS full files (12-character records, with and without spaces — the TPS technical
specification), US National DNC and Canada National DNCL flat files (``AAA,NNNNNNN``), and number +
registration date lines. Fail closed: an empty file never replaces a register (unless --allow-empty),
an all-invalid file is an error, an as-of in the future is refused, unknown register names need
--custom. On every backend selected with ``--db``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lawfulreach.errors import InputError, InvalidRowsError
from lawfulreach.store import Workspace
from lawfulreach.store.dnc import AS_OF_SKEW
from lawfulreach.store.register_files import Layout
from lr_testkit import Clock, Run

Write = Callable[[str, str], Path]

# The TPS specification's own example records, CR LF terminated, 12 characters each.
TPS_WITH_SPACES = "0207 3787244\r\n01635 506160\r\n0191 5657153\r\n07860 338653\r\n"
TPS_WITHOUT_SPACES = "02073787244 \r\n01635506160 \r\n01915657153 \r\n07860338653 \r\n"
TPS_E164 = ["+441635506160", "+441915657153", "+442073787244", "+447860338653"]


def listed(ws: Workspace, country: str, numbers: list[str]) -> list[str]:
    return [n for n in numbers if ws.dnc.listed(country, n)]


class TestLayouts:
    @pytest.mark.parametrize("content", [TPS_WITH_SPACES, TPS_WITHOUT_SPACES], ids=["spaces", "no-spaces"])
    def test_tps_fixed_width(self, ws: Workspace, write: Write, content: str) -> None:
        report = ws.dnc.load("GB", "TPS", write("tps.txt", content), layout=Layout.TPS)
        assert (report.size, report.skipped, report.layout) == (4, 0, "tps")
        assert listed(ws, "GB", TPS_E164) == TPS_E164
        auto = ws.dnc.load("GB", "CTPS", write("ctps.txt", content))
        assert (auto.size, auto.layout) == (4, "tps")

    def test_tps_format_rejects_other_shapes(self, ws: Workspace, write: Write) -> None:
        path = write("tps.txt", "0207 3787244\r\n+44 20 7378 7245\r\n")
        with pytest.raises(InvalidRowsError, match="line 2: not a TPS/CTPS record"):
            ws.dnc.load("GB", "TPS", path, layout=Layout.TPS)
        assert ws.dnc.load("GB", "TPS", path).size == 2  # auto: read as plain numbers

    @pytest.mark.parametrize(("country", "register"), [("US", "National DNC"), ("CA", "DNCL")])
    def test_area_code_flat_files(self, ws: Workspace, write: Write, country: str, register: str) -> None:
        # FTC full-list flat file / CRTC National DNCL flat text file: area code, comma, 7 digits.
        path = write("dnc.txt", "212,5550123\n416,5550199\n415,5550132\n")
        report = ws.dnc.load(country, register, path)
        assert (report.size, report.layout, report.country) == (3, "area-code", country)
        assert listed(ws, country, ["+12125550123", "+14165550199", "+14155550132", "+12125550124"]) == [
            "+12125550123",
            "+14165550199",
            "+14155550132",
        ]

    @pytest.mark.parametrize("fmt", [Layout.AREA_CODE])
    def test_area_code_format_names_the_bad_line(self, ws: Workspace, write: Write, fmt: Layout) -> None:
        path = write("dnc.txt", "212,5550123\n2125550124\n")
        with pytest.raises(InvalidRowsError, match=r"line 2: expected area code,number \(AAA,NNNNNNN\)"):
            ws.dnc.load("US", "National DNC", path, layout=fmt)

    @pytest.mark.parametrize("sep", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
    @pytest.mark.parametrize("header", ["", "telephone{sep}registered\n"], ids=["no-header", "header"])
    def test_number_and_date(self, ws: Workspace, write: Write, sep: str, header: str) -> None:
        body = f"0470 12 34 56{sep}2026-11-02\n+32 470 12 34 57{sep}20261103\n0470123458{sep}04/11/2026\n"
        report = ws.dnc.load("BE", "DNCM", write("dncm.csv", header.format(sep=sep) + body))
        assert (report.size, report.layout) == (3, "number-date")
        assert report.header_line == (1 if header else None)
        assert listed(ws, "BE", ["+32470123456", "+32470123457", "+32470123458"]) == [
            "+32470123456",
            "+32470123457",
            "+32470123458",
        ]

    def test_date_first(self, ws: Workspace, write: Write) -> None:
        report = ws.dnc.load("BE", "DNCM", write("d.csv", "date;number\n2026-11-02;0470 12 34 56\n"))
        assert (report.size, report.layout, report.header_line) == (1, "date-number", 1)

    def test_a_bad_date_is_a_bad_line(self, ws: Workspace, write: Write) -> None:
        path = write("d.csv", "0470 12 34 56;2026-11-02\n0470 12 34 57;soon\n")
        with pytest.raises(InvalidRowsError, match="line 2: column 2: not a date: 'soon'"):
            ws.dnc.load("BE", "DNCM", path, layout=Layout.NUMBER_DATE)
        no_dates = write("n.csv", "0470 12 34 56;soon\n0470 12 34 57;later\n")
        with pytest.raises(InvalidRowsError, match="every line is invalid"):
            ws.dnc.load("BE", "DNCM", no_dates, layout=Layout.NUMBER_DATE, skip_invalid=True)
        short = write("s.csv", "0470 12 34 56;2026-11-02\n0470 12 34 57\n")
        with pytest.raises(InvalidRowsError, match=r"line 2: expected number, date separated by ';', found 1 field"):
            ws.dnc.load("BE", "DNCM", short, layout=Layout.NUMBER_DATE)

    def test_number_that_reads_as_a_date_asks_for_format(self, ws: Workspace, write: Write) -> None:
        # A Danish 8-digit number beside a YYYYMMDD date: either column could be the date.
        path = write("dk.csv", "20261101;20261102\n")
        with pytest.raises(InputError, match=r"cannot tell the number from the date \(both columns read as dates\)"):
            ws.dnc.load("DK", "Robinsonlisten", path)
        report = ws.dnc.load("DK", "Robinsonlisten", path, layout=Layout.NUMBER_DATE)
        assert (report.size, ws.dnc.listed("DK", "+4520261101")) == (1, ["Robinsonlisten"])

    def test_ambiguous_layouts_ask_for_format(self, ws: Workspace, write: Write) -> None:
        mixed = write("m.txt", "212,5550123\n+1 212 555 0124\n")
        with pytest.raises(InputError, match=r"different layouts \(line 1 is area code,number, line 2 is one number\)"):
            ws.dnc.load("US", "National DNC", mixed)
        assert ws.dnc.registers("US") == []
        unknown = write("u.txt", "2125550123,Smith\n")
        with pytest.raises(InputError, match=r"line 1: cannot tell the register layout.*give --format"):
            ws.dnc.load("US", "National DNC", unknown)
        report = ws.dnc.load("US", "National DNC", mixed, layout=Layout.PLAIN, skip_invalid=True)
        assert (report.size, report.skipped) == (1, 1)

    def test_number_is_read_with_the_registers_country(self, ws: Workspace, write: Write) -> None:
        ws.dnc.load("CA", "DNCL", write("c.txt", "416,5550199\n"))
        assert ws.dnc.listed("CA", "+14165550199") == ["DNCL"]
        assert ws.dnc.listed("US", "+14165550199") == []


class TestFailClosed:
    def test_empty_file_never_replaces_a_register(self, ws: Workspace, write: Write) -> None:
        ws.dnc.load("GB", "TPS", write("a.txt", "020 7946 0018\n"))
        for content in ("", "\n# nothing today\n", "telephone\n"):
            with pytest.raises(InputError, match=r"refusing to replace GB TPS \(1 numbers\) with an empty register"):
                ws.dnc.load("GB", "TPS", write("empty.txt", content))
            assert ws.dnc.listed("GB", "+442079460018") == ["TPS"]
        report = ws.dnc.load("GB", "TPS", write("empty.txt", ""), allow_empty=True)
        assert (report.size, report.replaced) == (0, True)
        assert ws.dnc.listed("GB", "+442079460018") == []

    def test_empty_file_does_not_create_a_register(self, ws: Workspace, write: Write) -> None:
        with pytest.raises(InputError, match="refusing to load GB CTPS with an empty register"):
            ws.dnc.load("GB", "CTPS", write("empty.txt", ""))
        assert ws.dnc.registers("GB") == []

    def test_skip_invalid_that_skips_every_line_is_an_error(self, ws: Workspace, write: Write) -> None:
        ws.dnc.load("GB", "TPS", write("a.txt", "020 7946 0018\n"))
        bad = write("b.txt", "hello\n12\n")
        with pytest.raises(InvalidRowsError, match="every line is invalid, register TPS not loaded"):
            ws.dnc.load("GB", "TPS", bad, skip_invalid=True)
        with pytest.raises(InvalidRowsError, match="every line is invalid"):
            ws.dnc.load("GB", "TPS", bad, skip_invalid=True, allow_empty=True)
        assert ws.dnc.listed("GB", "+442079460018") == ["TPS"]

    def test_as_of_in_the_future_is_refused(self, ws: Workspace, write: Write, clock: Clock) -> None:
        path = write("a.txt", "020 7946 0018\n")
        with pytest.raises(InputError, match="is in the future"):
            ws.dnc.load("GB", "TPS", path, as_of=clock.now + timedelta(days=1))
        with pytest.raises(InputError, match="is in the future"):
            ws.dnc.load("GB", "TPS", path, as_of=clock.now + AS_OF_SKEW + timedelta(seconds=1))
        assert ws.dnc.registers("GB") == []
        ws.dnc.load("GB", "TPS", path, as_of=clock.now + AS_OF_SKEW)  # clock skew is tolerated
        assert ws.dnc.registers("GB")[0].as_of == clock.now + AS_OF_SKEW

    def test_unknown_register_name_lists_the_known_ones(self, ws: Workspace, write: Write) -> None:
        path = write("a.txt", "020 7946 0018\n")
        with pytest.raises(InputError, match=r"GB has no register named 'TPSS'; did you mean TPS\? .*TPS, CTPS"):
            ws.dnc.load("GB", "TPSS", path)
        with pytest.raises(InputError, match="no do-not-call register is known for DE; use --custom"):
            ws.dnc.load("DE", "Robinsonliste", write("de.txt", "030 1234567\n"))
        assert ws.dnc.registers() == []
        assert ws.dnc.load("GB", "ctps", path).name == "ctps"  # names compare case-insensitively
        assert ws.dnc.load("GB", "Own list", path, custom=True).size == 1
        assert ws.dnc.load("US", "national dnc", write("u.txt", "212,5550123\n")).size == 1

    def test_known_registers_come_from_the_rule_base(self, ws: Workspace, write: Write) -> None:
        path = write("de.txt", "030 1234567\n")
        report = ws.dnc.load("DE", "robinsonliste", path, known_registers={"DE": ("Robinsonliste",)})
        assert report.size == 1


class TestCli:
    CALL = {"contact": {"phone": "+44 20 7946 0018", "country": "GB", "company": "Foo Ltd"}, "channel": "call"}

    def load(self, cli: Callable[..., Run], register: str, path: Path, *extra: str) -> Run:
        return cli("dnc", "load", "--country", "GB", "--register", register, *extra, str(path))

    def test_empty_replacement_refused_and_the_number_stays_blocked(
        self, cli: Callable[..., Run], write: Write
    ) -> None:
        assert self.load(cli, "TPS", write("t.txt", TPS_WITH_SPACES + "0207 9460018\r\n")).code == 0
        assert self.load(cli, "CTPS", write("c.txt", "020 7946 0999\n")).code == 0
        empty = self.load(cli, "TPS", write("e.txt", ""))
        assert empty.code == 1
        assert "refusing to replace GB TPS (5 numbers) with an empty register" in empty.err
        assert "--allow-empty" in empty.err
        assert "Traceback" not in empty.err
        all_bad = self.load(cli, "TPS", write("bad.txt", "x\ny\n"), "--skip-invalid")
        assert all_bad.code == 1
        assert "every line is invalid" in all_bad.err
        status = {s["register"]: s for s in json.loads(cli("dnc", "status", "--json").out)}
        assert status["TPS"]["size"] == 5
        decision = json.loads(cli("check", "-", stdin=json.dumps(self.CALL) + "\n").out)
        assert decision["outcome"] == "blocked"
        assert "dnc_registered" in [r["code"] for r in decision["reasons"]]

    def test_layouts_and_options(self, cli: Callable[..., Run], write: Write) -> None:
        loaded = self.load(cli, "TPS", write("t.txt", TPS_WITHOUT_SPACES), "--format", "tps")
        assert loaded.out == "GB TPS loaded: 4 numbers from 4 lines (tps layout)\n"
        us = cli("dnc", "load", "--country", "US", "--register", "National DNC", str(write("u.txt", "212,5550123\n")))
        assert us.out == "US National DNC loaded: 1 numbers from 1 lines (area-code layout)\n"
        dated_file = write("b.csv", "phone\tdate\n0470123456\t2026-11-02\n")
        dated = cli("dnc", "load", "--country", "BE", "--register", "DNCM", str(dated_file))
        assert dated.out == "BE DNCM loaded: 1 numbers from 1 lines (number-date layout, header on line 1 skipped)\n"
        bad_format = self.load(cli, "TPS", write("t2.txt", "x\n"), "--format", "fixed")
        assert bad_format.code == 1
        assert "unknown register format 'fixed'" in bad_format.err
        ambiguous = self.load(cli, "CTPS", write("a.txt", "2125550123,Smith\n"))
        assert ambiguous.code == 1
        assert "give --format" in ambiguous.err

    def test_future_as_of_and_unknown_register(self, cli: Callable[..., Run], write: Write) -> None:
        path = write("t.txt", "020 7946 0018\n")
        tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
        future = self.load(cli, "TPS", path, "--as-of", tomorrow)
        assert future.code == 1
        assert "is in the future" in future.err
        unknown = self.load(cli, "Telephone Preference", path)
        assert unknown.code == 1
        assert "GB has no register named 'Telephone Preference'. Known registers for GB: TPS, CTPS" in unknown.err
        assert self.load(cli, "Telephone Preference", path, "--custom").code == 0

    def test_override_file_extends_the_known_registers(self, cli: Callable[..., Run], write: Write) -> None:
        rules = write("mine.toml", '[dnc.known_registers]\nDE = ["Robinsonliste"]\n')
        path = write("de.txt", "030 1234567\n")
        args = ("dnc", "load", "--country", "DE", "--register", "Robinsonliste", str(path))
        assert cli(*args).code == 1
        done = cli("--rules", str(rules), *args)
        assert done.code == 0, done.err
