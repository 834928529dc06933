"""A real SMTP server for the tests (aiosmtpd on a free local port), with STARTTLS / implicit TLS,
AUTH and a self-signed certificate made for the test — shared by the transport and the send tests.

``Received`` records what the server was given and can answer as a real server does when asked:
``rcpt_replies`` / ``data_replies`` (recipient → replies to give, in order, before accepting: a
``451`` then success, a ``550``; ``DROP`` for DATA keeps the message and drops the connection before
answering), and ``on_mail`` (called at each ``MAIL FROM``: the crash test
kills the sending process there).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "relay-user", "relay-secret"


@dataclass
class Received:
    """What the test server was given."""

    envelopes: list[Envelope] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    tls: list[bool] = field(default_factory=list)
    #: recipient → replies to RCPT TO given before accepting (each used once)
    rcpt_replies: dict[str, list[str]] = field(default_factory=dict)
    #: recipient → replies to the end of DATA given before accepting (each used once)
    data_replies: dict[str, list[str]] = field(default_factory=dict)
    #: called with the number of messages accepted so far, at each MAIL FROM
    on_mail: Callable[[int], None] | None = None

    async def handle_MAIL(self, server: Any, session: Any, envelope: Envelope, address: str, options: list[str]) -> str:  # noqa: N802 - aiosmtpd hook
        if self.on_mail is not None:
            self.on_mail(len(self.envelopes))
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Envelope, address: str, options: list[str]) -> str:  # noqa: N802 - aiosmtpd hook
        pending = self.rcpt_replies.get(address)
        if pending:
            return pending.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd hook
        pending = [r for r in (self.data_replies.get(a) for a in envelope.rcpt_tos) if r]
        if pending:
            reply = pending[0].pop(0)
            if reply != "DROP":
                return reply
            # accepted, but the connection drops before the reply: the sender cannot know
            self.envelopes.append(envelope)
            server.transport.abort()
            return "250 never seen"
        self.envelopes.append(envelope)
        self.tls.append(server.transport.get_extra_info("ssl_object") is not None)
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (USER.encode(), PASSWORD.encode())
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok)

    def messages(self) -> list[bytes]:
        return [e.original_content or b"" for e in self.envelopes]

    def recipients(self) -> list[str]:
        return [r for e in self.envelopes for r in e.rcpt_tos]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert file, key file) in ``directory``."""
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


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """Trusts the test certificate and nothing else: the transport really verified the server."""
    return ssl.create_default_context(cafile=str(certificate[0]))


@contextmanager
def smtp_server(received: Received | None = None, **parameters: Any) -> Iterator[tuple[Received, int]]:
    """An aiosmtpd server on a free local port for the duration of the block."""
    handler = received or Received()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, authenticator=handler.authenticate, **parameters)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
