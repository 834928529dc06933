"""Outbound mail: one port, ``Transport.send(message)``, and the adapters behind it.

Everything that sends mail builds an ``email.message.EmailMessage`` and hands it to a ``Transport``;
nothing else knows how it leaves. Which transport is chosen from ``MailSettings`` by
``transport_for`` (``serve`` options become settings; tests pass their own transport instead):

* ``OutboxTransport``: each message is written as an ``.eml`` file (mode 0600) into a directory
  (``$LAWFULREACH_HOME/outbox``) for an operator or a mail relay to pick up — works with no mail
  server, and is what a fresh ``lawfulreach serve`` uses.
* ``SmtpTransport``: a mail server (``--smtp-host``); STARTTLS when offered (``SmtpSecurity``:
  required STARTTLS or implicit TLS on request), credentials from the settings.
* ``MemoryTransport``: keeps messages in a list (tests, dry runs).

The messages themselves are composed here too (``verification``: the privacy-request link).
A message holds the recipient's address (it has to); nothing here logs it.

    LawfulreachError
    └── ConfigError
        └── MailError     a message could not be handed over (outbox not writable, SMTP refused or down)
"""

from lawfulreach.messaging.compose import compose
from lawfulreach.messaging.memory import MemoryTransport
from lawfulreach.messaging.outbox import OutboxTransport
from lawfulreach.messaging.port import MailError, Transport
from lawfulreach.messaging.settings import MailSettings, transport_for
from lawfulreach.messaging.smtp import SmtpSecurity, SmtpTransport
from lawfulreach.messaging.verification import verification_message

__all__ = [
    "MailError",
    "MailSettings",
    "MemoryTransport",
    "OutboxTransport",
    "SmtpSecurity",
    "SmtpTransport",
    "Transport",
    "compose",
    "transport_for",
    "verification_message",
]
