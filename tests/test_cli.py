"""The command line as a user meets it: real processes, real files, exit codes and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

CAMPAIGN = """
name = "Test campaign"
purpose = "marketing"
sender_type = "commercial"
legal_entity = "Northwind Ltd"
products = ["software"]
lia = "passed"
"""


def run(
    *args: str, stdin: str | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "lawfulreach", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
    )


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A clean directory with its own workspace so CLI runs never touch the developer's."""
    (tmp_path / "campaign.toml").write_text(CAMPAIGN)
    return tmp_path


def env_for(workdir: Path) -> dict[str, str]:
    return {
        "LAWFULREACH_HOME": str(workdir / ".lawfulreach"),
        "LAWFULREACH_DATABASE_URL": f"sqlite:///{workdir}/ws.sqlite",
    }


class TestCheck:
    """``lawfulreach check``: JSON Lines in, one decision per line out, same order."""

    def test_decisions_in_order(self, workdir: Path) -> None:
        lines = [
            {
                "contact": {"email": "jane@firma.de", "name": "Jane"},
                "channel": "email",
                "consent": {"status": "given", "channel": "email"},
            },
            {"contact": {"email": "info@acme.co.uk", "company": "Acme Ltd"}, "channel": "email"},
            {"contact": {"phone": "+47 22 00 00 00"}, "channel": "call"},
        ]
        res = run(
            "check",
            "-",
            stdin="\n".join(json.dumps(x) for x in lines) + "\n",
            cwd=workdir,
            env=env_for(workdir),
        )
        assert res.returncode == 0, res.stderr
        out = [json.loads(x) for x in res.stdout.splitlines()]
        assert [d["outcome"] for d in out] == ["blocked", "allowed", "review"]
        assert out[0]["reasons"][0]["code"] == "double_opt_in_required"
        assert out[0]["reasons"][0]["citation"].startswith("Germany")
        assert out[1]["basis"] == "not_personal_data"
        assert out[2]["reasons"][0]["code"] == "no_rule_for_jurisdiction"

    def test_malformed_line_reported_and_others_answered(self, workdir: Path) -> None:
        text = "\n".join(
            [
                json.dumps({"contact": {"email": "a@b.fr"}, "channel": "email"}),
                "{not json",
                json.dumps({"contact": {"email": "a@b.fr"}, "channel": "fax"}),
                json.dumps({"contact": {"email": "a@b.fr", "country": "XX"}, "channel": "email"}),
                json.dumps({"contact": {"email": "a@b.fr"}, "channel": "post"}),
            ]
        )
        res = run("check", "-", stdin=text, cwd=workdir, env=env_for(workdir))
        assert res.returncode == 1
        out = [json.loads(x) for x in res.stdout.splitlines()]
        assert len(out) == 5
        assert out[1] == {"line": 2, "error": out[1]["error"]}
        assert "JSON" in out[1]["error"]
        assert out[2]["line"] == 3
        assert "channel" in out[2]["error"]
        assert out[3]["line"] == 4
        assert "country" in out[3]["error"]
        assert out[0]["outcome"]
        assert out[4]["outcome"]
        assert "Traceback" not in res.stderr

    def test_missing_file_is_one_line_error(self, workdir: Path) -> None:
        res = run("check", str(workdir / "nope.jsonl"), cwd=workdir, env=env_for(workdir))
        assert res.returncode == 1
        assert res.stderr.strip().count("\n") == 0
        assert "cannot read file" in res.stderr
        assert "Traceback" not in res.stderr


class TestRules:
    """``lawfulreach rules show|explain``."""

    def test_show_country(self, workdir: Path) -> None:
        res = run("rules", "show", "DE", cwd=workdir, env=env_for(workdir))
        assert res.returncode == 0, res.stderr
        assert "double opt-in" in res.stdout
        assert "UWG" in res.stdout

    def test_show_unknown_country(self, workdir: Path) -> None:
        res = run("rules", "show", "Narnia", cwd=workdir, env=env_for(workdir))
        assert res.returncode == 1
        assert "unknown country" in res.stderr

    def test_explain_prints_path(self, workdir: Path) -> None:
        req = {
            "contact": {"email": "bob@firma.fr", "name": "Bob", "subscriber_type": "sole_trader"},
            "channel": "email",
            "source": "first_party",
        }
        res = run("rules", "explain", "-", stdin=json.dumps(req), cwd=workdir, env=env_for(workdir))
        assert res.returncode == 0, res.stderr
        assert "sole_trader subscriber" in res.stdout
        assert "consent_required" in res.stdout

    def test_tenant_override_file(self, workdir: Path) -> None:
        override = workdir / "mine.csv"
        override.write_text(
            "country,channel,level,citation\nCH,email_third_party,opt_out,Switzerland: UWG Art. 3(1)(o)\n"
        )
        res = run("--rules", str(override), "rules", "show", "CH", cwd=workdir, env=env_for(workdir))
        assert res.returncode == 0, res.stderr
        assert "UWG Art. 3" in res.stdout

    def test_bad_override_names_file_and_row(self, workdir: Path) -> None:
        override = workdir / "bad.csv"
        override.write_text("country,channel,level,citation\nDE,email_third_party,opt_in,x\nXX,call,opt_out,y\n")
        res = run("--rules", str(override), "rules", "show", cwd=workdir, env=env_for(workdir))
        assert res.returncode == 1
        assert "bad.csv, row 3" in res.stderr
        assert "XX" in res.stderr


class TestScreen:
    """``lawfulreach screen``: results, rejects with line numbers, report, summary."""

    def test_screen_with_bad_rows(self, workdir: Path) -> None:
        csv = workdir / "prospects.csv"
        csv.write_text(
            "First Name,Last Name,Email,Phone Number,Company Name,Country/Region\n"
            "Jane,Doe,jane.doe@firma.de,+49 30 901820,Firma GmbH,DE\n"
            "Bob,Smith,info@acme.co.uk,020 7946 0018,Acme Ltd,GB\n"
            "Broken,Row,too,many,fields,here,and,more\n"
            "Ann,Lee,ann@shop.fr,,Shop SAS,FR\n"
        )
        res = run(
            "screen",
            str(csv),
            "--campaign",
            str(workdir / "campaign.toml"),
            "--channels",
            "email,call",
            "--out",
            str(workdir / "out.csv"),
            "--report",
            str(workdir / "r.html"),
            cwd=workdir,
            env=env_for(workdir),
        )
        assert res.returncode == 0, res.stderr
        out = pl.read_csv(workdir / "out.csv", infer_schema=False)
        assert out.height == 3
        assert out["line"].to_list() == ["2", "3", "5"]
        assert set(out.columns) >= {"email_outcome", "email_reasons", "email_requirements", "call_outcome"}
        rejects = pl.read_csv(workdir / "prospects-rejects.csv", infer_schema=False)
        assert rejects["line"].to_list() == ["4"]
        html = (workdir / "r.html").read_text()
        assert "Test campaign" in html
        assert "jane.doe@firma.de" not in html
        assert "Rejects" in res.stdout
        assert "r.html" in res.stdout

    def test_unknown_channel(self, workdir: Path) -> None:
        csv = workdir / "p.csv"
        csv.write_text("email\na@b.de\n")
        res = run(
            "screen",
            str(csv),
            "--campaign",
            str(workdir / "campaign.toml"),
            "--channels",
            "fax",
            cwd=workdir,
            env=env_for(workdir),
        )
        assert res.returncode == 1
        assert "unknown channel 'fax'" in res.stderr

    def test_bad_campaign_value(self, workdir: Path) -> None:
        csv = workdir / "p.csv"
        csv.write_text("email\na@b.de\n")
        camp = workdir / "bad.toml"
        camp.write_text('name = "x"\nlia = "maybe"\n')
        res = run("screen", str(csv), "--campaign", str(camp), cwd=workdir, env=env_for(workdir))
        assert res.returncode == 1
        assert "bad.toml" in res.stderr
        assert "lia" in res.stderr
        assert "Traceback" not in res.stderr

    def test_demo_runs_on_bundled_sample(self, workdir: Path) -> None:
        res = run("demo", "--out-dir", str(workdir / "o"), cwd=workdir, env=env_for(workdir))
        assert res.returncode == 0, res.stderr
        out = pl.read_csv(workdir / "o" / "sample-screened.csv", infer_schema=False)
        assert out.height > 1900
        outcomes = set(out["email_outcome"].to_list())
        assert outcomes == {"allowed", "blocked", "review"}


def test_screen_save_stores_contacts_with_provenance(workdir: Path) -> None:
    """``screen --save`` stores the list like ``contacts import``, with the provider recorded."""
    csv = workdir / "list.csv"
    csv.write_text("email,company,country\njane.doe@firma.de,Firma GmbH,DE\nbob@acme.co.uk,Acme Ltd,GB\n")
    env = env_for(workdir)
    res = run(
        "screen",
        str(csv),
        "--campaign",
        str(workdir / "campaign.toml"),
        "--save",
        "--provider",
        "ListCo",
        "--out",
        str(workdir / "o.csv"),
        cwd=workdir,
        env=env,
    )
    assert res.returncode == 0, res.stderr
    assert "2 contacts added" in res.stdout
    shown = run("contacts", "show", "--email", "jane.doe@firma.de", cwd=workdir, env=env)
    assert "ListCo" in shown.stdout
