"""``lawfulreach send`` through a real SMTP server (aiosmtpd with STARTTLS and AUTH; ``smtp_support``):
what the server received is signed (verified by dkimpy's own verifier), carries the headers and the
footer its decision requires and passes the message check; the send log makes every re-run safe."""

from __future__ import annotations

import base64
import os
import re
import signal
import stat
import subprocess
import sys
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import dkim
import pytest

from lawfulreach.commands.lint import decide_for, sender_for
from lawfulreach.domain.lint import Audience, check_message
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import ConfigError, InputError, LintRefusedError
from lawfulreach.messages.eml import parse_eml
from lawfulreach.rules.lint import lint_rules
from lawfulreach.service import Lawfulreach
from lawfulreach.store import Subject
from outreach_support import DOMAIN, SELECTOR, Setup, leads
from smtp_support import USER, Received


def parsed(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


class TestSending:
    def test_signed_messages_with_the_headers_and_footer_the_decision_requires(self, setup: Setup) -> None:
        path = setup.screened(3)
        with setup.server() as (received, port):
            report = setup.send(path, port)
        assert (report.sent, report.refused, report.failed) == (3, 0, 0)
        assert received.tls == [True, True, True]
        assert received.logins == [USER]
        assert report.connections == 1  # one connection, one login for the whole send
        assert sorted(received.recipients()) == [f"lead{i}@buyer{i}.example" for i in range(3)]
        campaign = setup.ws.campaigns.get("q4").campaign
        for raw in received.messages():
            assert dkim.verify(raw, dnsfunc=setup.dns()), "the DKIM signature must verify"
            signature = parsed(raw)["DKIM-Signature"]
            assert f"d={DOMAIN}" in signature
            assert f"s={SELECTOR}" in signature
            assert "list-unsubscribe : list-unsubscribe-post" in " ".join(signature.split())
            message = parsed(raw)
            unsubscribe = str(message["List-Unsubscribe"])
            assert unsubscribe.startswith("<https://optout.northwind.example/u/")
            assert "<mailto:hello@northwind.example?subject=unsubscribe>" in unsubscribe
            assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            assert message["From"] == "Northwind Ltd <hello@northwind.example>"
            assert message["Date"]
            assert message["Message-ID"]
            text = message.get_body(("plain",))
            assert text is not None
            body = text.get_content()
            assert "Hello Lead" in body
            assert "Sent by Northwind Ltd, 1 High Street, London EC1A 1AA" in body
            assert "https://northwind.example/privacy" in body
            assert unsubscribe[1:].split(">")[0] in body
            html = message.get_body(("html",))
            assert html is not None
            assert "Unsubscribe</a>" in html.get_content()
            # what the server got passes the message check, for the decision the audience gets
            found = setup.ws.send_log.recipient_for_message_ids([str(message["Message-ID"])])
            assert found is not None
            assert found.email == str(message["To"])
            assert found.campaign_id == "q4"
            audience = Audience(Channel.EMAIL, "GB")
            checked = check_message(
                parse_eml(raw, "received"),
                decide_for(Lawfulreach(), audience, campaign),
                audience,
                sender_for(campaign, setup.ws.profiles.get()),
                lint_rules(),
            )
            assert checked.ok, [f.to_dict() for f in checked.missing]
        assert setup.ws.send_log.counts("q4", report.campaign_version) == {"sent": 3}
        assert report.run is not None
        run = setup.ws.evidence.run(report.run)
        assert (run.kind, run.decisions, run.counts) == ("send", 3, {"email": {"allowed": 3}})
        assert {e.run_ref for e in setup.ws.send_log.entries("q4", report.campaign_version)} == {report.run}

    def test_an_opt_out_after_screening_stops_that_message(self, setup: Setup) -> None:
        path = setup.screened(3)
        setup.ws.ledger.opt_out(Subject("email", "lead1@buyer1.example"), source="replied stop")
        with setup.server() as (received, port):
            report = setup.send(path, port)
        assert (report.sent, report.refused) == (2, 1)
        assert report.refusal_reasons["opted_out"] == 1
        assert "lead1@buyer1.example" not in received.recipients()
        entry = setup.ws.send_log.entry("q4", report.campaign_version, "lead1@buyer1.example")
        assert entry is not None
        assert entry.status == "refused"
        assert "opted_out" in entry.reasons

    def test_a_rerun_sends_nobody_twice(self, setup: Setup) -> None:
        path = setup.screened(3)
        with setup.server() as (received, port):
            first = setup.send(path, port)
            again = setup.send(path, port)
        assert (first.sent, again.sent, again.already_sent) == (3, 0, 3)
        assert len(received.recipients()) == 3

    def test_a_4xx_is_retried_after_a_back_off_and_then_sent(self, setup: Setup) -> None:
        path = setup.screened(2)
        handler = Received(
            rcpt_replies={"lead0@buyer0.example": ["451 4.7.1 Greylisted, try again later"]},
            data_replies={"lead1@buyer1.example": ["452 4.3.1 Insufficient system storage"]},
        )
        with setup.server(handler) as (received, port):
            report = setup.send(path, port)
        assert (report.sent, report.deferred) == (2, 0)
        assert sorted(received.recipients()) == ["lead0@buyer0.example", "lead1@buyer1.example"]
        for email in ("lead0@buyer0.example", "lead1@buyer1.example"):
            entry = setup.ws.send_log.entry("q4", report.campaign_version, email)
            assert entry is not None
            assert (entry.status, entry.attempts) == ("sent", 2)

    def test_a_4xx_that_persists_is_deferred_and_sent_by_the_next_run(self, setup: Setup) -> None:
        path = setup.screened(1)
        busy = Received(rcpt_replies={"lead0@buyer0.example": ["421 4.3.2 busy"] * 4})
        with setup.server(busy) as (received, port):
            report = setup.send(path, port, smtp_retries=3)
            assert report.deferred == 1
            entry = setup.ws.send_log.entry("q4", report.campaign_version, "lead0@buyer0.example")
            assert entry is not None
            assert entry.status == "deferred"
            assert "421" in (entry.detail or "")
            assert setup.send(path, port).sent == 1
        assert received.recipients() == ["lead0@buyer0.example"]

    def test_a_5xx_is_recorded_as_failed_and_the_run_goes_on(self, setup: Setup) -> None:
        path = setup.screened(3)
        handler = Received(rcpt_replies={"lead1@buyer1.example": ["550 5.1.1 No such user"]})
        with setup.server(handler) as (received, port):
            report = setup.send(path, port)
            assert (report.sent, report.failed) == (2, 1)
            entry = setup.ws.send_log.entry("q4", report.campaign_version, "lead1@buyer1.example")
            assert entry is not None
            assert entry.status == "failed"
            assert "550 5.1.1" in (entry.detail or "")
            again = setup.send(path, port)
            assert (again.sent, again.skipped_failed, again.already_sent) == (0, 1, 2)
        assert sorted(received.recipients()) == ["lead0@buyer0.example", "lead2@buyer2.example"]

    def test_a_connection_lost_during_data_is_uncertain_and_not_resent_unless_asked(self, setup: Setup) -> None:
        path = setup.screened(2)
        handler = Received(data_replies={"lead0@buyer0.example": ["DROP"]})
        with setup.server(handler) as (received, port):
            report = setup.send(path, port)
            assert (report.sent, report.uncertain) == (1, 1)
            entry = setup.ws.send_log.entry("q4", report.campaign_version, "lead0@buyer0.example")
            assert entry is not None
            assert entry.status == "in_flight"
            assert setup.send(path, port).skipped_uncertain == 1
            retried = setup.send(path, port, retry_uncertain=True)
            assert retried.sent == 1
        ids = [str(parsed(raw)["Message-ID"]) for raw in received.messages() if b"lead0@" in raw]
        assert len(ids) == 2
        assert ids[0] == ids[1]

    def test_rate_limit_spaces_the_messages(self, setup: Setup) -> None:
        path = setup.screened(3)
        with setup.server() as (_received, port):
            report = setup.send(path, port, per_second=20.0)
        assert report.sent == 3
        assert report.seconds >= 0.1  # three messages at 20/s: two gaps of 50 ms


class TestFromARecordedRun:
    def test_the_rows_a_recorded_screen_allowed_are_sent(self, setup: Setup) -> None:
        source = setup.tmp / "list.csv"
        source.write_text(leads(3) + "blocked@x.example,Bo,X Ltd,GB,individual\n", encoding="utf-8")
        out = setup.tmp / "list-screened.csv"
        run = setup.cli("screen", str(source), "--campaign", "q4", "--channels", "email", "--record", "--out", str(out))
        assert run.code == 0, run.err
        ref = re.search(r"run-[0-9a-f]{12}", run.out)
        assert ref is not None
        with setup.server() as (received, port):
            report = setup.send(source, port, run=ref.group(0))
        assert (report.considered, report.sent) == (3, 3)
        assert "blocked@x.example" not in received.recipients()
        other = setup.tmp / "other.csv"
        other.write_text(leads(2), encoding="utf-8")
        with pytest.raises(InputError, match="is not the list run"):
            setup.send(other, None, run=ref.group(0), dry_run=setup.tmp / "d")


class TestRefusals:
    def test_a_template_that_fails_the_message_check_sends_nothing(self, setup: Setup) -> None:
        setup.ws.profiles.update(postal_address=None)
        source = setup.tmp / "us.csv"
        source.write_text("email,first_name,company,country\nann@corp.example,Ann,Corp Inc,US\n", encoding="utf-8")
        out = setup.tmp / "us-screened.csv"
        assert setup.cli("screen", str(source), "--campaign", "q4", "--channels", "email", "--out", str(out)).code == 0
        with setup.server() as (received, port), pytest.raises(LintRefusedError, match="postal_address"):
            setup.send(out, port)
        assert received.envelopes == []

    def test_an_unsigned_send_is_refused_unless_the_relay_signs(self, setup: Setup) -> None:
        path = setup.screened(1)
        setup.signer = None  # type: ignore[assignment]
        with setup.server() as (received, port):
            with pytest.raises(ConfigError, match="no DKIM key"):
                setup.send(path, port)
            assert setup.send(path, port, require_dkim=False).sent == 1
        assert b"DKIM-Signature" not in received.messages()[0]

    def test_not_a_screened_file(self, setup: Setup) -> None:
        raw = setup.tmp / "raw.csv"
        raw.write_text("email\nx@y.example\n", encoding="utf-8")
        with pytest.raises(InputError, match="email_outcome"):
            setup.send(raw, None, dry_run=setup.tmp / "out")


class TestDryRun:
    def test_writes_private_eml_files_and_records_nothing(self, setup: Setup) -> None:
        path = setup.screened(2)
        out = setup.tmp / "dry"
        report = setup.send(path, None, dry_run=out)
        files = sorted(out.glob("*.eml"))
        assert report.written == 2
        assert len(files) == 2
        assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
        assert all(dkim.verify(f.read_bytes(), dnsfunc=setup.dns()) for f in files)
        assert setup.ws.send_log.counts("q4", report.campaign_version) == {}


class TestCli:
    def test_dry_run_from_the_command_line(self, setup: Setup) -> None:
        path = setup.screened(2)
        out = setup.tmp / "dry"
        run = setup.cli(
            "send", str(path), "--campaign", "q4", "--template", str(setup.template), "--dry-run", str(out),
            "--dkim-key", str(setup.key_file), "--dkim-selector", SELECTOR,
        )  # fmt: skip
        assert run.code == 0, run.err
        assert "2 messages written" in run.out
        assert len(list(out.glob("*.eml"))) == 2

    def test_an_incomplete_profile_is_warned_about_before_sending(self, setup: Setup) -> None:
        setup.ws.profiles.update(postal_address=None)
        path = setup.screened(1)
        run = setup.cli(
            "send", str(path), "--campaign", "q4", "--template", str(setup.template),
            "--dry-run", str(setup.tmp / "dry"), "--no-dkim",
        )  # fmt: skip
        assert run.code == 0, run.err
        assert "warning: tenant 'default''s organisation profile is incomplete (missing" in run.err
        assert "postal address" in run.err

    @pytest.mark.parametrize(
        ("args", "needle"),
        [
            (["--template", "missing.toml"], "template file"),
            (["--template", "TEMPLATE", "--campaign", "nope"], "--campaign 'nope'"),
            (["--template", "TEMPLATE", "--rate", "fast"], "--rate 'fast'"),
            (["--template", "TEMPLATE"], "--smtp-host"),
        ],
    )
    def test_errors_are_one_line(self, setup: Setup, args: list[str], needle: str) -> None:
        path = setup.screened(1)
        args = [str(setup.template) if a == "TEMPLATE" else a for a in args]
        if "--campaign" not in args:
            args += ["--campaign", "q4"]
        run = setup.cli("send", str(path), *args)
        assert run.code != 0
        assert needle in run.err, run.err
        assert run.err.strip().count("\n") == 0, run.err


def test_a_crash_after_500_of_1000_and_a_rerun_send_each_message_exactly_once(setup: Setup) -> None:
    """The acceptance test: the sending process is killed (SIGKILL) when the server has accepted 500
    messages; the re-run sends the other 500, and nobody gets two."""
    path = setup.screened(1000)
    child: list[subprocess.Popen[bytes]] = []

    def kill_at_500(accepted: int) -> None:
        if accepted == 500 and child and child[0].poll() is None:
            os.kill(child[0].pid, signal.SIGKILL)
            child[0].wait()

    with setup.server(Received(on_mail=kill_at_500)) as (received, port):
        env = {**os.environ, "LAWFULREACH_KEY_FILE": str(setup.settings.key_file)}
        command = [
            sys.executable, "-m", "lawfulreach", "--db", setup.settings.url, "send", str(path),
            "--campaign", "q4", "--template", str(setup.template), "--smtp-host", "127.0.0.1",
            "--smtp-port", str(port), "--smtp-ca-file", str(setup.certificate[0]),
            "--dkim-key", str(setup.key_file), "--dkim-selector", SELECTOR,
        ]  # fmt: skip
        child.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        _out, err = child[0].communicate(timeout=120)
        assert child[0].returncode == -signal.SIGKILL, err.decode()
        assert len(received.envelopes) == 500
        report = setup.send(path, port)
    assert (report.sent, report.already_sent, report.skipped_uncertain) == (500, 500, 0)
    recipients = received.recipients()
    assert len(recipients) == 1000
    assert len(set(recipients)) == 1000
    assert setup.ws.send_log.counts("q4", report.campaign_version) == {"sent": 1000}


def test_implicit_tls_from_the_first_byte(setup: Setup) -> None:
    from lawfulreach.messaging.smtp import SmtpSecurity, SmtpTransport
    from lawfulreach.outreach.smtp import SmtpSession
    from smtp_support import PASSWORD, client_context, server_context, smtp_server

    with smtp_server(ssl_context=server_context(setup.certificate), auth_require_tls=False) as (received, port):
        transport = SmtpTransport(
            "127.0.0.1", port, USER, PASSWORD, security=SmtpSecurity.SSL, context=client_context(setup.certificate)
        )
        with SmtpSession(transport) as session:
            for n in range(2):
                data = f"From: a@northwind.example\r\nTo: b{n}@x.example\r\nSubject: t\r\n\r\nhi\r\n".encode()
                assert session.deliver("a@northwind.example", f"b{n}@x.example", data, lambda: True).status == "sent"
            assert session.connections == 1
    assert received.tls == [True, True]
    assert received.logins == [USER]


def test_a_dkim_key_others_can_read_is_refused(setup: Setup, tmp_path: Path) -> None:
    from lawfulreach.outreach.dkim import DkimSigner

    loose = tmp_path / "loose.pem"
    loose.write_bytes(setup.key_file.read_bytes())
    loose.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        DkimSigner.load(loose, SELECTOR, DOMAIN)
    with pytest.raises(ConfigError, match="not a DNS name"):
        DkimSigner.load(setup.key_file, "bad selector", DOMAIN)


def test_an_ed25519_key_signs_as_rfc_8463_says(setup: Setup, tmp_path: Path) -> None:
    """Ed25519 (RFC 8463): the whole send signed with it verifies with dkimpy's own verifier against
    the record ``public_record`` gives; a changed body no longer does."""
    from dataclasses import replace

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    from lawfulreach.outreach.dkim import DkimSigner

    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    key_file = tmp_path / "ed25519.pem"
    key_file.write_bytes(pem)
    key_file.chmod(0o600)
    signer = DkimSigner.load(key_file, SELECTOR, DOMAIN)
    assert signer.algorithm == "ed25519-sha256"
    record = signer.public_record()
    assert record.startswith("v=DKIM1; k=ed25519; p=")
    assert len(base64.b64decode(record.split("p=")[1])) == 32  # the raw key, not SubjectPublicKeyInfo
    ed = replace(setup, signer=signer)
    with ed.server() as (received, port):
        assert ed.send(ed.screened(2), port).sent == 2
    for raw in received.messages():
        assert "a=ed25519-sha256" in " ".join(parsed(raw)["DKIM-Signature"].split())
        assert dkim.verify(raw, dnsfunc=ed.dns())
        assert not dkim.verify(raw.replace(b"Northwind", b"Northw1nd", 1), dnsfunc=ed.dns())


def test_a_key_of_another_type_is_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from lawfulreach.outreach.dkim import DkimSigner

    key_file = tmp_path / "ec.pem"
    key_file.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_file.chmod(0o600)
    with pytest.raises(ConfigError, match="neither an RSA nor an Ed25519 key"):
        DkimSigner.load(key_file, SELECTOR, DOMAIN)
