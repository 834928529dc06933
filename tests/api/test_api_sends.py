"""``POST /v1/sends``: the library call of ``lawfulreach send`` over HTTP, through a real SMTP server
(aiosmtpd with AUTH), DKIM-signed with the server's key; a retried request sends nobody twice."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from api_support import Api
from lawfulreach.messaging import MailSettings
from lawfulreach.outreach.dkim import DkimSigner
from lawfulreach.schema import parse_campaign
from lawfulreach.store import Subject
from lia_support import approved
from smtp_support import PASSWORD, USER, smtp_server

TEMPLATE = {"subject": "Invoices at {{ company }}", "text": "Hello {{ first_name }},\n\nNorthwind helps.\n"}
CONTACTS = [
    {"email": f"lead{i}@buyer{i}.example", "first_name": f"Lead{i}", "company": f"Buyer {i} Ltd", "country": "GB"}
    for i in range(3)
]


@pytest.fixture
def signer(tmp_path: Path) -> DkimSigner:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "dkim.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    path.chmod(0o600)
    return DkimSigner.load(path, "lr2026", "northwind.example")


def ready(api: Api) -> None:
    handle = api.backend.tenant_named(api.tenant("default"))
    handle.campaigns.put("q4", parse_campaign({"name": "Q4", "legal_entity": "Northwind Ltd", "products": ["x"]}))
    approved(handle.workspace, "q4")
    api.call(
        "PUT",
        "/v1/organisation",
        json={
            "organisation": "Northwind Ltd",
            "postal_address": "1 High Street, London EC1A 1AA",
            "public_url": "https://optout.northwind.example",
            "mail_from": "hello@northwind.example",
        },
    ).raise_for_status()


def body(**extra: Any) -> dict[str, Any]:
    return {"campaign": "q4", "template": TEMPLATE, "contacts": CONTACTS, **extra}


def test_sends_each_contact_once_signed_and_decided_again(make_api: Callable[..., Api], signer: DkimSigner) -> None:
    with smtp_server(auth_require_tls=False) as (received, port):
        mail = MailSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_user=USER, smtp_password=PASSWORD)
        api = make_api(mail=mail, dkim=signer)
        ready(api)
        api.workspace().ledger.opt_out(Subject("email", "lead2@buyer2.example"), source="replied stop")
        first = api.call("POST", "/v1/sends", role="marketer", json=body())
        assert first.status_code == 200, first.text
        report = first.json()
        assert (report["sent"], report["refused"], report["refusal_reasons"]) == (2, 1, {"opted_out": 1})
        again = api.call("POST", "/v1/sends", role="marketer", json=body()).json()
        assert (again["sent"], again["already_sent"]) == (0, 2)
    assert sorted(received.recipients()) == ["lead0@buyer0.example", "lead1@buyer1.example"]
    record = signer.public_record().encode()
    assert all(dkim.verify(raw, dnsfunc=lambda name, timeout=5: record) for raw in received.messages())
    run = api.workspace().evidence.run(report["run"])
    assert (run.kind, run.decisions) == ("send", 3)


def test_a_dry_run_returns_the_messages_and_sends_nothing(make_api: Callable[..., Api]) -> None:
    api = make_api()
    ready(api)
    answer = api.call("POST", "/v1/sends", json=body(dry_run=True))
    assert answer.status_code == 200, answer.text
    messages = answer.json()["messages"]
    assert [m["contact"] for m in messages] == [1, 2, 3]
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in messages[0]["eml"]
    assert api.workspace().send_log.counts("q4", answer.json()["campaign"]["version"]) == {}


def test_refusals(make_api: Callable[..., Api]) -> None:
    api = make_api()
    assert api.call("POST", "/v1/sends", json=body(dry_run=True)).status_code == 422  # no such campaign
    ready(api)
    assert api.call("POST", "/v1/sends", json=body(dry_run=True), role="readonly").status_code == 403
    bad = api.call("POST", "/v1/sends", json={**body(dry_run=True), "template": {"subject": "x", "text": "{% if"}})
    assert bad.status_code == 422
    assert "TemplateSyntaxError" in bad.json()["detail"]
