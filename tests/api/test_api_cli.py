"""``keys api create|list|revoke``, ``unsubscribe-headers`` and ``serve`` as a user meets them.

``serve`` is started for real — the console script's code path on the embedded default workspace,
one command — in a second process on loopback, and answered over HTTP.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from lawfulreach.store import Workspace, WorkspaceSettings
from lawfulreach.store.tenancy import workspace_key
from lawfulreach.unsubscribe import Recipient, TokenCodec
from lr_testkit import Run, RunLawfulreach, free_port

ENTRY = "from lawfulreach.cli.app import main; main()"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_lawfulreach: RunLawfulreach) -> RunLawfulreach:
    """``lawfulreach ARGS`` on an SQLite workspace named by ``LAWFULREACH_DATABASE_URL``."""
    monkeypatch.setenv("LAWFULREACH_DATABASE_URL", f"sqlite:///{tmp_path / 'ws.sqlite'}")
    return run_lawfulreach


class TestKeys:
    def test_create_list_revoke(self, cli: Callable[..., Run]) -> None:
        made = cli("keys", "api", "create", "--role", "marketer", "--name", "CRM sync")
        assert made.code == 0, made.err
        token = made.out.strip()
        assert token.startswith("lr_")
        assert "not shown again" in made.err
        listed = json.loads(cli("keys", "api", "list", "--json").out)
        assert [(k["role"], k["name"], k["revoked_at"]) for k in listed] == [("marketer", "CRM sync", None)]
        assert token not in cli("keys", "api", "list").out
        key_id = listed[0]["key_id"]
        assert cli("keys", "api", "revoke", key_id).out.strip() == f"key {key_id} (marketer) revoked"
        assert "revoked" in cli("keys", "api", "list").out

    def test_errors_are_one_line(self, cli: Callable[..., Run]) -> None:
        bad = cli("keys", "api", "create", "--role", "owner")
        assert bad.code == 1
        assert bad.err.strip() == "error: unknown role 'owner'; use one of admin, compliance, marketer, readonly"
        missing = cli("keys", "api", "revoke", "000000000000")
        assert missing.code == 1
        assert "has no API key '000000000000'" in missing.err

    def test_keys_belong_to_the_tenant_given(self, cli: Callable[..., Run]) -> None:
        assert cli("tenant", "add", "acme").code == 0
        cli("--tenant", "acme", "keys", "api", "create", "--role", "admin")
        assert json.loads(cli("keys", "api", "list", "--json").out) == []
        assert len(json.loads(cli("--tenant", "acme", "keys", "api", "list", "--json").out)) == 1


@pytest.mark.parametrize(
    "mailto",
    [
        "u@x.example>\r\nBcc: victim@y.example",
        "u@x.example>, <https://evil.example/",
        "<https://evil.example/u@x.example",
        "u@x.example%0d%0aBcc:%20v@y.example",
        "not an address",
        "u@x.example?cc=boss@x.example",
    ],
)
def test_unsubscribe_headers_refuse_hostile_mailto(cli: Callable[..., Run], mailto: str) -> None:
    result = cli(
        "unsubscribe-headers", "--email", "a@b.de", "--public-url", "https://optout.example", "--mailto", mailto
    )
    assert result.code == 1, result.out
    assert result.err.startswith("error: the mailto")
    assert len(result.err.strip().splitlines()) == 1
    assert result.out == ""


def test_unsubscribe_headers_encode_the_mailto(cli: Callable[..., Run]) -> None:
    result = cli(
        "unsubscribe-headers",
        "--email",
        "a@b.de",
        "--public-url",
        "https://optout.example",
        "--mailto",
        "mailto:un+sub@bücher.example?subject=stop",
    )
    assert result.code == 0, result.err
    assert result.out.splitlines()[0].endswith(", <mailto:un+sub@xn--bcher-kva.example?subject=stop>")


def test_unsubscribe_headers(cli: Callable[..., Run], tmp_path: Path) -> None:
    result = cli("unsubscribe-headers", "--email", "Jana+x@Firma.de", "--public-url", "https://optout.example")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("List-Unsubscribe: <https://optout.example/u/")
    assert lines[1] == "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
    assert "jana" not in result.out.lower()
    phone = ("unsubscribe-headers", "--phone", "+44 20 7946 0018", "--channel", "sms", "--json")
    refused = cli(*phone)  # the default public URL is http://127.0.0.1:8000: development only
    assert refused.code == 1
    assert "must be https://" in refused.err
    data = json.loads(cli(*phone, "--allow-http-links").out)
    token = data["unsubscribe_url"].rsplit("/", 1)[1]
    settings = WorkspaceSettings.resolve()
    recipient = TokenCodec(workspace_key(settings)).read(token)
    with Workspace.open(settings) as ws:
        assert recipient == Recipient(ws.scope.tenant_id, "phone", "+442079460018", "sms")
    assert data["preferences_url"] == data["unsubscribe_url"] + "/preferences"


def _cli(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args], env=env, capture_output=True, text=True, timeout=60, check=True
    ).stdout.strip()


def _serve(tmp_path: Path, *before: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str], subprocess.Popen[str]]]:
    """``lawfulreach serve`` with nothing but a home directory (the embedded default workspace), after
    the commands in ``before``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWFULREACH_")}
    env["LAWFULREACH_HOME"] = str(tmp_path / "home")
    port = free_port()
    key = _cli(env, "keys", "api", "create", "--role", "admin")
    for command in before:
        _cli(env, *command)
    proc = subprocess.Popen(
        # Plain http on loopback: a development server, which must say so to issue links.
        [sys.executable, "-c", ENTRY, "serve", "--port", str(port), "--allow-http-links"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{base}/v1/health", timeout=1).raise_for_status()
            break
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"serve did not start: {proc.communicate()[0]}") from None
            time.sleep(0.1)
    try:
        yield base, {"Authorization": f"Bearer {key}"}, proc
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], subprocess.Popen[str]]]:
    yield from _serve(tmp_path)


ORG = (
    "org",
    "set",
    "--name",
    "Northwind Analytics Ltd",
    "--postal-address",
    "1 Harbour Street, Leeds LS1 4AB",
    "--privacy-url",
    "https://northwind.example/privacy",
    "--public-url",
    "https://optout.northwind.example",
    "--mail-from",
    "privacy@northwind.example",
)


def test_serve_reads_the_organisation_profile(tmp_path: Path) -> None:
    """``org set`` once, then ``serve`` with no options: links on the profile's public URL, the
    profile's name on the pages, and no warning about an incomplete profile."""
    served = _serve(tmp_path, ORG)
    base, auth, proc = next(served)
    try:
        link = httpx.post(f"{base}/v1/unsubscribe-links", headers=auth, json={"email": "ann@firma.de"}).json()
        assert link["unsubscribe_url"].startswith("https://optout.northwind.example/u/")
        page = httpx.get(f"{base}/u/{link['token']}").text
        assert "Northwind Analytics Ltd" in page
    finally:
        for _ in served:
            pass
    log = proc.communicate(timeout=15)[0]
    assert "pages on https://optout.northwind.example" in log
    assert "incomplete" not in log


def test_serve_starts_on_the_default_workspace_with_one_command(
    server: tuple[str, dict[str, str], subprocess.Popen[str]], tmp_path: Path
) -> None:
    base, auth, proc = server
    assert (tmp_path / "home" / "workspace.sqlite").exists()
    me = httpx.get(f"{base}/v1/me", headers=auth).json()
    assert (me["tenant"], me["role"]) == ("default", "admin")
    schema = httpx.get(f"{base}/v1/openapi.json").json()
    assert schema["info"]["title"] == "lawfulreach"
    assert "/v1/check" in schema["paths"]
    body = {"contact": {"email": "secret.person@firma.de"}, "channel": "email"}
    assert httpx.post(f"{base}/v1/check", headers=auth, json=body).json()["outcome"] == "blocked"
    link = httpx.post(f"{base}/v1/unsubscribe-links", headers=auth, json={"email": "secret.person@firma.de"}).json()
    token = link["token"]
    assert httpx.get(f"{base}/u/{token}").status_code == 200
    proc.terminate()
    log = proc.communicate(timeout=15)[0]
    assert "lawfulreach API on http://127.0.0.1" in log
    assert "organisation profile is incomplete" in log  # nothing set: serve says so, and how to fix it
    assert "lawfulreach org set" in log
    assert "POST /v1/check 200" in log  # the access log names routes ...
    assert "GET /u/{token} 200" in log
    assert token not in log  # ... never tokens or addresses
    assert "secret.person" not in log
