"""``lawfulreach screen --engine spark`` against a workspace: the tenant's state (an exclusion, an
opt-out, a loaded register) reaches every executor, the rows equal ``screen``'s results file, the
Parquet files are private, and misuse is one readable line."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from lawfulreach.csvsafe import restore_frame
from lawfulreach.spark import ERROR_COLUMN
from lr_testkit import RunLawfulreach

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

CONTACTS = """Record ID,Email,Phone Number,Company Name,Country/Region,Job Title
101,ann@firma.de,+49 30 901820,Firma GmbH,Germany,CTO
102,bob@acme.co.uk,+44 20 7946 0018,Acme Ltd,United Kingdom,Buyer
103,cy@acme.co.uk,+44 20 7946 0019,Acme Ltd,United Kingdom,Head of IT
104,dee@societe.fr,,Société SAS,France,DG
105,eve@startup.io,+1 212 555 0123,Startup Inc.,United States,Founder
106,fay@bedrijf.nl,,Bedrijf BV,Atlantis,Owner
"""

CAMPAIGN = """name = "Q1 outreach"
purpose = "marketing"
sender_type = "commercial"
legal_entity = "Northwind Ltd"
products = ["software"]
lia = "passed"
"""


def _setup(cli: RunLawfulreach, tmp_path: Path) -> tuple[Path, Path]:
    contacts = tmp_path / "hubspot.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    campaign = tmp_path / "campaign.toml"
    campaign.write_text(CAMPAIGN, encoding="utf-8")
    assert cli("suppress", "add", "--email", "bob@acme.co.uk", "--reason", "asked").code == 0
    assert cli("optout", "--email", "cy@acme.co.uk", "--channel", "all").code == 0
    return contacts, campaign


def test_spark_rows_equal_screen_results(cli: RunLawfulreach, spark: SparkSession, tmp_path: Path) -> None:
    contacts, campaign = _setup(cli, tmp_path)
    local_out = tmp_path / "local.csv"
    local = cli("screen", str(contacts), "--campaign", str(campaign), "--out", str(local_out))
    assert local.code == 0, local.err
    out = tmp_path / "spark-out"
    run = cli("screen", str(contacts), "--campaign", str(campaign), "--engine", "spark", "--out", str(out), "--json")
    assert run.code == 0, run.err
    summary = json.loads(run.out)
    assert summary["rows"] == 6
    assert summary["rejected"] == 1  # Atlantis: a country nobody can read
    assert summary["outcomes"]["email"]["blocked"] >= 2  # the exclusion and the opt-out

    got = pl.read_parquet(out / "*.parquet").sort(pl.col("Record ID").cast(pl.Int64))
    expected = restore_frame(pl.read_csv(local_out, infer_schema=False))  # the CSV's formula guard undone
    decided = got.filter(pl.col(ERROR_COLUMN).is_null())
    assert decided["Record ID"].to_list() == expected["Record ID"].to_list()
    columns = [c for c in expected.columns if c.startswith(("email_", "call_"))]
    assert decided.select(columns).fill_null("").equals(expected.select(columns).fill_null(""))
    bob = decided.filter(pl.col("Record ID") == "102").row(0, named=True)
    cy = decided.filter(pl.col("Record ID") == "103").row(0, named=True)
    assert bob["email_outcome"] == "blocked"
    assert cy["email_outcome"] == "blocked"
    assert cy["call_outcome"] == "blocked"
    fay = got.filter(pl.col("Record ID") == "106").row(0, named=True)
    assert "Atlantis" in fay[ERROR_COLUMN]
    assert fay["email_outcome"] is None

    files = [p for p in out.rglob("*") if p.is_file()]
    assert files
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)


def test_misuse_is_one_line(cli: RunLawfulreach, spark: SparkSession, tmp_path: Path) -> None:
    contacts, campaign = _setup(cli, tmp_path)
    out = tmp_path / "exists"
    out.mkdir()
    taken = cli("screen", str(contacts), "--campaign", str(campaign), "--engine", "spark", "--out", str(out))
    assert taken.code != 0
    assert "already exists" in taken.err
    assert "Traceback" not in taken.err
    record = cli("screen", str(contacts), "--campaign", str(campaign), "--engine", "spark", "--record")
    assert record.code != 0
    assert "--record cannot be used with --engine spark" in record.err
    no_contact = tmp_path / "names.csv"
    no_contact.write_text("First Name,Company\nAnn,Acme\n", encoding="utf-8")
    missing = cli(
        "screen", str(no_contact), "--campaign", str(campaign), "--engine", "spark", "--out", str(tmp_path / "o")
    )
    assert missing.code != 0
    assert "no email or phone column" in missing.err
    assert "Traceback" not in missing.err
