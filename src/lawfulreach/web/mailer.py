"""Sending the one mail the public pages send: the verification link of a privacy request.

Three ways out, chosen by ``serve`` options:

* ``OutboxMailer`` (default): each message is written as an ``.eml`` file into a directory
  (``$LAWFULREACH_HOME/outbox``) for an operator or a mail relay to pick up — works with no mail
  server, and is what a fresh ``lawfulreach serve`` uses.
* ``SmtpMailer``: a mail server (``--smtp-host``), STARTTLS when offered, credentials from the
  environment (``LAWFULREACH_SMTP_USER`` / ``LAWFULREACH_SMTP_PASSWORD``).
* ``MemoryMailer``: keeps messages in a list (tests).

A message holds the recipient's address (it has to); nothing here logs it.
"""

from __future__ import annotations

import os
import secrets
import smtplib
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from lawfulreach.errors import ConfigError


class MailError(ConfigError):
    """The verification mail could not be handed over (outbox not writable, SMTP refused or down)."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


def compose(sender: str, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "lawfulreach.invalid")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    return message


@dataclass
class OutboxMailer:
    directory: Path

    def send(self, message: EmailMessage) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = self.directory / f"{secrets.token_hex(8)}.eml"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(message.as_bytes())
        except OSError as exc:
            raise MailError(f"cannot write to the mail outbox {self.directory}: {exc.strerror or exc}") from None


@dataclass
class SmtpMailer:
    host: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0

    def send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls()
                    smtp.ehlo()
                if self.username and self.password:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"cannot send mail through {self.host}:{self.port}: {type(exc).__name__}") from None


@dataclass
class MemoryMailer:
    messages: list[EmailMessage] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def send(self, message: EmailMessage) -> None:
        with self._lock:
            self.messages.append(message)
