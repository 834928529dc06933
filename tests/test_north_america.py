"""Spec §6 through every front end: the library, ``lawfulreach check``, ``lawfulreach screen`` (and its
batch path), for US texts, US and Canadian live calls against the National DNC / DNCL, and Canadian
automated calls. Expected outcomes come from ``north_america_cases`` (written from §6); the HTTP API runs
the same cases in ``tests/api/test_api_north_america.py``.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from lawfulreach import Lawfulreach, parse_request
from lawfulreach.batch.columns import FIELDS
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.normalise import normalise_phone_key
from lawfulreach.domain.state import InMemoryState, RegisterInfo
from lawfulreach.domain.vocabulary import Channel, SubscriberPolicy
from lawfulreach.store import Workspace, WorkspaceSettings
from lr_testkit import Run, RunLawfulreach, fresh_database
from north_america_cases import (
    ADAD_REQUIREMENTS,
    CALL_REQUIREMENTS,
    OTHER,
    PHONE,
    REGISTER,
    REGISTER_STATES,
    SMS_REQUIREMENTS,
    Case,
    all_cases,
)

NOW = datetime.now(UTC)
TODAY = NOW.date()
CASES = all_cases(TODAY)


def _numbers(country: str, state: str) -> list[str]:
    return [PHONE[country], OTHER[country]] if state == "listed" else [OTHER[country]]


def _age(state: str) -> int:
    return 40 if state == "stale" else 1


def memory_state(state: str) -> InMemoryState:
    mem = InMemoryState()
    if state != "missing":
        for country, name in REGISTER.items():
            keys = [normalise_phone_key(n, country) for n in _numbers(country, state)]
            mem.load_register(RegisterInfo(country, name, NOW - timedelta(days=_age(state))), keys)
    return mem


def assert_expected(case: Case, d: dict[str, Any]) -> None:
    codes = [r["code"] for r in d["reasons"]]
    assert d["outcome"] == case.outcome, (case.id, d)
    assert case.code in codes, (case.id, d)
    if d["outcome"] == "allowed":
        channel = case.request["channel"]
        want = {"sms": SMS_REQUIREMENTS, "call": CALL_REQUIREMENTS, "automated_call": ADAD_REQUIREMENTS}[channel]
        assert set(d["requirements"]) == want, (case.id, d)
        assert d["jurisdiction"] == case.country


def _by_state(state: str) -> list[Case]:
    return [c for c in CASES if c.register == state]


# --- the library and the batch path -------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_library_decides_as_spec_6_says(case: Case) -> None:
    service = Lawfulreach(state=memory_state(case.register), clock=lambda: NOW)
    assert_expected(case, service.check(parse_request(case.request)).to_dict())


@pytest.mark.parametrize("state", REGISTER_STATES)
def test_batch_path_decides_like_single_checks(state: str) -> None:
    """The screen's batch path (column-wise facts, one decision per distinct tuple) gives the same
    whole decision as a single check, for every §6 case."""
    cases = _by_state(state)
    mem = memory_state(state)
    service = Lawfulreach(state=mem, clock=lambda: NOW)
    campaign = parse_request(cases[0].request).campaign
    for channel in (Channel.SMS, Channel.CALL, Channel.AUTOMATED_CALL):
        chosen = [c for c in cases if c.request["channel"] == channel.value]
        if not chosen:
            continue
        frame = pl.DataFrame([c.row() for c in chosen], schema=dict.fromkeys(FIELDS, pl.String))
        result = service.screen(frame, [channel], campaign, BatchSnapshot.from_memory(mem))
        for i, case in enumerate(chosen):
            batched = result.decision(channel, i)
            single = service.check(parse_request(case.request))
            assert batched.to_dict() == single.to_dict(), case.id
            assert batched == single, case.id
            assert_expected(case, batched.to_dict())


def test_unknown_subscriber_follows_the_tenant_policy() -> None:
    """§6 defers to §3: where the outcome depends on the subscriber type, the policy decides."""
    case = next(c for c in CASES if c.id == "US-call-unknown-listed-none")
    for policy, outcome in (
        (SubscriberPolicy.REVIEW, "review"),
        (SubscriberPolicy.ASSUME_CORPORATE, "allowed"),
        (SubscriberPolicy.ASSUME_INDIVIDUAL, "blocked"),
    ):
        service = Lawfulreach(state=memory_state("listed"), subscriber_policy=policy, clock=lambda: NOW)
        assert service.check(parse_request(case.request)).outcome.value == outcome, policy


# --- the CLI: check and screen, against a real workspace ----------------------------------------------


@pytest.fixture
def workspace_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_lawfulreach: RunLawfulreach
) -> Iterator[Callable[..., Callable[..., Run]]]:
    """A fresh SQLite workspace per register state, its registers loaded as ``dnc load`` would."""
    made: list[Iterator[str]] = []

    def make(state: str) -> Callable[..., Run]:
        directory = tmp_path / state
        directory.mkdir()
        urls = fresh_database("sqlite", "", directory)
        made.append(urls)
        settings = WorkspaceSettings(url=next(urls), key_file=directory / "workspace.key")
        with Workspace.open(settings) as ws:
            if state != "missing":
                for country, name in REGISTER.items():
                    path = directory / f"{country}.txt"
                    path.write_text("\n".join(_numbers(country, state)) + "\n", encoding="utf-8")
                    ws.dnc.load(country, name, path, as_of=datetime.now(UTC) - timedelta(days=_age(state)))

        def run(*args: str, stdin: str | None = None) -> Run:
            monkeypatch.setenv("LAWFULREACH_KEY_FILE", str(settings.key_file))
            return run_lawfulreach("--db", settings.url, *args, stdin=stdin)

        return run

    yield make
    for urls in made:
        for _ in urls:
            pass


@pytest.mark.parametrize("state", REGISTER_STATES)
def test_check_command_decides_as_spec_6_says(state: str, workspace_cli: Callable[..., Callable[..., Run]]) -> None:
    cli = workspace_cli(state)
    cases = _by_state(state)
    result = cli("check", "-", stdin="\n".join(json.dumps(c.request) for c in cases) + "\n")
    assert result.code == 0, result.err
    decisions = [json.loads(line) for line in result.out.splitlines()]
    assert len(decisions) == len(cases)
    for case, d in zip(cases, decisions, strict=True):
        assert_expected(case, d)


@pytest.mark.parametrize("state", REGISTER_STATES)
def test_screen_command_decides_as_spec_6_says(
    state: str, workspace_cli: Callable[..., Callable[..., Run]], tmp_path: Path
) -> None:
    cli = workspace_cli(state)
    cases = _by_state(state)
    prospects = tmp_path / f"prospects-{state}.csv"
    rows = [c.row() for c in cases]
    with prospects.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=sorted({k for r in rows for k in r}))
        writer.writeheader()
        writer.writerows(rows)
    campaign = tmp_path / "campaign.toml"
    campaign.write_text('name = "na"\nlegal_entity = "Northwind Ltd"\nproducts = ["crm"]\nlia = "passed"\n')
    out = tmp_path / f"out-{state}.csv"
    result = cli(
        "screen", str(prospects), "--campaign", str(campaign), "--channels", "sms,call,automated_call",
        "--out", str(out), "--report", str(tmp_path / f"report-{state}.html"),
    )  # fmt: skip
    assert result.code == 0, result.err
    screened = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(screened) == len(cases)
    for case, row in zip(cases, screened, strict=True):
        channel = case.request["channel"]
        assert row[f"{channel}_outcome"] == case.outcome, (case.id, row)
        assert case.code in row[f"{channel}_reasons"].split(";"), (case.id, row)


def test_relationship_window_is_measured_on_the_run_date() -> None:
    """A US inquiry 80 days old is inside the 3-month window; 100 days old it is not (TSR)."""
    for days, outcome in ((80, "allowed"), (100, "review")):
        request = {
            "contact": {"phone": PHONE["US"], "country": "US", "subscriber_type": "individual"},
            "channel": "call",
            "campaign": {"legal_entity": "Northwind Ltd"},
            "relationship": {
                "kind": "negotiation",
                "legal_entity": "Northwind Ltd",
                "last_interaction": (TODAY - timedelta(days=days)).isoformat(),
            },
        }
        d = Lawfulreach(clock=lambda: NOW).check(parse_request(request))
        assert d.outcome.value == outcome, (days, d.to_dict())


def test_a_relationship_with_another_legal_entity_does_not_exempt() -> None:
    request = {
        "contact": {"phone": PHONE["CA"], "country": "CA", "subscriber_type": "individual"},
        "channel": "call",
        "campaign": {"legal_entity": "Northwind Ltd"},
        "relationship": {"kind": "customer", "legal_entity": "Other Inc", "last_interaction": str(date.today())},
    }
    d = Lawfulreach(state=memory_state("listed"), clock=lambda: NOW).check(parse_request(request))
    assert d.outcome.value == "blocked"
    assert "dnc_registered" in d.reason_codes


# --- the rules are data: a tenant can change them without code ---------------------------------------


def test_a_tenant_override_changes_the_relationship_window(tmp_path: Path) -> None:
    from lawfulreach.rules import load_rulebase

    override = tmp_path / "windows.toml"
    override.write_text("[established_relationship.US]\nnegotiation_months = 1\n", encoding="utf-8")
    request = {
        "contact": {"phone": PHONE["US"], "country": "US", "subscriber_type": "individual"},
        "channel": "call",
        "campaign": {"legal_entity": "Northwind Ltd"},
        "relationship": {
            "kind": "negotiation",
            "legal_entity": "Northwind Ltd",
            "last_interaction": (TODAY - timedelta(days=60)).isoformat(),
        },
    }
    shipped = Lawfulreach(state=memory_state("listed"), clock=lambda: NOW).check(parse_request(request))
    tenant = Lawfulreach(rulebase=load_rulebase([override]), state=memory_state("listed"), clock=lambda: NOW)
    assert shipped.outcome.value == "allowed"
    assert tenant.check(parse_request(request)).outcome.value == "blocked"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "rows.csv",
            "country,channel,level,dnc_check,dnc_subscribers,citation\nUS,call,opt_out,yes,sole_traders,x\n",
            "unknown subscriber type 'sole_traders' in dnc_subscribers",
        ),
        (
            "rows.csv",
            "country,channel,level,dnc_check,dnc_subscribers,citation\nUS,call,opt_out,no,individual,x\n",
            "dnc_subscribers is set but dnc_check is not yes",
        ),
        ("old.toml", "[ca]\nimplied_consent_customer_months = 12\n", "the [ca] section is no longer read"),
        ("bad.toml", "[established_relationship.US]\nchannels = ['sms']\n", "for live calls only"),
        ("bad.toml", "[requirements.US]\nfax = ['caller_id']\n", "unknown key(s) ['fax']"),
    ],
)
def test_bad_north_american_rule_data_is_refused(tmp_path: Path, name: str, text: str, message: str) -> None:
    from lawfulreach.errors import RuleBaseError
    from lawfulreach.rules import load_rulebase

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleBaseError, match=re.escape(message)):
        load_rulebase([path])


@pytest.mark.parametrize(
    ("country", "fragments"),
    [
        (
            "US",
            [
                "sms prior opt-in",
                "47 U.S.C. §227(b)",
                "National DNC (max 31 days); for sole traders, partnerships, individuals only",
                "16 CFR §310.6(b)(7)",
                "a purchase within 18 months or an inquiry within 3 months",
                "sender_identity, opt_out_link",
            ],
        ),
        (
            "CA",
            [
                "automated_call prior opt-in",
                "Part IV (Automatic Dialing-Announcing Device Rules)",
                "DNCL (max 31 days); for individuals only",
                "a purchase within 18 months or an inquiry within 6 months",
                "a purchase within 24 months or an inquiry within 6 months",
            ],
        ),
    ],
)
def test_rules_show_prints_the_spec_6_rules(country: str, fragments: list[str], tmp_path: Path) -> None:
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "lawfulreach", "rules", "show", country],
        capture_output=True,
        text=True,
        env={"LAWFULREACH_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "COLUMNS": "400"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    rows = _table_cells(proc.stdout)
    text = " | ".join(rows)
    for fragment in fragments:
        assert fragment in text, fragment


def _table_cells(output: str) -> list[str]:
    """Each table row's cells, with the lines a cell was folded over joined back (rich tables)."""
    rows: list[list[str]] = []
    current: list[list[str]] | None = None
    for line in output.splitlines():
        if line.startswith("│"):
            parts = [p.strip() for p in line.strip("│").split("│")]
            if current is None:
                current = [[] for _ in parts]
            for i, part in enumerate(parts):
                if part:
                    current[i].append(part)
        elif current is not None:
            rows.append([" ".join(cell) for cell in current])
            current = None
    return [" ".join(row) for row in rows]
