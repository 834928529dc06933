"""What the send tests (tests/outreach) share: a workspace with an organisation profile, a stored campaign, a screened
list, a template, a DKIM key and a real SMTP server (``smtp_support``) with STARTTLS and AUTH."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lawfulreach.cli.context import CliContext
from lawfulreach.commands.send import SendOptions, SendReport, send
from lawfulreach.messaging.smtp import SmtpSecurity, SmtpTransport
from lawfulreach.outreach.dkim import DkimSigner
from lawfulreach.store import Workspace, WorkspaceSettings
from lr_testkit import RunLawfulreach
from smtp_support import PASSWORD, USER, Received, client_context, server_context, smtp_server

CAMPAIGN = """
name = "Q4 launch"
purpose = "marketing"
legal_entity = "Northwind Ltd"
products = ["software"]
lia = "passed"
"""
TEMPLATE = '''
subject = "Invoices at {{ company }}"
text = """Hello {{ first_name or "there" }},

Northwind Ltd helps {{ company }} get paid on time.
"""
html = """<html><body><p>Hello {{ first_name or "there" }},</p>
<p>Northwind Ltd helps {{ company }} get paid on time.</p></body></html>"""
'''
ORG = {
    "organisation": "Northwind Ltd",
    "mail_from": "hello@northwind.example",
    "public_url": "https://optout.northwind.example",
    "postal_address": "1 High Street\nLondon EC1A 1AA",
    "privacy_notice_url": "https://northwind.example/privacy",
}
SELECTOR, DOMAIN = "lr2026", "northwind.example"


def leads(n: int, start: int = 0) -> str:
    rows = [f"lead{i}@buyer{i}.example,Lead{i},Buyer {i} Ltd,GB,corporate" for i in range(start, start + n)]
    return "email,first_name,company,country,subscriber_type\n" + "\n".join(rows) + "\n"


@dataclass
class Setup:
    ws: Workspace
    settings: WorkspaceSettings
    cli: RunLawfulreach
    tmp: Path
    template: Path
    signer: DkimSigner
    key_file: Path
    certificate: tuple[Path, Path]

    def screened(self, n: int, name: str = "screened.csv", start: int = 0) -> Path:
        source = self.tmp / f"in-{name}"
        source.write_text(leads(n, start), encoding="utf-8")
        out = self.tmp / name
        run = self.cli("screen", str(source), "--campaign", "q4", "--channels", "email", "--out", str(out))
        assert run.code == 0, run.err
        return out

    def transport(self, port: int) -> SmtpTransport:
        return SmtpTransport(
            "127.0.0.1", port, USER, PASSWORD, security=SmtpSecurity.STARTTLS, context=client_context(self.certificate)
        )

    @contextmanager
    def server(self, received: Received | None = None) -> Iterator[tuple[Received, int]]:
        with smtp_server(received, tls_context=server_context(self.certificate), require_starttls=True) as got:
            yield got

    def send(self, path: Path, port: int | None, **options: object) -> SendReport:
        extra = {k: options.pop(k) for k in list(options) if k in ("before_message", "smtp_retries", "require_dkim")}
        return send(
            CliContext(db_url=self.settings.url),
            path,
            SendOptions(campaign="q4", template=self.template, **options),  # type: ignore[arg-type]
            transport=self.transport(port) if port is not None else None,
            signer=self.signer,
            smtp_backoff=0.0,
            **extra,
        )

    def dns(self) -> Callable[..., bytes]:
        record = self.signer.public_record().encode()

        def lookup(name: bytes, timeout: int = 5) -> bytes:
            assert name == f"{SELECTOR}._domainkey.{DOMAIN}.".encode()
            return record

        return lookup
