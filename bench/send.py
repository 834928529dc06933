"""Benchmark: ``lawfulreach send`` — messages a second to a local SMTP server, DKIM-signed.

    python bench/send.py --rows 10000 [--db postgresql+psycopg://…] [--no-tls]

A fresh workspace (SQLite file by default) with an organisation profile, a stored campaign with an
approved LIA, and a screened list of ``--rows`` UK corporate contacts; an aiosmtpd server in a
*separate process* (on a 2-core machine, a server in the sender's own process would share its GIL and
halve the figure), with STARTTLS and AUTH unless ``--no-tls``. Then ``commands.send`` — the CLI's own
path: each row decided again over its current state, composed, DKIM-signed (RSA-2048), claimed in the
send log before ``DATA`` and marked after, one evidence run — over one connection.

The floor, measured in the same run against the same server: the same number of pre-built messages
handed over one ``smtplib`` connection with nothing else done (no deciding, composing, signing or
logging) — what the server, TLS and the loopback cost on their own. Goal (issue "outreach loop"):
≥ 200 messages a second on this 2-core machine.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import ssl
import tempfile
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from lawfulreach import commands
from lawfulreach.cli.context import CliContext
from lawfulreach.commands import lia
from lawfulreach.commands.send import SendOptions, send
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.messaging.smtp import SmtpSecurity, SmtpTransport
from lawfulreach.outreach.dkim import DkimSigner

USER, PASSWORD = "bench", "bench-secret"
CAMPAIGN = 'name = "bench"\npurpose = "marketing"\nlegal_entity = "Northwind Ltd"\nproducts = ["software"]\n'
TEMPLATE = '''subject = "Invoices at {{ company }}"
text = """Hello {{ first_name or "there" }},

Northwind Ltd helps {{ company }} get paid on time: one dashboard for every unpaid invoice.
"""
html = """<html><body><p>Hello {{ first_name or "there" }},</p>
<p>Northwind Ltd helps {{ company }} get paid on time: one dashboard for every unpaid invoice.</p></body></html>"""
'''
#: a passing legitimate interests assessment (the ICO template's questions, an ordinary B2B campaign)
LIA: dict[str, Any] = {
    "purpose.interest": "Marketing our invoicing software to finance managers of UK companies.",
    "purpose.benefit": "New customers; the product saves recipients' companies time.",
    "purpose.third_party_benefit": "Recipients' companies are paid sooner.",
    "purpose.lawful_and_ethical": True,
    "necessity.achieves_purpose": True,
    "necessity.proportionate": True,
    "necessity.less_intrusive_alternative": False,
    "necessity.data_minimised": True,
    "balancing.special_category_data": False,
    "balancing.vulnerable_people": False,
    "balancing.capacity": "professional",
    "balancing.relationship": "none",
    "balancing.data_source": "public_business_source",
    "balancing.privacy_notice_given": True,
    "balancing.reasonably_expected": True,
    "balancing.profiling": False,
    "balancing.large_scale": False,
    "balancing.likely_impact": "minimal",
    "balancing.opt_out_in_every_message": True,
    "balancing.objections_honoured": True,
    "balancing.other_safeguards": "Suppression list screened before every send.",
    "conclusion.summary": "A relevant offer to people in their professional role, with notice and an opt-out.",
}


def _certificate(directory: Path) -> tuple[Path, Path]:
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def _serve(port: int, certificate: tuple[str, str] | None, ready: Any, stop: Any, count: Any) -> None:
    """The SMTP server process: accepts everything, counts messages."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
            with count.get_lock():
                count.value += 1
            return "250 OK"

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (USER.encode(), PASSWORD.encode())
        return AuthResult(success=ok)

    extra: dict[str, Any] = {"auth_require_tls": False}
    if certificate is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*certificate)
        extra = {"tls_context": context, "require_starttls": True}
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, authenticator=authenticate, **extra)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _cli(ctx: CliContext, *args: str) -> None:
    from lawfulreach.cli.app import main

    try:
        main(["--db", ctx.settings().url, *args])
    except SystemExit as exc:
        if exc.code:
            raise RuntimeError(f"lawfulreach {' '.join(args)} failed") from None


def _floor(transport: SmtpTransport, rows: int) -> float:
    """Pre-built messages over one connection, nothing else done."""
    messages = []
    for i in range(rows):
        m = EmailMessage()
        m["From"], m["To"], m["Subject"] = "hello@northwind.example", f"lead{i}@buyer{i}.example", "Invoices"
        m.set_content("Hello,\n\nNorthwind Ltd helps you get paid on time.\n" + ("x" * 60 + "\n") * 20)
        messages.append((m["To"], m.as_bytes(policy=policy.SMTP)))
    t0 = time.perf_counter()
    with transport.connect() as smtp:
        for to, data in messages:
            smtp.sendmail("hello@northwind.example", [to], data)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--db", default=None, help="workspace URL (default: a fresh SQLite file)")
    parser.add_argument("--no-tls", action="store_true", help="plain SMTP (no STARTTLS)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        os.environ["LAWFULREACH_HOME"] = str(home)
        certificate = None if args.no_tls else _certificate(home)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_file = home / "dkim.pem"
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        key_file.chmod(0o600)
        leads = home / "leads.csv"
        with leads.open("w", encoding="utf-8") as f:
            f.write("email,first_name,company,country,subscriber_type\n")
            for i in range(args.rows):
                f.write(f"lead{i}@buyer{i}.example,Lead{i},Buyer {i} Ltd,GB,corporate\n")
        (home / "campaign.toml").write_text(CAMPAIGN, encoding="utf-8")
        (home / "template.toml").write_text(TEMPLATE, encoding="utf-8")
        ctx = CliContext(db_url=args.db)
        port = _free_port()
        ready, stop, count = mp.Event(), mp.Event(), mp.Value("i", 0)
        server = mp.Process(
            target=_serve,
            args=(port, tuple(map(str, certificate)) if certificate else None, ready, stop, count),
            daemon=True,
        )
        server.start()
        try:
            ws = ctx.workspace()
            ws.profiles.update(
                organisation="Northwind Ltd",
                mail_from="hello@northwind.example",
                public_url="https://optout.northwind.example",
                postal_address="1 High Street\nLondon EC1A 1AA",
                privacy_notice_url="https://northwind.example/privacy",
            )
            _cli(ctx, "campaign", "create", str(home / "campaign.toml"), "--id", "q4-bench")
            started = lia.start(ctx, "q4-bench", LIA)
            lia.approve(ctx, started.id, "Bench Officer")
            screened = home / "screened.csv"
            commands.screen(ctx, leads, "q4-bench", channels=[Channel.EMAIL], out=screened)
            ready.wait(10)
            context = ssl.create_default_context(cafile=str(certificate[0])) if certificate else None
            security = SmtpSecurity.AUTO if args.no_tls else SmtpSecurity.STARTTLS
            transport = SmtpTransport("127.0.0.1", port, USER, PASSWORD, security=security, context=context)
            floor = _floor(transport, args.rows)
            signer = DkimSigner.load(key_file, "bench", "northwind.example")
            t0, c0 = time.perf_counter(), time.process_time()
            options = SendOptions("q4-bench", home / "template.toml")
            report = send(ctx, screened, options, transport=transport, signer=signer)
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        finally:
            stop.set()
            server.join(10)
            ctx.close()
        assert report.sent == args.rows, report.as_json()
        assert count.value == 2 * args.rows, count.value
        tls = "plain SMTP" if args.no_tls else "STARTTLS + AUTH"
        where = "SQLite file" if args.db is None else "PostgreSQL"
        print(f"{args.rows:,} messages to a local aiosmtpd server (its own process, {tls}); workspace: {where}")
        print(f"floor (pre-built messages over one connection, nothing else done): {args.rows / floor:,.0f} messages/s")
        print(
            f"lawfulreach send (decide again, compose, DKIM RSA-2048, send log claim + mark, evidence): "
            f"{elapsed:.1f} s = {args.rows / elapsed:,.0f} messages/s over {report.connections} connection(s) "
            f"(goal ≥ 200/s)"
        )
        print(
            f"CPU time of the sending process: {cpu / args.rows * 1000:.2f} ms a message "
            f"(= {args.rows / cpu:,.0f} messages/s of CPU; the machine's load makes the wall-clock figure vary)"
        )


if __name__ == "__main__":
    main()
