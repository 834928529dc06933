"""The workspace commands as a user runs them: ``lawfulreach.cli.app.main`` in-process, real files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest

from lawfulreach.store import WorkspaceSettings
from lawfulreach.store.migrate import head_revision
from lr_testkit import Run

Write = Callable[[str, str], Path]


def check(cli: Callable[..., Run], contact: dict[str, str], channel: str = "email", *tenant: str) -> dict[str, object]:
    line = json.dumps({"contact": contact, "channel": channel, "campaign": {"lia": "passed"}})
    result = cli(*tenant, "check", "-", stdin=line + "\n")
    assert result.code == 0, result.err
    return dict(json.loads(result.out.splitlines()[0]))


JANE = {"email": "Jane+news@Foo.com", "company": "Foo Ltd", "country": "GB", "name": "Jane Doe"}


class TestWorkspaceCommands:
    @pytest.mark.empty_database
    def test_db_upgrade_and_info(self, cli: Callable[..., Run], settings: WorkspaceSettings) -> None:
        first = cli("db", "upgrade")
        assert first.code == 0
        assert f"(new workspace) → {head_revision()}" in first.out
        assert f"already at schema revision {head_revision()}" in cli("db", "upgrade").out
        info = cli("db", "info").out
        assert f"secret key: {settings.key_file}" in info
        assert "tenants: default" in info

    def test_tenants(self, cli: Callable[..., Run]) -> None:
        assert cli("tenant", "add", "acme").code == 0
        assert cli("tenant", "list").out.split() == ["acme", "default"]
        assert cli("--tenant", "acme", "suppress", "add", "--email", "jane@foo.com").code == 0
        assert check(cli, JANE, "email", "--tenant", "acme")["outcome"] == "blocked"
        assert check(cli, JANE)["outcome"] == "allowed"
        unknown = cli("--tenant", "nope", "suppress", "list")
        assert unknown.code == 1
        assert unknown.err.startswith("error: tenant 'nope' does not exist")


class TestSuppress:
    def test_add_list_remove(self, cli: Callable[..., Run]) -> None:
        assert "added to the exclusion list" in cli("suppress", "add", "--domain", "Foo.com", "--reason", "asked").out
        assert "was already on" in cli("suppress", "add", "--domain", "foo.com").out
        assert cli("suppress", "add", "--phone", "020 7946 0018", "--country", "GB", "--source", "reply").code == 0
        lines = cli("suppress", "list").out.splitlines()
        assert [line.split("\t")[:3] for line in lines] == [
            ["domain", "foo.com", "manual"],
            ["phone", "+442079460018", "reply"],
        ]
        assert check(cli, JANE)["outcome"] == "blocked"
        assert cli("suppress", "remove", "--domain", "foo.com").code == 0
        assert check(cli, JANE)["outcome"] == "allowed"
        assert cli("suppress", "list", "--kind", "domain").out == ""

    def test_one_line_errors(self, cli: Callable[..., Run], write: Write) -> None:
        both = cli("suppress", "add", "--email", "a@x.com", "--domain", "x.com")
        assert (both.code, both.err) == (1, "error: give exactly one of --email, --domain or --phone\n")
        bad = cli("suppress", "add", "--email", "not-an-email")
        assert bad.err == "error: not a valid email address: 'not-an-email'\n"
        result = cli("suppress", "import", "--strict", str(write("l.txt", "a@x.com\nb@\n")))
        assert result.code == 1
        assert len(result.err.splitlines()) == 1
        assert "line 2: not a valid email address: 'b@'" in result.err
        assert cli("suppress", "list").out == ""

    def test_import_and_export(self, cli: Callable[..., Run], write: Write, tmp_path: Path) -> None:
        path = write("l.csv", "email,reason\na@x.com,bounce\nb@x.com,\n")
        assert "2 entries — 2 added, 0 already listed" in cli("suppress", "import", str(path)).out
        assert "0 added, 2 already listed" in cli("suppress", "import", str(path)).out
        out = tmp_path / "export.csv"
        assert "2 entries written" in cli("suppress", "export", str(out)).out
        assert out.read_text().splitlines()[0] == "kind,value,reason,source,created_at"


class TestLedger:
    def test_optout_channel_and_history(self, cli: Callable[..., Run]) -> None:
        assert cli("optout", "--email", "jane@foo.com", "--channel", "email").out == "recorded: opt-out for email\n"
        assert check(cli, JANE)["outcome"] == "blocked"
        assert check(cli, {**JANE, "email": "", "phone": ""}, "post")["outcome"] == "allowed"
        recorded = cli(
            "consent",
            "record",
            "--email",
            "JANE@foo.com",
            "--channel",
            "email",
            "--purpose",
            "marketing",
            "--method",
            "web_form",
            "--wording",
            "Yes, email me",
            "--source",
            "signup",
        )
        assert recorded.code == 0, recorded.err
        history = cli("consent", "history", "--email", "jane+x@foo.com").out.splitlines()
        assert history[0].startswith("time\tevent")
        assert [h.split("\t")[1] for h in history[1:3]] == ["opt_out", "given"]
        assert "now: email / marketing: given (web_form)" in history
        assert check(cli, JANE)["outcome"] == "allowed"

    def test_optout_by_phone_defaults_to_all(self, cli: Callable[..., Run]) -> None:
        assert cli("optout", "--phone", "020 7946 0018", "--country", "GB", "--objection").code == 0
        decision = check(cli, {**JANE, "phone": "+44 20 7946 0018"}, "call")
        assert "opted_out" in [r["code"] for r in cast(list[dict[str, str]], decision["reasons"])]

    def test_consent_errors(self, cli: Callable[..., Run]) -> None:
        r = cli("consent", "record", "--email", "a@x.com", "--channel", "all", "--purpose", "m", "--method", "x")
        assert r.code == 1
        assert "unknown channel 'all'" in r.err
        r = cli("consent", "record", "--phone", "020 7946 0018", "--channel", "sms", "--purpose", "m", "--method", "x")
        assert r.code == 1
        assert "national numbers need --country" in r.err
        assert cli("consent", "history", "--email", "nobody@x.com").out == "no ledger events\n"

    def test_withdraw(self, cli: Callable[..., Run]) -> None:
        cli("consent", "record", "--email", "a@x.com", "--channel", "sms", "--purpose", "marketing", "--method", "f")
        assert cli("consent", "withdraw", "--email", "a@x.com", "--channel", "sms").code == 0
        assert "now: sms / marketing: withdrawn" in cli("consent", "history", "--email", "a@x.com").out

    @pytest.mark.parametrize(
        ("claimed", "message"),
        [
            ("9999-12-31T23:59:59-14:00", "outside the range of dates that can be recorded"),
            ("2999-01-01T00:00:00Z", "is in the future"),
            ("yesterday", "is not a date"),
        ],
    )
    def test_occurred_at_ahead_or_absurd_is_one_error_line(
        self, cli: Callable[..., Run], claimed: str, message: str
    ) -> None:
        commands = [
            ("consent", "record", "--channel", "email", "--purpose", "marketing", "--method", "web_form"),
            ("consent", "withdraw", "--channel", "email"),
            ("optout",),
        ]
        for command in commands:
            r = cli(*command, "--email", "a@x.com", "--occurred-at", claimed)
            assert r.code == 1, r.out
            assert r.err.startswith("error: "), r.err
            assert message in r.err, r.err
            assert len(r.err.strip().splitlines()) == 1
            assert "Traceback" not in r.err
        assert cli("consent", "history", "--email", "a@x.com").out == "no ledger events\n"

    def test_an_opt_out_recorded_after_a_consent_dated_ahead_wins(self, cli: Callable[..., Run]) -> None:
        from datetime import UTC, datetime, timedelta

        ahead = (datetime.now(UTC) + timedelta(minutes=4)).isoformat()
        consent = ("consent", "record", "--email", "jane@foo.com", "--channel", "email", "--purpose", "marketing")
        assert cli(*consent, "--method", "web_form", "--occurred-at", ahead).code == 0
        assert check(cli, JANE)["outcome"] == "allowed"
        assert cli("optout", "--email", "jane@foo.com", "--occurred-at", "2026-01-01").code == 0
        assert check(cli, JANE)["outcome"] == "blocked"
        history = cli("consent", "history", "--email", "jane@foo.com").out.splitlines()
        assert [h.split("\t")[1] for h in history[1:3]] == ["given", "opt_out"]


class TestDncAndErase:
    def test_dnc_load_and_status(self, cli: Callable[..., Run], write: Write) -> None:
        loaded = cli(
            "dnc",
            "load",
            "--country",
            "GB",
            "--register",
            "TPS",
            "--as-of",
            "2026-11-01",
            str(write("t.txt", "020 7946 0018\n")),
        )
        assert loaded.out == "GB TPS loaded: 1 numbers from 1 lines\n"
        table = cli("dnc", "status").out.splitlines()
        # Loaded first, then the required registers not loaded (spec §6 adds the US National DNC and
        # Canada's DNCL to GB's TPS and CTPS).
        assert [row.split("\t")[:3] for row in table[1:]] == [
            ["GB", "TPS", "1"],
            ["CA", "DNCL", "-"],
            ["GB", "CTPS", "-"],
            ["US", "National DNC", "-"],
        ]
        assert table[1].endswith("\tSTALE") or table[1].endswith("\tok")
        status = json.loads(cli("dnc", "status", "--json").out)
        tps = next(s for s in status if s["register"] == "TPS")
        assert (tps["size"], tps["max_age_days"], tps["loaded"]) == (1, 28, True)
        assert not next(s for s in status if s["register"] == "CTPS")["loaded"]
        bad = cli(
            "dnc", "load", "--country", "GB", "--register", "TPS", "--as-of", "yesterday", str(write("u.txt", "1\n"))
        )
        assert bad.code == 1
        assert "--as-of 'yesterday' is not a date" in bad.err
        skipped = cli(
            "dnc",
            "load",
            "--country",
            "GB",
            "--register",
            "CTPS",
            "--skip-invalid",
            str(write("c.txt", "x\n020 7946 0019\n")),
        )
        assert skipped.code == 0
        assert "1 invalid lines skipped — line 1" in skipped.err

    def test_erase_names_nobody_and_blocks_reimport(self, cli: Callable[..., Run], write: Write) -> None:
        leads = write("leads.csv", "email,company,country\njane@foo.com,Foo Ltd,GB\nbob@bar.com,Bar Ltd,GB\n")
        imported = cli("contacts", "import", str(leads), "--provider", "DataCo")
        assert "2 rows — 2 added, 0 updated" in imported.out
        assert "DataCo" in cli("contacts", "show", "--email", "jane@foo.com").out
        erased = cli("erase", "--email", "Jane@Foo.com")
        assert erased.code == 0
        assert "jane" not in erased.out.lower()
        assert "1 contact(s)" in erased.out
        again = cli("contacts", "import", str(leads))
        assert "1 skipped (erased people, not stored)" in again.out
        assert "jane" not in again.out.lower()
        decision = check(cli, JANE)
        assert decision["reasons"][0]["code"] == "erased_subject"  # type: ignore[index]
        assert cli("contacts", "show", "--email", "jane@foo.com").out == "no stored contact\n"
        assert cli("erase").err == "error: give --email and/or --phone of the person to erase\n"
