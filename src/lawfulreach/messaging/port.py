"""The port every sender calls, and the one error an adapter raises."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol

from lawfulreach.errors import ConfigError


class MailError(ConfigError):
    """A message could not be handed over (outbox not writable, SMTP refused or down).

    The message names the outbox or server, never the recipient."""


class Transport(Protocol):
    """Hands a composed message on, or raises ``MailError``; returns once it is out of our hands."""

    def send(self, message: EmailMessage) -> None: ...
