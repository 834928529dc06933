"""``MailSettings``: how outbound mail leaves, as one value object; ``transport_for`` builds it.

Built at the edge (``serve`` options, a test); nothing here reads the environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lawfulreach.messaging.memory import MemoryTransport
from lawfulreach.messaging.outbox import OutboxTransport
from lawfulreach.messaging.port import Transport
from lawfulreach.messaging.smtp import SmtpSecurity, SmtpTransport


@dataclass(frozen=True)
class MailSettings:
    sender: str = "privacy@lawfulreach.invalid"
    #: write messages as .eml files here (used when no SMTP host is set)
    outbox: Path | None = None
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_security: SmtpSecurity = SmtpSecurity.AUTO


def transport_for(settings: MailSettings) -> Transport:
    """The transport the settings describe: the SMTP server when one is named, else the outbox
    directory when one is set, else a ``MemoryTransport`` (nothing leaves the process)."""
    if settings.smtp_host:
        return SmtpTransport(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_user,
            settings.smtp_password,
            security=settings.smtp_security,
        )
    if settings.outbox is not None:
        return OutboxTransport(settings.outbox)
    return MemoryTransport()
