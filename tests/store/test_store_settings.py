"""The tenant's stored subscriber-type policy (issue 12): ``settings set|get|show``, shown in ``db info``,
used by ``check`` and ``screen`` (the API: ``tests/api/test_api_north_america.py``), changes on the
audit trail, the ``--subscriber-policy`` flag overriding it for one command."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from lawfulreach.store import WorkspaceSettings
from lawfulreach.store.workspace import Workspace
from lr_testkit import Run

#: A US live call to a subscriber of unknown type with no register loaded: allowed as a company
#: (exempt, 16 CFR §310.6(b)(7)), review as an individual (National DNC not loaded) — the policy decides.
REQUEST = {
    "contact": {"phone": "+12125550123", "country": "US", "company": "Lee Studio"},
    "channel": "call",
    "campaign": {"legal_entity": "Northwind Ltd"},
}


def check(cli: Callable[..., Run], *flags: str) -> str:
    result = cli(*flags, "check", "-", stdin=json.dumps(REQUEST) + "\n")
    assert result.code == 0, result.err
    return str(json.loads(result.out)["outcome"])


def screen(cli: Callable[..., Run], tmp_path: Path, *flags: str) -> str:
    prospects = tmp_path / "prospects.csv"
    prospects.write_text("phone,country,company\n+12125550123,US,Lee Studio\n", encoding="utf-8")
    campaign = tmp_path / "campaign.toml"
    campaign.write_text('name = "p"\nlegal_entity = "Northwind Ltd"\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    result = cli(
        *flags, "screen", str(prospects), "--campaign", str(campaign), "--channels", "call",
        "--out", str(out), "--report", str(tmp_path / "report.html"),
    )  # fmt: skip
    assert result.code == 0, result.err
    return next(csv.DictReader(out.open(encoding="utf-8")))["call_outcome"]


def test_default_is_review_everywhere(cli: Callable[..., Run], tmp_path: Path) -> None:
    assert cli("settings", "show").out == "subscriber_policy\treview\t(default)\n"
    assert cli("settings", "get", "subscriber_policy").out == "review\n"
    assert check(cli) == "review"
    assert screen(cli, tmp_path) == "review"


def test_stored_policy_is_used_by_check_and_screen_and_shown_in_db_info(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    result = cli("settings", "set", "subscriber_policy", "assume_corporate")
    assert result.code == 0, result.err
    assert "subscriber_policy = assume_corporate" in result.out
    assert cli("settings", "get", "subscriber_policy").out == "assume_corporate\n"
    assert cli("settings", "show").out == "subscriber_policy\tassume_corporate\n"
    assert "tenant default: subscriber_policy assume_corporate" in cli("db", "info").out
    assert check(cli) == "allowed"
    assert screen(cli, tmp_path) == "allowed"


def test_the_flag_overrides_the_stored_policy_for_one_command(cli: Callable[..., Run], tmp_path: Path) -> None:
    assert cli("settings", "set", "subscriber_policy", "assume_corporate").code == 0
    assert check(cli, "--subscriber-policy", "assume_individual") == "review"  # individual: register missing
    assert check(cli, "--subscriber-policy", "review") == "review"
    assert screen(cli, tmp_path, "--subscriber-policy", "review") == "review"
    assert check(cli) == "allowed"  # the stored setting is untouched
    assert cli("settings", "get", "subscriber_policy").out == "assume_corporate\n"


def test_settings_are_per_tenant(cli: Callable[..., Run]) -> None:
    assert cli("tenant", "add", "acme").code == 0
    assert cli("--tenant", "acme", "settings", "set", "subscriber_policy", "assume_corporate").code == 0
    assert check(cli, "--tenant", "acme") == "allowed"
    assert check(cli) == "review"
    info = cli("db", "info").out
    assert "tenant acme: subscriber_policy assume_corporate" in info
    assert "tenant default: subscriber_policy review" in info


def test_changes_are_on_the_audit_trail(cli: Callable[..., Run], settings: WorkspaceSettings) -> None:
    assert cli("settings", "set", "subscriber_policy", "assume_corporate").code == 0
    assert cli("settings", "set", "subscriber_policy", "assume-individual").code == 0
    with Workspace.open(settings) as ws:
        entries = ws.audit_show(act="settings.set")
        assert [e.details for e in entries] == [
            {"setting": "subscriber_policy", "value": "assume_corporate", "previous": "review"},
            {"setting": "subscriber_policy", "value": "assume_individual", "previous": "assume_corporate"},
        ]
        assert ws.audit_verify().entries == 2
    shown = cli("audit", "show", "--act", "settings")
    assert shown.code == 0
    assert shown.out.count("settings.set") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("settings", "set", "subscriber_policy", "maybe"), "invalid subscriber_policy 'maybe'; use one of review"),
        (("settings", "set", "colour", "blue"), "unknown setting 'colour'; settings: subscriber_policy"),
        (("settings", "get", "colour"), "unknown setting 'colour'"),
        (("--subscriber-policy", "maybe", "check", "-"), "unknown subscriber policy 'maybe'"),
    ],
)
def test_invalid_values_are_one_clear_error_and_change_nothing(
    cli: Callable[..., Run], settings: WorkspaceSettings, args: tuple[str, ...], message: str
) -> None:
    result = cli(*args, stdin=json.dumps(REQUEST) + "\n")
    assert result.code != 0
    assert result.err.startswith("error: ")
    assert message in result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert cli("settings", "get", "subscriber_policy").out == "review\n"
    with Workspace.open(settings) as ws:
        assert ws.audit_show(act="settings.set") == []
