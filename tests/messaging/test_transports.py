"""The mail transports behind ``messaging.Transport``: each one delivers the same message, whole.

The SMTP transport is tested against a real SMTP server (aiosmtpd) on a local port — in the clear,
upgraded with STARTTLS, and over implicit TLS, with a self-signed certificate made for the test.
"""

from __future__ import annotations

import json
import stat
from dataclasses import asdict
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from lawfulreach.messaging import (
    MailError,
    MailSettings,
    MemoryTransport,
    OutboxTransport,
    SmtpSecurity,
    SmtpTransport,
    compose,
    transport_for,
    verification_message,
)
from smtp_support import PASSWORD, USER, client_context, free_port, make_certificate, server_context, smtp_server

SENDER = "privacy@sender.example"
RECIPIENT = "ada@example.com"


def message(subject: str = "Confirm your privacy request") -> EmailMessage:
    return compose(SENDER, RECIPIENT, subject, "Open this link: https://optout.example.test/verify/abc\n")


def headers_of(raw: bytes) -> dict[str, str]:
    parsed = message_from_bytes(raw, policy=policy.default)
    return {name: str(parsed[name]) for name in ("From", "To", "Subject", "Message-ID", "Auto-Submitted", "Date")}


class TestMemory:
    """The memory transport keeps every message, in order, untouched (tests and dry runs)."""

    def test_keeps_messages_in_order(self) -> None:
        transport = MemoryTransport()
        first, second = message("first"), message("second")
        transport.send(first)
        transport.send(second)
        assert transport.messages == [first, second]


class TestOutbox:
    """The outbox writes each message as its own .eml file that only the server's user can read."""

    def test_writes_one_private_file_per_message(self, tmp_path: Path) -> None:
        outbox = tmp_path / "outbox"
        transport = OutboxTransport(outbox)
        sent = [message("first"), message("second")]
        for m in sent:
            transport.send(m)
        files = sorted(outbox.glob("*.eml"))
        assert len(files) == 2
        assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
        assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
        written = sorted(headers_of(f.read_bytes())["Subject"] for f in files)
        assert written == ["first", "second"]
        assert {f.read_bytes() for f in files} == {m.as_bytes() for m in sent}

    def test_an_unwritable_outbox_is_a_mail_error_naming_the_directory(self, tmp_path: Path) -> None:
        blocker = tmp_path / "not-a-directory"
        blocker.write_text("")
        with pytest.raises(MailError, match="not-a-directory") as caught:
            OutboxTransport(blocker / "outbox").send(message())
        assert RECIPIENT not in str(caught.value)


# --- a real SMTP server (``smtp_support``) ------------------------------------------------------
@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert file, key file)."""
    return make_certificate(tmp_path_factory.mktemp("tls"))


class TestSmtp:
    """The SMTP transport hands the message to a real server, headers and body intact."""

    def test_sends_in_the_clear_when_the_server_offers_no_starttls(self) -> None:
        sent = message()
        with smtp_server(auth_require_tls=False) as (received, port):
            SmtpTransport("127.0.0.1", port, USER, PASSWORD).send(sent)
        (envelope,) = received.envelopes
        assert envelope.mail_from == SENDER
        assert envelope.rcpt_tos == [RECIPIENT]
        assert isinstance(envelope.original_content, bytes)
        got = headers_of(envelope.original_content)
        assert got == {name: str(sent[name]) for name in got}
        assert got["Auto-Submitted"] == "auto-generated"
        assert received.logins == [USER]
        assert received.tls == [False]

    def test_upgrades_with_starttls_when_offered(self, certificate: tuple[Path, Path]) -> None:
        with smtp_server(tls_context=server_context(certificate), require_starttls=True) as (received, port):
            transport = SmtpTransport("127.0.0.1", port, USER, PASSWORD, context=client_context(certificate))
            transport.send(message())
        assert received.tls == [True]
        assert received.logins == [USER]
        assert headers_of(received.envelopes[0].original_content or b"")["To"] == RECIPIENT

    def test_implicit_tls(self, certificate: tuple[Path, Path]) -> None:
        # aiosmtpd counts only STARTTLS as TLS for AUTH; the connection here is TLS from the start
        with smtp_server(ssl_context=server_context(certificate), auth_require_tls=False) as (received, port):
            transport = SmtpTransport(
                "127.0.0.1", port, USER, PASSWORD, security=SmtpSecurity.SSL, context=client_context(certificate)
            )
            transport.send(message())
        assert received.tls == [True]
        assert received.logins == [USER]

    def test_required_starttls_sends_nothing_to_a_server_without_it(self) -> None:
        with smtp_server(auth_require_tls=False) as (received, port):
            transport = SmtpTransport("127.0.0.1", port, security=SmtpSecurity.STARTTLS)
            with pytest.raises(MailError, match="does not offer STARTTLS"):
                transport.send(message())
        assert received.envelopes == []

    def test_a_server_that_is_down_is_a_mail_error_naming_the_server_not_the_recipient(self) -> None:
        port = free_port()
        with pytest.raises(MailError, match=f"127.0.0.1:{port}") as caught:
            SmtpTransport("127.0.0.1", port, timeout=2.0).send(message())
        assert RECIPIENT not in str(caught.value)


class TestTransportFor:
    """``transport_for`` chooses what the settings name: SMTP first, then the outbox, else memory."""

    def test_an_smtp_host_wins(self, tmp_path: Path) -> None:
        settings = MailSettings(
            outbox=tmp_path,
            smtp_host="smtp.example",
            smtp_port=465,
            smtp_user=USER,
            smtp_password=PASSWORD,
            smtp_security=SmtpSecurity.SSL,
        )
        assert transport_for(settings) == SmtpTransport("smtp.example", 465, USER, PASSWORD, security=SmtpSecurity.SSL)
        assert PASSWORD not in repr(transport_for(settings))

    def test_else_the_outbox(self, tmp_path: Path) -> None:
        assert transport_for(MailSettings(outbox=tmp_path)) == OutboxTransport(tmp_path)

    def test_else_memory(self) -> None:
        assert isinstance(transport_for(MailSettings()), MemoryTransport)


class TestServeChoosesTheTransport:
    """``serve``'s mail options become the settings ``transport_for`` reads (also in worker processes,
    which rebuild the config from the same plain options)."""

    def test_smtp_options_and_credentials_reach_the_transport(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from lawfulreach.cli.serve import _config
        from lawfulreach.store import WorkspaceSettings

        monkeypatch.setenv("LAWFULREACH_SMTP_USER", USER)
        monkeypatch.setenv("LAWFULREACH_SMTP_PASSWORD", PASSWORD)
        workspace = WorkspaceSettings(url=f"sqlite:///{tmp_path / 'w.db'}", key_file=tmp_path / "workspace.key")
        options: dict[str, object] = {
            "workspace": {
                **asdict(workspace),
                "key_file": str(workspace.key_file),
                "max_clock_skew": workspace.max_clock_skew.total_seconds(),
                "outbox": None,
            },
            "rules": [],
            "policy": None,
            "public_url": "https://optout.example.test",
            "outbox": str(tmp_path / "outbox"),
            "smtp_host": "smtp.example",
            "smtp_port": 465,
            "smtp_security": "ssl",
            "mail_from": SENDER,
            "organisation": None,
            "privacy_notice": None,
            "key_cache_seconds": 5.0,
        }
        mail = _config(json.loads(json.dumps(options))).mail
        assert mail.sender == SENDER
        assert transport_for(mail) == SmtpTransport("smtp.example", 465, USER, PASSWORD, security=SmtpSecurity.SSL)


class TestVerificationMessage:
    """The verification mail: the organisation, the request, the deadline and the link; nothing else."""

    def test_says_who_what_how_long_and_where(self) -> None:
        link = "https://optout.example.test/privacy-request/verify/tok"
        mail = verification_message(
            sender=SENDER, to=RECIPIENT, organisation="Northwind", request_type="ccpa_know", hours=24, link=link
        )
        text = mail.get_content()
        assert (mail["From"], mail["To"], mail["Subject"]) == (SENDER, RECIPIENT, "Confirm your privacy request")
        assert "Someone asked Northwind" in text
        assert "(ccpa know)" in text
        assert "within 24 hours" in text
        assert link in text
