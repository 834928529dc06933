"""The command layer called directly, as the API and the console will: no CLI, no printing, no exit.

Each command takes a ``Session`` — here a small one over the test's workspace and frozen clock — and
returns a result the front end formats; a failure is a named ``LawfulreachError`` and changes nothing.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from lawfulreach import commands
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import CampaignError, InputError, InvalidRowsError
from lawfulreach.rules import default_rulebase
from lawfulreach.service import Lawfulreach
from lawfulreach.store import Workspace
from lawfulreach.store.subjects import email_key

CAMPAIGN = """
name = "Test campaign"
purpose = "marketing"
sender_type = "commercial"
legal_entity = "Northwind Ltd"
products = ["software"]
lia = "passed"
"""
PROSPECTS = (
    "email,phone,company,country\n"
    "jane@firma.de,+49 30 901820,Firma GmbH,DE\n"
    "bob@acme.co.uk,+44 20 7946 0018,Acme Ltd,GB\n"
    "ann@example.fr,+33 1 42 68 53 00,Exemple SA,Atlantis\n"
)


@dataclass
class WorkspaceSession:
    """A ``commands.Session`` over one open workspace (the CLI's ``CliContext`` is another)."""

    ws: Workspace

    def rulebase(self) -> RuleBase:
        return default_rulebase()

    def workspace(self) -> Workspace:
        return self.ws

    def service(self) -> Lawfulreach:
        return Lawfulreach(rulebase=self.ws.rulebase(self.rulebase()), state=self.ws.state(), clock=self.ws.scope.clock)

    def batch_snapshot(self) -> BatchSnapshot:
        return self.ws.batch_snapshot()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def session(open_ws: Callable[..., Workspace]) -> WorkspaceSession:
    return WorkspaceSession(open_ws())


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    prospects = tmp_path / "prospects.csv"
    prospects.write_text(PROSPECTS, encoding="utf-8")
    campaign = tmp_path / "campaign.toml"
    campaign.write_text(CAMPAIGN, encoding="utf-8")
    return prospects, campaign


class TestScreen:
    """``commands.screen``: read → decide → write → report (→ save), returned as a ``ScreenRun``."""

    def test_returns_counts_and_writes_private_outputs(
        self,
        session: WorkspaceSession,
        files: tuple[Path, Path],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        prospects, campaign = files
        out = tmp_path / "out" / "screened.csv"
        run = commands.screen(session, prospects, campaign, channels=[Channel.EMAIL, Channel.CALL], out=out)
        assert (run.total, run.rejected) == (2, 1)
        counts = run.counts()["outcomes"]
        assert sorted(counts) == ["call", "email"]
        assert all(counts[ch]["total"] == 2 for ch in counts)
        assert run.results_path == out
        assert run.report_path == out.with_name("prospects-report.html")
        assert run.rejects_path == out.with_name("prospects-rejects.csv")
        assert run.rejects_listed == 1
        assert (_mode(out), _mode(run.rejects_path)) == (0o600, 0o600)
        assert "<html" in run.report_path.read_text(encoding="utf-8").lower()
        assert pl.read_csv(out).height == 2
        assert run.saved is None
        assert capsys.readouterr() == ("", "")  # a command never prints

    def test_save_stores_the_list_as_contacts(
        self, session: WorkspaceSession, files: tuple[Path, Path], tmp_path: Path
    ) -> None:
        prospects, campaign = files
        run = commands.screen(session, prospects, campaign, out=tmp_path / "o.csv", save=True, provider="Acme Data")
        assert run.saved is not None
        assert run.saved.added == 2

    def test_refuses_an_output_over_its_input_before_writing(
        self, session: WorkspaceSession, files: tuple[Path, Path], tmp_path: Path
    ) -> None:
        prospects, campaign = files
        with pytest.raises(InputError, match="is the input file itself"):
            commands.screen(session, prospects, campaign, out=prospects)
        assert prospects.read_text(encoding="utf-8") == PROSPECTS
        assert not (tmp_path / "prospects-report.html").exists()

    def test_a_campaign_typo_is_a_campaign_error(
        self, session: WorkspaceSession, files: tuple[Path, Path], tmp_path: Path
    ) -> None:
        prospects, campaign = files
        campaign.write_text(CAMPAIGN + 'lai = "passed"\n', encoding="utf-8")
        with pytest.raises(CampaignError, match="lai"):
            commands.screen(session, prospects, campaign, out=tmp_path / "o.csv")
        assert not (tmp_path / "o.csv").exists()


class TestImports:
    """``import_contacts`` / ``import_suppressions``: refused input is a named error and stores nothing."""

    def test_import_contacts_returns_the_report_and_the_rejects(
        self, session: WorkspaceSession, files: tuple[Path, Path], tmp_path: Path
    ) -> None:
        prospects, _ = files
        run = commands.import_contacts(session, prospects, rejects=tmp_path / "r.csv")
        assert (run.report.added, run.rejected, run.rejects_path) == (2, 1, tmp_path / "r.csv")
        assert _mode(tmp_path / "r.csv") == 0o600

    def test_import_contacts_refuses_an_unknown_source_and_changes_nothing(
        self, session: WorkspaceSession, files: tuple[Path, Path], tmp_path: Path
    ) -> None:
        prospects, _ = files
        with pytest.raises(InputError, match="nonsense"):
            commands.import_contacts(session, prospects, source="nonsense", rejects=tmp_path / "r.csv")
        assert session.ws.contacts.find(email_key("jane@firma.de")) == []
        assert not (tmp_path / "r.csv").exists()

    def test_import_contacts_strict_refuses_the_whole_file(
        self, session: WorkspaceSession, files: tuple[Path, Path], tmp_path: Path
    ) -> None:
        prospects, _ = files
        with pytest.raises(InvalidRowsError, match="nothing imported"):
            commands.import_contacts(session, prospects, strict=True, rejects=tmp_path / "r.csv")
        assert session.ws.contacts.find(email_key("jane@firma.de")) == []

    def test_import_suppressions_is_idempotent(self, session: WorkspaceSession, tmp_path: Path) -> None:
        listed = tmp_path / "exclusions.txt"
        listed.write_text("jane@firma.de\nacme.co.uk\n", encoding="utf-8")
        first = commands.import_suppressions(session, listed)
        again = commands.import_suppressions(session, listed)
        assert (first.report.added, again.report.added, again.report.already_listed) == (2, 0, 2)
        assert first.rejects_path is None

    def test_exclusion_entries_are_all_or_nothing(self, session: WorkspaceSession) -> None:
        """The API's import goes through the command layer: each entry normalised by the store's one
        normaliser, and one bad entry (a bad country, a number with no country) stores nothing."""
        from lawfulreach.commands.imports import ExclusionItem, import_exclusion_entries

        bad: list[str | ExclusionItem] = [
            "Jane+news@Firma.DE",
            ExclusionItem("020 7946 0018", country="Atlantis"),
            "020 7946 0019",
        ]
        with pytest.raises(InvalidRowsError) as refused:
            import_exclusion_entries(session.ws, bad)
        assert [line for line, _ in refused.value.problems] == [2, 3]
        assert session.ws.suppressions.find("email", "jane@firma.de") is None
        good: list[str | ExclusionItem] = [
            "Jane+news@Firma.DE",
            ExclusionItem("020 7946 0018", kind="phone", country="GB", reason="asked"),
        ]
        report = import_exclusion_entries(session.ws, good, source="manual")
        assert (report.added, report.already_listed) == (2, 0)
        phone = session.ws.suppressions.find("phone", "+442079460018")
        assert phone is not None
        assert (phone.reason, phone.source) == ("asked", "manual")
        assert import_exclusion_entries(session.ws, good).already_listed == 2


class TestLoadDnc:
    """``load_dnc``: a register file, failing closed."""

    def test_an_empty_file_is_refused(self, session: WorkspaceSession, tmp_path: Path) -> None:
        empty = tmp_path / "tps.txt"
        empty.write_text("", encoding="utf-8")
        with pytest.raises(InputError, match="no numbers to load"):
            commands.load_dnc(session, empty, country="GB", register="TPS")
        [tps] = [s for s in session.ws.dnc.status(session.rulebase().overlays) if s.name == "TPS"]
        assert not tps.loaded

    def test_loads_a_register_with_a_textual_as_of(self, session: WorkspaceSession, tmp_path: Path) -> None:
        listed = tmp_path / "tps.txt"
        listed.write_text("02079460018\n02079460019\n", encoding="utf-8")
        report = commands.load_dnc(session, listed, country="GB", register="TPS", as_of="2026-11-01")
        assert (report.size, report.replaced) == (2, False)

    def test_as_of_must_be_a_date(self) -> None:
        with pytest.raises(InputError, match="--as-of 'soon'"):
            commands.parse_as_of("soon")
