"""Fixtures of the send tests; the helpers are in ``outreach_support``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from lawfulreach.outreach.dkim import DkimSigner
from lawfulreach.store import Workspace, WorkspaceSettings
from lia_support import PASSING, toml
from lr_testkit import RunLawfulreach
from outreach_support import CAMPAIGN, DOMAIN, ORG, SELECTOR, TEMPLATE, Setup
from smtp_support import PASSWORD, USER, make_certificate


@pytest.fixture(scope="session")
def dkim_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("dkim") / "dkim.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    path.chmod(0o600)
    return path


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def setup(
    ws: Workspace,
    settings: WorkspaceSettings,
    cli: RunLawfulreach,
    tmp_path: Path,
    dkim_key: Path,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> Setup:
    monkeypatch.setenv("LAWFULREACH_SMTP_USER", USER)
    monkeypatch.setenv("LAWFULREACH_SMTP_PASSWORD", PASSWORD)
    ws.profiles.update(**ORG)
    campaign = tmp_path / "q4.toml"
    campaign.write_text(CAMPAIGN, encoding="utf-8")
    made = cli("campaign", "create", str(campaign), "--id", "q4")
    assert made.code == 0, made.err
    answers = tmp_path / "q4-lia.toml"
    answers.write_text(toml(PASSING), encoding="utf-8")
    started = json.loads(cli("lia", "start", "--campaign", "q4", "--answers", str(answers), "--json").out)
    assert cli("lia", "approve", started["id"], "--by", "Dana Officer").code == 0
    template = tmp_path / "template.toml"
    template.write_text(TEMPLATE, encoding="utf-8")
    signer = DkimSigner.load(dkim_key, SELECTOR, DOMAIN)
    return Setup(ws, settings, cli, tmp_path, template, signer, dkim_key, certificate)
