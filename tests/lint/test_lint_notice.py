"""``lint`` and the generated privacy notice: with no notice URL of its own, the organisation's
messages must link to ``<public_url>/privacy`` (``/t/<tenant>/privacy`` for another tenant)."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from pathlib import Path

from lawfulreach.commands.lint import sender_for
from lawfulreach.domain.model import Campaign
from lawfulreach.store import Workspace
from lawfulreach.store.profiles import Profile, ProfileRepo
from lr_testkit import RunLawfulreach

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lint"
CAMPAIGN = str(FIXTURES / "campaign.toml")
GENERATED = "https://optout.northwind.example/privacy"


def test_the_generated_notice_is_the_expected_link(ws: Workspace, cli: RunLawfulreach, tmp_path: Path) -> None:
    ProfileRepo(ws.scope).put(Profile("Northwind Analytics Ltd", public_url="https://optout.northwind.example"))
    message = email.message_from_bytes((FIXTURES / "gb_compliant.eml").read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    for part in message.walk():
        if part.get_content_maintype() == "text":
            body = part.get_content().replace("https://northwind.example/privacy", GENERATED)
            part.set_content(body, subtype=part.get_content_subtype())
    good = tmp_path / "generated.eml"
    good.write_bytes(message.as_bytes())
    run = cli("lint", str(good), "--campaign", CAMPAIGN, "--channel", "email", "--country", "GB")
    assert run.code == 0, run.out
    run = cli("lint", str(FIXTURES / "gb_compliant.eml"), "--campaign", CAMPAIGN, "--channel", "email",
              "--country", "GB")  # fmt: skip
    assert run.code == 1
    assert GENERATED in run.out


def test_own_url_wins_and_other_tenants_get_their_path() -> None:
    campaign = Campaign(legal_entity="Northwind Analytics Ltd")
    profile = Profile("Northwind", public_url="https://optout.northwind.example")
    assert sender_for(campaign, profile).privacy_notice_url == GENERATED
    assert sender_for(campaign, profile, "acme").privacy_notice_url == "https://optout.northwind.example/t/acme/privacy"
    own = Profile("Northwind", privacy_notice_url="https://northwind.example/p", public_url="https://o.example")
    assert sender_for(campaign, own).privacy_notice_url == "https://northwind.example/p"
    assert sender_for(campaign, Profile("Northwind")).privacy_notice_url is None
