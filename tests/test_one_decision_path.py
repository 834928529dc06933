"""One decision path: the CLI, the API, the batch path and the library make the same decisions with
the same rule-base version, and every decision reaches the sinks (issue 13, item 1).

Generated requests (the strategies of ``test_front_ends``) go through ``lawfulreach check`` (in
process, with the CLI's own context and a frozen clock), ``POST /v1/check/batch`` and ``/v1/check``
(in-process ASGI), ``Lawfulreach.screen`` (what ``lawfulreach screen`` runs) and
``Lawfulreach.decide``. All four read the same (empty) workspace; the whole decision must match,
record fields included.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lawfulreach import Decision, Lawfulreach, parse_request
from lawfulreach.api.app import create_app
from lawfulreach.api.backend import Backend
from lawfulreach.api.config import ApiConfig
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.cli.app import app
from lawfulreach.cli.context import CliContext
from lawfulreach.domain.state import InMemoryState
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.messaging import MemoryTransport
from lawfulreach.rules import default_rulebase, load_rulebase
from lawfulreach.service import DecisionSink
from lawfulreach.store import WorkspaceSettings
from lawfulreach.store.api_keys import ApiKeyRepo
from test_front_ends import CAMPAIGN, _as_row, requests

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@dataclass
class ListSink:
    """A sink that keeps what it is handed, call by call."""

    calls: list[list[Decision]] = field(default_factory=list)

    def record(self, decisions: Sequence[Decision]) -> None:
        self.calls.append(list(decisions))

    @property
    def decisions(self) -> list[Decision]:
        return [d for call in self.calls for d in call]


@dataclass
class FrontEnds:
    client: TestClient
    headers: dict[str, str]
    sink: ListSink
    env: dict[str, str]


@pytest.fixture(scope="module")
def front_ends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FrontEnds]:
    directory = tmp_path_factory.mktemp("one-path")
    url = f"sqlite:///{directory}/ws.sqlite"
    key_file = directory / "keys" / "workspace.key"
    sink = ListSink()
    config = ApiConfig(
        workspace=WorkspaceSettings(url=url, key_file=key_file), public_url="https://x.test", key_cache_seconds=0.0
    )
    backend = Backend.open(config, transport=MemoryTransport(), clock=lambda: NOW, sinks=[sink])
    token = ApiKeyRepo(backend.tenant_named("default").workspace.scope).create("admin", "one path").token
    client = TestClient(create_app(backend))
    env = {
        "LAWFULREACH_DATABASE_URL": url,
        "LAWFULREACH_KEY_FILE": str(key_file),
        "LAWFULREACH_HOME": str(directory / "home"),
    }
    try:
        yield FrontEnds(client, {"Authorization": f"Bearer {token}"}, sink, env)
    finally:
        client.close()
        backend.close()


def _cli_check(lines: list[dict[str, Any]], env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """``lawfulreach check -`` in process: the CLI's own context and service, on a frozen clock."""
    built = CliContext.service

    def frozen(self: CliContext) -> Lawfulreach:
        service = built(self)
        service.clock = lambda: NOW
        return service

    monkeypatch.setattr(CliContext, "service", frozen)
    stdin = "\n".join(json.dumps(r) for r in lines) + "\n"
    result = CliRunner().invoke(app, ["check", "-"], input=stdin, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def _screen(service: Lawfulreach, batch: list[dict[str, Any]]) -> list[Decision | None]:
    """Each request's decision on the batch path, grouped by channel as ``screen --channels`` runs."""
    campaign = parse_request({"contact": {}, "channel": "email", "campaign": CAMPAIGN}).campaign
    out: list[Decision | None] = [None] * len(batch)
    for channel in Channel:
        idx = [i for i, r in enumerate(batch) if r["channel"] == channel.value]
        if idx:
            frame = pl.DataFrame([_as_row(batch[i]) for i in idx])
            result = service.screen(frame, [channel], campaign, BatchSnapshot.from_memory(InMemoryState()))
            for pos, i in enumerate(idx):
                out[i] = result.decision(channel, pos)
    return out


class TestOnePath:
    """Four front ends, one decision service."""

    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(batch=st.lists(requests, min_size=1, max_size=25))
    def test_cli_api_batch_and_library_agree(
        self, batch: list[dict[str, Any]], front_ends: FrontEnds, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        for req in batch:
            req["campaign"] = CAMPAIGN
        version = default_rulebase().version
        sink = ListSink()
        library = Lawfulreach(clock=lambda: NOW, sinks=[sink]).decide([parse_request(r) for r in batch])
        expected = [d.to_json() for d in library]
        assert {d.rulebase_version for d in library} == {version}
        assert {d.decided_at for d in library} == {NOW}
        assert sink.decisions == library

        assert _cli_check(batch, front_ends.env, monkeypatch) == expected

        before = len(front_ends.sink.decisions)
        response = front_ends.client.post("/v1/check/batch", json={"requests": batch}, headers=front_ends.headers)
        assert response.status_code == 200, response.text
        assert response.json()["results"] == expected
        single = front_ends.client.post("/v1/check", json=batch[0], headers=front_ends.headers)
        assert single.json() == expected[0]
        assert [d.to_json() for d in front_ends.sink.decisions[before:]] == [*expected, expected[0]]

        batch_sink = ListSink()
        screened = _screen(Lawfulreach(clock=lambda: NOW, sinks=[batch_sink]), batch)
        assert [d.to_json() if d else None for d in screened] == expected
        assert sorted(map(id, batch_sink.decisions)) == sorted(map(id, screened))


class TestRuleBaseVersion:
    """``rb-<12 hex>``: a hash of the canonical rule data, stable across processes and formatting."""

    def test_shape_and_stable_across_loads(self) -> None:
        version = default_rulebase().version
        assert version.startswith("rb-")
        assert len(version) == 15
        assert load_rulebase().version == version

    def test_same_in_another_process(self) -> None:
        code = "from lawfulreach.rules import default_rulebase; print(default_rulebase().version)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        assert out.strip() == default_rulebase().version

    def test_an_override_changes_it_and_layout_does_not(self, tmp_path: Path) -> None:
        shipped = default_rulebase().version
        tight = tmp_path / "tight.csv"
        tight.write_text("country,channel,level\nGB,call,opt_in\n")
        padded = tmp_path / "padded.csv"
        padded.write_text("channel,level,country\n  call , opt_in,GB\n")
        assert load_rulebase([tight]).version != shipped
        assert load_rulebase([padded]).version == load_rulebase([tight]).version
        toml_a = tmp_path / "a.toml"
        toml_a.write_text("[dnc.max_age_days]\nTPS = 20\nCTPS = 20\n")
        toml_b = tmp_path / "b.toml"
        toml_b.write_text("[dnc.max_age_days]\nCTPS   =   20\n\nTPS = 20\n")
        assert load_rulebase([toml_a]).version == load_rulebase([toml_b]).version != shipped

    def test_workspace_register_ages_fold_in(self) -> None:
        rb = default_rulebase()
        assert rb.with_register_ages({}).version == rb.version
        aged = rb.with_register_ages({"TPS": 10})
        assert aged.version != rb.version
        assert aged.version.startswith("rb-")
        assert aged.overlays.dnc_max_age_days["TPS"] == 10


def test_no_sink_by_default() -> None:
    assert Lawfulreach().sinks == ()
    sink: DecisionSink = ListSink()  # the protocol is what a sink implements
    assert isinstance(sink, ListSink)
